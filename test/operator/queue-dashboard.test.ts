// The queue dashboard at /admin/queues: operators only, read-only unless configured,
// its page and assets served from the installed package.
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/http/app.ts";
import { loadConfig } from "../../src/config.ts";
import { useTestContext } from "../support/context.ts";

const ctx = useTestContext();
const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`ops:${key}`).toString("base64")}` });

describe("/admin/queues", () => {
  it("challenges a browser without credentials and refuses non-admin keys", async () => {
    const ws = await ctx.workspace();
    const none = await ctx.request("/admin/queues");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
    expect((await ctx.request("/admin/queues/api/queues", { key: ws.keys.marketer })).status).toBe(401);
  });

  it("shows the page, its assets and every queue, read-only, to an admin key", async () => {
    const ws = await ctx.workspace();
    const page = await ctx.request("/admin/queues", { headers: basic(ws.keys.admin) });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Rivalwatch queues");
    expect(html).toContain('<base href="/admin/queues/" />');
    const asset = html.match(/static\/js\/main\.[^"']+\.js/)?.[0];
    expect(asset).toBeDefined();
    const js = await ctx.request(`/admin/queues/${asset!}`, { headers: basic(ws.keys.admin) });
    expect(js.status).toBe(200);
    expect((await js.text()).length).toBeGreaterThan(1000);

    const api = await ctx.request("/admin/queues/api/queues?activeQueue=features&status=latest&page=1&jobsPerPage=10", { key: ws.keys.admin });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(body.queues.map((q) => q.name).sort()).toEqual(["actions", "deliveries", "digests", "features", "maintenance", "model", "outbox", "scoring"]);
    expect(body.queues.every((q) => q.readOnlyMode)).toBe(true);

    const retry = await ctx.request("/admin/queues/api/queues/features/retry/failed", { method: "PUT", key: ws.keys.admin });
    expect(retry.status).toBe(403);
  });

  it("lets an operator retry and clean, but not obliterate, when QUEUE_DASHBOARD_WRITE is set", async () => {
    const ws = await ctx.workspace();
    const config = { ...ctx.config, QUEUE_DASHBOARD_WRITE: loadConfig({ QUEUE_DASHBOARD_WRITE: "true" }).QUEUE_DASHBOARD_WRITE };
    const app = createApp({ database: ctx.database, jobs: ctx.jobs, clock: ctx.clock, log: ctx.log, config });
    const call = (path: string, method = "PUT") => app.request(path, { method, headers: { authorization: `Bearer ${ws.keys.admin}` } });
    const listed = (await (await call("/admin/queues/api/queues", "GET")).json()) as { queues: { readOnlyMode: boolean; allowRetries: boolean }[] };
    expect(listed.queues.every((q) => !q.readOnlyMode && q.allowRetries)).toBe(true);
    expect((await call("/admin/queues/api/queues/features/retry/failed")).status).toBe(200);
    expect((await call("/admin/queues/api/queues/features/clean/completed")).status).toBe(200);
    expect((await call("/admin/queues/api/queues/features/obliterate")).status).toBe(403);
  });
});
