import { describe, expect, it } from "vitest";
import { suggestPlay, taskWhy } from "../../src/tasks/create.ts";
import { refreshCustomers } from "../../src/scores/pipeline.ts";
import { afterEach } from "vitest";
import { DEFAULT_NOW, useTestContext } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";
import { raiseAlert } from "../actions/support.ts";

const ctx = useTestContext();

// Later signals arrive a minute later, as they would.
const later = () => ctx.setNow(new Date(DEFAULT_NOW.getTime() + 60_000));
afterEach(() => ctx.setNow(DEFAULT_NOW));

const outboxKinds = async (workspaceId: string) =>
  (await ctx.database.sql<{ kind: string }[]>`select kind from outbox where workspace_id = ${workspaceId} and kind like 'alert.%' order by id`).map((r) => r.kind);

describe("alert.updated", () => {
  it("is not emitted for a plain session signal that changes nothing the alert says", async () => {
    const ws = await ctx.workspace();
    const alertId = await raiseAlert(ctx, ws, "vip");
    const [before] = await ctx.database.sql`select updated_at from alerts where id = ${alertId}`;
    expect(await outboxKinds(ws.id)).toEqual(["alert.opened"]);
    later();
    const res = await ctx.request("/v1/signals", { key: ws.keys.ingest, json: signal.session("vip", daysAgo(0.1)) });
    expect(res.status).toBe(200);
    await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["vip"] });
    expect(await outboxKinds(ws.id)).toEqual(["alert.opened"]);
    const [after] = await ctx.database.sql`select updated_at from alerts where id = ${alertId}`;
    expect(after!.updated_at).toEqual(before!.updated_at);
    // The customer was scored again (the session is the newest signal), and nothing changed.
    expect((await ctx.database.sql`select count(*)::int as n from scores where workspace_id = ${ws.id}`)[0]!.n).toBe(2);
    const events = await ctx.database.sql`select type from alert_events where alert_id = ${alertId}`;
    expect(events.map((e) => e.type)).toEqual(["opened"]);
  });

  it("is emitted when the reasons change (more competitor spend)", async () => {
    const ws = await ctx.workspace();
    await raiseAlert(ctx, ws, "vip");
    later();
    const more = signal.competitorPurchase("vip", daysAgo(0.5), { data: { competitor: "glowmall", amount: 50_000 } });
    expect((await ctx.request("/v1/signals", { key: ws.keys.ingest, json: more })).status).toBe(200);
    await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ["vip"] });
    expect(await outboxKinds(ws.id)).toEqual(["alert.opened", "alert.updated"]);
  });
});

describe("a task's reasons", () => {
  it("say each sentence once", () => {
    const reason = (ruleId: string, sentences: string[]) => ({ ruleId, version: 1, name: ruleId, points: 10, severity: "high", sentences }) as never;
    expect(taskWhy([reason("a", ["spent 120,000 KRW at competitors in the last 30 days", "is a Gold customer"]), reason("b", ["spent 120,000 KRW at competitors in the last 30 days"])])).toEqual([
      "spent 120,000 KRW at competitors in the last 30 days",
      "is a Gold customer",
    ]);
  });

  it("suggest the play from Korean reasons as from English ones", () => {
    // Rule ids and names that say nothing, so only the sentences can decide.
    const reason = (sentences: string[]) => ({ ruleId: "r1", version: 1, name: "규칙", points: 10, severity: "high", sentences }) as never;
    const play = (sentences: string[]) => suggestPlay([reason(sentences)], "Silver");
    expect(play(["최근 30일 경쟁사 구매액 120,000원"])).toBe(play(["spent 120,000 KRW at competitors in the last 30 days"]));
    expect(play(["최근 30일 부정적 문의 2건"])).toBe(play(["opened 2 negative support tickets in the last 30 days"]));
    expect(play(["최근 90일 환불액 50,000원"])).toBe(play(["was refunded 50,000 KRW in the last 90 days"]));
    expect(play(["64일째 구매 없음, 평소 구매 주기 24일의 2.7배"])).toBe(play(["has a 72% probability of no purchase over the model's horizon"]));
    expect(new Set([play(["최근 30일 경쟁사 구매액 120,000원"]), play(["최근 30일 부정적 문의 2건"]), play(["최근 90일 환불액 50,000원"]), play(["64일째 구매 없음"])]).size).toBe(4);
  });
});
