// The shortfall facts: how surprising a customer's orders (or sessions) of the last 30 days are
// against their own usual rate, as a gamma-Poisson tail, the same in JavaScript and PostgreSQL;
// and the surge fact, the upper tail, for their competitor purchases.
import postgres from "postgres";
import { afterAll, describe, expect, test } from "vitest";
import { derivedFactColumnsClose, derivedFactColumnsOpen, deriveFact, factsByName, shortfallChance, surgeChance, type InputFactName } from "../../rules/facts.ts";

const DAY = 86_400_000;
const now = Date.parse("2026-06-01T00:00:00Z");

/** A customer known `knownDays` of the baseline period, with `usualOrders` orders there after the first, and `orders30d` now. */
function customer(input: { knownDays: number; baselineOrders: number; orders30d: number; sessions30d?: number; baselineSessions?: number; rivalPurchases30d?: number; baselineRivalPurchases?: number }) {
  const first = now - (input.knownDays + 30) * DAY;
  return {
    first_purchase_at: new Date(first),
    last_purchase_at: new Date(now - 2 * DAY),
    days_since_last_purchase: 2,
    orders_30d: input.orders30d,
    orders_30d_baseline: input.baselineOrders / 6,
    sessions_30d: input.sessions30d ?? 0,
    sessions_30d_baseline: (input.baselineSessions ?? 0) / 6,
    competitor_purchases_30d: input.rivalPurchases30d ?? 0,
    competitor_purchases_30d_baseline: (input.baselineRivalPurchases ?? 0) / 6,
  };
}
type Row = ReturnType<typeof customer>;
const factOf: Record<string, keyof Row> = {
  firstPurchaseAt: "first_purchase_at",
  lastPurchaseAt: "last_purchase_at",
  daysSinceLastPurchase: "days_since_last_purchase",
  orders30d: "orders_30d",
  orders30dBaseline: "orders_30d_baseline",
  sessions30d: "sessions_30d",
  sessions30dBaseline: "sessions_30d_baseline",
  competitorPurchases30d: "competitor_purchases_30d",
  competitorPurchases30dBaseline: "competitor_purchases_30d_baseline",
};
const inJs = (name: "orders30dShortfallChance" | "sessions30dShortfallChance" | "competitorPurchases30dSurgeChance", row: Row) =>
  deriveFact[name]((fact: InputFactName) => {
    const v = row[factOf[fact]!];
    return v instanceof Date ? v.getTime() : (v ?? null);
  });

describe("shortfallChance", () => {
  test("1 order against a usual 3 a month (18 in 180 days) is an ordinary month: about 22%", () => {
    expect(shortfallChance(1, 18, 180)).toBeCloseTo(0.2227, 4);
  });

  test("3 orders against a usual 10 a month is a real fall: under 2%", () => {
    expect(shortfallChance(3, 60, 180)).toBeLessThan(0.02);
  });

  test("a month without orders is unremarkable for a customer who usually orders once a month", () => {
    expect(shortfallChance(0, 6, 180)).toBeGreaterThan(0.35);
  });

  test("the same usual rate known from a short history surprises less", () => {
    expect(shortfallChance(0, 3, 30)!).toBeGreaterThan(shortfallChance(0, 18, 180)!);
  });

  test("is the negative binomial's lower tail: P(0) = p^n", () => {
    expect(shortfallChance(0, 18, 180)).toBeCloseTo((180 / 210) ** 18, 6);
  });

  test("is empty without a usual rate, with too short a history, or with a negative count", () => {
    expect(shortfallChance(0, 0, 180)).toBeNull();
    expect(shortfallChance(0, 5, 29)).toBeNull();
    expect(shortfallChance(-1, 5, 180)).toBeNull();
  });

  test("is empty above 60 in 30 days or 1,000 in the baseline period: no shortfall worth a rule, and no overflow in PostgreSQL", () => {
    expect(shortfallChance(61, 400, 180)).toBeNull();
    expect(shortfallChance(60, 400, 180)).toEqual(expect.any(Number));
    expect(shortfallChance(0, 1001, 180)).toBeNull();
  });
});

describe("surgeChance", () => {
  test("one rival purchase against none usual is a 7% chance for a customer known 180 days: half a purchase is added to the usual count", () => {
    expect(surgeChance(1, 0, 180)).toBeCloseTo(1 - Math.sqrt(180 / 210), 6);
    expect(surgeChance(1, 0, 180)).toBeCloseTo(0.0742, 4);
  });

  test("the same purchase surprises less from a customer known a short time", () => {
    expect(surgeChance(1, 0, 40)!).toBeGreaterThan(0.2);
  });

  test("three rival purchases against none usual are a real rise: under 0.1%", () => {
    expect(surgeChance(3, 0, 180)).toBeLessThan(0.001);
  });

  test("one purchase from a customer who buys at rivals every month or two is ordinary", () => {
    // 4 rival purchases in 180 known days.
    expect(surgeChance(1, 4, 180)).toBeGreaterThan(0.4);
  });

  test("no rival purchase is no surprise at all; a short history or a count above 60 is empty", () => {
    expect(surgeChance(0, 3, 180)).toBe(1);
    expect(surgeChance(1, 0, 29)).toBeNull();
    expect(surgeChance(61, 400, 180)).toBeNull();
  });

  test("is the upper tail of the lower tail's distribution: 1 − P(X ≤ k − 1) with the usual count + ½", () => {
    expect(surgeChance(4, 6, 120)).toBeCloseTo(1 - shortfallChance(3, 6.5, 120)!, 6);
  });
});

describe("orders30dShortfallChance and sessions30dShortfallChance", () => {
  const sql = postgres(process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres", { max: 1, onnotice: () => {} });
  afterAll(() => sql.end());

  test("leave the first order out of the usual count, as orders30dUsual does (it only marks arrival)", () => {
    // Known 90 days with 7 orders in the baseline, the first among them: 6 after arrival.
    const row = customer({ knownDays: 90, baselineOrders: 7, orders30d: 0 });
    expect(inJs("orders30dShortfallChance", row)).toBe(shortfallChance(0, 6, 90));
  });

  test("PostgreSQL computes what JavaScript computes, customer by customer", async () => {
    const rows: Row[] = [];
    for (const knownDays of [20, 30, 45, 90, 150, 180])
      for (const baselineOrders of [0, 1, 2, 5, 18, 60, 400, 1200])
        for (const orders30d of [0, 1, 3, 10, 40, 60, 61])
          rows.push(customer({ knownDays, baselineOrders, orders30d, sessions30d: orders30d * 3, baselineSessions: baselineOrders * 4, rivalPurchases30d: orders30d, baselineRivalPurchases: baselineOrders }));
    const orders = factsByName.get("orders30dShortfallChance")!.sql;
    const sessions = factsByName.get("sessions30dShortfallChance")!.sql;
    const rivals = factsByName.get("competitorPurchases30dSurgeChance")!.sql;
    const got = await sql.unsafe<{ i: number; orders: number | null; sessions: number | null; rivals: number | null }[]>(
      `select f.i, ${orders} as orders, ${sessions} as sessions, ${rivals} as rivals
       from (${derivedFactColumnsOpen}select * from jsonb_to_recordset($1::text::jsonb) as f(i int, first_purchase_at timestamptz, last_purchase_at timestamptz, days_since_last_purchase float8,
         orders_30d int, orders_30d_baseline float8, sessions_30d int, sessions_30d_baseline float8,
         competitor_purchases_30d int, competitor_purchases_30d_baseline float8)${derivedFactColumnsClose}) f
       order by f.i`,
      [JSON.stringify(rows.map((r, i) => ({ i, ...r }))) as never],
    );
    expect(got.map((r) => [r.orders, r.sessions, r.rivals])).toEqual(
      rows.map((r) => [inJs("orders30dShortfallChance", r), inJs("sessions30dShortfallChance", r), inJs("competitorPurchases30dSurgeChance", r)]),
    );
    expect(got.filter((r) => r.orders !== null).length).toBeGreaterThan(50);
    expect(got.filter((r) => r.rivals !== null && r.rivals > 0 && r.rivals < 1).length).toBeGreaterThan(50);
  });
});
