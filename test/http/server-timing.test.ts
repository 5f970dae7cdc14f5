// Every /v1 answer says how long the service spent on it, errors included.
import { describe, expect, it } from "vitest";
import { useTestContext } from "../support/context.ts";

const ctx = useTestContext();
const dur = (res: Response) => /^app;dur=(\d+\.\d)$/.exec(res.headers.get("server-timing") ?? "")?.[1];

describe("Server-Timing", () => {
  it("gives the service's time on a /v1 answer", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/workspace", { key: ws.keys.admin });
    expect(res.status).toBe(200);
    expect(Number(dur(res))).toBeGreaterThan(0);
  });

  it("gives it on a refused request too", async () => {
    const res = await ctx.request("/v1/workspace");
    expect(res.status).toBe(401);
    expect(dur(res)).toBeDefined();
  });
});
