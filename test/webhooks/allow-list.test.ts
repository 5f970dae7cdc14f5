// The workspace's webhook allow-list takes strict entries only.
import { describe, expect, it } from "vitest";
import { readJson, useTestContext } from "../support/context.ts";

const ctx = useTestContext();

describe("actions.webhookAllowList", () => {
  it("refuses an entry with an empty prefix, which used to allow every IPv4 address", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: { actions: { webhookAllowList: ["203.0.113.7/"] } } });
    expect(res.status).toBe(422);
    expect((await readJson(res)).errors[0].path).toBe("actions.webhookAllowList[0]");
    const created = await ctx.request("/v1/webhook-endpoints", { key: ws.keys.admin, json: { url: "http://169.254.169.254/latest", eventTypes: ["alert.opened"] } });
    expect(created.status).toBe(422);
  });
});
