import { describe, expect, it } from "vitest";
import { loadActiveRules } from "../../src/rules-service/active-rules.ts";
import { refreshCustomers, rescoreWorkspace } from "../../src/scores/pipeline.ts";
import { scoreCustomers } from "../../src/scores/score-customers.ts";
import { DEFAULT_NOW, readJson, useTestContext } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";
import { alertsOf, defection, goldHistory, pushSignals } from "./support.ts";

const ctx = useTestContext();

describe("the default rule pack on the worked scenario", () => {
  it("gives a Gold VIP who uses three rival apps and spends 120,000 KRW at a rival one alert that says why", async () => {
    const ws = await ctx.workspace();
    await pushSignals(ctx, ws, [...goldHistory("vip"), ...defection("vip", 120_000)]);
    await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["vip"] });
    const alerts = await alertsOf(ctx, ws, "vip");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ status: "open", tier: "Gold", severity: "high" });
    const competitorRule = alerts[0].reasons.find((r: { ruleId: string }) => r.ruleId === "vip-competitor-defection");
    // A KRW workspace that chose no language reads Korean.
    expect(competitorRule.sentences.join(" ")).toMatch(/경쟁사 앱 3개 사용 \(glowmall, rival-beauty, skinnow\)/);
    expect(competitorRule.sentences.join(" ")).toMatch(/120,000원/);
  });

  it("raises nothing when the rival spend is 90,000 KRW", async () => {
    const ws = await ctx.workspace();
    await pushSignals(ctx, ws, [...goldHistory("vip"), ...defection("vip", 90_000)]);
    await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["vip"] });
    expect(await alertsOf(ctx, ws, "vip")).toEqual([]);
  });

  it("raises nothing for a Bronze customer doing the same", async () => {
    const ws = await ctx.workspace();
    await pushSignals(ctx, ws, [signal.purchase("small", daysAgo(100), { data: { amount: 10_000 } }), ...defection("small", 120_000)]);
    const [scored] = await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["small"] });
    expect(scored!.result.alerts).toBe(false);
    const profile = await readJson(await ctx.request("/v1/customers/small", { key: ws.keys.manager }));
    expect(profile.tier.tier).toBe("Bronze");
    expect(await alertsOf(ctx, ws, "small")).toEqual([]);
  });
});

describe("scores and alerts", () => {
  it("keeps every score with its reasons", async () => {
    const ws = await ctx.workspace();
    await pushSignals(ctx, ws, [...goldHistory("vip"), ...defection("vip", 120_000)]);
    await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["vip"] });
    const { scores } = await readJson(await ctx.request("/v1/customers/vip/scores", { key: ws.keys.manager }));
    expect(scores).toHaveLength(1);
    expect(scores[0]).toMatchObject({ score: expect.any(Number), tier: "Gold" });
    expect(scores[0].reasons.map((r: { ruleId: string }) => r.ruleId)).toContain("vip-competitor-defection");
  });

  it("running the same scoring twice stores one score, one alert and each action once", async () => {
    const ws = await ctx.workspace();
    await pushSignals(ctx, ws, [...goldHistory("vip"), ...defection("vip", 120_000)]);
    await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["vip"] });
    await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["vip"] });
    const count = async (table: string) =>
      Number((await ctx.database.sql`select count(*)::int as n from ${ctx.database.sql(table)} where workspace_id = ${ws.id}`)[0]!.n);
    expect(await count("scores")).toBe(1);
    expect(await count("alerts")).toBe(1);
    const outbox = await ctx.database.sql`select kind from outbox where workspace_id = ${ws.id} order by kind`;
    expect(outbox.map((o) => o.kind)).toEqual(["alert.opened", "campaign.enroll", "task.create"]);
  });

  it("a later match updates the open alert instead of opening a second one", async () => {
    const ws = await ctx.workspace();
    await pushSignals(ctx, ws, [...goldHistory("vip"), ...defection("vip", 120_000)]);
    await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["vip"] });
    ctx.setNow(new Date(DEFAULT_NOW.getTime() + 3_600_000));
    try {
      await pushSignals(ctx, ws, [signal.competitorPurchase("vip", daysAgo(0), { data: { amount: 50_000 } })]);
      await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["vip"] });
    } finally {
      ctx.setNow(DEFAULT_NOW);
    }
    const alerts = await alertsOf(ctx, ws, "vip");
    expect(alerts).toHaveLength(1);
    const detail = await readJson(await ctx.request(`/v1/alerts/${alerts[0].id}`, { key: ws.keys.manager }));
    expect(detail.events.map((e: { type: string }) => e.type)).toEqual(["opened", "updated"]);
  });

  it("opens no new alert during the cooldown after one is resolved, and does after it", async () => {
    const ws = await ctx.workspace();
    await pushSignals(ctx, ws, [...goldHistory("vip"), ...defection("vip", 120_000)]);
    await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["vip"] });
    const [first] = await alertsOf(ctx, ws, "vip");
    await ctx.request(`/v1/alerts/${first.id}/transitions`, { key: ws.keys.manager, json: { action: "resolve" } });
    const later = async (days: number) => {
      ctx.setNow(new Date(DEFAULT_NOW.getTime() + days * 86_400_000));
      try {
        // The customer bought again (a new risk episode), and still buys at rivals.
        const at = new Date(ctx.clock().getTime() - 3_600_000).toISOString();
        await pushSignals(ctx, ws, [signal.purchase("vip", at, { data: { amount: 20_000 } }), signal.competitorPurchase("vip", at, { data: { amount: 10_000 } })]);
        await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["vip"] });
      } finally {
        ctx.setNow(DEFAULT_NOW);
      }
    };
    await later(2); // inside the rule's 14-day cooldown
    expect(await alertsOf(ctx, ws, "vip")).toHaveLength(1);
    await later(15);
    expect((await alertsOf(ctx, ws, "vip")).map((a: { status: string }) => a.status).sort()).toEqual(["open", "resolved"]);
  });

  it("walks the lifecycle: acknowledge, snooze until a date, resolve; each change says who and when", async () => {
    const ws = await ctx.workspace();
    await pushSignals(ctx, ws, [...goldHistory("vip"), ...defection("vip", 120_000)]);
    await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["vip"] });
    const [alert] = await alertsOf(ctx, ws, "vip");
    const move = (json: unknown) => ctx.request(`/v1/alerts/${alert.id}/transitions`, { key: ws.keys.manager, json });
    expect((await readJson(await move({ action: "acknowledge" }))).status).toBe("acknowledged");
    expect((await readJson(await move({ action: "snooze", until: "2026-12-01T00:00:00Z" }))).snoozedUntil).toBe("2026-12-01T00:00:00.000Z");
    const resolved = await readJson(await move({ action: "resolve" }));
    expect(resolved.status).toBe("resolved");
    expect(resolved.events.map((e: { type: string; actor: string }) => e.type)).toEqual(["opened", "acknowledge", "snooze", "resolve"]);
    expect(resolved.events.slice(1).every((e: { actor: string }) => e.actor.startsWith("key_"))).toBe(true);
    const again = await move({ action: "acknowledge" });
    expect(again.status).toBe(409);
  });

  it("filters alerts by status and severity and pages with a cursor", async () => {
    const ws = await ctx.workspace();
    for (const id of ["v1", "v2", "v3"]) await pushSignals(ctx, ws, [...goldHistory(id), ...defection(id, 120_000)]);
    for (const id of ["v1", "v2", "v3"]) await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: [id] });
    const page1 = await readJson(await ctx.request("/v1/alerts?status=open&severity=high&limit=2", { key: ws.keys.manager }));
    expect(page1.alerts).toHaveLength(2);
    const page2 = await readJson(await ctx.request(`/v1/alerts?status=open&severity=high&limit=2&cursor=${page1.nextCursor}`, { key: ws.keys.manager }));
    expect(page2.alerts).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    const none = await readJson(await ctx.request("/v1/alerts?status=resolved", { key: ws.keys.manager }));
    expect(none.alerts).toEqual([]);
  });

  it("filters alerts by the rule that raised them, in any version, and pages within the filter", async () => {
    const ws = await ctx.workspace();
    for (const id of ["v1", "v2", "v3"]) await pushSignals(ctx, ws, [...goldHistory(id), ...defection(id, 120_000)]);
    await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["v1", "v2", "v3"] });
    // Which rules raised each alert, pinned.
    await ctx.database.sql`
      update alerts set rule_versions = case customer_id
        when 'v1' then array['vip-competitor-defection@1'] when 'v2' then array['competitor-shift@1', 'vip-long-silence@2'] else array['vip-long-silence@1'] end
      where workspace_id = ${ws.id}`;
    const list = async (query: string) => readJson(await ctx.request(`/v1/alerts?${query}`, { key: ws.keys.manager }));
    const page1 = await list("rule=vip-long-silence&limit=1");
    const page2 = await list(`rule=vip-long-silence&limit=1&cursor=${page1.nextCursor}`);
    expect([...page1.alerts, ...page2.alerts].map((a: { customerId: string }) => a.customerId).sort()).toEqual(["v2", "v3"]);
    expect(page2.nextCursor).toBeNull();
    // A rule id, not a prefix of one.
    expect((await list("rule=vip")).alerts).toEqual([]);
  });

  it("ranks alerts by value at risk, most first, across pages", async () => {
    const ws = await ctx.workspace();
    for (const id of ["v1", "v2", "v3"]) await pushSignals(ctx, ws, [...goldHistory(id), ...defection(id, 120_000)]);
    await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["v1", "v2", "v3"] });
    // Value at risk comes from the model; set it directly to pin the order.
    await ctx.database.sql`update alerts set value_at_risk = case customer_id when 'v1' then 10 when 'v2' then 300 else null end where workspace_id = ${ws.id}`;
    const page1 = await readJson(await ctx.request("/v1/alerts?sort=valueAtRisk&limit=2", { key: ws.keys.manager }));
    const page2 = await readJson(await ctx.request(`/v1/alerts?sort=valueAtRisk&limit=2&cursor=${page1.nextCursor}`, { key: ws.keys.manager }));
    expect([...page1.alerts, ...page2.alerts].map((a: { customerId: string }) => a.customerId)).toEqual(["v2", "v1", "v3"]);
  });

  it("hides another workspace's alerts", async () => {
    const a = await ctx.workspace();
    const b = await ctx.workspace();
    await pushSignals(ctx, b, [...goldHistory("vip"), ...defection("vip", 120_000)]);
    await refreshCustomers(ctx, { workspaceId: b.id, customerIds: ["vip"] });
    const [alert] = await alertsOf(ctx, b, "vip");
    expect((await ctx.request(`/v1/alerts/${alert.id}`, { key: a.keys.manager })).status).toBe(404);
    expect((await ctx.request(`/v1/alerts/${alert.id}/transitions`, { key: a.keys.manager, json: { action: "resolve" } })).status).toBe(404);
    expect(await alertsOf(ctx, a, "vip")).toEqual([]);
  });

});

describe("the scheduled re-score", () => {
  it("raises risk for a VIP who goes silent, with no new signal", async () => {
    const ws = await ctx.workspace();
    // A weekly buyer for half a year, last purchase on the pinned day.
    await pushSignals(ctx, ws, Array.from({ length: 26 }, (_, i) => signal.purchase("quiet", daysAgo(i * 7), { data: { amount: 30_000 } })));
    await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["quiet"] });
    const scores = async () => (await readJson(await ctx.request("/v1/customers/quiet/scores", { key: ws.keys.manager }))).scores;
    const [before] = await scores();
    ctx.setNow(new Date(DEFAULT_NOW.getTime() + 20 * 86_400_000));
    try {
      const result = await rescoreWorkspace(ctx, { workspaceId: ws.id });
      expect(result.customers).toBe(1);
    } finally {
      ctx.setNow(DEFAULT_NOW);
    }
    const [after] = await scores();
    expect(after.score).toBeGreaterThan(before.score);
    expect(after.reasons.map((r: { ruleId: string }) => r.ruleId)).toContain("vip-long-silence");
  });

  it("writes nothing when the pass for the same moment runs again", async () => {
    const ws = await ctx.workspace();
    await pushSignals(ctx, ws, Array.from({ length: 26 }, (_, i) => signal.purchase("quiet", daysAgo(i * 7), { data: { amount: 30_000 } })));
    await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["quiet"] });
    const asOf = new Date(DEFAULT_NOW.getTime() + 20 * 86_400_000);
    const count = async () => Number((await ctx.database.sql`select count(*)::int as n from scores where workspace_id = ${ws.id}`)[0]!.n);
    const first = await rescoreWorkspace(ctx, { workspaceId: ws.id, asOf });
    const stored = await count();
    // Redelivered later: the job carries the same moment.
    ctx.setNow(new Date(asOf.getTime() + 3_600_000));
    try {
      const again = await rescoreWorkspace(ctx, { workspaceId: ws.id, asOf });
      expect({ first: first.screenedIn, again: again.screenedIn, scores: await count() }).toEqual({ first: 1, again: 0, scores: stored });
    } finally {
      ctx.setNow(DEFAULT_NOW);
    }
  });

  /** A session for the customer, refreshed an hour after the first refresh. */
  const sessionAnHourLater = async (ws: Awaited<ReturnType<typeof ctx.workspace>>, customerId: string) => {
    ctx.setNow(new Date(DEFAULT_NOW.getTime() + 3_600_000));
    try {
      await pushSignals(ctx, ws, [signal.session(customerId, new Date(DEFAULT_NOW.getTime() + 3_000_000).toISOString())]);
      await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: [customerId] });
    } finally {
      ctx.setNow(DEFAULT_NOW);
    }
  };

  it("adds no score to the history for a signal that changes nothing the score shows, and the current score covers it", async () => {
    const ws = await ctx.workspace();
    await pushSignals(ctx, ws, goldHistory("steady"));
    await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["steady"] });
    await sessionAnHourLater(ws, "steady");
    const sql = ctx.database.sql;
    const history = await sql`select id from scores where workspace_id = ${ws.id} and customer_id = 'steady'`;
    const [current] = await sql`select score_id, watermark from customer_scores where workspace_id = ${ws.id} and customer_id = 'steady'`;
    const [newest] = await sql`select max(received_at) as at from signals where workspace_id = ${ws.id} and customer_id = 'steady'`;
    expect(history).toHaveLength(1);
    expect({ scoreId: Number(current!.score_id), watermark: current!.watermark }).toEqual({ scoreId: Number(history[0]!.id), watermark: newest!.at });
  });

  it("stores a new score for a new signal on a customer it alerts on (the score updates the alert)", async () => {
    const ws = await ctx.workspace();
    await pushSignals(ctx, ws, [...goldHistory("vip"), ...defection("vip", 120_000)]);
    await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["vip"] });
    await sessionAnHourLater(ws, "vip");
    const history = await ctx.database.sql`select id from scores where workspace_id = ${ws.id} and customer_id = 'vip'`;
    expect(history).toHaveLength(2);
  });

  it("recomputes only the features a window edge has reached", async () => {
    const ws = await ctx.workspace();
    // One customer with a session 2 days ago (leaves the 7-day window in 5 days), one with a purchase 100 days ago (next edge in 80 days).
    await pushSignals(ctx, ws, [signal.session("active", daysAgo(2)), signal.purchase("dormant", daysAgo(100))]);
    await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["active", "dormant"] });
    const pass = (days: number) => rescoreWorkspace(ctx, { workspaceId: ws.id, asOf: new Date(DEFAULT_NOW.getTime() + days * 86_400_000) });
    expect((await pass(1)).featuresRecomputed).toBe(0);
    expect((await pass(6)).featuresRecomputed).toBe(1);
    expect((await pass(81)).featuresRecomputed).toBe(2);
  });
});

describe("reasons in the workspace's language", () => {
  const setLocale = async (ws: { keys: { admin: string } }, locale: "ko" | "en") => {
    const res = await ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: { locale } });
    expect(res.status).toBe(200);
  };
  const competitorSentence = async (ws: Parameters<typeof alertsOf>[1]) => {
    const [alert] = await alertsOf(ctx, ws, "vip");
    const sentences: string[] = alert.reasons.flatMap((r: { sentences: string[] }) => r.sentences);
    return sentences.find((x) => x.includes("120,000"))!;
  };

  it("writes a Korean workspace's alert reasons in Korean, amounts in 원", async () => {
    const ws = await ctx.workspace();
    await setLocale(ws, "ko");
    await pushSignals(ctx, ws, [...goldHistory("vip"), ...defection("vip", 120_000)]);
    await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["vip"] });
    const spend = await competitorSentence(ws);
    expect(spend).toContain("120,000원");
    // None of the English template's words ("spent … at competitors in the last 30 days").
    expect(spend).not.toMatch(/\b(spent|at|competitors|in|the|last|days|KRW|against|usual)\b/);
  });

  it("keeps an English workspace's alert reasons in English", async () => {
    const ws = await ctx.workspace();
    await setLocale(ws, "en");
    await pushSignals(ctx, ws, [...goldHistory("vip"), ...defection("vip", 120_000)]);
    await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["vip"] });
    expect(await competitorSentence(ws)).toMatch(/^spent 120,000 KRW at competitors in the last 30 days/);
  });

  it("writes the model's part in the workspace's language", async () => {
    const ws = await ctx.workspace();
    await pushSignals(ctx, ws, [...goldHistory("vip"), ...defection("vip", 120_000)]);
    await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["vip"] });
    await ctx.database.sql`
      insert into customer_model_scores (workspace_id, customer_id, fit_id, scored_at, x, t_x, t, zbar, p_alive, expected_purchases_90d, churn_probability, clv, value_at_risk)
      values (${ws.id}, 'vip', 'fit-1', now(), 3, 10, 20, 60000, 0.4, 0.8, 0.72, 500000, 360000)`;
    const [scored] = await scoreCustomers(ctx, { workspaceId: ws.id, customerIds: ["vip"], rules: await loadActiveRules(ctx, ws.id), asOf: ctx.clock() });
    const model = scored!.result.reasons.find((r) => r.ruleId === "model")!;
    expect(model.name).toBe("통계 모델 (BG/NBD)");
    expect(model.sentences).toEqual(["모델 예측 기간 내 구매하지 않을 확률 72%, 위험 금액 360,000원"]);
  });
});
