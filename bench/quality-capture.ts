// One replay of the quality bench with every customer's facts captured after each daily pass,
// so alert strategies can be studied offline on the same run (bench/quality-learned.ts).
//
// The capture holds, for each daily pass, one row of numbers per customer (the facts in
// CAPTURED_FACTS: inputs, derived facts as the rules compute them, the model's values;
// timestamps as epoch ms; null as NaN), beside the service's own figures for the run and the
// ground truth. It is written to a cache file keyed by seed, size and days, so a study can be
// re-run without replaying.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { runQualityBench } from "./quality.ts";
import { loadFacts } from "../src/scores/score-customers.ts";
import { deriveFact, type DerivedFactName, type InputFactName } from "../rules/facts.ts";
import { loadGroundTruth, type GroundTruth } from "../src/simulator/index.ts";

export const CAPTURED_INPUTS = [
  "daysSinceLastPurchase",
  "purchaseIntervalDays",
  "purchaseGaps",
  "usualMaxGapDays",
  "lastPurchaseAt",
  "firstPurchaseAt",
  "orders30d",
  "orders90d",
  "ordersTotal",
  "spend30d",
  "spend90d",
  "spendTotal",
  "refunds90d",
  "sessions7d",
  "sessions30d",
  "activeDays7d",
  "activeDays30d",
  "competitorApps30d",
  "competitorApps90d",
  "competitorApps30dBaseline",
  "competitorSpend30d",
  "competitorSpend90d",
  "competitorMinutes30d",
  "competitorConfidence30d",
  "supportTickets30d",
  "highSeverityTickets30d",
  "negativeTickets30d",
  "campaignClicks30d",
  "unsubscribed",
  "tierScore",
  "churnProbability",
  "riskProbability",
  "riskAlertThreshold",
  "valueAtRisk",
  "clv",
  "pAlive",
  "expectedPurchases90d",
] as const satisfies readonly InputFactName[];
export const CAPTURED_DERIVED = [
  "silenceRatio",
  "gapSilenceRatio",
  "silenceChance",
  "orders30dShortfallChance",
  "sessions30dShortfallChance",
  "baselineDaysKnown",
  "spend30dUsual",
  "orders30dUsual",
  "sessions30dUsual",
  "competitorSpend30dUsual",
  "competitorShareOfWalletUsual",
  "competitorShareOfWalletShift30d",
  "competitorShareOfWallet30d",
] as const satisfies readonly DerivedFactName[];
export const CAPTURED_FACTS = [...CAPTURED_INPUTS, ...CAPTURED_DERIVED] as const;
export type CapturedFact = (typeof CAPTURED_FACTS)[number];

export type Capture = {
  seed: number;
  customers: number;
  days: number;
  /** Customer ids, in the order of each day's rows. */
  customerIds: string[];
  /** Epoch ms of each daily pass. */
  at: number[];
  /** One Float64Array per daily pass: customers × CAPTURED_FACTS.length, row-major, NaN for null. */
  values: Float64Array[];
  truth: GroundTruth[];
  /** The service's own alerts (the default pack), and its figures as the bench reports them. */
  serviceAlerts: { customerId: string; at: number; severity?: string; rules?: string[] }[];
  service: Awaited<ReturnType<typeof runQualityBench>>;
};

const num = (v: unknown): number => (v instanceof Date ? v.getTime() : typeof v === "number" && Number.isFinite(v) ? v : typeof v === "boolean" ? +v : NaN);

export function captureFile(seed: number, customers: number, days: number) {
  return `/tmp/rivalwatch-quality-capture/${seed}-${customers}-${days}`;
}

/** Replays the quality bench for a seed and captures every customer's facts after each daily pass. */
export async function captureRun(seed: number, customers: number, days: number): Promise<Capture> {
  const at: number[] = [];
  const values: Float64Array[] = [];
  let truth: GroundTruth[] = [];
  let ids: string[] = [];
  let serviceAlerts: Capture["serviceAlerts"] = [];
  const service = await runQualityBench({
    customers,
    days,
    seed,
    cdnow: false,
    onDailyPass: async ({ deps, workspaceId, at: when }) => {
      if (truth.length === 0) {
        truth = await loadGroundTruth(deps.database.sql, workspaceId);
        ids = truth.map((t) => t.customerId);
      }
      const index = new Map(ids.map((id, i) => [id, i]));
      const rows = await loadFacts(deps, { workspaceId, customerIds: ids, asOf: when });
      const F = CAPTURED_FACTS.length;
      const out = new Float64Array(ids.length * F).fill(NaN);
      for (const row of rows) {
        const i = index.get(row.customerId);
        if (i === undefined) continue;
        const facts = row.facts as Record<string, unknown>;
        const read = (name: InputFactName) => {
          const v = facts[name];
          return v instanceof Date ? v.getTime() : v;
        };
        CAPTURED_INPUTS.forEach((name, j) => (out[i * F + j] = num(facts[name])));
        CAPTURED_DERIVED.forEach((name, j) => (out[i * F + CAPTURED_INPUTS.length + j] = num(deriveFact[name](read))));
      }
      at.push(when.getTime());
      values.push(out);
      // The service's alerts so far (the last pass's read is the run's).
      serviceAlerts = (
        await deps.database.sql<{ customer_id: string; opened_at: Date; severity: string; rule_versions: string[] }[]>`
          select customer_id, opened_at, severity, rule_versions from alerts where workspace_id = ${workspaceId} order by opened_at`
      ).map((r) => ({ customerId: r.customer_id, at: r.opened_at.getTime(), severity: r.severity, rules: r.rule_versions }));
    },
  });
  return { seed, customers, days, customerIds: ids, at, values, truth, serviceAlerts, service };
}

export function saveCapture(c: Capture) {
  const base = captureFile(c.seed, c.customers, c.days);
  mkdirSync(base.slice(0, base.lastIndexOf("/")), { recursive: true });
  const { values, ...meta } = c;
  writeFileSync(`${base}.json`, JSON.stringify({ ...meta, facts: CAPTURED_FACTS }));
  const all = new Float64Array(values.reduce((s, v) => s + v.length, 0));
  let off = 0;
  for (const v of values) (all.set(v, off), (off += v.length));
  writeFileSync(`${base}.bin`, Buffer.from(all.buffer));
}

export function loadCapture(seed: number, customers: number, days: number): Capture | null {
  const base = captureFile(seed, customers, days);
  if (!existsSync(`${base}.json`) || !existsSync(`${base}.bin`)) return null;
  const meta = JSON.parse(readFileSync(`${base}.json`, "utf8")) as Omit<Capture, "values"> & { facts: string[] };
  if (meta.facts.join() !== CAPTURED_FACTS.join()) return null;
  const buf = readFileSync(`${base}.bin`);
  const all = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  const per = meta.customerIds.length * CAPTURED_FACTS.length;
  const values = meta.at.map((_, d) => all.slice(d * per, (d + 1) * per));
  return { ...meta, values };
}

/**
 * The capture a study script names on its command line (`<seed> [customers] [days]`, 2,000 and
 * 365 by default), or an error saying how to make it.
 */
export function captureFromArgs(argv: readonly string[] = process.argv.slice(2)) {
  const seed = Number(argv[0] ?? 1);
  const customers = Number(argv[1] ?? 2000);
  const days = Number(argv[2] ?? 365);
  const capture = loadCapture(seed, customers, days);
  if (!capture) throw new Error(`no capture for seed ${seed} at ${customers} × ${days}: run npx tsx bench/quality-capture.ts ${seed} ${customers} ${days}`);
  return { seed, customers, days, capture };
}

/** A customer's fact as the last daily pass at or before `at` captured it (NaN before the first). */
export function capturedFactAt(c: Capture) {
  const F = CAPTURED_FACTS.length;
  const index = new Map(c.customerIds.map((id, i) => [id, i]));
  return (customerId: string, at: number, fact: CapturedFact) => {
    let d = c.at.length - 1;
    while (d >= 0 && c.at[d]! > at) d--;
    return d < 0 ? NaN : c.values[d]![index.get(customerId)! * F + CAPTURED_FACTS.indexOf(fact)]!;
  };
}

// npx tsx bench/quality-capture.ts <seed> [customers] [days]   (heavy: through the lock)
if (import.meta.url === `file://${process.argv[1]}`) {
  const seed = Number(process.argv[2] ?? 1);
  const customers = Number(process.argv[3] ?? 2000);
  const days = Number(process.argv[4] ?? 180);
  const started = Date.now();
  const c = await captureRun(seed, customers, days);
  saveCapture(c);
  console.log(`seed ${seed}: ${c.at.length} daily passes × ${c.customerIds.length} customers captured in ${((Date.now() - started) / 1000).toFixed(0)} s → ${captureFile(seed, customers, days)}.*`);
  console.table({ rules: c.service.figures.rules, learned: c.service.figures.learned, budget: c.service.figures.budget });
  process.exit(0);
}
