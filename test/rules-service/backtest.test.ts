import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_NOW, readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { signal } from "../support/factories.ts";
import { draft, push } from "./support.ts";

const ctx = useTestContext();

// The pinned clock is DEFAULT_NOW; the backtest looks at AS_OF, 60 days earlier, so its
// 30 quiet days have ended.
const day = 86_400_000;
const AS_OF = new Date(DEFAULT_NOW.getTime() - 60 * day);
const at = (days: number) => new Date(AS_OF.getTime() + days * day).toISOString();

const apps = (id: string, n: number) =>
  ["rival-beauty", "glowmall", "skinnow"].slice(0, n).map((app, i) => signal.competitorAppUsage(id, at(-10 + i), { data: { competitor: app, app } }));

// Six customers known at AS_OF (each bought 40 days before). The rule flags two or more
// competitor apps: c1, c2 and c5. Three go quiet afterwards (no purchase in the 30 days):
// c1, c3 and c5. So 3 flagged, 2 of them went quiet; base rate 3 of 6.
// c7 first appears after AS_OF and is not evaluated.
const history = (id: (n: number) => string) => [
  ...[1, 2, 3, 4, 5, 6].map((n) => signal.purchase(id(n), at(-40))),
  ...apps(id(1), 2),
  ...apps(id(2), 2),
  ...apps(id(3), 1),
  ...apps(id(5), 3),
  ...[2, 4, 6].map((n) => signal.purchase(id(n), at(10))),
  signal.purchase(id(7), at(5)),
];

let ws: TestWorkspace;
beforeAll(async () => {
  ctx.setNow(DEFAULT_NOW);
  ws = await ctx.workspace();
  await push(ctx, ws, history((n) => `c${n}`));
  await ctx.request("/v1/rules", { key: ws.keys.marketer, json: draft({ id: "apps" }) });
});

const backtest = async (path: string, json: unknown) => {
  const res = await ctx.request(path, { key: ws.keys.marketer, json });
  expect(res.status).toBe(200);
  return readJson(res);
};

describe("a backtest as of one date", () => {
  it("counts evaluated, flagged and went-quiet customers exactly, with precision, base rate and lift", async () => {
    const body = await backtest("/v1/rules/apps/backtest", { asOf: AS_OF.toISOString() });
    expect(body.rule).toEqual({ id: "apps", version: 1 });
    expect(body.dates).toHaveLength(1);
    expect(body.dates[0]).toMatchObject({
      asOf: AS_OF.toISOString(),
      outcomeKnown: true,
      evaluated: 6,
      // No tier history (nothing refreshed them): tiers computed as of the date. One 50,000
      // purchase 40 days before: composite 28.06, Silver.
      tierSource: "recomputed",
      tiersRecomputed: 6,
      flagged: 3,
      flaggedByTier: { Bronze: 0, Silver: 3, Gold: 0, Platinum: 0, Diamond: 0 },
      wentQuiet: 2,
      precision: 2 / 3,
      baseRate: 0.5,
      lift: 4 / 3,
      nextAfter: null,
    });
    expect(body.dates[0].flaggedCustomers).toEqual([
      { customerId: "c1", tier: "Silver", tierSource: "recomputed", wentQuiet: true },
      { customerId: "c2", tier: "Silver", tierSource: "recomputed", wentQuiet: false },
      { customerId: "c5", tier: "Silver", tierSource: "recomputed", wentQuiet: true },
    ]);
  });

  it("pages the flagged customers", async () => {
    const first = await backtest("/v1/rules/apps/backtest", { asOf: AS_OF.toISOString(), limit: 2 });
    expect(first.dates[0].flaggedCustomers.map((c: { customerId: string }) => c.customerId)).toEqual(["c1", "c2"]);
    expect(first.dates[0].nextAfter).toBe("c2");
    const second = await backtest("/v1/rules/apps/backtest", { asOf: AS_OF.toISOString(), limit: 2, after: "c2" });
    expect(second.dates[0].flaggedCustomers.map((c: { customerId: string }) => c.customerId)).toEqual(["c5"]);
    expect(second.dates[0].nextAfter).toBeNull();
  });

  it("backtests a draft rule from the body", async () => {
    const body = await backtest("/v1/rules/backtest", {
      asOf: AS_OF.toISOString(),
      rule: draft({ conditions: { all: [{ fact: "competitorApps30d", operator: "greaterThanInclusive", value: 3 }] } }),
    });
    expect(body.rule).toBeNull();
    expect(body.dates[0]).toMatchObject({ evaluated: 6, flagged: 1, wentQuiet: 1, precision: 1 });
  });

  it("leaves outcomes unknown while the quiet window has not ended", async () => {
    const recent = new Date(DEFAULT_NOW.getTime() - 10 * day).toISOString();
    const body = await backtest("/v1/rules/apps/backtest", { asOf: recent });
    expect(body.dates[0]).toMatchObject({ outcomeKnown: false, wentQuiet: null, precision: null, baseRate: null, lift: null });
    expect(body.dates[0].evaluated).toBe(7);
  });

  it("refuses a date in the future", async () => {
    const res = await ctx.request("/v1/rules/apps/backtest", {
      key: ws.keys.marketer,
      json: { asOf: new Date(DEFAULT_NOW.getTime() + day).toISOString() },
    });
    expect(res.status).toBe(422);
    expect((await readJson(res)).errors[0].path).toBe("asOf");
  });

  it("asks for asOf or from and to", async () => {
    const res = await ctx.request("/v1/rules/apps/backtest", { key: ws.keys.marketer, json: { from: AS_OF.toISOString() } });
    expect(res.status).toBe(422);
    expect((await readJson(res)).errors[0].path).toBe("to");
  });
});

describe("tiers in a backtest", () => {
  it("uses the tier each customer had on the date, from the tier history", async () => {
    // c1 became Gold before the date, c2 only after it: as of the date only c1 is Gold.
    await ctx.database.sql`
      insert into tier_history (workspace_id, customer_id, from_tier, to_tier, tier_score, parts, reason, changed_at) values
        (${ws.id}, 'c1', null, 'Gold', 70, '{}'::jsonb, 'test', ${at(-20)}::timestamptz),
        (${ws.id}, 'c2', null, 'Bronze', 10, '{}'::jsonb, 'test', ${at(-20)}::timestamptz),
        (${ws.id}, 'c2', 'Bronze', 'Gold', 70, '{}'::jsonb, 'test', ${at(5)}::timestamptz)`;
    try {
      const body = await backtest("/v1/rules/backtest", { asOf: AS_OF.toISOString(), rule: draft({ tiers: ["Gold", "Platinum", "Diamond"] }) });
      expect(body.dates[0]).toMatchObject({
        evaluated: 6,
        tierSource: "recomputed",
        tiersRecomputed: 4,
        inTiers: 1,
        flagged: 1,
        flaggedByTier: { Gold: 1, Bronze: 0 },
        wentQuiet: 1,
        baseRateInTiers: 1,
      });
      expect(body.dates[0].flaggedCustomers).toEqual([{ customerId: "c1", tier: "Gold", tierSource: "history", wentQuiet: true }]);
    } finally {
      await ctx.database.sql`delete from tier_history where workspace_id = ${ws.id}`;
    }
  });
});

describe("a backtest over imported history", () => {
  it("computes each customer's tier as of the date, so the default pack's Gold+ rules flag the right customers", async () => {
    const imported = await ctx.workspace("Imported");
    // Both shop at three rivals and spent 150,000 there before the date; only "big" spent
    // 400,000 with us in the 180 days before it (the Gold floor is 300,000).
    const rivals = (id: string) => [
      ...["rival-beauty", "glowmall", "skinnow"].map((app, i) => signal.competitorAppUsage(id, at(-10 + i), { data: { competitor: app, app } })),
      signal.competitorPurchase(id, at(-5), { data: { amount: 150_000 } }),
    ];
    await push(ctx, imported, [
      ...[-100, -70, -40, -20].map((d) => signal.purchase("big", at(d), { data: { amount: 100_000 } })),
      signal.purchase("small", at(-40), { data: { amount: 20_000 } }),
      ...rivals("big"),
      ...rivals("small"),
    ]);
    expect(await ctx.database.sql`select 1 from tier_history where workspace_id = ${imported.id}`).toHaveLength(0);
    const res = await ctx.request("/v1/rules/vip-competitor-defection/backtest", { key: imported.keys.marketer, json: { asOf: AS_OF.toISOString() } });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.dates[0]).toMatchObject({ evaluated: 2, tierSource: "recomputed", tiersRecomputed: 2, flagged: 1 });
    // Composite 67.8 (400,000 in 180 days, 4 orders, 20 days since the last): Platinum.
    expect(body.dates[0].flaggedCustomers).toEqual([{ customerId: "big", tier: "Platinum", tierSource: "recomputed", wentQuiet: true }]);
  });
});

describe("a backtest over a range of dates", () => {
  it("evaluates every stepDays from from to to, with totals over the dates", async () => {
    // At AS_OF − 14 the competitor apps (from AS_OF − 10) are not there yet.
    const body = await backtest("/v1/rules/apps/backtest", {
      from: new Date(AS_OF.getTime() - 14 * day).toISOString(),
      to: AS_OF.toISOString(),
      stepDays: 7,
    });
    expect(body.dates.map((d: { asOf: string; flagged: number; wentQuiet: number }) => [d.asOf, d.flagged, d.wentQuiet])).toEqual([
      [at(-14), 0, 0],
      [at(-7), 3, 2],
      [at(0), 3, 2],
    ]);
    expect(body.totals).toMatchObject({ dates: 3, datesWithOutcome: 3, evaluated: 18, flagged: 6, wentQuiet: 4, precision: 4 / 6, baseRate: 0.5 });
  });

  it("refuses more than 53 dates", async () => {
    const res = await ctx.request("/v1/rules/apps/backtest", {
      key: ws.keys.marketer,
      json: { from: new Date(AS_OF.getTime() - 400 * day).toISOString(), to: AS_OF.toISOString(), stepDays: 1 },
    });
    expect(res.status).toBe(422);
    expect((await readJson(res)).errors[0].path).toBe("stepDays");
  });
});
