import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestPeriod, digestSchedulerId, sendDigest } from "../../src/digests/digests.ts";
import { drainOutbox } from "../../src/outbox/drain.ts";
import { DEFAULT_NOW, readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { raiseAlert } from "./support.ts";

const ctx = useTestContext();
const mails: { to: string[]; raw: string }[] = [];
let smtp: SMTPServer;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, cb) {
      let raw = "";
      stream.on("data", (c: Buffer) => (raw += c.toString("utf8")));
      stream.on("end", () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
  ctx.config.SMTP_URL = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

const addManager = async (ws: TestWorkspace, body: Record<string, unknown>) => {
  const res = await ctx.request("/v1/managers", { key: ws.keys.admin, json: { name: "Kim Minji", email: "kim@brand.test", ...body } });
  expect(res.status).toBe(201);
  return readJson(res);
};

describe("digests", () => {
  it("builds one digest per manager and period with alerts, tasks and reasons, emails it once, and serves the latest", async () => {
    const ws = await ctx.workspace();
    await addManager(ws, { id: "kim", timezone: "Asia/Seoul", locale: "en" });
    await ctx.request("/v1/customers/vip", { method: "PUT", key: ws.keys.manager, json: { managerId: "kim", name: "Jiwoo" } });
    await raiseAlert(ctx, ws, "vip");
    await drainOutbox(ctx);
    const before = mails.length;
    const results = await Promise.all([sendDigest(ctx, { workspaceId: ws.id, managerId: "kim" }), sendDigest(ctx, { workspaceId: ws.id, managerId: "kim" })]);
    const again = await sendDigest(ctx, { workspaceId: ws.id, managerId: "kim" });
    expect(results.filter((r) => r.result === "created")).toHaveLength(1);
    expect(again.result).toBe("exists");
    // 12:00Z on Nov 20 is 21:00 on Nov 20 in Seoul.
    expect(again.period).toBe("2026-11-20");
    const count = await ctx.database.sql`select count(*)::int as n from digests where workspace_id = ${ws.id}`;
    expect(count[0]!.n).toBe(1);

    const mine = mails.slice(before);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.to).toEqual(["kim@brand.test"]);
    expect(mine[0]!.raw).toMatch(/Subject: Your Rivalwatch digest/);
    expect(mine[0]!.raw).toMatch(/text\/plain/);
    expect(mine[0]!.raw).toMatch(/text\/html/);

    const latest = await readJson(await ctx.request("/v1/digests/kim/latest", { key: ws.keys.manager }));
    expect(latest).toMatchObject({ managerId: "kim", period: "2026-11-20", emailedAt: expect.any(String) });
    expect(latest.content.summary).toMatchObject({ openAlerts: 1, newAlerts: 1, openTasks: 1, newTasks: 1, overdueTasks: 0 });
    expect(latest.content.alerts[0]).toMatchObject({ customerId: "vip", customerName: "Jiwoo", change: "new" });
    expect(latest.content.alerts[0].reasons.join(" ")).toMatch(/경쟁사 앱 3개/);
    expect(latest.content.tasks[0]).toMatchObject({ customerId: "vip", overdue: false, new: true });
    expect(latest.text).toMatch(/Rivalwatch digest for Kim Minji — 2026-11-20/);
    expect(latest.text).toContain("1 open alert (1 new, 0 updated), 1 open task (0 overdue, 1 new).");
    expect(latest.html).toMatch(/<h2>Tasks<\/h2>/);
    const ready = await ctx.database.sql`select payload from outbox where workspace_id = ${ws.id} and kind = 'digest.ready'`;
    expect(ready).toHaveLength(1);
    expect((ready[0]!.payload as { blocks: unknown[] }).blocks).toHaveLength(1);
    expect((await ctx.request("/v1/digests/nobody/latest", { key: ws.keys.manager })).status).toBe(404);
  });

  it("sends nothing when nothing is new, unless the manager asks for empty digests; overdue items come first", async () => {
    const ws = await ctx.workspace();
    await addManager(ws, { id: "kim", timezone: "Asia/Seoul" });
    await ctx.request("/v1/customers/vip", { method: "PUT", key: ws.keys.manager, json: { managerId: "kim" } });
    await raiseAlert(ctx, ws, "vip");
    await drainOutbox(ctx);
    expect((await sendDigest(ctx, { workspaceId: ws.id, managerId: "kim" })).result).toBe("created");
    try {
      ctx.setNow(new Date(DEFAULT_NOW.getTime() + 3 * 3_600_000)); // Nov 21 in Seoul, nothing changed
      expect((await sendDigest(ctx, { workspaceId: ws.id, managerId: "kim" })).result).toBe("skipped");
      ctx.setNow(new Date(DEFAULT_NOW.getTime() + 2 * 86_400_000)); // the task is now overdue: that is news
      const r = await sendDigest(ctx, { workspaceId: ws.id, managerId: "kim" });
      expect(r.result).toBe("created");
      const latest = await readJson(await ctx.request("/v1/digests/kim/latest", { key: ws.keys.manager }));
      expect(latest.content.tasks[0]).toMatchObject({ overdue: true, new: false });
      expect(latest.text).toMatch(/\[기한 초과\]/);
      ctx.setNow(new Date(DEFAULT_NOW.getTime() + 3 * 86_400_000));
      expect((await sendDigest(ctx, { workspaceId: ws.id, managerId: "kim" })).result).toBe("skipped");
      await ctx.request("/v1/managers/kim", { method: "PATCH", key: ws.keys.admin, json: { digest: { sendWhenEmpty: true } } });
      expect((await sendDigest(ctx, { workspaceId: ws.id, managerId: "kim" })).result).toBe("created");
    } finally {
      ctx.setNow(DEFAULT_NOW);
    }
  });

  it("schedules each manager's digest at their local hour in their timezone, and removes it when turned off", async () => {
    const ws = await ctx.workspace();
    await addManager(ws, { id: "ny", timezone: "America/New_York", digest: { frequency: "weekly", hour: 9, weekday: 1 } });
    const queue = ctx.jobs.queue("digests");
    const scheduler = await queue.getJobScheduler(digestSchedulerId(ws.id, "ny"));
    expect(scheduler).toMatchObject({ pattern: "0 9 * * 1", tz: "America/New_York" });
    const next = new Date(Number(scheduler!.next));
    const local = new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", hourCycle: "h23", weekday: "short", hour: "2-digit" }).format(next);
    expect(local).toMatch(/^Mon,? 09$/);
    await ctx.request("/v1/managers/ny", { method: "PATCH", key: ws.keys.admin, json: { digest: { frequency: "off" } } });
    expect(await queue.getJobScheduler(digestSchedulerId(ws.id, "ny"))).toBeUndefined();
  });

  it("names periods by the manager's local day or ISO week", () => {
    const at = new Date("2026-11-20T16:00:00Z");
    expect(digestPeriod(at, "Asia/Seoul", "daily")).toBe("2026-11-21");
    expect(digestPeriod(at, "America/New_York", "daily")).toBe("2026-11-20");
    expect(digestPeriod(at, "America/New_York", "weekly")).toBe("2026-W47");
    expect(digestPeriod(new Date("2027-01-01T12:00:00Z"), "UTC", "weekly")).toBe("2026-W53");
  });
});
