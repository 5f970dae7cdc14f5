// Where the pack's false alerts on seasonal buyers come from, and whether a workspace-level
// statistic tells a seasonal buyer's first off-season from a leaver's silence:
//
//   npx tsx bench/quality-seasonal.ts <seed> [customers] [days]   (2,000 × 365 by default; heavy: use the lock)
//
// One replay of the quality bench (cached in /tmp/rivalwatch-quality-seasonal/) keeps, after each
// daily pass, every customer's last purchase day, gaps and usual longest gap, and every
// customer-day on which the default pack (in JavaScript) would alert, with its matched rules.
// The pack's alerts are then replayed offline (one open alert per customer, resolved after 28
// days, quiet for the matched rules' cooldown), which reproduces the service's alerts, and again
// with `vip-long-silence` dropped wherever a statistic says the silence is seasonal:
//
// - shared silence (26 weeks): customers with 4+ gaps, silent beyond their usual longest gap, by
//   week of their last purchase; this customer's week against the median week of the last 26;
// - shared silence (neighbours): the same week against the median of the weeks 2–4 either side;
// - calendar: weeks whose distinct buyers are at least 1.15 × the median week are busy; the
//   chance of no purchase through the silence at the customer's own busy-week and quiet-week
//   rates (each shrunk toward their overall rate with the weight of 2 weeks);
// - calendar over flat: that chance over the chance at the customer's one overall weekly rate
//   (how much more the workspace's calendar explains the silence than the customer's rhythm does);
// - calendar Bayes factor: the same two models compared on every week since the first purchase
//   week (bought or not), uniform priors on the rates, so the extra rate must earn its place;
// - peers: of the customers with 4+ gaps who bought in the 4 weeks up to this customer's last
//   purchase, the share now silent beyond their usual longest gap, against that share among all;
// - burst: the customer's orders in days 31–90 before now against their usual rate.
//
// And one rule of alerting rather than of facts: an alert is not opened again while the customer
// has not bought since their last alert (the same silence) and no rule matches beyond those of
// the last alert (or, narrower, when own-buying rules alone match).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { runQualityBench } from "./quality.ts";
import { compileRule } from "../rules/compile-js.ts";
import { defaultRulePack } from "../rules/default-pack.ts";
import { betaln } from "../src/model/special.ts";
import { loadFacts } from "../src/scores/score-customers.ts";
import { computeScore, type ActiveRule } from "../src/scores/compute.ts";
import { defaultScoringSettings } from "../src/scores/settings.ts";
import { DEFAULT_START, loadGroundTruth, simulate, type GroundTruth } from "../src/simulator/index.ts";

const DAY = 86_400_000;
const seed = Number(process.argv[2] ?? 1);
const customers = Number(process.argv[3] ?? 2000);
const days = Number(process.argv[4] ?? 365);
const OWN_BUYING = ["vip-long-silence", "vip-order-drop", "vip-fading"];

type Pass = { t: number; last: number[]; gaps: number[]; umg: number[] };
type Candidate = { i: number; t: number; rules: string[]; model: number };
type Capture = { truth: { a: string; d: boolean; on: number | null; def: number | null }[]; passes: Pass[]; candidates: Candidate[] };

async function capture(): Promise<Capture> {
  const rules: ActiveRule[] = defaultRulePack.map((r) => ({ id: r.id, version: 1, definition: r, predicate: compileRule(r.conditions) }));
  let truth: GroundTruth[] = [];
  let ids: string[] = [];
  // Days are counted from the simulation's first day (runQualityBench simulates from the default start).
  const start = DEFAULT_START.getTime();
  const passes: Pass[] = [];
  const candidates: Candidate[] = [];
  await runQualityBench({
    customers,
    days,
    seed,
    cdnow: false,
    onDailyPass: async ({ deps, workspaceId, at }) => {
      if (truth.length === 0) {
        truth = await loadGroundTruth(deps.database.sql, workspaceId);
        ids = truth.map((x) => x.customerId);
      }
      const index = new Map(ids.map((id, i) => [id, i]));
      const t = Math.round((at.getTime() - start) / DAY);
      const pass: Pass = { t, last: ids.map(() => -1), gaps: ids.map(() => 0), umg: ids.map(() => -1) };
      for (const row of await loadFacts(deps, { workspaceId, customerIds: ids, asOf: at })) {
        const i = index.get(row.customerId)!;
        const f = row.facts as Record<string, unknown>;
        if (f.lastPurchaseAt instanceof Date) pass.last[i] = Math.floor((f.lastPurchaseAt.getTime() - start) / DAY);
        pass.gaps[i] = Number(f.purchaseGaps ?? 0);
        pass.umg[i] = typeof f.usualMaxGapDays === "number" ? f.usualMaxGapDays : -1;
        const r = computeScore({ facts: row.facts, tier: row.tier, rules, model: row.model, settings: defaultScoringSettings, currency: "KRW" });
        if (r.alerts) candidates.push({ i, t, rules: r.reasons.filter((x) => x.ruleId !== "model").map((x) => x.ruleId), model: r.modelPoints });
      }
      passes.push(pass);
    },
  });
  const at = (iso: string | null) => (iso === null ? null : Math.round((Date.parse(iso) - start) / DAY));
  return { truth: truth.map((x) => ({ a: x.archetype, d: x.defected, on: at(x.onsetAt), def: at(x.defectionAt) })), passes, candidates };
}

const file = `/tmp/rivalwatch-quality-seasonal/${seed}-${customers}-${days}.json`;
let data: Capture;
if (existsSync(file)) data = JSON.parse(readFileSync(file, "utf8")) as Capture;
else {
  data = await capture();
  mkdirSync("/tmp/rivalwatch-quality-seasonal", { recursive: true });
  writeFileSync(file, JSON.stringify(data));
}
const { truth, passes, candidates } = data;
const passAt = new Map(passes.map((p) => [p.t, p]));

// Each customer's purchase days, from the same simulation (it is deterministic per seed).
const sim = simulate({ customers, days, seed });
const simStart = sim.start.getTime();
const index = new Map(sim.truth.map((t, i) => [t.customerId, i]));
sim.truth.forEach((t, i) => {
  if (t.archetype !== truth[i]!.a) throw new Error(`customer ${i}: the capture is of another simulation`);
});
const purchaseDays: number[][] = sim.truth.map(() => []);
for (const s of sim.signals) if (s.type === "purchase") purchaseDays[index.get(s.customerId)!]!.push((Date.parse(s.occurredAt) - simStart) / DAY);

const rule = new Map(defaultRulePack.map((r) => [r.id, r]));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const isTrue = (i: number, t: number) => {
  const x = truth[i]!;
  return x.d && x.on !== null && x.def !== null && t >= x.on - 14 && t <= x.def + 30;
};

/** The pack's alerts, offline, with `drop(c)` rules taken out of a candidate; `sameSilence` as in the header. */
function replay(drop: (c: Candidate) => readonly string[] = () => [], sameSilence: "no" | "own buying" | "same rules" = "no") {
  const state = new Map<number, { open: number | null; cooldown: number; until: number; last: number | null; lastRules: string[] }>();
  const alerts: { i: number; t: number; rules: string[] }[] = [];
  for (const c of [...candidates].sort((a, b) => a.t - b.t)) {
    const off = drop(c);
    const rules = c.rules.filter((r) => !off.includes(r));
    const points = rules.reduce((s, r) => s + rule.get(r)!.points, 0) + c.model;
    const high = rules.some((r) => rule.get(r)!.severity === "high");
    const s = state.get(c.i) ?? { open: null, cooldown: 0, until: -Infinity, last: null, lastRules: [] };
    if (s.open !== null && c.t >= s.open + 28) (s.until = s.open + 28 + s.cooldown), (s.open = null);
    if (points >= defaultScoringSettings.alertThreshold || high) {
      const cooldown = Math.max(7, ...rules.map((r) => rule.get(r)!.cooldownDays));
      if (s.open !== null) s.cooldown = Math.max(s.cooldown, cooldown);
      else if (c.t >= s.until) {
        const known = sameSilence === "own buying" ? OWN_BUYING : s.lastRules;
        const same = sameSilence !== "no" && s.last !== null && rules.every((r) => known.includes(r)) && !purchaseDays[c.i]!.some((d) => d > s.last! && d < c.t);
        if (!same) Object.assign(s, { open: c.t, cooldown, last: c.t, lastRules: rules }), alerts.push({ i: c.i, t: c.t, rules });
      }
    }
    state.set(c.i, s);
  }
  const caught = new Map<number, number>();
  const falses: Record<string, number> = {};
  let right = 0;
  for (const a of alerts) {
    if (isTrue(a.i, a.t)) (right++, caught.set(a.i, Math.min(caught.get(a.i) ?? Infinity, a.t)));
    else falses[truth[a.i]!.a] = (falses[truth[a.i]!.a] ?? 0) + 1;
  }
  const leavers = truth.filter((x) => x.d).length;
  return {
    alerts,
    figures: {
      alerts: alerts.length,
      precision: +(right / Math.max(1, alerts.length)).toFixed(3),
      recall: +(caught.size / Math.max(1, leavers)).toFixed(3),
      medianLeadDays: median([...caught].map(([i, t]) => truth[i]!.def! - t)),
      seasonalFalse: falses.seasonal ?? 0,
      falseAlerts: falses,
    },
  };
}

const base = replay();
console.log(`seed ${seed}, ${customers} × ${days}: the pack offline`, JSON.stringify(base.figures));
const combos: Record<string, Record<string, number>> = {};
const months: Record<number, number> = {};
for (const a of base.alerts) {
  const kind = isTrue(a.i, a.t) ? "true" : truth[a.i]!.a;
  const key = [...a.rules].sort().join(" + ") || "(model)";
  (combos[kind] ??= {})[key] = (combos[kind]![key] ?? 0) + 1;
  if (kind === "seasonal") months[Math.floor(a.t / 30)] = (months[Math.floor(a.t / 30)] ?? 0) + 1;
}
console.log("seasonal false alerts by 30-day block of the history:", JSON.stringify(months));
for (const [kind, c] of Object.entries(combos))
  console.log(`  ${kind}:`, Object.entries(c).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, n]) => `${n} ${k}`).join("; "));

// The statistics, each a number per (customer, day); "seasonal" above (or below) a line.
const cache = new Map<string, unknown>();
const memo = <T>(key: string, f: () => T): T => (cache.has(key) ? (cache.get(key) as T) : (cache.set(key, f()), cache.get(key) as T));
const overdue = (p: Pass, j: number) => p.gaps[j]! >= 4 && p.last[j]! >= 0 && p.umg[j]! > 0 && p.t - p.last[j]! > p.umg[j]!;
const quietWeeks = (p: Pass) =>
  memo(`q${p.t}`, () => {
    const h = new Map<number, number>();
    for (let j = 0; j < p.last.length; j++) if (overdue(p, j)) h.set(Math.floor((p.t - p.last[j]!) / 7), (h.get(Math.floor((p.t - p.last[j]!) / 7)) ?? 0) + 1);
    return h;
  });
function sharedSilence(i: number, t: number, around: "past26" | "neighbours") {
  const p = passAt.get(t)!;
  if (p.last[i]! < 0) return NaN;
  const h = quietWeeks(p);
  const w = Math.floor((t - p.last[i]!) / 7);
  const others = around === "past26" ? Array.from({ length: 26 }, (_, k) => k) : [-4, -3, -2, 2, 3, 4].map((k) => w + k).filter((k) => k >= 0);
  return ((h.get(w) ?? 0) + 1) / (median(others.map((k) => h.get(k) ?? 0)) + 1);
}
const weeklyBuyers = (() => {
  const v = new Array(Math.ceil(days / 7) + 1).fill(0);
  for (const ds of purchaseDays) for (const w of new Set(ds.map((d) => Math.floor(d / 7)))) v[w]++;
  return v as number[];
})();
/** Weeks before `now` with at least 1.15 × the median week's distinct buyers. */
const busyWeeks = (now: number) =>
  memo(`b${now}`, () => {
    const past = weeklyBuyers.slice(0, now);
    const m = median(past);
    return past.map((x) => x >= 1.15 * m);
  });
function calendarChance(i: number, t: number, how: "chance" | "ratio" = "chance") {
  const now = Math.floor(t / 7);
  const busy = busyWeeks(now);
  const ds = purchaseDays[i]!.filter((d) => d < t).sort((a, b) => a - b);
  if (ds.length < 2) return NaN;
  const first = Math.floor(ds[0]! / 7);
  const last = Math.floor(ds[ds.length - 1]! / 7);
  const bought = new Set(ds.slice(1).map((d) => Math.floor(d / 7)));
  const n = { busy: 0, quiet: 0 }, known = { busy: 0, quiet: 0 }, silent = { busy: 0, quiet: 0 };
  for (let w = first; w < now; w++) {
    const k = busy[w] ? "busy" : "quiet";
    known[k]++;
    if (bought.has(w)) n[k]++;
    if (w > last) silent[k]++;
  }
  const overall = (n.busy + n.quiet) / Math.max(1, known.busy + known.quiet);
  const rate = (k: "busy" | "quiet") => Math.min(0.999, (n[k] + 2 * overall) / (known[k] + 2));
  const calendar = (1 - rate("busy")) ** silent.busy * (1 - rate("quiet")) ** silent.quiet;
  return how === "chance" ? calendar : calendar / (1 - Math.min(0.999, overall)) ** (silent.busy + silent.quiet);
}
/**
 * The Bayes factor of "the customer buys at one rate in the workspace's busy weeks and another
 * in its quiet ones" over "at one rate", from each week since their first purchase week (bought
 * in it or not, the silence included), uniform priors on the rates: the extra rate must earn its
 * place, so a short or even history gives about 1 or less.
 */
function calendarBayesFactor(i: number, t: number) {
  const now = Math.floor(t / 7);
  const busy = busyWeeks(now);
  const ds = purchaseDays[i]!.filter((d) => d < t);
  if (ds.length < 2) return NaN;
  const first = Math.floor(Math.min(...ds) / 7);
  const bought = new Set(ds.map((d) => Math.floor(d / 7)));
  const n = { busy: 0, quiet: 0 }, f = { busy: 0, quiet: 0 };
  for (let w = first + 1; w < now; w++) (bought.has(w) ? n : f)[busy[w] ? "busy" : "quiet"]++;
  return Math.exp(betaln(1 + n.busy, 1 + f.busy) + betaln(1 + n.quiet, 1 + f.quiet) - betaln(1 + n.busy + n.quiet, 1 + f.busy + f.quiet));
}
function peersSilent(i: number, t: number) {
  const p = passAt.get(t)!;
  if (p.last[i]! < 0) return NaN;
  const { buyers, silentBuyers, share } = memo(`p${t}`, () => {
    const weeks = Math.ceil(t / 7) + 1;
    const buyers = new Array(weeks).fill(0), silentBuyers = new Array(weeks).fill(0);
    let established = 0, silentAll = 0;
    for (let j = 0; j < p.last.length; j++) {
      if (p.gaps[j]! < 4 || p.last[j]! < 0) continue;
      const od = overdue(p, j);
      established++;
      if (od) silentAll++;
      for (const w of new Set(purchaseDays[j]!.filter((d) => d < t).map((d) => Math.floor(d / 7)))) (buyers[w]++, od && silentBuyers[w]++);
    }
    return { buyers, silentBuyers, share: silentAll / Math.max(1, established) };
  });
  const lw = Math.floor(p.last[i]! / 7);
  let b = 0, o = 0;
  for (let w = Math.max(0, lw - 3); w <= lw; w++) (b += buyers[w]), (o += silentBuyers[w]);
  return b === 0 ? NaN : o / b / share;
}
function burst(i: number, t: number) {
  const ds = purchaseDays[i]!.filter((d) => d < t);
  if (ds.length < 3) return NaN;
  const from = t - Math.min(210, t - Math.min(...ds));
  const baseDays = t - 30 - from;
  if (baseDays < 30) return NaN;
  const usual = ((ds.filter((d) => d <= t - 30 && d > from).length - 1) / baseDays) * 30;
  return usual <= 0 ? NaN : ds.filter((d) => d <= t - 30 && d > t - 90).length / 2 / usual;
}

{
  // How deep the workspace's seasons are: the busy weeks' median buyers over the quiet weeks' (whole history).
  const m = median(weeklyBuyers.slice(0, -1));
  const busy = weeklyBuyers.slice(0, -1).filter((x) => x >= 1.15 * m);
  const quiet = weeklyBuyers.slice(0, -1).filter((x) => x < 1.15 * m);
  console.log(`\nthe brand's seasons (day of year ± half-width): ${sim.brand.seasons.map((x) => `${x.centreDayOfYear} ± ${x.halfWidthDays}`).join(", ")}`);
  console.log(`season depth: ${busy.length} busy weeks of ${busy.length + quiet.length}, their median buyers ${median(busy)} against ${median(quiet)} (× ${(median(busy) / median(quiet)).toFixed(2)})`);
}
const statistics: { name: string; value: (i: number, t: number) => number; seasonalAbove: boolean; lines: number[] }[] = [
  { name: "shared silence (26 weeks)", value: (i, t) => sharedSilence(i, t, "past26"), seasonalAbove: true, lines: [2, 3] },
  { name: "shared silence (neighbours)", value: (i, t) => sharedSilence(i, t, "neighbours"), seasonalAbove: true, lines: [2, 3] },
  { name: "calendar chance of the silence", value: (i, t) => calendarChance(i, t), seasonalAbove: true, lines: [0.01, 0.05] },
  { name: "calendar over flat: the chance at busy/quiet rates over the chance at the customer's one rate", value: (i, t) => calendarChance(i, t, "ratio"), seasonalAbove: true, lines: [2, 3, 5] },
  { name: "calendar Bayes factor: busy/quiet rates over one rate, every week since the first", value: calendarBayesFactor, seasonalAbove: true, lines: [3, 10, 30] },
  { name: "peers silent since the same weeks", value: peersSilent, seasonalAbove: true, lines: [1.25, 1.5] },
  { name: "burst before the silence", value: burst, seasonalAbove: true, lines: [1.1, 1.5] },
];
const quantiles = (xs: number[]) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? "-" : [0.25, 0.5, 0.75].map((q) => +s[Math.floor(q * (s.length - 1))]!.toPrecision(2)).join(" / ");
};
console.log("\nvip-long-silence dropped where a statistic says the silence is seasonal (its quartiles on the pack's alerts with that rule):");
for (const s of statistics) {
  const groups: Record<string, number[]> = { "seasonal false": [], "true": [], "other false": [] };
  for (const a of base.alerts.filter((a) => a.rules.includes("vip-long-silence")))
    groups[isTrue(a.i, a.t) ? "true" : truth[a.i]!.a === "seasonal" ? "seasonal false" : "other false"]!.push(s.value(a.i, a.t));
  console.log(`${s.name}: ${Object.entries(groups).map(([k, v]) => `${k} ${quantiles(v)}`).join("; ")}`);
  for (const line of s.lines) {
    const r = replay((c) => {
      const v = s.value(c.i, c.t);
      return c.rules.includes("vip-long-silence") && (s.seasonalAbove ? v >= line : v <= line) ? ["vip-long-silence"] : [];
    });
    console.log(`  seasonal at ${s.seasonalAbove ? "≥" : "≤"} ${line}:`, JSON.stringify({ ...r.figures, falseAlerts: undefined }));
  }
}
for (const line of [3, 10]) {
  const r = replay((c) => (c.rules.some((x) => OWN_BUYING.includes(x)) && calendarBayesFactor(c.i, c.t) >= line ? OWN_BUYING : []));
  console.log(`all three own-buying rules dropped where the calendar Bayes factor ≥ ${line}:`, JSON.stringify({ ...r.figures, falseAlerts: undefined }));
}
console.log("\nthe same silence does not alert twice (own-buying rules alone):", JSON.stringify(replay(() => [], "own buying").figures));
console.log("the same silence does not alert twice (no rule beyond the last alert's):", JSON.stringify(replay(() => [], "same rules").figures));
process.exit(0);
