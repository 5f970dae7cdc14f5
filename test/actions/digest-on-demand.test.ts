// A manager's digest previewed and sent on demand, in the manager's timezone and language,
// linking to the console when the service knows its public address.
import { describe, expect, it } from "vitest";
import { localDateTime } from "../../src/digests/digests.ts";
import { drainOutbox } from "../../src/outbox/drain.ts";
import { readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { count, raiseAlert } from "./support.ts";

const ctx = useTestContext();

async function managerWithAlert(ws: TestWorkspace, manager: Record<string, unknown>) {
  const res = await ctx.request("/v1/managers", { key: ws.keys.admin, json: { id: "kim", name: "Kim Minji", email: "kim@brand.test", ...manager } });
  expect(res.status).toBe(201);
  await ctx.request("/v1/customers/vip", { method: "PUT", key: ws.keys.manager, json: { managerId: "kim", name: "Jiwoo" } });
  const alertId = await raiseAlert(ctx, ws, "vip");
  await drainOutbox(ctx);
  const [task] = await ctx.database.sql<{ due_at: Date }[]>`select due_at from tasks where workspace_id = ${ws.id} and manager_id = 'kim'`;
  expect(task).toBeDefined();
  return { alertId, dueAt: task!.due_at };
}

describe("digest preview", () => {
  it("says what the next digest would, in Korean with due times in Seoul time, and stores nothing", async () => {
    const ws = await ctx.workspace();
    const { dueAt } = await managerWithAlert(ws, { timezone: "Asia/Seoul", locale: "ko" });
    const res = await ctx.request("/v1/digests/kim/preview", { key: ws.keys.manager });
    expect(res.status).toBe(200);
    const preview = await readJson(res);
    const local = localDateTime(dueAt, "Asia/Seoul", "ko");
    expect(local).toMatch(/^\d{4}년 \d{1,2}월 \d{1,2}일 \d{1,2}:\d{2} GMT\+9$/);
    expect(preview).toMatchObject({ managerId: "kim", locale: "ko", timezone: "Asia/Seoul", sent: null, wouldSend: true });
    expect(preview.content.summary).toMatchObject({ openAlerts: 1, openTasks: 1 });
    const reasons: string[] = preview.content.alerts[0].reasons;
    expect(reasons.length).toBeGreaterThan(0);
    expect(new Set(reasons).size).toBe(reasons.length);
    expect(preview.content.tasks[0]).toMatchObject({ dueAt: dueAt.toISOString(), dueAtLocal: local });
    expect(preview.text).toContain("미해결 알림 1건");
    expect(preview.text).toContain(`기한 ${local}`);
    expect(preview.text).not.toContain(dueAt.toISOString());
    expect(await count(ctx, "digests", ws.id)).toBe(0);
  });

  it("writes in English with the manager's own timezone, and falls back to the workspace's language", async () => {
    const ws = await ctx.workspace();
    const { dueAt } = await managerWithAlert(ws, { timezone: "America/New_York", locale: "en" });
    const en = await readJson(await ctx.request("/v1/digests/kim/preview", { key: ws.keys.manager }));
    expect(en.text).toContain("1 open alert (1 new, 0 updated), 1 open task (0 overdue, 1 new).");
    expect(en.content.tasks[0].dueAtLocal).toBe(localDateTime(dueAt, "America/New_York", "en"));
    expect(en.content.tasks[0].dueAtLocal).toMatch(/EST|GMT-5/);

    await ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: { locale: "ko" } });
    await ctx.request("/v1/managers/kim", { method: "PATCH", key: ws.keys.admin, json: { locale: null } });
    const ko = await readJson(await ctx.request("/v1/digests/kim/preview", { key: ws.keys.manager }));
    expect(ko.locale).toBe("ko");
    expect(ko.text).toContain("진행 중 업무 1건");
  });

  it("writes a KRW workspace's digest in Korean when nobody chose a language: summary, severities and the task's play", async () => {
    const ws = await ctx.workspace();
    await managerWithAlert(ws, { timezone: "Asia/Seoul" });
    const preview = await readJson(await ctx.request("/v1/digests/kim/preview", { key: ws.keys.manager }));
    expect(preview.locale).toBe("ko");
    expect(preview.content.tasks[0].play).toMatch(/경쟁사/);
    expect(preview.text).toContain("미해결 알림 1건");
    expect(preview.text).toContain(`권장 조치: ${preview.content.tasks[0].play}`);
    expect(preview.text).toContain(" · 높음 · ");
    // None of the English digest's words (names, tiers and competitors stay as they are).
    expect(preview.text).not.toMatch(/open alert|Tasks:|Alerts:|Why:|Play:|value at risk|\bdue\b|\bhigh\b|Call |Reach out/);
  });

  it("writes an English workspace's digest and task play in English", async () => {
    const ws = await ctx.workspace();
    expect((await ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: { locale: "en" } })).status).toBe(200);
    await managerWithAlert(ws, { timezone: "Asia/Seoul" });
    const preview = await readJson(await ctx.request("/v1/digests/kim/preview", { key: ws.keys.manager }));
    expect(preview.locale).toBe("en");
    expect(preview.content.tasks[0].play).toMatch(/^(Call|Reach out)/);
    expect(preview.text).toContain("1 open alert (1 new, 0 updated)");
    expect(preview.text).not.toMatch(/[가-힣]/);
  });

  it("links each alert and the task list to the console when PUBLIC_URL is set, and to nothing otherwise", async () => {
    const ws = await ctx.workspace();
    const { alertId } = await managerWithAlert(ws, {});
    const without = await readJson(await ctx.request("/v1/digests/kim/preview", { key: ws.keys.manager }));
    expect(without.text).not.toMatch(/https?:\/\//);
    ctx.config.PUBLIC_URL = "https://rivalwatch.brand.test/";
    try {
      const linked = await readJson(await ctx.request("/v1/digests/kim/preview", { key: ws.keys.manager }));
      expect(linked.text).toContain(`https://rivalwatch.brand.test/console/alerts/${alertId}`);
      expect(linked.text).toContain("https://rivalwatch.brand.test/console/tasks");
      expect(linked.html).toContain(`<a href="https://rivalwatch.brand.test/console/alerts/${alertId}">`);
    } finally {
      ctx.config.PUBLIC_URL = undefined;
    }
  });

  it("answers 404 for a manager the workspace does not have", async () => {
    const ws = await ctx.workspace();
    expect((await ctx.request("/v1/digests/nobody/preview", { key: ws.keys.manager })).status).toBe(404);
  });
});

describe("digest on demand", () => {
  it("sends now once per period: again, it answers with the digest already sent", async () => {
    const ws = await ctx.workspace();
    await managerWithAlert(ws, { timezone: "Asia/Seoul" });
    const first = await ctx.request("/v1/digests/kim/send", { method: "POST", key: ws.keys.manager });
    expect(first.status).toBe(201);
    const created = await readJson(first);
    expect(created).toMatchObject({ result: "created", digest: { managerId: "kim", period: "2026-11-20" } });
    const again = await ctx.request("/v1/digests/kim/send", { method: "POST", key: ws.keys.manager });
    expect(again.status).toBe(200);
    expect(await readJson(again)).toMatchObject({ result: "exists", digest: { id: created.digest.id } });
    expect(await count(ctx, "digests", ws.id)).toBe(1);
    const preview = await readJson(await ctx.request("/v1/digests/kim/preview", { key: ws.keys.manager }));
    expect(preview).toMatchObject({ sent: { digestId: created.digest.id }, wouldSend: false });
  });

  it("sends even when nothing is new and scheduled digests are off", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/managers", { key: ws.keys.admin, json: { id: "lee", name: "Lee", email: "lee@brand.test", locale: "en", digest: { frequency: "off" } } });
    const res = await ctx.request("/v1/digests/lee/send", { method: "POST", key: ws.keys.manager });
    expect(res.status).toBe(201);
    expect((await readJson(res)).digest.text).toContain("0 open alerts (0 new, 0 updated), 0 open tasks (0 overdue, 0 new).");
  });

  it("refuses an inactive manager with 409 and stores nothing", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/managers", { key: ws.keys.admin, json: { id: "gone", name: "Gone", email: "gone@brand.test", active: false } });
    const res = await ctx.request("/v1/digests/gone/send", { method: "POST", key: ws.keys.manager });
    expect(res.status).toBe(409);
    expect((await readJson(res)).detail).toMatch(/inactive/);
    expect(await count(ctx, "digests", ws.id)).toBe(0);
  });
});
