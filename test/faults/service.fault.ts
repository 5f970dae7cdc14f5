// Faults injected into a running service: API, two workers (one also the scheduler) as
// separate processes, over a Redis of the test's own and a database of its own. Each test
// asserts that nothing acknowledged is lost or doubled and that processing resumes without
// restarting anything, and prints the recovery time (FAULT … lines) that the README quotes.
// The tests run in order on the same processes; the last one stops the API.
import http from "node:http";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batch, createDatabase, createTestWorkspace, pipelineState, postBatch, report, startRedis, startService, storedSignals, unprocessed, waitFor, type Posted, type Service } from "./harness.ts";

const PREFIX = "{rwfault}";
let redis: Awaited<ReturnType<typeof startRedis>>;
let db: Awaited<ReturnType<typeof createDatabase>>;
let api: Service;
let scheduler: Service;
let worker: Service;
let ws: { id: string; ingest: string };

let env: Record<string, string>;

beforeAll(async () => {
  redis = await startRedis(6440);
  db = await createDatabase();
  // Schedulers checked every 5 s here (30 s by default) to keep the suite short.
  env = { DATABASE_URL: db.url, REDIS_URL: redis.url, QUEUE_PREFIX: PREFIX, SCHEDULES_CHECK_EVERY_MS: "5000", SHUTDOWN_TIMEOUT_MS: "20000" };
  [api, scheduler, worker] = await Promise.all([startService("api", env), startService("worker,scheduler", env), startService("worker", env)]);
  ws = await createTestWorkspace(db.url);
});
afterAll(async () => {
  await Promise.allSettled([api?.stop(), scheduler?.stop(), worker?.stop()]);
  // A request the earlier faults left hanging shows when the shared API stops (known, not yet
  // explained; see README, Faults and recovery): say so in the suite's output.
  const stuck = api?.out.text.split("\n").filter((l) => l.includes("requests still unanswered"));
  if (stuck?.length) process.stdout.write(`NOTE the shared API process stopped with requests unanswered after the faults: ${stuck.join(" ")}\n`);
  await db?.drop();
  await redis?.stop();
});

/** The signal `batch` made for an id, rebuilt for a retry. */
const again = (ids: string[]) =>
  ids.map((id) => ({ id, customerId: id.replace("-s", "-c"), occurredAt: new Date(Date.now() - 3_600_000).toISOString(), type: "session", data: { durationSeconds: 60, channel: "app" } }));
const customersOf = (posted: Posted[]) => posted.flatMap((p) => p.ids.map((id) => id.replace("-s", "-c")));

/** Posts batches on `lanes` connections until `stop()`; then resends what was not acknowledged, as a client does. */
function keepPosting(prefix: string, lanes = 3, size = 50) {
  const posted: Posted[] = [];
  let going = true;
  const running = Array.from({ length: lanes }, async (_, lane) => {
    while (going) posted.push(await postBatch(api.url, ws.ingest, batch(`${prefix}${lane}`, size)));
  });
  return {
    posted,
    async stop() {
      going = false;
      await Promise.all(running);
      for (const p of posted.filter((x) => x.status !== 200)) {
        // As a client does: resend after the Retry-After second until the service is back.
        let status: Posted["status"] = 0;
        for (let attempt = 0; attempt < 30 && status !== 200; attempt++) {
          if (attempt > 0) await new Promise((r) => setTimeout(r, 1000));
          status = (await postBatch(api.url, ws.ingest, again(p.ids))).status;
        }
        expect(status, api.out.text.slice(-4000)).toBe(200);
      }
      const ids = posted.flatMap((p) => p.ids);
      expect(await storedSignals(db.sql, ws.id, ids)).toEqual({ stored: ids.length, doubled: 0 });
      return posted;
    },
  };
}

/** Waits for every posted customer's features; while it waits, prints the pipeline's state every 15 s. */
async function processed(posted: Posted[]) {
  const started = Date.now();
  const watch = setInterval(() => {
    void pipelineState(db.sql, ws.id, redis.url, PREFIX).then(
      (state) => process.stdout.write(`WAITING ${Math.round((Date.now() - started) / 1000)} s for every customer processed: ${JSON.stringify(state)}\n`),
      () => {},
    );
  }, 15_000);
  try {
    await waitFor("every customer processed", async () => (await unprocessed(db.sql, ws.id, customersOf(posted))) === 0, 100_000);
  } finally {
    clearInterval(watch);
  }
}

describe("faults", () => {
  it("PostgreSQL backends terminated during ingest: every process survives, nothing lost or doubled, processing resumes", async () => {
    const load = keepPosting("pg");
    let terminated = 0;
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 1500));
      terminated += await db.terminateService();
    }
    const faultEnded = Date.now();
    const posted = await load.stop();
    expect(terminated).toBeGreaterThan(0);
    for (const s of [api, scheduler, worker]) expect(s.alive(), s.out.text).toBe(true);
    // A dropped connection is the service's trouble, said as 503 with Retry-After, never 500.
    expect(posted.filter((p) => p.status === 500), api.out.text.slice(-4000)).toEqual([]);
    await processed(posted);
    report(`PostgreSQL backends terminated (${terminated} backends in 5 rounds; ${posted.filter((p) => p.status !== 200).length} of ${posted.length} batches answered 503 and were resent)`, Date.now() - faultEnded);
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
  });

  it("kill -9 of a worker mid-job: the other worker takes its jobs over", { timeout: 200_000 }, async () => {
    const load = keepPosting("k9", 3, 200);
    await waitFor("a job in flight", async () => (await db.sql`select 1 from refresh_requests limit 1`).length > 0, 20_000);
    worker.child.kill("SIGKILL");
    const faultEnded = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    const posted = await load.stop();
    await processed(posted);
    report("kill -9 of a worker mid-job (the other worker takes over)", Date.now() - faultEnded);
    expect(scheduler.alive()).toBe(true);
  });

  it("Redis restarted empty, then flushed: readiness says so, schedulers come back, processing resumes", async () => {
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    connection.on("error", () => {}); // refused while the test's Redis is down, on purpose
    const schedulers = new Queue("maintenance", { connection, prefix: PREFIX });
    const sweep = () => schedulers.getJobScheduler("sweep-stale-features");
    expect(await sweep()).toBeTruthy();

    await redis.stop();
    await waitFor("readyz 503 while Redis is away", async () => (await fetch(`${api.url}/readyz`)).status === 503, 10_000);
    await redis.start();
    let faultEnded = Date.now();
    await waitFor("readyz 200 after Redis is back", async () => (await fetch(`${api.url}/readyz`)).status === 200, 30_000);
    await waitFor("schedulers registered again after the restart", async () => Boolean(await sweep()), 60_000);
    const restartHealed = Date.now() - faultEnded;
    let load = keepPosting("rr", 2);
    await new Promise((r) => setTimeout(r, 1500));
    await processed(await load.stop());
    report(`Redis restarted empty (schedulers back after ${(restartHealed / 1000).toFixed(1)} s)`, Date.now() - faultEnded);

    await connection.flushall();
    faultEnded = Date.now();
    await waitFor("schedulers registered again after FLUSHALL", async () => Boolean(await sweep()), 60_000);
    const flushHealed = Date.now() - faultEnded;
    load = keepPosting("rf", 2);
    await new Promise((r) => setTimeout(r, 1500));
    await processed(await load.stop());
    report(`Redis FLUSHALL (schedulers back after ${(flushHealed / 1000).toFixed(1)} s, checked every 5 s here)`, Date.now() - faultEnded);
    await schedulers.close();
    connection.disconnect();
    for (const s of [api, scheduler]) expect(s.alive(), s.out.text).toBe(true);
  });

  it("SIGTERM under keep-alive load: every accepted request is answered, every acknowledged batch stored, exit 0", async () => {
    // An API process of its own: the shared one went through the earlier faults, and a request
    // left hanging by them (a pooled connection that died silently) would be this fault's cut.
    const api = await startService("api", env);
    const agents = Array.from({ length: 4 }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
    const posted: Posted[] = [];
    let going = true;
    const lanes = agents.map(async (agent, lane) => {
      while (going) {
        const p = await postBatch(api.url, ws.ingest, batch(`st${lane}`, 50), agent);
        posted.push(p);
        if (p.status === "error") break; // the server has stopped listening
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    const termAt = Date.now();
    api.child.kill("SIGTERM");
    const code = await api.exited;
    const stoppedIn = Date.now() - termAt;
    going = false;
    await Promise.all(lanes);
    agents.forEach((a) => a.destroy());
    expect(code, api.out.text).toBe(0);
    expect(stoppedIn).toBeLessThan(10_000);
    const acknowledged = posted.filter((p) => p.status === 200);
    const ackIds = acknowledged.flatMap((p) => p.ids);
    expect(await storedSignals(db.sql, ws.id, ackIds)).toEqual({ stored: ackIds.length, doubled: 0 });
    // A request cut by a reset was never accepted: none of its signals is stored.
    const cut = posted.filter((p) => p.status === "error");
    const cutIds = cut.flatMap((p) => p.ids);
    expect((await storedSignals(db.sql, ws.id, cutIds)).stored).toBe(0);
    expect(acknowledged.some((p) => p.connection === "close")).toBe(true);
    // Where the stop spent its time (the service logs each stage).
    expect(api.out.text).not.toContain("requests still unanswered");
    const stages = [...api.out.text.matchAll(/"stopped stage","stage":"([^"]+)","ms":(\d+)/g)].map((m) => `${m[1]} ${m[2]} ms`).join(", ");
    report(`SIGTERM under keep-alive load (${acknowledged.length} batches acknowledged, ${cut.length} refused after close, exit 0 in ${(stoppedIn / 1000).toFixed(1)} s: ${stages})`, stoppedIn);
  });
});
