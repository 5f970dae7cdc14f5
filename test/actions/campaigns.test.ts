import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import { campaignStats, uplift } from "../../src/campaigns/campaigns.ts";
import { enrollFromOutbox, holdoutArm } from "../../src/campaigns/enroll.ts";
import { nextSendTime } from "../../src/campaigns/quiet-hours.ts";
import { drainOutbox } from "../../src/outbox/drain.ts";
import { sweepActions } from "../../src/outbox/sweep.ts";
import { DEFAULT_NOW, eventually, readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { signal } from "../support/factories.ts";
import { allowLoopback, count, createEndpoint, raiseAlert, startReceiver } from "./support.ts";

const ctx = useTestContext();
beforeAll(() => ctx.startWorkers());

const createCampaign = async (ws: TestWorkspace, body: Record<string, unknown>) => {
  const fields = { name: "We missed you!", template: { title: "{{name}}, we missed you!", body: "Here is {{coupon.value}} KRW off: {{coupon.code}}" }, coupon: { value: 10000, codes: ["COMEBACK-1", "COMEBACK-2"] }, holdoutPercent: 0, ...body };
  // Every workspace starts with vip-competitor-winback (paused): the tests turn it on with their settings.
  const { slug = "vip-competitor-winback", channel = "push", ...rest } = fields as Record<string, unknown>;
  const res =
    slug === "vip-competitor-winback"
      ? await ctx.request(`/v1/campaigns/${slug}`, { method: "PATCH", key: ws.keys.marketer, json: { ...rest, status: "active" } })
      : await ctx.request("/v1/campaigns", { key: ws.keys.marketer, json: { slug, channel, ...rest } });
  expect(res.status).toBe(slug === "vip-competitor-winback" ? 200 : 201);
  return readJson(res);
};

/** Enrolls directly, as the drain would for a `campaign.enroll` outbox row. */
const enroll = (ws: TestWorkspace, customerId: string, alertId: string, campaign = "vip-competitor-winback") =>
  ctx.database.sql.begin((tx) =>
    enrollFromOutbox(ctx, tx, { id: 0, workspace_id: ws.id, key: "k", kind: "campaign.enroll", alert_id: alertId, customer_id: customerId, payload: { alertId, customerId, campaign, ruleId: "r" }, created_at: ctx.clock() }),
  );

describe("holdout", () => {
  it("is deterministic per campaign and customer and close to the percentage", () => {
    const ids = Array.from({ length: 4000 }, (_, i) => `cust-${i}`);
    const arms = ids.map((id) => holdoutArm("cmp_a", id, 20));
    expect(ids.map((id) => holdoutArm("cmp_a", id, 20))).toEqual(arms);
    const share = arms.filter((a) => a === "holdout").length / ids.length;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.22);
    const other = ids.map((id) => holdoutArm("cmp_b", id, 20));
    expect(other).not.toEqual(arms);
    expect(ids.every((id) => holdoutArm("cmp_a", id, 0) === "treated" && holdoutArm("cmp_a", id, 100) === "holdout")).toBe(true);
  });
});

describe("quiet hours", () => {
  it("defers 21:00–08:00 local sends to 08:00 in the customer's timezone", () => {
    const q = { start: 21, end: 8 };
    // 12:00Z = 21:00 in Seoul → 08:00 Seoul next day = 23:00Z.
    expect(nextSendTime(new Date("2026-11-20T12:00:00Z"), "Asia/Seoul", q).toISOString()).toBe("2026-11-20T23:00:00.000Z");
    // 18:00Z = 03:00 in Seoul → 08:00 the same local day = 23:00Z.
    expect(nextSendTime(new Date("2026-11-20T18:00:00Z"), "Asia/Seoul", q).toISOString()).toBe("2026-11-20T23:00:00.000Z");
    expect(nextSendTime(new Date("2026-11-20T03:00:00Z"), "Asia/Seoul", q).toISOString()).toBe("2026-11-20T03:00:00.000Z");
    // New York, 12:00Z = 07:00 EST → 08:00 EST = 13:00Z.
    expect(nextSendTime(new Date("2026-11-20T12:00:00Z"), "America/New_York", q).toISOString()).toBe("2026-11-20T13:00:00.000Z");
  });
});

describe("campaigns from alerts", () => {
  it("enrolls once, defers the Korean ad past quiet hours, then dispatches it signed with everything the CRM needs", async () => {
    const receiver = await startReceiver();
    try {
      const ws = await ctx.workspace();
      await allowLoopback(ctx, ws);
      const endpoint = await createEndpoint(ctx, ws, receiver.url, ["campaign.enrollment.created"]);
      const campaign = await createCampaign(ws, {});
      await ctx.request("/v1/customers/vip", { method: "PUT", key: ws.keys.manager, json: { name: "Jiwoo" } });
      const alertId = await raiseAlert(ctx, ws, "vip");
      await drainOutbox(ctx);
      await ctx.database.sql`update outbox set processed_at = null where workspace_id = ${ws.id} and kind = 'campaign.enroll'`;
      await drainOutbox(ctx);
      expect(await count(ctx, "enrollments", ws.id)).toBe(1);
      // DEFAULT_NOW is 21:00 in Seoul: the send waits until 08:00.
      const [e] = await ctx.database.sql`select status, send_at, arm from enrollments where workspace_id = ${ws.id}`;
      expect(e).toMatchObject({ status: "scheduled", arm: "treated" });
      expect((e!.send_at as Date).toISOString()).toBe("2026-11-20T23:00:00.000Z");
      await sweepActions(ctx);
      await drainOutbox(ctx);
      expect(receiver.received).toHaveLength(0);

      ctx.setNow("2026-11-20T23:00:00Z");
      try {
        await sweepActions(ctx);
        await sweepActions(ctx);
        await drainOutbox(ctx);
        await eventually(async () => (receiver.received.length > 0 ? true : undefined));
      } finally {
        ctx.setNow(DEFAULT_NOW);
      }
      expect(receiver.received).toHaveLength(1);
      const req = receiver.received[0]!;
      const msg = new Webhook(endpoint.secret).verify(req.body, req.headers as Record<string, string>) as { type: string; data: Record<string, any> };
      expect(msg.type).toBe("campaign.enrollment.created");
      expect(msg.data).toMatchObject({
        campaign: { id: campaign.id, slug: "vip-competitor-winback", name: "We missed you!" },
        customer: { id: "vip", name: "Jiwoo", timezone: "Asia/Seoul", tier: "Platinum" },
        alertId,
        arm: "treated",
        message: { title: "(광고) Jiwoo, we missed you!", channel: "push", advertising: true, optOutRoute: "080-000-0000" },
        coupon: { code: "COMEBACK-1", value: 10000, kind: "amount" },
        sendAt: "2026-11-20T23:00:00.000Z",
      });
      expect(msg.data.message.body).toBe("Here is 10,000 KRW off: COMEBACK-1\n무료수신거부 080-000-0000");
      // The receiver answers before the worker records the attempt as succeeded.
      const stats = await eventually(async () => {
        const s = await readJson(await ctx.request(`/v1/campaigns/${campaign.id}/stats`, { key: ws.keys.marketer }));
        return s.delivered === 1 ? s : undefined;
      });
      expect(stats).toMatchObject({ enrolled: 1, treated: 1, holdout: 0, dispatched: 1, delivered: 1 });
    } finally {
      await receiver.close();
    }
  });

  it("skips customers at the frequency cap, outside the tiers, or when the rule does not trigger it; holds out without sending", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/customers/c1", { method: "PUT", key: ws.keys.manager, json: { name: "A" } });
    await createCampaign(ws, { frequencyCap: { count: 2, days: 30 } });
    await enroll(ws, "c1", "alr_1");
    await enroll(ws, "c1", "alr_1");
    await enroll(ws, "c1", "alr_2");
    await enroll(ws, "c1", "alr_3");
    expect(await count(ctx, "enrollments", ws.id)).toBe(2);

    await createCampaign(ws, { slug: "vip-only", tiers: ["Platinum", "Diamond"] });
    await enroll(ws, "c1", "alr_4", "vip-only");
    await createCampaign(ws, { slug: "by-rule", triggerRules: ["some-other-rule"] });
    await enroll(ws, "c1", "alr_5", "by-rule");
    expect(await count(ctx, "enrollments", ws.id)).toBe(2);

    await createCampaign(ws, { slug: "all-holdout", holdoutPercent: 100 });
    await enroll(ws, "c1", "alr_6", "all-holdout");
    const [held] = await ctx.database.sql`select e.arm, e.status, e.message from enrollments e join campaigns c on c.id = e.campaign_id where c.slug = 'all-holdout' and e.workspace_id = ${ws.id}`;
    expect(held).toMatchObject({ arm: "holdout", status: "held", message: null });
  });

  it("honours an opt-out at once", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/customers/c1", { method: "PUT", key: ws.keys.manager, json: { name: "A" } });
    await createCampaign(ws, {});
    const res = await ctx.request("/v1/customers/c1/opt-outs", { key: ws.keys.ingest, json: { channels: ["push"] } });
    expect((await readJson(res)).optOuts.map((o: { channel: string }) => o.channel)).toEqual(["push"]);
    await enroll(ws, "c1", "alr_1");
    const [e] = await ctx.database.sql`select arm, status, suppressed_reason from enrollments where workspace_id = ${ws.id}`;
    expect(e).toMatchObject({ arm: "treated", status: "suppressed", suppressed_reason: "opted_out" });
    expect(await count(ctx, "outbox", ws.id)).toBe(0);
  });
});

describe("fatigue", () => {
  it("caps messages per channel across campaigns over a sliding window", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/customers/c1", { method: "PUT", key: ws.keys.manager, json: { name: "A" } });
    const patch = await ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: { actions: { channelCaps: { push: { count: 1, days: 7 } } } } });
    expect(patch.status).toBe(200);
    await createCampaign(ws, { slug: "first" });
    await createCampaign(ws, { slug: "second" });
    await createCampaign(ws, { slug: "by-sms", channel: "sms" });
    await enroll(ws, "c1", "alr_1", "first");
    await enroll(ws, "c1", "alr_1", "second");
    await enroll(ws, "c1", "alr_1", "by-sms");
    const rows = await ctx.database.sql<{ slug: string; status: string; suppressed_reason: string | null }[]>`
      select c.slug, e.status, e.suppressed_reason from enrollments e join campaigns c on c.workspace_id = e.workspace_id and c.id = e.campaign_id
      where e.workspace_id = ${ws.id} order by c.slug`;
    expect(rows.map((r) => [r.slug, r.status, r.suppressed_reason])).toEqual([
      ["by-sms", "scheduled", null],
      ["first", "scheduled", null],
      ["second", "suppressed", "channel_cap"],
    ]);
    ctx.setNow(new Date(DEFAULT_NOW.getTime() + 8 * 86_400_000));
    try {
      await enroll(ws, "c1", "alr_2", "second");
    } finally {
      ctx.setNow(DEFAULT_NOW);
    }
    expect((await ctx.database.sql`select 1 from enrollments where workspace_id = ${ws.id} and alert_id = 'alr_2' and status = 'scheduled'`).length).toBe(1);
  });
});

describe("campaign stats", () => {
  it("counts conversions within the attribution window only and reports uplift with its interval on a known set", async () => {
    const ws = await ctx.workspace();
    const campaign = await createCampaign(ws, { slug: "known", attributionDays: 14, advertising: false });
    const enrolledAt = new Date("2026-11-01T00:00:00Z");
    // 10 treated (t0…t9), 10 holdout (h0…h9), enrolled on Nov 1.
    const rows = [
      ...Array.from({ length: 10 }, (_, i) => ({ id: `enr_t${i}`, customer: `t${i}`, arm: "treated", status: "dispatched" })),
      ...Array.from({ length: 10 }, (_, i) => ({ id: `enr_h${i}`, customer: `h${i}`, arm: "holdout", status: "held" })),
    ];
    await ctx.database.sql`
      insert into enrollments (workspace_id, id, campaign_id, customer_id, alert_id, arm, status, enrolled_at)
      select ${ws.id}, r.id, ${campaign.id}, r.customer, 'alr_' || r.customer, r.arm, r.status, ${enrolledAt}::timestamptz
      from jsonb_to_recordset(${ctx.database.sql.json(rows)}) as r(id text, customer text, arm text, status text)`;
    const at = (days: number) => new Date(enrolledAt.getTime() + days * 86_400_000).toISOString();
    const purchases = [
      // Treated: t0–t3 buy within 14 days (t3 on day 13.9); t4 buys on day 15 (outside); t5 bought before enrolling.
      signal.purchase("t0", at(1), { data: { amount: 30_000 } }),
      signal.purchase("t0", at(2), { data: { amount: 20_000 } }),
      signal.purchase("t1", at(5), { data: { amount: 40_000 } }),
      signal.purchase("t2", at(10), { data: { amount: 40_000 } }),
      signal.purchase("t3", at(13.9), { data: { amount: 40_000 } }),
      signal.purchase("t4", at(15), { data: { amount: 99_000 } }),
      signal.purchase("t5", at(-1), { data: { amount: 99_000 } }),
      // Holdout: h0 within the window; h1 on day 20.
      signal.purchase("h0", at(3), { data: { amount: 50_000 } }),
      signal.purchase("h1", at(20), { data: { amount: 50_000 } }),
      signal.campaignResponse("t0", at(0.5), { data: { campaignId: "known", event: "opened" } }),
      signal.campaignResponse("t1", at(0.5), { data: { campaignId: campaign.id, event: "clicked" } }),
    ];
    expect((await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals: purchases } })).status).toBe(200);
    const stats = await readJson(await ctx.request(`/v1/campaigns/known/stats`, { key: ws.keys.marketer }));
    expect(stats).toMatchObject({
      enrolled: 20,
      treated: 10,
      holdout: 10,
      opened: 2,
      clicked: 1,
      converted: { treated: 4, holdout: 1 },
      conversionRate: { treated: 0.4, holdout: 0.1 },
      revenue: { treated: 170_000, holdout: 50_000, incremental: 120_000 },
    });
    const u = uplift({ n: 10, converted: 4 }, { n: 10, converted: 1 });
    const se = Math.sqrt((0.4 * 0.6) / 10 + (0.1 * 0.9) / 10);
    expect(stats.uplift.estimate).toBeCloseTo(0.3, 10);
    expect(stats.uplift.low).toBeCloseTo(0.3 - 1.96 * se, 10);
    expect(stats.uplift.high).toBeCloseTo(u.high!, 10);
    expect(stats.uplift.confidence).toBe(0.95);

    // A 30-day window takes in t4 and h1.
    await ctx.request(`/v1/campaigns/known`, { method: "PATCH", key: ws.keys.marketer, json: { attributionDays: 30 } });
    const wider = await campaignStats(ctx, { workspaceId: ws.id, campaignId: "known" });
    expect(wider.converted).toEqual({ treated: 5, holdout: 2 });
  });
});

describe("a customer's enrollments", () => {
  it("lists them newest first with the campaign, the arm, the message's text and why one was suppressed", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/customers/c1", { method: "PUT", key: ws.keys.manager, json: { name: "Jiwoo", email: "jiwoo@example.com" } });
    await createCampaign(ws, { slug: "held", holdoutPercent: 100 });
    await createCampaign(ws, { slug: "by-sms", channel: "sms", advertising: false });
    await createCampaign(ws, { slug: "sms-again", channel: "sms", advertising: false });
    await enroll(ws, "c1", "alr_1", "held");
    ctx.setNow(new Date(DEFAULT_NOW.getTime() + 60_000));
    try {
      await enroll(ws, "c1", "alr_1", "by-sms");
      await ctx.request("/v1/customers/c1/opt-outs", { key: ws.keys.ingest, json: { channels: ["sms"] } });
      ctx.setNow(new Date(DEFAULT_NOW.getTime() + 120_000));
      await enroll(ws, "c1", "alr_2", "sms-again");
    } finally {
      ctx.setNow(DEFAULT_NOW);
    }
    const res = await ctx.request("/v1/customers/c1/enrollments", { key: ws.keys.manager });
    expect(res.status).toBe(200);
    const { enrollments } = await readJson(res);
    expect(enrollments.map((e: { campaign: { slug: string }; arm: string; status: string; suppressedReason: string | null }) => [e.campaign.slug, e.arm, e.status, e.suppressedReason])).toEqual([
      ["sms-again", "treated", "suppressed", "opted_out"],
      ["by-sms", "treated", "dispatched", null],
      ["held", "holdout", "held", null],
    ]);
    expect(enrollments[1]).toMatchObject({ alertId: "alr_1", campaign: { channel: "sms", name: "We missed you!" }, message: { title: "Jiwoo, we missed you!", body: "Here is 10,000 KRW off: COMEBACK-1" } });
    // The text, not the contact details the stored message also carries.
    expect(JSON.stringify(enrollments)).not.toContain("jiwoo@example.com");
    const other = await ctx.workspace();
    expect((await ctx.request("/v1/customers/c1/enrollments", { key: other.keys.manager })).status).toBe(404);
  });
});

describe("campaign preview", () => {
  it("shows what a real customer would get, with the Korean advertising rules, or why not, and writes nothing", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/customers/c1", { method: "PUT", key: ws.keys.manager, json: { name: "지우" } });
    const preview = async (campaign = "vip-competitor-winback") => {
      const res = await ctx.request(`/v1/campaigns/${campaign}/preview?customerId=c1`, { key: ws.keys.marketer });
      expect(res.status).toBe(200);
      return readJson(res);
    };
    // The starter campaign is paused: nothing would be sent, but its text can be read. 12:00Z is 21:00 in Seoul.
    expect(await preview()).toMatchObject({
      customerId: "c1",
      outcome: "skipped",
      reason: "paused",
      message: { title: "(광고) 보고 싶었어요!", channel: "push", advertising: true, optOutRoute: "080-000-0000" },
      coupon: { value: 10_000 },
      timezone: "Asia/Seoul",
      sendAt: "2026-11-20T23:00:00.000Z",
      quietHoursDeferred: true,
    });
    expect((await preview()).message.body).toMatch(/^지우님, .*\n무료수신거부 080-000-0000$/);
    await createCampaign(ws, { holdoutPercent: 0 });
    expect(await preview()).toMatchObject({ outcome: "treated", reason: null, coupon: { code: "COMEBACK-1" } });
    await ctx.request("/v1/customers/c1/opt-outs", { key: ws.keys.ingest, json: { channels: ["push"] } });
    expect(await preview()).toMatchObject({ outcome: "suppressed", reason: "opted_out" });
    await createCampaign(ws, { slug: "all-held", holdoutPercent: 100 });
    expect(await preview("all-held")).toMatchObject({ outcome: "holdout" });
    expect(await count(ctx, "enrollments", ws.id)).toBe(0);
    expect((await ctx.request("/v1/campaigns/vip-competitor-winback/preview?customerId=nobody", { key: ws.keys.marketer })).status).toBe(404);
  });
});
