// Console sessions: an API key is exchanged for an httpOnly cookie that acts with the key's
// role and workspace; state-changing requests need the CSRF token; sign-out ends it.
import { describe, expect, it } from "vitest";
import { readJson, useTestContext } from "../support/context.ts";

const ctx = useTestContext();

async function signIn(key: string) {
  const res = await ctx.request("/v1/sessions", { json: { apiKey: key } });
  const cookie = res.headers.get("set-cookie") ?? "";
  const body = await readJson(res);
  return { res, body, setCookie: cookie, cookie: cookie.split(";")[0]! };
}

describe("console sessions", () => {
  it("sets an httpOnly, SameSite=Strict cookie and answers the role and a CSRF token, never the key", async () => {
    const ws = await ctx.workspace();
    const { res, body, setCookie } = await signIn(ws.keys.manager);
    expect(res.status).toBe(201);
    expect(setCookie).toMatch(/^rw_session=[\w-]{43}; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(body).toMatchObject({ workspaceId: ws.id, role: "manager", workspaceName: "Test brand" });
    expect(body.csrfToken).toMatch(/^[\w-]{32}$/);
    expect(JSON.stringify(body)).not.toContain(ws.keys.manager);
  });

  it("marks the cookie Secure behind https", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/sessions", { json: { apiKey: ws.keys.admin }, headers: { "x-forwarded-proto": "https" } });
    expect(res.headers.get("set-cookie")).toContain("; Secure");
  });

  it("refuses an unknown key", async () => {
    const res = await ctx.request("/v1/sessions", { json: { apiKey: "rw_live_nope" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("reads with the cookie alone, in the key's workspace and role", async () => {
    const ws = await ctx.workspace();
    const { cookie } = await signIn(ws.keys.manager);
    const res = await ctx.request("/v1/workspace", { headers: { cookie } });
    expect(res.status).toBe(200);
    expect((await readJson(res)).id).toBe(ws.id);
    // The manager's role still decides: rules cannot be changed.
    const { csrfToken } = await readJson(await ctx.request("/v1/sessions/current", { headers: { cookie } }));
    const patch = await ctx.request("/v1/rules/vip-order-drop", { method: "PATCH", json: { mode: "off" }, headers: { cookie, "x-csrf-token": csrfToken } });
    expect(patch.status).toBe(403);
  });

  it("refuses a state-changing request without the session's CSRF token", async () => {
    const ws = await ctx.workspace();
    const { cookie, body } = await signIn(ws.keys.marketer);
    const without = await ctx.request("/v1/rules/vip-order-drop", { method: "PATCH", json: { mode: "off" }, headers: { cookie } });
    expect(without.status).toBe(403);
    const wrong = await ctx.request("/v1/rules/vip-order-drop", { method: "PATCH", json: { mode: "off" }, headers: { cookie, "x-csrf-token": "x".repeat(32) } });
    expect(wrong.status).toBe(403);
    const rule = await readJson(await ctx.request("/v1/rules/vip-order-drop", { headers: { cookie } }));
    expect(rule.definition.mode).toBe("live");
    const right = await ctx.request("/v1/rules/vip-order-drop", { method: "PATCH", json: { mode: "off" }, headers: { cookie, "x-csrf-token": body.csrfToken } });
    expect(right.status).toBe(200);
  });

  it("ends the session on sign-out, on the server", async () => {
    const ws = await ctx.workspace();
    const { cookie, body } = await signIn(ws.keys.admin);
    const out = await ctx.request("/v1/sessions/current", { method: "DELETE", headers: { cookie, "x-csrf-token": body.csrfToken } });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/^rw_session=; Max-Age=0/);
    expect((await ctx.request("/v1/workspace", { headers: { cookie } })).status).toBe(401);
    const rows = await ctx.database.sql`select count(*)::int n from console_sessions where workspace_id = ${ws.id}`;
    expect(rows[0]!.n).toBe(0);
  });

  it("ends every session of a key when the key is revoked", async () => {
    const ws = await ctx.workspace();
    const { cookie } = await signIn(ws.keys.manager);
    const keys = await readJson(await ctx.request("/v1/api-keys", { key: ws.keys.admin }));
    const manager = keys.apiKeys.find((k: { role: string }) => k.role === "manager");
    expect((await ctx.request(`/v1/api-keys/${manager.id}`, { method: "DELETE", key: ws.keys.admin })).status).toBe(204);
    expect((await ctx.request("/v1/workspace", { headers: { cookie } })).status).toBe(401);
  });

  it("ends a session after its hours", async () => {
    const ws = await ctx.workspace();
    const { cookie } = await signIn(ws.keys.manager);
    ctx.setNow(new Date(Date.parse("2026-11-20T12:00:00Z") + 13 * 3_600_000));
    try {
      expect((await ctx.request("/v1/workspace", { headers: { cookie } })).status).toBe(401);
    } finally {
      ctx.setNow("2026-11-20T12:00:00Z");
    }
  });

  it("prefers the bearer key when both are sent", async () => {
    const ws = await ctx.workspace();
    const { cookie } = await signIn(ws.keys.admin);
    const res = await ctx.request("/v1/api-keys", { key: ws.keys.manager, headers: { cookie } });
    expect(res.status).toBe(403);
  });
});
