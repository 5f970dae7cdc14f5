// What someone who types the base URL meets: the console, an index of the API, the docs
// with or without the trailing slash.
import { describe, expect, it } from "vitest";
import { useTestContext } from "../support/context.ts";

const ctx = useTestContext();

describe("entry points", () => {
  it("/ sends a browser to the console", async () => {
    const res = await ctx.request("/");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/console");
  });

  it("/v1 answers with links to the docs, the OpenAPI description and the console, each of which answers", async () => {
    const res = await ctx.request("/v1");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { links: Record<string, { href: string }> };
    expect(Object.keys(body.links)).toEqual(expect.arrayContaining(["docs", "openapi", "console"]));
    for (const [name, { href }] of Object.entries(body.links)) {
      const linked = await ctx.request(href);
      expect(linked.status, `${name}: ${href}`).toBe(200);
    }
  });

  it.each(["/docs", "/docs/"])("%s shows the API reference", async (path) => {
    const res = await ctx.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(await res.text()).toContain('url: "/openapi.json"');
  });
});
