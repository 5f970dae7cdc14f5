// Shared by the benchmarks: a fresh database on the configured server, and the facts of
// the machine a figure was measured on.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import os from "node:os";
import { getHeapStatistics } from "node:v8";
import postgres from "postgres";
import { connectDatabase, type Database } from "../db/client.ts";
import { applyMigrations } from "../db/migrate.ts";

export const benchDatabaseUrl = () => process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const benchRedisUrl = () => process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export async function freshDatabase(label: string): Promise<{ database: Database; drop(): Promise<void> }> {
  const base = benchDatabaseUrl();
  const name = `rw_bench_${label}_${randomBytes(3).toString("hex")}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  const database = connectDatabase(u.toString(), { max: 40 });
  await applyMigrations(database);
  return {
    database,
    async drop() {
      await database.close();
      // BENCH_KEEP=1 leaves the database for inspection (EXPLAIN, psql).
      if (process.env.BENCH_KEEP) return void console.error(`kept database ${name}`);
      const a = postgres(base, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}

export async function machineFacts(database?: Database) {
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {}
  const pg = database ? ((await database.sql`show server_version`)[0]?.server_version as string) : undefined;
  return { cores: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, postgres: pg, commit, at: new Date().toISOString() };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * CPU time spent by this process and by the PostgreSQL backends serving `database`, between
 * `start()` and `stop()`, in milliseconds. The backends are read from /proc, so `postgresMs`
 * is null when the server is not on this machine; PostgreSQL's shared background processes
 * (WAL writer, checkpointer) are not counted.
 */
export function cpuMeter(database: Database) {
  const backendTicks = async () => {
    const ticks = new Map<number, number>();
    const pids = await database.sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database()`;
    for (const { pid } of pids) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        ticks.set(pid, Number(fields[11]) + Number(fields[12])); // utime + stime
      } catch {}
    }
    return ticks;
  };
  // Linux's USER_HZ is 100 on every architecture Node runs on.
  const TICK_MS = 10;
  let node = process.cpuUsage();
  let before = new Map<number, number>();
  return {
    async start() {
      before = await backendTicks();
      node = process.cpuUsage();
    },
    async stop(): Promise<{ nodeMs: number; postgresMs: number | null }> {
      const used = process.cpuUsage(node);
      const after = await backendTicks();
      let ticks = 0;
      for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
      return { nodeMs: (used.user + used.system) / 1000, postgresMs: after.size > 0 ? ticks * TICK_MS : null };
    },
  };
}

export const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

/**
 * The resident size's peak within each step of a run, sampled every 50 ms: the process's own
 * peak (peakRssMiB) only ever rises, so it cannot say whether a later step stayed below an
 * earlier one.
 */
export function rssPerStep() {
  let peak = 0;
  const sample = () => void (peak = Math.max(peak, process.memoryUsage.rss()));
  const timer = setInterval(sample, 50);
  timer.unref();
  return {
    /** The step's peak in MiB; the next step starts now. */
    step(): number {
      sample();
      const mib = Math.round(peak / 2 ** 20);
      peak = 0;
      return mib;
    },
    stop: () => clearInterval(timer),
  };
}

/** API + worker must stay under this at the default sizes (issue 6). */
export const MEMORY_BUDGET_MIB = 512;
/** Each service process on its own must stay under this, at every size (issue 17). */
export const PROCESS_RSS_BUDGET_MIB = 300;

/**
 * The V8 old-space cap `npm start` gives the service (package.json). Benchmarks of the
 * service's own processes run under it too, so their peak memory is what production sees:
 * uncapped, V8 on a large machine defers collection and the heap grows to several times
 * the data that is live.
 */
export const SERVICE_HEAP_MIB = 384;

/**
 * This process's peak resident memory and whether it kept to the budget. The benchmark's
 * process holds the service parts it measures (and its load generator or data).
 */
export function memoryReport(holds: string) {
  const peak = peakRssMiB();
  return {
    peakRssMiB: peak,
    holds,
    heapLimitMiB: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
    budget: peak <= MEMORY_BUDGET_MIB ? `within ${MEMORY_BUDGET_MIB} MiB` : `OVER the ${MEMORY_BUDGET_MIB} MiB budget`,
  };
}
