// Rule packs tried offline on one replay of the quality bench:
//
//   npx tsx bench/quality-packs.ts <seed> [customers] [days] [variant name pattern]
//   (1,000 × 180 days and every variant by default; heavy: use the lock)
//
// The replay runs the service with the default pack (its figures are printed as the bench
// prints them); after each daily pass every customer's facts are scored by each variant of
// bench/quality-pack-variants.ts with computeScore, and alerts opened as the service opens them
// (one open alert per customer, resolved after 28 days, then quiet for the matched rules'
// cooldown). Evaluated daily, not at each refresh, so a variant equal to the shipped pack may
// differ from the service's own alerts by a few. Results also in bench/results/quality-packs-<seed>.json.
import { writeFileSync } from "node:fs";
import { execSync } from "node:child_process";
import { qualityArchetypeTable, qualityTable, runQualityBench, score } from "./quality.ts";
import { figuresByArchetype } from "./quality-report.ts";
import { compileRule } from "../rules/compile-js.ts";
import type { PackRule } from "../rules/definition.ts";
import { loadFacts } from "../src/scores/score-customers.ts";
import { computeScore, type ActiveRule } from "../src/scores/compute.ts";
import { defaultScoringSettings } from "../src/scores/settings.ts";
import { loadGroundTruth, type GroundTruth } from "../src/simulator/index.ts";
import { packVariants as candidates } from "./quality-pack-variants.ts";

const DAY = 86_400_000;
const seed = Number(process.argv[2] ?? 1);
const customers = Number(process.argv[3] ?? 1000);
const days = Number(process.argv[4] ?? 180);
const only = new RegExp(process.argv[5] ?? "");
type State = { open: number | null; cooldown: number; coolUntil: number };
const sims = Object.entries(candidates).filter(([name]) => only.test(name)).map(([name, pack]) => ({
  name,
  rules: pack.map((r: PackRule): ActiveRule => ({ id: r.id, version: 1, definition: r, predicate: compileRule(r.conditions) })),
  state: new Map<string, State>(),
  alerts: [] as { customerId: string; at: number }[],
}));
let truth: GroundTruth[] = [];
const started = Date.now();
const commit = execSync("git rev-parse --short HEAD").toString().trim() + (execSync("git status --porcelain -- rules src db bench").toString().trim() ? "+dirty" : "");
const result = await runQualityBench({
  customers,
  days,
  seed,
  cdnow: false,
  onDailyPass: async ({ deps, workspaceId, at }) => {
    if (truth.length === 0) truth = await loadGroundTruth(deps.database.sql, workspaceId);
    const ids = (await deps.database.sql<{ customer_id: string }[]>`select customer_id from customer_features where workspace_id = ${workspaceId}`).map((r) => r.customer_id);
    const rows = await loadFacts(deps, { workspaceId, customerIds: ids, asOf: at });
    const t = at.getTime();
    for (const sim of sims) {
      for (const row of rows) {
        const st = sim.state.get(row.customerId) ?? { open: null, cooldown: 0, coolUntil: -Infinity };
        if (st.open !== null && t >= st.open + 28 * DAY) {
          st.coolUntil = st.open + 28 * DAY + st.cooldown * DAY;
          st.open = null;
        }
        const r = computeScore({ facts: row.facts, tier: row.tier, rules: sim.rules, model: row.model, settings: defaultScoringSettings, currency: "KRW" });
        if (r.alerts) {
          if (st.open !== null) st.cooldown = Math.max(st.cooldown, r.cooldownDays);
          else if (t >= st.coolUntil) {
            st.open = t;
            st.cooldown = r.cooldownDays;
            sim.alerts.push({ customerId: row.customerId, at: t });
          }
        }
        sim.state.set(row.customerId, st);
      }
    }
  },
});

console.log(`service alerts (default pack at ${commit}):`);
console.table(qualityTable(result));
console.table(qualityArchetypeTable(result));
const weeks = (days - result.sizes.warmupDays) / 7;
for (const sim of sims) {
  const f = score(sim.alerts, truth, customers, weeks);
  const arch = figuresByArchetype(sim.alerts, truth, weeks) as Record<string, { falseAlerts: number }>;
  const falses = Object.entries(arch)
    .map(([a, v]) => `${a.slice(0, 8)}:${v.falseAlerts}`)
    .join(" ");
  console.log(`seed ${seed} ${sim.name.padEnd(28)} alerts ${f.alerts} P ${f.precision} R ${f.recall} lead ${f.medianLeadDays} /1k/wk ${f.alertsPer1000PerWeek} | ${falses}`);
}
writeFileSync(
  `bench/results/quality-packs-${seed}-${customers}-${days}.json`,
  JSON.stringify({ commit, service: result, variants: Object.fromEntries(sims.map((sim) => [sim.name, { figures: score(sim.alerts, truth, customers, weeks), byArchetype: figuresByArchetype(sim.alerts, truth, weeks) }])) }, null, 1),
);
console.error(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(0);
