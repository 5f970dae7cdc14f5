// Which rules the service's alerts carried, by archetype, and what stricter "own buying fell"
// tests in the competitor rules would have removed, on a captured replay (bench/quality-capture.ts):
//
//   npx tsx bench/quality-own-falling.ts <seed> [customers] [days]
//
// competitor-shift and competitor-shift-confident need the customer's own orders or sessions to
// have fallen further than chance explains (either at most a 1-in-5 chance). Each variant
// re-judges that part on the facts captured at the alert's daily pass; where it fails, the two
// rules' points leave the alert's score (rule points plus 20 × the model's probability, as
// computeScore adds them), and the alert stays only if the score still reaches 50 or a
// high-severity rule matched. Offline and approximate: it only removes alerts (a removed one
// would have left the customer free for another sooner), and reads the daily pass before a
// refresh's alert. The service's own run (`npm run bench -- quality`) is the measure.
import { captureFromArgs, capturedFactAt, type CapturedFact } from "./quality-capture.ts";
import { score } from "./quality.ts";
import { isTruePositive } from "./quality-report.ts";
import { defaultRulePack } from "../rules/default-pack.ts";
import { defaultScoringSettings } from "../src/scores/settings.ts";

const { seed, customers, days, capture: c } = captureFromArgs();
const truth = new Map(c.truth.map((t) => [t.customerId, t]));
const weeks = (days - c.service.sizes.warmupDays) / 7;
const factAt = capturedFactAt(c);
const points = new Map(defaultRulePack.map((r) => [r.id, r.points]));
const high = new Set(defaultRulePack.filter((r) => r.severity === "high").map((r) => r.id));
const rulesOf = (a: (typeof c.serviceAlerts)[number]) => (a.rules ?? []).map((r) => r.replace(/@\d+$/, ""));

// The service's alerts by archetype (right ones apart) and the rules they carried.
const byArchetype = new Map<string, Map<string, number>>();
for (const a of c.serviceAlerts) {
  const t = truth.get(a.customerId)!;
  const key = isTruePositive(a, t) ? "(right)" : t.archetype;
  const combos = byArchetype.get(key) ?? new Map<string, number>();
  const combo = rulesOf(a).sort().join(" + ") || "(model part only)";
  combos.set(combo, (combos.get(combo) ?? 0) + 1);
  byArchetype.set(key, combos);
}
console.log(`seed ${seed}, ${customers} × ${days}: the service's alerts by archetype and rules (the five commonest each)`);
for (const [key, combos] of [...byArchetype].sort()) {
  const all = [...combos.values()].reduce((s, n) => s + n, 0);
  console.log(`  ${key}: ${all}`);
  for (const [combo, n] of [...combos].sort((x, y) => y[1] - x[1]).slice(0, 5)) console.log(`    ${n}\t${combo}`);
}

// The alerts that carried the three competitor rules and nothing else: what the capture saw.
const trio = "competitor-shift + competitor-shift-confident + competitor-wallet-shift";
console.log(`alerts carrying only ${trio}: rival apps in 30 days, orders' and sessions' shortfall chances at the daily pass`);
for (const a of c.serviceAlerts) {
  if (rulesOf(a).sort().join(" + ") !== trio) continue;
  const t = truth.get(a.customerId)!;
  const f = (fact: CapturedFact) => factAt(a.customerId, a.at, fact);
  console.log(`  ${isTruePositive(a, t) ? "right" : "wrong"} ${t.archetype}: apps ${f("competitorApps30d")}, orders ${f("orders30dShortfallChance")}, sessions ${f("sessions30dShortfallChance")}`);
}

const chiSquare4Tail = (x: number) => Math.exp(-x / 2) * (1 + x / 2);
const variants: Record<string, (orders: number, sessions: number) => boolean> = {
  "as shipped: orders or sessions ≤ 0.2": (o, s) => o <= 0.2 || s <= 0.2,
  "orders ≤ 0.2 only": (o) => o <= 0.2,
  "orders ≤ 0.2 or sessions ≤ 0.05": (o, s) => o <= 0.2 || s <= 0.05,
  "both together (Fisher) ≤ 0.2": (o, s) => chiSquare4Tail(-2 * Math.log(Math.max(o * s, 1e-300))) <= 0.2,
  "both together (Fisher) ≤ 0.1": (o, s) => chiSquare4Tail(-2 * Math.log(Math.max(o * s, 1e-300))) <= 0.1,
};
const rows: Record<string, unknown> = {};
for (const [name, falling] of Object.entries(variants)) {
  const kept: typeof c.serviceAlerts = [];
  const removed: Record<string, number> = {};
  for (const a of c.serviceAlerts) {
    let rules = rulesOf(a);
    const orders = factAt(a.customerId, a.at, "orders30dShortfallChance");
    const sessions = factAt(a.customerId, a.at, "sessions30dShortfallChance");
    if (!falling(Number.isNaN(orders) ? 1 : orders, Number.isNaN(sessions) ? 1 : sessions)) rules = rules.filter((r) => r !== "competitor-shift" && r !== "competitor-shift-confident");
    const risk = factAt(a.customerId, a.at, "riskProbability");
    const p = Number.isNaN(risk) ? factAt(a.customerId, a.at, "churnProbability") : risk;
    const total = rules.reduce((s, r) => s + (points.get(r) ?? 0), 0) + Math.round(defaultScoringSettings.modelWeight * (Number.isNaN(p) ? 0 : p));
    if (total >= defaultScoringSettings.alertThreshold || rules.some((r) => high.has(r))) kept.push(a);
    else {
      const t = truth.get(a.customerId)!;
      const key = (isTruePositive(a, t) ? "right: " : "") + t.archetype;
      removed[key] = (removed[key] ?? 0) + 1;
    }
  }
  const f = score(kept, c.truth, customers, weeks);
  rows[name] = { alerts: f.alerts, precision: f.precision, recall: f.recall, medianLeadDays: f.medianLeadDays, removed: JSON.stringify(removed) };
}
console.table(rows);
