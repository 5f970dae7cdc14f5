// What a fault test runs: its own redis-server (on the resilience port range, so restarting
// or flushing it harms nobody), its own database cloned from the migrated template, and the
// service as separate processes started the way production starts them.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import net from "node:net";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import postgres from "postgres";
import { inject } from "vitest";
import { connectDatabase, type Database } from "../../db/client.ts";
import { REFRESH_LOCK_CLASS } from "../../src/features/refresh.ts";
import { createApiKey } from "../../src/workspaces/api-keys.ts";
import { createWorkspace } from "../../src/workspaces/workspaces.ts";

const root = new URL("../..", import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });

/** A redis-server of the test's own, without persistence: a restart comes back empty. */
export async function startRedis(port: number) {
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    await waitFor(`redis-server on ${port}`, () => answers(port), 10_000);
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once("exit", r));
    c.kill("SIGKILL");
    await exited;
    child = null;
  };
  if (await answers(port)) throw new Error(`port ${port} is taken; a fault test's Redis needs it`);
  await start();
  return { url: `redis://127.0.0.1:${port}`, start, stop, async restart() {
    await stop();
    await start();
  } };
}

/** A database of the test's own, cloned from the migrated template; only its backends are ever terminated. */
export async function createDatabase() {
  const base = inject("pgBaseUrl");
  const name = `rw_test_${process.pid}_fault_${randomBytes(3).toString("hex")}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}" template "${inject("templateDb")}"`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  const url = u.toString();
  // The test's own client has its own application name, so terminating the service's backends spares it.
  const sql = postgres(url, { max: 2, onnotice: () => {}, connection: { application_name: "rivalwatch-fault-test" } });
  return {
    url,
    sql,
    /** Terminates every backend of this database except the test's own connections' (by application name). */
    async terminateService() {
      const rows = await admin<{ n: number }[]>`
        select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
        where datname = ${name} and application_name = 'rivalwatch'`;
      return rows[0]!.n;
    },
    async drop() {
      await sql.end();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

export async function createTestWorkspace(url: string) {
  const database: Database = connectDatabase(url, { max: 2 });
  try {
    const { workspace } = await createWorkspace(database.db, { name: "Fault brand" });
    const ingest = (await createApiKey(database.db, { workspaceId: workspace.id, name: "ingest", role: "ingest" })).key;
    return { id: workspace.id, ingest };
  } finally {
    await database.close();
  }
}

export type Service = Awaited<ReturnType<typeof startService>>;

/** The service in one process with the roles asked for, as `npm start` runs it. */
export async function startService(roles: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: "0",
      ROLES: roles,
      LOG_LEVEL: "info",
      REFRESH_THROTTLE_MS: "50",
      NODE_ENV: "production",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = { text: "" };
  child.stdout.on("data", (d: Buffer) => (out.text += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out.text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const started = roles.includes("api") ? /API:\s+(http:\/\/\S+)\/v1/ : roles.includes("worker") ? /workers started/ : /schedules registered/;
  const m = await waitFor(`${roles} process start\n${out.text}`, async () => out.text.match(started) ?? (child.exitCode !== null ? null : undefined), 150_000);
  if (!m) throw new Error(`${roles} process exited:\n${out.text}`);
  return {
    child,
    out,
    exited,
    url: roles.includes("api") ? m[1]! : "",
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(30_000)]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

export type Posted = { status: number | "error"; error?: string; connection?: string; ids: string[] };

/** POSTs a batch on `agent` (keep-alive), resolving with the status or the network error. */
export function postBatch(url: string, key: string, signals: { id: string }[], agent?: http.Agent): Promise<Posted> {
  const body = JSON.stringify({ signals });
  const ids = signals.map((s) => s.id);
  return new Promise((resolve) => {
    const req = http.request(
      `${url}/v1/signals`,
      { method: "POST", agent, headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.once("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, ids }));
        res.once("error", (err) => resolve({ status: "error", error: err.message, ids }));
      },
    );
    req.once("error", (err: NodeJS.ErrnoException) => resolve({ status: "error", error: err.code ?? err.message, ids }));
    req.end(body);
  });
}

let seq = 0;
/** Sessions for new customers, one signal each; ids unique across the run. */
export function batch(prefix: string, size: number) {
  const at = new Date(Date.now() - 3_600_000).toISOString();
  return Array.from({ length: size }, () => {
    const n = ++seq;
    return { id: `${prefix}-s${n}`, customerId: `${prefix}-c${n}`, occurredAt: at, type: "session", data: { durationSeconds: 60, channel: "app" } };
  });
}

/** Signals stored, and how many ids appear more than once (must be 0). */
export async function storedSignals(sql: postgres.Sql, workspaceId: string, ids: string[]) {
  const [row] = await sql<{ stored: number; doubled: number }[]>`
    select count(distinct id)::int as stored, (count(*) - count(distinct id))::int as doubled
    from signals where workspace_id = ${workspaceId} and id = any(${ids}::text[])`;
  return row!;
}

/** Customers (of those named) that have no features yet: 0 means processing caught up. */
export async function unprocessed(sql: postgres.Sql, workspaceId: string, customerIds: string[]) {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from unnest(${customerIds}::text[]) as c(id)
    where not exists (select 1 from customer_features f where f.workspace_id = ${workspaceId} and f.customer_id = c.id)`;
  return row!.n;
}

/**
 * What the pipeline is doing, for a wait that runs long: requests waiting per shard, refresh
 * locks held and by whom, the service's backends by state, and the features queue's jobs.
 * A stuck run then says where it is stuck instead of only timing out.
 */
export async function pipelineState(sql: postgres.Sql, workspaceId: string, redisUrl: string, prefix: string) {
  const [requests, locks, backends] = await Promise.all([
    sql<{ n: number; oldest_s: number }[]>`
      select count(*)::int n, coalesce(extract(epoch from now() - min(requested_at)), 0)::int oldest_s from refresh_requests where workspace_id = ${workspaceId}`,
    sql<{ pid: number; state: string; age_s: number; query: string }[]>`
      select a.pid, a.state, extract(epoch from now() - a.xact_start)::int age_s, left(a.query, 80) query
      from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted and l.classid = hashtext(${REFRESH_LOCK_CLASS})::oid`,
    sql<{ state: string; n: number }[]>`
      select coalesce(state, '?') state, count(*)::int n from pg_stat_activity where datname = current_database() and application_name = 'rivalwatch' group by 1`,
  ]);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on("error", () => {});
  const features = new Queue("features", { connection: redis, prefix });
  const jobs = await features.getJobCounts().catch((err: Error) => ({ error: err.message }));
  await features.close().catch(() => {});
  redis.disconnect();
  return { requests: requests[0], refreshLocks: locks, backends: Object.fromEntries(backends.map((b) => [b.state, b.n])), featuresJobs: jobs };
}

/** Recovery figures go to the output so the README can quote them. */
export function report(fault: string, ms: number) {
  process.stdout.write(`FAULT ${fault}: processing resumed ${(ms / 1000).toFixed(1)} s after the fault ended\n`);
}
