// The fast path and the reference agree: random signal histories for several customers of a
// workspace go in through ingest, and every column featuresSelect computes equals what the
// plain reference (test/features/reference.ts) computes from the stored signals. The seed is
// fixed so CI is deterministic; FC_SEED and FC_RUNS explore others.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { featuresSelect, upsertFeatures } from "../../db/queries/features.ts";
import { ingestSignals } from "../../src/signals/ingest.ts";
import { createWorkspace, getWorkspace, updateWorkspaceSettings } from "../../src/workspaces/workspaces.ts";
import { useTestContext } from "../support/context.ts";
import { signal } from "../support/factories.ts";
import { DAY_MS, referenceFeatures, workspaceGapSpread, type ReferenceRow, type StoredSignal } from "./reference.ts";

const ctx = useTestContext();

/** Around 2026-09-15: what lies after it (up to 40 days) is still no further ahead than ingest takes. */
const BASE = Date.UTC(2026, 8, 15);
/** Window and freshness edges, in days before asOf. */
const EDGE_DAYS = [0, 7, 14, 30, 60, 90, 180, 200, 210];

/** A moment relative to asOf: anywhere in ~300 days (often the last 30), on a window edge (mostly exactly), or on a UTC midnight (± 1 ms). */
type When = ["free", number] | ["edge", number, number] | ["midnight", number, number];
const when: fc.Arbitrary<When> = fc.oneof(
  { arbitrary: fc.tuple(fc.constant("free" as const), fc.integer({ min: -260 * DAY_MS, max: 40 * DAY_MS })), weight: 2 },
  { arbitrary: fc.tuple(fc.constant("free" as const), fc.integer({ min: -35 * DAY_MS, max: 2 * DAY_MS })), weight: 2 },
  { arbitrary: fc.tuple(fc.constant("edge" as const), fc.constantFrom(...EDGE_DAYS), fc.constantFrom(0, 0, -1, 1)), weight: 2 },
  { arbitrary: fc.tuple(fc.constant("midnight" as const), fc.integer({ min: -260, max: 40 }), fc.constantFrom(-1, 0, 1)), weight: 1 },
);
const at = (w: When, asOf: number) => {
  if (w[0] === "free") return asOf + w[1];
  if (w[0] === "edge") return asOf - w[1] * DAY_MS + w[2];
  return Math.floor(asOf / DAY_MS) * DAY_MS + w[1] * DAY_MS + w[2];
};

// Money in whole units or cents, as amounts are: a denormal one underflowed PostgreSQL's float8
// division (aov, baselines) and failed the whole refresh statement, so ingest now takes only 0
// or at least 0.0001 (test/input/hostile-input.test.ts).
const amount = fc.oneof(fc.integer({ min: 0, max: 500_000 }), fc.integer({ min: 0, max: 100_000_000 }).map((c) => c / 100));
/** Order ids: often one of a few, so repeats (a purchase sent as several lines) are common. */
const orderId = fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 4, max: 1_000_000 })).map((n) => `o${n}`);

const anySignal = fc.record({
  type: fc.constantFrom("purchase", "refund", "session", "support_ticket", "campaign_response", "competitor_app_usage", "competitor_purchase"),
  at: when,
  batch: fc.integer({ min: 0, max: 2 }),
  amount,
  orderId,
  category: fc.option(fc.constantFrom("a", "b", "makeup", "skincare"), { nil: undefined }),
  competitor: fc.constantFrom("Rival Beauty", "glowmall", "SkinNow"),
  app: fc.constantFrom("A", "B", "Glow App"),
  minutes: fc.option(fc.integer({ min: 0, max: 60_000 }).map((c) => c / 100), { nil: undefined }),
  source: fc.constantFrom("panel-co", "card-panel", "gossip-inc"),
  confidence: fc.option(fc.oneof(fc.constantFrom(0.3, 0.5), fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000)), { nil: undefined }),
  period: fc.option(fc.record({ end: when, days: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60 })) }), { nil: undefined }),
  severity: fc.constantFrom("low", "medium", "high", "critical" as const),
  sentiment: fc.option(fc.constantFrom("negative", "neutral", "positive" as const), { nil: undefined }),
  event: fc.constantFrom("delivered", "opened", "clicked", "converted", "unsubscribed" as const),
});
type Gen = typeof anySignal extends fc.Arbitrary<infer T> ? T : never;

/** The wire signal for a generated one, as the factories build it. */
function wire(g: Gen, customerId: string, id: string, asOf: number) {
  const o = { id, ...(g.period ? { period: { start: iso(at(g.period.end, asOf) - g.period.days * DAY_MS), end: iso(at(g.period.end, asOf)) } } : {}) };
  const occurredAt = iso(at(g.at, asOf));
  const external = { ...o, source: g.source, ...(g.confidence === undefined ? {} : { confidence: g.confidence }) };
  switch (g.type) {
    case "purchase":
      return signal.purchase(customerId, occurredAt, { ...o, data: { amount: g.amount, orderId: g.orderId, category: g.category } });
    case "refund":
      return signal.refund(customerId, occurredAt, { ...o, data: { amount: g.amount, orderId: g.orderId } });
    case "session":
      return signal.session(customerId, occurredAt, o);
    case "support_ticket":
      return signal.supportTicket(customerId, occurredAt, { ...o, data: { severity: g.severity, sentiment: g.sentiment } });
    case "campaign_response":
      return signal.campaignResponse(customerId, occurredAt, { ...o, data: { event: g.event } });
    case "competitor_app_usage":
      return signal.competitorAppUsage(customerId, occurredAt, {
        ...external,
        data: { competitor: g.competitor, app: g.app, ...(g.minutes === undefined ? { sessions: 3, minutes: undefined } : { minutes: g.minutes }) },
      });
    case "competitor_purchase":
      return signal.competitorPurchase(customerId, occurredAt, { ...external, data: { competitor: g.competitor, amount: g.amount } });
  }
}
const iso = (ms: number) => new Date(ms).toISOString();

const settingsPatch = fc.record({
  trustedProviders: fc.option(fc.subarray(["panel-co", "card-panel", "gossip-inc"]), { nil: null }),
  freshnessDays: fc
    .record({ default: fc.constantFrom(14, 30, 60, 90, 200), own: fc.option(fc.constantFrom(14, 60), { nil: undefined }) })
    .map(({ default: d, own }): Record<string, number> & { default: number } => (own === undefined ? { default: d } : { default: d, "panel-co": own })),
  minConfidence: fc.constantFrom(0, 0.3, 0.5),
});

/** Customers buying on 9 to 12 days: with twenty or more of them the workspace's gap spread is theirs. */
const regularBuyers = fc.oneof(
  fc.constant([] as number[][]),
  fc.array(fc.array(fc.integer({ min: -250 * DAY_MS, max: 0 }), { minLength: 9, maxLength: 12 }), { minLength: 18, maxLength: 23 }),
);

const world = fc.record({
  asOf: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: DAY_MS - 1 })).map((ms) => BASE + ms),
  settings: settingsPatch,
  customers: fc.array(fc.array(anySignal, { minLength: 1, maxLength: 40, size: "medium" }), { minLength: 1, maxLength: 6, size: "medium" }),
  regulars: regularBuyers,
  /** When each batch of signals was received, relative to asOf. */
  received: fc.tuple(...[0, 1, 2].map(() => fc.integer({ min: -5 * DAY_MS, max: 45 * DAY_MS }))),
});

/** A column's value as a comparable number, when it is one (numeric columns arrive as strings). */
const num = (v: unknown) => (typeof v === "number" ? v : typeof v === "string" && v !== "" && !Number.isNaN(Number(v)) ? Number(v) : null);
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** Whether the SQL's value and the reference's agree: instants exactly, numbers closely, arrays as sets. */
function agree(sqlValue: unknown, refValue: unknown): boolean {
  if (sqlValue === null || refValue === null) return sqlValue === refValue;
  if (sqlValue instanceof Date && refValue instanceof Date) return sqlValue.getTime() === refValue.getTime();
  if (Array.isArray(sqlValue) && Array.isArray(refValue)) {
    const plain = (xs: unknown[]) => xs.map((x) => (x instanceof Date ? x.getTime() : x)).sort();
    const [a, b] = [plain(sqlValue), plain(refValue)];
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
  const [a, b] = [num(sqlValue), num(refValue)];
  if (typeof refValue === "number" && a !== null && b !== null) return close(a, b);
  return sqlValue === refValue;
}

describe("features against the reference", () => {
  it("gives every customer the columns the plain reference computes from their stored signals", { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(world, async ({ asOf: asOfMs, settings: patch, customers, regulars, received }) => {
        const asOf = new Date(asOfMs);
        const { workspace } = await createWorkspace(ctx.database.db, { name: "Reference" });
        await updateWorkspaceSettings(ctx.database.db, { workspaceId: workspace.id, patch });
        const { settings } = await getWorkspace(ctx.database.db, workspace.id);

        const batches: { occurred: number; signal: unknown }[][] = [[], [], []];
        customers.forEach((history, c) =>
          history.forEach((g, i) => batches[g.batch]!.push({ occurred: at(g.at, asOfMs), signal: wire(g, `c${c}`, `c${c}-${i}`, asOfMs) })),
        );
        regulars.forEach((times, r) =>
          times.forEach((t, i) => batches[i % 3]!.push({ occurred: asOfMs + t, signal: signal.purchase(`r${r}`, iso(asOfMs + t), { id: `r${r}-${i}` }) })),
        );
        for (const [b, batch] of batches.entries()) {
          if (batch.length === 0) continue;
          // Received at the batch's moment, or later when it holds a signal dated after that.
          const clock = new Date(Math.max(asOfMs + received[b]!, ...batch.map((s) => s.occurred)));
          const deps = { database: ctx.database, jobs: ctx.jobs, config: ctx.config, log: ctx.log, clock: () => clock };
          const result = await ingestSignals(deps, { workspaceId: workspace.id, items: batch.map((s) => s.signal) });
          expect(result.results.filter((r) => r.status !== "accepted")).toEqual([]);
        }

        // Stored first, so the workspace's gap spread is read from every customer's features.
        await upsertFeatures(ctx.database.sql, { workspaceId: workspace.id, asOf }, settings);
        const rows = await featuresSelect(ctx.database.sql, { workspaceId: workspace.id, asOf }, settings);

        const stored = await ctx.database.sql<StoredSignal[]>`select * from signals where workspace_id = ${workspace.id}`;
        const byCustomer = new Map<string, StoredSignal[]>();
        for (const s of stored) byCustomer.set(s.customer_id, [...(byCustomer.get(s.customer_id) ?? []), s]);
        const withoutSpread = [...byCustomer.values()].map((signals) => referenceFeatures(signals, asOf, settings, 0));
        const spread = workspaceGapSpread(withoutSpread);
        const expected = new Map<string, ReferenceRow>(
          [...byCustomer].map(([id, signals]) => [id, { workspace_id: workspace.id, ...referenceFeatures(signals, asOf, settings, spread) }]),
        );

        expect(rows.map((r) => r.customer_id as string).sort()).toEqual([...expected.keys()].sort());
        const disagreements = [];
        for (const row of rows) {
          const ref = expected.get(row.customer_id as string)!;
          expect(Object.keys(row).sort()).toEqual(Object.keys(ref).sort());
          for (const [column, value] of Object.entries(row)) {
            if (!agree(value, ref[column])) disagreements.push({ customer: row.customer_id, column, sql: value, reference: ref[column] });
          }
        }
        expect(disagreements).toEqual([]);

        // A list of customers (one unknown) gets the same rows as the whole workspace gave them.
        const listed = rows.filter((_, i) => i % 2 === 0);
        const ids = [...listed.map((r) => r.customer_id as string), "nobody"];
        const some = await featuresSelect(ctx.database.sql, { workspaceId: workspace.id, customerIds: ids, asOf }, settings);
        const byId = (a: Record<string, unknown>, b: Record<string, unknown>) => ((a.customer_id as string) < (b.customer_id as string) ? -1 : 1);
        expect([...some].sort(byId)).toEqual([...listed].sort(byId));
      }),
      {
        seed: Number(process.env.FC_SEED ?? 17_2026),
        numRuns: Number(process.env.FC_RUNS ?? 60),
        // Each run is a workspace's worth of statements: shrinking a failure stops after a
        // while and reports the smallest counterexample found by then.
        interruptAfterTimeLimit: 120_000,
      },
    );
  });
});
