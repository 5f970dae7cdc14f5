// `npm run bench` runs every benchmark at a quick size; `npm run bench -- <name> [--size N]
// [--seconds S]` one. Each prints a table and writes bench/results/<name>.json.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { runCdnowBench } from "./cdnow.ts";
import { runConsoleBench } from "./console.ts";
import { runIngestBench } from "./ingest.ts";
import { runLatencyBench } from "./latency.ts";
import { runModelBench } from "./model.ts";
import { qualityArchetypeTable, qualityTable, runQualityBench } from "./quality.ts";
import { runFeaturesDepthBench } from "./features-depth.ts";
import { runRefreshDepthBench } from "./refresh-depth.ts";
import { runRescoreBench } from "./rescore.ts";
import { runScaleoutBench } from "./scaleout.ts";
import { runSoakBench } from "./soak.ts";
import { machineFacts, SERVICE_HEAP_MIB } from "./support.ts";
import { plainBrand, type Brand } from "../src/simulator/index.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { quick: { type: "boolean" }, size: { type: "string" }, days: { type: "string" }, seed: { type: "string" }, rate: { type: "string" }, seconds: { type: "string" }, minutes: { type: "string" }, rounds: { type: "string" }, depths: { type: "string" }, concurrency: { type: "string" }, coverage: { type: "string" }, brand: { type: "string" }, partitioned: { type: "boolean" }, "no-vacuum": { type: "boolean" } },
});
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));

// `npm run bench` with no name runs everything at quick sizes; a named benchmark uses the
// sizes its issue asks for unless --size says otherwise.
const quick = positionals.length === 0 || values.quick === true;

const benches: Record<string, () => Promise<Record<string, unknown>>> = {
  ingest: () => runIngestBench({ seconds: num(values.seconds), concurrency: num(values.concurrency) }),
  latency: () => runLatencyBench({ seconds: num(values.seconds), rate: num(values.rate) }),
  // The cost of refreshing a customer as their history deepens (--size: customers, default 20,000).
  "refresh-depth": () => runRefreshDepthBench({ customers: num(values.size) ?? (quick ? 5_000 : 20_000), rounds: num(values.rounds) ?? (quick ? 4 : 12) }),
  // The features statement alone at deeper histories (--size: customers, default 2,000; --depths: sessions per customer).
  "features-depth": () =>
    runFeaturesDepthBench({ customers: num(values.size) ?? (quick ? 500 : 2_000), depths: values.depths?.split(",").map(Number) ?? (quick ? [10, 30] : [10, 60, 180]) }),
  // --partitioned: the loaded history moved into monthly partitions first, as the hourly maintenance does.
  // --no-vacuum: no vacuum between the passes (the scheduler's, a day apart on a live service), one analyze.
  rescore: () => runRescoreBench({ customers: num(values.size) ?? (quick ? 20_000 : 200_000), partitioned: values.partitioned === true, noVacuum: values["no-vacuum"] === true }),
  // The full size is --size 50000 --days 365.
  quality: () =>
    runQualityBench({ customers: num(values.size) ?? (quick ? 500 : 2_000), days: num(values.days) ?? (quick ? 150 : 180), seed: num(values.seed) ?? 1, brand: qualityBrand() }),
  cdnow: async () => ({ ...(await runCdnowBench()), machine: await machineFacts() }),
  // Worker processes of its own; --size is customers per workspace (3 workspaces).
  scaleout: () => runScaleoutBench({ customers: num(values.size) ?? (quick ? 2_000 : 20_000) }),
  // Separate API, worker and scheduler processes under steady load; the size is 30 minutes at 2,000/s.
  soak: () => runSoakBench({ minutes: num(values.minutes) ?? (quick ? 1 : 30), rate: num(values.rate) }),
  // Server time of each console page's API calls on the demo workspace (--size: demo customers, default 50).
  console: () => runConsoleBench({ customers: num(values.size) }),
  model: async () => ({ name: "model", ...(await runModelBench({ sizes: values.size ? [Number(values.size)] : [23_570, 1_000_000] })), machine: await machineFacts() }),
};

// Benchmarks whose process is the service (with its load generator or data loader): they
// run under the service's heap cap. The quality simulator holds every signal it generates,
// so it runs without one.
const serviceBenches = new Set(["ingest", "latency", "rescore", "refresh-depth"]);

const names = positionals.length > 0 ? positionals : Object.keys(benches);
// Each benchmark in a process of its own, so each reports its own peak memory, with the
// heap cap its kind of process has.
if (!process.env.RW_BENCH_CHILD) {
  const args = process.argv.slice(2).filter((a) => !names.includes(a));
  for (const name of names) {
    if (!benches[name]) {
      process.stderr.write(`unknown benchmark "${name}"; choose from ${Object.keys(benches).join(", ")}\n`);
      process.exit(2);
    }
    const heap = serviceBenches.has(name) ? [`--max-old-space-size=${SERVICE_HEAP_MIB}`] : [];
    const run = spawnSync(process.execPath, [...heap, ...process.execArgv, process.argv[1]!, name, ...args, ...(quick ? ["--quick"] : [])], {
      stdio: "inherit",
      env: { ...process.env, RW_BENCH_CHILD: "1" },
    });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
  process.exit(0);
}
for (const name of names) {
  const result = await benches[name]!();
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL(`./results/${name}.json`, import.meta.url), JSON.stringify(result, null, 2) + "\n");
  process.stdout.write(`\n== ${name} ==\n`);
  if (name === "quality") {
    console.table(qualityTable(result as Awaited<ReturnType<typeof runQualityBench>>));
    console.table(qualityArchetypeTable(result as Awaited<ReturnType<typeof runQualityBench>>));
    console.table(flatten({ cdnowHoldout: result.cdnow ?? {}, sizes: result.sizes, seconds: result.seconds, memory: result.memory }));
  } else if (name === "refresh-depth") {
    const { steps, ...rest } = result as { steps: Record<string, unknown>[] };
    const dead = (t: unknown) => Object.fromEntries(Object.entries(t as Record<string, { dead: number }>).map(([k, v]) => [k, v.dead]));
    console.table(steps.map((x) => flatten({ round: x.round, msPerCustomer: x.msPerCustomer, phase: x.phaseMsPerCustomer, dead: dead(x.tables) })));
    console.table(flatten(rest));
  } else if (name === "features-depth") {
    const { steps, ...rest } = result as { steps: Record<string, unknown>[] };
    console.table(steps.map((x) => flatten(x)));
    console.table(flatten(rest));
  } else if (name === "soak") {
    const { samples, ...rest } = result as { samples: Record<string, unknown>[] };
    console.table(samples.map((x) => flatten({ minute: x.minute, p50Ms: x.p50Ms, p99Ms: x.p99Ms, backlog: x.backlog, memory: x.memory, errors: x.errors })));
    console.table(flatten(rest));
  } else if (name === "console") {
    const { pages, ...rest } = result as { pages: Record<string, unknown>[] };
    console.table(pages.map(({ detail: _detail, ...p }) => p));
    console.table(flatten(rest));
  } else console.table(flatten(result));
}
process.exit(0);

/** `--brand plain` simulates the brand of earlier runs; `--coverage 0.4` sets both panels' coverage. */
function qualityBrand(): Partial<Brand> | undefined {
  const brand: Partial<Brand> = values.brand === "plain" ? { ...plainBrand } : {};
  if (values.coverage !== undefined) Object.assign(brand, { appPanelCoverage: Number(values.coverage), cardPanelCoverage: Number(values.coverage) });
  return Object.keys(brand).length > 0 ? brand : undefined;
}

function flatten(o: Record<string, unknown>, prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === "object" && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, `${prefix}${k}.`));
    else out[`${prefix}${k}`] = Array.isArray(v) ? JSON.stringify(v) : v;
  }
  return out;
}
