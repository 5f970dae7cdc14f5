import http from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { describe, expect, it } from "vitest";
import { readJson, useTestContext } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();

async function expectProblem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const body = await readJson(res);
  expect(body).toMatchObject({ status, code, type: expect.stringContaining("/problems/"), title: expect.any(String), detail: expect.any(String) });
  return body;
}

const countSignals = async () => Number((await ctx.database.sql`select count(*)::int as n from signals`)[0]!.n);

describe("HTTP errors are problem details and change nothing", () => {
  it("answers 400 to malformed JSON", async () => {
    const ws = await ctx.workspace();
    const before = await countSignals();
    const res = await ctx.request("/v1/signals", { key: ws.keys.ingest, body: '{"signals": [', headers: { "content-type": "application/json" } });
    await expectProblem(res, 400, "malformed_json");
    expect(await countSignals()).toBe(before);
  });

  it("answers 415 to a body that is not JSON", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/signals", { key: ws.keys.ingest, body: "id=1", headers: { "content-type": "application/x-www-form-urlencoded" } });
    await expectProblem(res, 415, "unsupported_media_type");
  });

  it("answers 413 to a body over the size limit", async () => {
    const ws = await ctx.workspace();
    const huge = JSON.stringify({ signals: [signal.purchase("c-1", daysAgo(1), { data: { category: "x".repeat(ctx.config.MAX_BODY_BYTES) } })] });
    const res = await ctx.request("/v1/signals", { key: ws.keys.ingest, body: huge, headers: { "content-type": "application/json" } });
    await expectProblem(res, 413, "payload_too_large");
  });

  describe("over a real connection", () => {
    /** Posts `chunks` to the app served on a port: with a declared length, or chunked when `length` is null. */
    async function post(key: string, chunks: string[], length: number | null) {
      const server = serve({ fetch: ctx.app.fetch, port: 0, hostname: "127.0.0.1" });
      await new Promise<void>((r) => server.once("listening", () => r()));
      try {
        const { port } = server.address() as AddressInfo;
        return await new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
          const headers: Record<string, string | number> = { authorization: `Bearer ${key}`, "content-type": "application/json" };
          if (length !== null) headers["content-length"] = length;
          const req = http.request({ host: "127.0.0.1", port, path: "/v1/signals", method: "POST", headers }, (res) => {
            let text = "";
            res.on("data", (c: Buffer) => (text += c.toString()));
            res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text) as Record<string, unknown> }));
          });
          // The server may answer before the body is sent; that ends the request, not the test.
          req.on("error", (err: NodeJS.ErrnoException) => (err.code === "EPIPE" || err.code === "ECONNRESET" ? undefined : reject(err)));
          for (const chunk of chunks) req.write(chunk);
          req.end();
        });
      } finally {
        (server as http.Server).closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      }
    }

    it("answers 413 to a declared length over the limit, from the header", async () => {
      const ws = await ctx.workspace();
      const before = await countSignals();
      const res = await post(ws.keys.ingest, ["{}"], ctx.config.MAX_BODY_BYTES + 1);
      expect(res).toMatchObject({ status: 413, body: { code: "payload_too_large" } });
      expect(await countSignals()).toBe(before);
    });

    it("answers 413 to a chunked body that grows over the limit", async () => {
      const ws = await ctx.workspace();
      const before = await countSignals();
      const body = JSON.stringify({ signals: [signal.purchase("c-1", daysAgo(1), { data: { category: "x".repeat(ctx.config.MAX_BODY_BYTES) } })] });
      const res = await post(ws.keys.ingest, [body.slice(0, 1000), body.slice(1000)], null);
      expect(res).toMatchObject({ status: 413, body: { code: "payload_too_large" } });
      expect(await countSignals()).toBe(before);
    });

    it("reads a body within the limit, declared or chunked", async () => {
      const ws = await ctx.workspace();
      const body = (id: string) => JSON.stringify({ signals: [signal.session("c-1", daysAgo(1), { id })] });
      const declared = await post(ws.keys.ingest, [body("declared")], Buffer.byteLength(body("declared")));
      const chunked = await post(ws.keys.ingest, [body("chunked").slice(0, 10), body("chunked").slice(10)], null);
      expect(declared).toMatchObject({ status: 200, body: { accepted: 1 } });
      expect(chunked).toMatchObject({ status: 200, body: { accepted: 1 } });
    });
  });

  it("answers 401 without a key", async () => {
    await expectProblem(await ctx.request("/v1/signals", { json: { signals: [] } }), 401, "unauthorized");
  });

  it("answers 401 to an unknown key", async () => {
    await expectProblem(await ctx.request("/v1/workspace", { key: "rw_live_not-a-real-key" }), 401, "unauthorized");
  });

  it("answers 401 to a revoked key, at once", async () => {
    const ws = await ctx.workspace();
    const created = await readJson(await ctx.request("/v1/api-keys", { key: ws.keys.admin, json: { name: "temp", role: "ingest" } }));
    expect((await ctx.request("/v1/workspace", { key: created.key })).status).toBe(200);
    const del = await ctx.request(`/v1/api-keys/${created.id}`, { method: "DELETE", key: ws.keys.admin });
    expect(del.status).toBe(204);
    await expectProblem(await ctx.request("/v1/workspace", { key: created.key }), 401, "unauthorized");
  });

  it("answers 403 when the key's role may not do this", async () => {
    const ws = await ctx.workspace();
    await expectProblem(await ctx.request("/v1/signals", { key: ws.keys.marketer, json: { signals: [signal.session("c", daysAgo(1))] } }), 403, "forbidden");
    await expectProblem(await ctx.request("/v1/api-keys", { key: ws.keys.ingest }), 403, "forbidden");
  });

  it("answers 422 naming each wrong field", async () => {
    const ws = await ctx.workspace();
    const body = await expectProblem(
      await ctx.request("/v1/api-keys", { key: ws.keys.admin, json: { name: "", role: "superuser" } }),
      422,
      "validation_failed",
    );
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["name", "role"]);
  });

  it("answers 404 to an unknown route", async () => {
    await expectProblem(await ctx.request("/v1/nothing-here"), 404, "not_found");
  });

  it("stores API keys only as hashes", async () => {
    const ws = await ctx.workspace();
    const rows = await ctx.database.sql`select key_hash from api_keys where workspace_id = ${ws.id}`;
    for (const r of rows) expect(Object.values(ws.keys)).not.toContain(r.key_hash);
  });
});
