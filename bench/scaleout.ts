// Throughput with 1, 2 and 3 worker processes (`npm start` with ROLES=worker) on one
// PostgreSQL and one Redis: W workspaces of N synthetic customers each.
// - refresh: every customer requested at once (REFRESH_SHARDS=6 jobs per workspace), timed
//   until the log is empty;
// - re-score: every customer's features made due, one daily-pass job per workspace, timed
//   until all are done.
// Worker start-up is not timed. On a 2-core machine the database, Redis and the workers
// share the cores, so the ceiling shows early: read the ratios, not the absolute figures.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { queueNames } from "../jobs/definitions.ts";
import { JobQueues } from "../jobs/runtime.ts";
import { createWorkspace } from "../src/workspaces/workspaces.ts";
import { loadSyntheticCustomers } from "./rescore.ts";
import { benchRedisUrl, freshDatabase, machineFacts } from "./support.ts";

const REFRESH_SHARDS = 6;
const root = path.resolve(import.meta.dirname, "..");

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: { ...process.env, ...env, ROLES: "worker", LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString("utf8");
      if (out.includes("workers started")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`worker exited with ${code} before starting`)));
  });
}

const stop = (c: ChildProcess) => new Promise<void>((resolve) => (c.exitCode !== null ? resolve() : (c.once("exit", () => resolve()), c.kill("SIGTERM"))));

async function until(check: () => Promise<boolean>) {
  while (!(await check())) await new Promise((r) => setTimeout(r, 100));
}

export async function runScaleoutBench(opts: { customers?: number; workspaces?: number } = {}) {
  const perWorkspace = opts.customers ?? 20_000;
  const w = opts.workspaces ?? 3;
  const { database, drop } = await freshDatabase("scaleout");
  const redisUrl = benchRedisUrl();
  const prefix = `{rwbench-scale-${randomBytes(3).toString("hex")}}`;
  const jobs = new JobQueues({ backend: { kind: "redis", url: redisUrl }, prefix });
  const env = { DATABASE_URL: database.url, REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, REFRESH_SHARDS: String(REFRESH_SHARDS) };
  const rounds: { workers: number; refreshSeconds: number; refreshCustomersPerSecond: number; rescoreSeconds: number; rescoreCustomersPerSecond: number }[] = [];
  try {
    const ids: string[] = [];
    for (let i = 0; i < w; i++) {
      const { workspace } = await createWorkspace(database.db, { name: `scale-${i}` });
      await loadSyntheticCustomers(database, workspace.id, perWorkspace);
      ids.push(workspace.id);
    }
    await database.sql`analyze`;
    const total = perWorkspace * w;
    const sql = database.sql;
    for (const k of [1, 2, 3]) {
      const workers = await Promise.all(Array.from({ length: k }, () => startWorker(env)));
      try {
        await sql`insert into refresh_requests (workspace_id, customer_id, requested_at) select workspace_id, id, now() from customers`;
        const t0 = performance.now();
        await jobs.addBulk(
          "refreshCustomers",
          ids.flatMap((workspaceId) => Array.from({ length: REFRESH_SHARDS }, (_, shard) => ({ payload: { workspaceId, shard } }))),
        );
        await until(async () => Number((await sql`select count(*)::int as n from refresh_requests`)[0]!.n) === 0);
        const refreshSeconds = (performance.now() - t0) / 1000;

        await sql`update customer_features set next_change_at = '-infinity'`;
        const asOf = new Date().toISOString();
        const t1 = performance.now();
        await jobs.addBulk("rescoreWorkspace", ids.map((workspaceId) => ({ payload: { workspaceId, asOf }, opts: { jobId: `bench-${k}-${workspaceId}` } })));
        await until(async () => {
          const states = await Promise.all(ids.map(async (id) => (await jobs.queue("scoring").getJob(`bench-${k}-${id}`))?.getState()));
          if (states.includes("failed")) throw new Error("a daily pass failed");
          return states.every((s) => s === "completed");
        });
        const rescoreSeconds = (performance.now() - t1) / 1000;
        rounds.push({
          workers: k,
          refreshSeconds: +refreshSeconds.toFixed(1),
          refreshCustomersPerSecond: Math.round(total / refreshSeconds),
          rescoreSeconds: +rescoreSeconds.toFixed(1),
          rescoreCustomersPerSecond: Math.round(total / rescoreSeconds),
        });
        process.stderr.write(`${JSON.stringify(rounds.at(-1))}\n`);
      } finally {
        await Promise.all(workers.map(stop));
      }
    }
    return { name: "scaleout", sizes: { workspaces: w, customersPerWorkspace: perWorkspace, refreshShards: REFRESH_SHARDS }, rounds, machine: await machineFacts(database) };
  } finally {
    await Promise.allSettled(queueNames.map((q) => jobs.queue(q).obliterate({ force: true })));
    await jobs.close();
    await drop();
  }
}
