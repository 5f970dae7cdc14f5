// Ingest: many concurrent clients POST batches of 100 signals over real HTTP for a fixed
// time (from a worker thread); beside it, the same rows inserted straight with postgres.js
// (the ceiling).
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { Redis } from "ioredis";
import { JobQueues } from "../jobs/runtime.ts";
import { loadConfig } from "../src/config.ts";
import type { Deps } from "../src/deps.ts";
import { createApp } from "../src/http/app.ts";
import { createLogger } from "../src/log.ts";
import { systemClock } from "../src/clock.ts";
import { createWorkspace } from "../src/workspaces/workspaces.ts";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { loop, makeBatch, summarise, type LoadRun } from "./load.ts";
import { benchRedisUrl, cpuMeter, freshDatabase, machineFacts, memoryReport, rssPerStep } from "./support.ts";
import { insertSignalsWithIds } from "../db/queries/signal-ids.ts";

/** CPU microseconds per signal from a slice total in milliseconds. */
const perSignal = (used: { nodeMs: number; postgresMs: number | null }, signals: number) => ({
  node: +((used.nodeMs * 1000) / signals).toFixed(1),
  postgres: used.postgresMs === null ? null : +((used.postgresMs * 1000) / signals).toFixed(1),
});

/** The HTTP clients in a process of their own, as separate machines would be. */
function httpLoad(input: { url: string; prefix: string; seconds: number; concurrency: number; batch: number; customers: number; headers: Record<string, string>; contention?: boolean }) {
  return new Promise<LoadRun & { statuses: Record<number, number> }>((resolve, reject) => {
    const child = fork(fileURLToPath(new URL("./http-load.ts", import.meta.url)), [JSON.stringify(input)], { execArgv: ["--import", "tsx"] });
    let result: (LoadRun & { statuses: Record<number, number> }) | undefined;
    child.once("message", (r) => (result = r as LoadRun & { statuses: Record<number, number> }));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 && result ? resolve(result) : reject(new Error(`load process exited with ${code}`))));
  });
}

export type IngestBenchOptions = { seconds?: number; concurrency?: number; batch?: number; customers?: number };

export async function runIngestBench(opts: IngestBenchOptions = {}) {
  const seconds = opts.seconds ?? 12;
  const concurrency = opts.concurrency ?? 16;
  const batch = opts.batch ?? 100;
  const customers = opts.customers ?? 20_000;
  const { database, drop } = await freshDatabase("ingest");
  const redisUrl = benchRedisUrl();
  const redisUp = await new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 }).connect().then(() => true, () => false);
  const jobs = new JobQueues({
    backend: redisUp ? { kind: "redis", url: redisUrl } : { kind: "postgres", url: database.url },
    prefix: `{rwbench-${Date.now()}}`,
  });
  const config = loadConfig({ LOG_LEVEL: "silent", DATABASE_URL: database.url });
  const deps: Deps = { database, jobs, config, log: createLogger("warn"), clock: systemClock };
  const server = serve({ fetch: createApp(deps).fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((r) => server.once("listening", () => r()));
  const port = (server.address() as { port: number }).port;
  try {
    const { apiKey } = await createWorkspace(database.db, { name: "bench" });
    const { workspace: raw } = await createWorkspace(database.db, { name: "raw" });
    const headers = { authorization: `Bearer ${apiKey.key}`, "content-type": "application/json" };

    // The API and the raw insert take turns in short slices, so that a machine whose speed
    // drifts (a shared host) slows both alike; each figure sums its slices.
    const rounds = 3;
    const load = { seconds: seconds / rounds, concurrency, batch, customers, headers };
    await database.sql`insert into customers (workspace_id, id) select ${raw.id}, 'c-' || g from generate_series(0, ${customers - 1}) g`;
    const { workspace: rawLedger } = await createWorkspace(database.db, { name: "raw-ledger" });
    const rawRows = (workspaceId: string, prefix: string, n: number) =>
      makeBatch(prefix, n, batch, customers).map((s) => ({
        workspace_id: workspaceId, id: s.id, customer_id: s.customerId, identity_kind: "crm_id", identity_value: s.customerId,
        type: s.type, occurred_at: new Date(s.occurredAt), amount: "amount" in s.data ? s.data.amount : null, data: s.data,
      }));
    const apiRuns: LoadRun[] = [];
    const rawRuns: LoadRun[] = [];
    const ledgerRuns: LoadRun[] = [];
    // The process's resident peak in each part: the API's slices apart from the raw inserts'
    // (the ceiling runs in this process too; its rows are built here).
    const rss = rssPerStep();
    const peakIn = { apiSlices: 0, rawInsertSlices: 0, contention: 0 };
    // Where each path's time goes: CPU per signal in this process (the API's in its slices,
    // the raw insert's client in its own) and in PostgreSQL's backends.
    const cpu = cpuMeter(database);
    const cpuIn = { api: { nodeMs: 0, postgresMs: 0 as number | null }, rawInsert: { nodeMs: 0, postgresMs: 0 as number | null } };
    const addCpu = (to: { nodeMs: number; postgresMs: number | null }, used: { nodeMs: number; postgresMs: number | null }) => {
      to.nodeMs += used.nodeMs;
      to.postgresMs = to.postgresMs === null || used.postgresMs === null ? null : to.postgresMs + used.postgresMs;
    };
    for (let round = 0; round < rounds; round++) {
      rss.step();
      await cpu.start();
      apiRuns.push(await httpLoad({ ...load, url: `http://127.0.0.1:${port}/v1/signals`, prefix: `api${round}` }));
      addCpu(cpuIn.api, await cpu.stop());
      peakIn.apiSlices = Math.max(peakIn.apiSlices, rss.step());
      // The ceiling: the same rows, straight into the signals table, same concurrency.
      await cpu.start();
      rawRuns.push(
        await loop(load.seconds, concurrency, async (n) => {
          const r = await database.sql`insert into signals ${database.sql(rawRows(raw.id, `raw${round}`, n))} on conflict do nothing`;
          return r.count;
        }),
      );
      addCpu(cpuIn.rawInsert, await cpu.stop());
      // The same raw insert with each id also written to the idempotency ledger (signal_ids):
      // what the ledger alone costs, measured beside the raw insert.
      ledgerRuns.push(
        await loop(load.seconds, concurrency, async (n) => {
          const r = await insertSignalsWithIds(database.sql, database.sql`insert into signals ${database.sql(rawRows(rawLedger.id, `rawl${round}`, n))}`);
          return r.count;
        }),
      );
      peakIn.rawInsertSlices = Math.max(peakIn.rawInsertSlices, rss.step());
    }
    const api = summarise(apiRuns);
    const rawRun = summarise(rawRuns);
    const ledgerRun = summarise(ledgerRuns);
    // The HTTP ceiling: a bare Hono route that parses the same bodies and answers.
    const bare = new Hono().post("/v1/signals", async (c) => {
      const body = (await c.req.json()) as { signals: unknown[] };
      return c.json({ accepted: body.signals.length });
    });
    const bareServer = serve({ fetch: bare.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((r) => bareServer.once("listening", () => r()));
    const barePort = (bareServer.address() as { port: number }).port;
    const rawHttp = summarise([await httpLoad({ ...load, seconds, url: `http://127.0.0.1:${barePort}/v1/signals`, prefix: "bare" })]);
    await new Promise<void>((r) => bareServer.close(() => r()));
    // Contention (issue 17): 20 clients, batches of 100, ~30% repeated ids racing their
    // originals, every other item a customer never seen, opposite key orders.
    rss.step();
    const contended = await httpLoad({ ...load, seconds: Math.max(4, seconds / 2), concurrency: 20, url: `http://127.0.0.1:${port}/v1/signals`, prefix: "cont", contention: true });
    peakIn.contention = rss.step();
    rss.stop();
    const serverErrors = Object.entries(contended.statuses).filter(([s]) => Number(s) >= 500).reduce((n, [, c]) => n + c, 0);
    const contention = {
      ...summarise([contended]),
      statuses: contended.statuses,
      serverErrors,
      goal: "p99 <= 1,000 ms with zero 5xx",
      met: summarise([contended]).p99Ms <= 1000 && serverErrors === 0,
    };
    const result = {
      name: "ingest",
      sizes: { seconds, concurrency, batch, customers },
      queue: jobs.backendKind,
      api,
      rawInsert: rawRun,
      ratio: +(api.perSecond / rawRun.perSecond).toFixed(2),
      ratioPerRound: apiRuns.map((a, k) => +(a.signals / a.seconds / (rawRuns[k]!.signals / rawRuns[k]!.seconds)).toFixed(2)),
      rawInsertWithLedger: ledgerRun,
      ledgerRatio: +(ledgerRun.perSecond / rawRun.perSecond).toFixed(2),
      ledgerRatioPerRound: ledgerRuns.map((l, k) => +(l.signals / l.seconds / (rawRuns[k]!.signals / rawRuns[k]!.seconds)).toFixed(2)),
      cpuMicrosecondsPerSignal: {
        api: perSignal(cpuIn.api, api.signals),
        rawInsert: perSignal(cpuIn.rawInsert, rawRun.signals),
        note: "node: this process (the API in its slices; the raw insert's client in its own); postgres: the backends serving the bench's database, from /proc (null when the server is elsewhere). The HTTP clients' process is not counted",
      },
      rawHttp,
      ratioToRawHttp: +(api.perSecond / rawHttp.perSecond).toFixed(2),
      contention,
      goal: "API sustains at least 0.6 of the raw insert rate (issue 17; issue 6 asked for 0.5)",
      memory: { ...memoryReport("API + the raw insert ceiling (the HTTP clients run in a process of their own)"), peakRssMiBIn: peakIn },
      machine: await machineFacts(database),
      notes: "API, raw insert and raw insert with the id ledger alternate in 3 slices each; HTTP clients run in a process of their own; clients, API and PostgreSQL share the machine; feature workers not running",
    };
    return result;
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
    if (jobs.backendKind === "redis") await jobs.queue("features").obliterate({ force: true }).catch(() => {});
    await jobs.close();
    await drop();
  }
}
