// PostgreSQL drops the service's connections during ingest (pg_terminate_backend of every
// backend of the service's database, several times): no process dies, nothing acknowledged
// is lost or doubled, and processing resumes by itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batch, createDatabase, createTestWorkspace, postBatch, report, startRedis, startService, storedSignals, unprocessed, waitFor, type Posted, type Service } from "./harness.ts";

let redis: Awaited<ReturnType<typeof startRedis>>;
let db: Awaited<ReturnType<typeof createDatabase>>;
let api: Service;
let worker: Service;

beforeAll(async () => {
  redis = await startRedis(6440);
  db = await createDatabase();
  const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, QUEUE_PREFIX: "{rwfault}" };
  [api, worker] = await Promise.all([startService("api", env), startService("worker,scheduler", env)]);
});
afterAll(async () => {
  await Promise.allSettled([api?.stop(), worker?.stop()]);
  await db?.drop();
  await redis?.stop();
});

describe("PostgreSQL connection loss", () => {
  it("every process survives backends terminated during ingest; acknowledged signals are stored once and processed", async () => {
    const ws = await createTestWorkspace(db.url);
    const posted: Posted[] = [];
    let loading = true;
    const load = async (lane: number) => {
      while (loading) posted.push(await postBatch(api.url, ws.ingest, batch(`pg${lane}`, 50)));
    };
    const lanes = [load(0), load(1), load(2)];
    let terminated = 0;
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 1500));
      terminated += await db.terminateService();
    }
    const faultEnded = Date.now();
    loading = false;
    await Promise.all(lanes);
    expect(terminated).toBeGreaterThan(0);
    expect(api.alive(), api.out.text).toBe(true);
    expect(worker.alive(), worker.out.text).toBe(true);

    // A client retries what was not acknowledged, as it should after a 5xx or a network error.
    const failed = posted.filter((p) => p.status !== 200);
    for (const p of failed) {
      const again = await postBatch(api.url, ws.ingest, p.ids.map((id) => batchItem(id)));
      expect(again.status).toBe(200);
    }
    const ids = posted.flatMap((p) => p.ids);
    expect(await storedSignals(db.sql, ws.id, ids)).toEqual({ stored: ids.length, doubled: 0 });
    const customers = ids.map((id) => id.replace("-s", "-c"));
    await waitFor("every customer processed", async () => (await unprocessed(db.sql, ws.id, customers)) === 0, 90_000);
    report(`PostgreSQL backends terminated (${terminated} over 5 rounds, ${posted.length} batches, ${failed.length} answered non-200)`, Date.now() - faultEnded);
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
  });
});

/** The signal `batch` made for an id, rebuilt for a retry. */
function batchItem(id: string) {
  return { id, customerId: id.replace("-s", "-c"), occurredAt: new Date(Date.now() - 3_600_000).toISOString(), type: "session", data: { durationSeconds: 60, channel: "app" } };
}
