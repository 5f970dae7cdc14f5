// Several processes of each role against one PostgreSQL and one Redis: 2 API, 3 worker and
// 2 scheduler processes (`npm start` with ROLES), a scenario pushed through both APIs, one
// worker and one scheduler killed with SIGKILL half-way. Everything still happens exactly
// once: each signal stored once, one alert per defecting customer with one task, one
// enrollment and one delivery per event; each period of the (shortened) re-score schedule
// fires once, and each workspace gets one daily pass.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { eventually, useTestContext, type TestWorkspace } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";
import { prepareActions, startReceiver } from "../actions/support.ts";

const root = path.resolve(import.meta.dirname, "../..");
const redisUrl = inject("redisUrl");
const prefix = `{rwscale-${randomBytes(4).toString("hex")}}`;
const SHARDS = 2;
const ctx = useTestContext(
  redisUrl ? { queues: { backend: { kind: "redis", url: redisUrl }, prefix, shards: SHARDS } } : {},
);

type Proc = { role: string; child: ChildProcess; out: string[]; apiUrl?: string };
const procs: Proc[] = [];

function start(role: "api" | "worker" | "scheduler"): Proc {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_OPTIONS: "--max-old-space-size=256",
      DATABASE_URL: ctx.database.url,
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      QUEUE_PREFIX: prefix,
      QUEUE_SHARDS: String(SHARDS),
      ROLES: role,
      PORT: "0",
      LOG_LEVEL: "info",
      WORKER_CONCURRENCY: "4",
      REFRESH_THROTTLE_MS: "100",
      OUTBOX_DRAIN_EVERY_MS: "500",
      // Every 5 s instead of daily, so the test sees several periods.
      RESCORE_SCHEDULE: "*/5 * * * * *",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const p: Proc = { role, child, out: [] };
  const take = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    p.out.push(text);
    p.apiUrl ??= text.match(/API:\s+(http:\/\/\S+)\/v1/)?.[1];
  };
  child.stdout!.on("data", take);
  child.stderr!.on("data", take);
  procs.push(p);
  return p;
}

afterAll(async () => {
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
          p.child.once("exit", () => resolve());
          p.child.kill("SIGTERM");
          setTimeout(() => p.child.kill("SIGKILL"), 15_000).unref();
        }),
    ),
  );
}, 30_000);

const now = () => new Date();
const vip = (id: string) => Array.from({ length: 5 }, (_, i) => signal.purchase(id, daysAgo(20 + i * 30, now()), { data: { amount: 100_000 } }));
const defects = (id: string) => [
  signal.competitorAppUsage(id, daysAgo(3, now()), { data: { competitor: "rival-beauty", app: "rival-beauty" } }),
  signal.competitorAppUsage(id, daysAgo(2, now()), { data: { competitor: "glowmall", app: "glowmall" } }),
  signal.competitorAppUsage(id, daysAgo(1, now()), { data: { competitor: "skinnow", app: "skinnow" } }),
  signal.competitorPurchase(id, daysAgo(1, now()), { data: { competitor: "rival-beauty", amount: 120_000 } }),
];

async function push(apiUrl: string, key: string, signals: unknown[]) {
  const res = await fetch(`${apiUrl}/v1/signals`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ signals }),
  });
  expect(res.status).toBe(200);
}

const n = async (query: Promise<{ n: number }[]>) => Number((await query)[0]!.n);

describe("scale-out: 2 API, 3 worker, 2 scheduler processes", () => {
  it("does everything exactly once while a worker and a scheduler are killed", { timeout: 600_000 }, async () => {
    const receiver = await startReceiver();
    try {
      const workspaces: TestWorkspace[] = [await ctx.workspace("A"), await ctx.workspace("B")];
      for (const ws of workspaces) await prepareActions(ctx, ws, receiver.url);

      const apis = [start("api"), start("api")];
      const workers = [start("worker"), start("worker"), start("worker")];
      const schedulers = [start("scheduler"), start("scheduler")];
      // Seven processes compiling TypeScript at once on two cores: a while on a busy machine.
      const started = (p: Proc) => (p.role === "api" ? p.apiUrl !== undefined : p.out.join("").includes(p.role === "worker" ? "workers started" : "schedules registered"));
      try {
        await eventually(async () => (procs.every(started) ? true : undefined), 300_000);
      } catch (err) {
        for (const p of procs) process.stderr.write(`--- ${p.role} (exit ${p.child.exitCode ?? p.child.signalCode}):\n${p.out.join("").slice(-2000)}\n`);
        throw err;
      }
      const scenarioStarted = Date.now();

      // Per workspace: 6 defectors and 6 calm VIPs; every batch goes to one API, and the
      // defectors' batches are sent to the other API again (same ids: duplicates).
      const defectors = ["d1", "d2", "d3", "d4", "d5", "d6"];
      const calm = ["c1", "c2", "c3", "c4", "c5", "c6"];
      const sent = new Map<string, Set<string>>();
      const half = async (which: number) => {
        for (const ws of workspaces) {
          const ids = sent.get(ws.id) ?? new Set<string>();
          sent.set(ws.id, ids);
          for (const [i, c] of [...defectors, ...calm].entries()) {
            if (i % 2 !== which) continue;
            const batch = defectors.includes(c) ? [...vip(c), ...defects(c)] : vip(c);
            for (const s of batch) ids.add((s as { id: string }).id);
            await push(apis[i % 2]!.apiUrl!, ws.keys.ingest, batch);
            if (defectors.includes(c)) await push(apis[(i + 1) % 2]!.apiUrl!, ws.keys.ingest, batch);
          }
        }
      };
      await half(0);
      workers[0]!.child.kill("SIGKILL");
      schedulers[0]!.child.kill("SIGKILL");
      await half(1);

      // Each defector: an alert, its task, its enrollment, and three deliveries (alert.opened,
      // task.created, campaign.enrollment.created) received.
      const expected = workspaces.length * defectors.length;
      const uniqueDeliveries = () => new Set(receiver.received.map((r) => r.headers["webhook-id"])).size;
      await eventually(async () => (uniqueDeliveries() >= expected * 3 ? true : undefined), 240_000);
      // A delivery the killed worker had sent but not yet recorded is sent again (same
      // webhook-id) once BullMQ's stalled check hands its job over, up to a minute later.
      await eventually(async () => {
        const [row] = await ctx.database.sql<{ n: number }[]>`
          select count(*)::int as n from deliveries where workspace_id = any(${workspaces.map((w) => w.id)}::text[]) and status = 'succeeded'`;
        return row!.n >= expected * 3 ? true : undefined;
      }, 120_000);
      // Let at least two more periods of the schedule pass, with one scheduler left.
      await new Promise((r) => setTimeout(r, 11_000));

      const sql = ctx.database.sql;
      for (const ws of workspaces) {
        const ids = [...sent.get(ws.id)!];
        expect(await n(sql`select count(*)::int as n from signals where workspace_id = ${ws.id}`)).toBe(ids.length);
        expect(await n(sql`select count(distinct id)::int as n from signals where workspace_id = ${ws.id} and id = any(${ids}::text[])`)).toBe(ids.length);
        const alerts = await sql<{ customer_id: string }[]>`select customer_id from alerts where workspace_id = ${ws.id} order by customer_id`;
        expect(alerts.map((a) => a.customer_id)).toEqual(defectors);
        expect(await n(sql`select count(*)::int as n from tasks where workspace_id = ${ws.id}`)).toBe(defectors.length);
        expect(await n(sql`select count(*)::int as n from enrollments where workspace_id = ${ws.id}`)).toBe(defectors.length);
        expect(await n(sql`select count(*)::int as n from deliveries where workspace_id = ${ws.id}`)).toBe(defectors.length * 3);
        expect(await n(sql`select count(*)::int as n from deliveries where workspace_id = ${ws.id} and status = 'succeeded'`)).toBe(defectors.length * 3);
      }
      expect(uniqueDeliveries()).toBe(expected * 3);

      // The re-score schedule: one job per 5-second period, whichever scheduler made it.
      const scoring = ctx.jobs.queue("scoring");
      const fanOuts = (await scoring.getJobs(["completed", "failed", "active", "waiting", "delayed"])).filter((j) => j.name === "rescore-all");
      const periods = fanOuts.map((j) => Number(j.id!.split(":").at(-1)));
      expect(new Set(periods).size).toBe(periods.length);
      expect(periods.every((t) => t % 5_000 === 0)).toBe(true);
      // And it kept firing after one scheduler (and perhaps the worker holding its job) died.
      expect(periods.filter((t) => t > scenarioStarted).length).toBeGreaterThanOrEqual(2);
      // One daily pass per workspace and day, however many fan-outs ran. A pass the killed
      // worker held stays active until BullMQ's stalled check hands it to another worker
      // (lock 30 s + check 30 s), so wait for it to complete rather than for a fixed time.
      const passesOf = async (ws: TestWorkspace) =>
        (await ctx.jobs.queue("scoring", ctx.jobs.shardOf(ws.id)).getJobs(["completed", "failed", "active", "waiting", "delayed"])).filter(
          (j) => j.name === "rescore-workspace" && (j.data as { workspaceId: string }).workspaceId === ws.id,
        );
      for (const ws of workspaces) {
        await eventually(async () => {
          const passes = await passesOf(ws);
          return passes.length === 1 && (await passes[0]!.isCompleted()) ? true : undefined;
        }, 150_000);
        expect(await passesOf(ws)).toHaveLength(1);
      }
      // Every workspace's pass ran to its end somewhere. Only a pass cut short by the kill may
      // have run twice (it is idempotent); a surviving process never runs one twice.
      const passLines = (ps: Proc[]) => ps.flatMap((p) => p.out.join("").split("\n")).filter((l) => l.includes('"workspace re-scored"'));
      const survivors = procs.filter((p) => p !== workers[0]);
      for (const ws of workspaces) {
        expect(passLines(procs).filter((l) => l.includes(ws.id)).length).toBeGreaterThanOrEqual(1);
        expect(passLines(survivors).filter((l) => l.includes(ws.id)).length).toBeLessThanOrEqual(1);
      }
    } finally {
      await receiver.close();
    }
  });
});
