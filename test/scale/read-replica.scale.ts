// Reads from a streaming replica (DATABASE_READ_URL), started here by scripts/pg-replica.sh
// (a primary on 5442 and its replica on 5443, from the installed binaries): read-only routes
// read the replica, a caller's own writes are visible to its next reads even while the replica
// lags, and a replica that is gone sends reads back to the primary.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase, type Database } from "../../db/client.ts";
import { applyMigrations } from "../../db/migrate.ts";
import { JobQueues } from "../../jobs/runtime.ts";
import { loadConfig } from "../../src/config.ts";
import type { Deps } from "../../src/deps.ts";
import { createApp } from "../../src/http/app.ts";
import { ReadRouter } from "../../src/infra/read-replica.ts";
import { createLogger } from "../../src/log.ts";
import { createApiKey } from "../../src/workspaces/api-keys.ts";
import { createWorkspace } from "../../src/workspaces/workspaces.ts";
import { eventually } from "../support/context.ts";

const run = promisify(execFile);
const script = path.resolve(import.meta.dirname, "../../scripts/pg-replica.sh");
const FIRST_PORT = 5442;
const primaryUrl = `postgres://postgres@127.0.0.1:${FIRST_PORT}/postgres`;
const replicaUrl = `postgres://postgres@127.0.0.1:${FIRST_PORT + 1}/postgres`;

let primary: Database;
let replica: Database;
let jobs: JobQueues;
let app: ReturnType<typeof createApp>;
let deps: Deps;
let ws: string;
let writer: { key: string; id: string };
let other: { key: string; id: string };

beforeAll(async () => {
  await run(script, ["start", String(FIRST_PORT)], { timeout: 60_000 });
  primary = connectDatabase(primaryUrl, { max: 6 });
  replica = connectDatabase(replicaUrl, { max: 4 });
  await applyMigrations(primary);
  jobs = new JobQueues({ backend: { kind: "redis", url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" }, prefix: `{rwreplica-${randomBytes(3).toString("hex")}}` });
  const log = createLogger("silent");
  const config = loadConfig({ DATABASE_URL: primaryUrl, DATABASE_READ_URL: replicaUrl, LOG_LEVEL: "silent" });
  deps = { database: primary, jobs, config, log, clock: () => new Date(), reads: new ReadRouter(primary, replica, log) };
  app = createApp(deps);
  const created = await createWorkspace(primary.db, { name: "replica" });
  ws = created.workspace.id;
  writer = { key: created.apiKey.key, id: created.apiKey.id };
  const second = await createApiKey(primary.db, { workspaceId: ws, name: "other admin", role: "admin" });
  other = { key: second.key, id: second.id };
  // The replica has the workspace and its keys before the clock starts. Until it has replayed
  // the migrations the table is not there yet (42P01): that is lag, not a failure.
  const keysOnReplica = () =>
    replica.sql`select 1 from api_keys where workspace_id = ${ws}`.then(
      (rows) => rows.length,
      (err: { code?: string }) => (err.code === "42P01" ? 0 : Promise.reject(err)),
    );
  await eventually(async () => ((await keysOnReplica()) === 2 ? true : undefined), 20_000);
}, 90_000);

afterAll(async () => {
  await jobs?.close();
  await replica?.close().catch(() => {});
  await primary?.close();
  await run(script, ["stop", String(FIRST_PORT)]);
});

const get = (key: string, customerId: string, headers: Record<string, string> = {}) =>
  app.request(`/v1/customers/${customerId}`, { headers: { authorization: `Bearer ${key}`, ...headers } });
const put = (key: string, customerId: string) =>
  app.request(`/v1/customers/${customerId}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "Kim" }),
  });

describe("a read replica", () => {
  it("serves read-only routes while a caller's own writes stay visible to it through replica lag", async () => {
    await replica.sql`select pg_wal_replay_pause()`;
    try {
      // Written behind the API's back: the paused replica does not have it, so a read that
      // cannot find it was served by the replica.
      await primary.sql`insert into customers (workspace_id, id) values (${ws}, 'direct')`;
      expect((await get(other.key, "direct")).status).toBe(404);

      // The writer's own write: its next read goes to the primary.
      const written = await put(writer.key, "mine");
      expect(written.status).toBe(200);
      const lsn = written.headers.get("rivalwatch-write-lsn");
      expect(lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      expect((await get(writer.key, "mine")).status).toBe(200);
      // Another caller does not wait for it, unless it names the position it must see.
      expect((await get(other.key, "mine")).status).toBe(404);
      expect((await get(other.key, "mine", { "rivalwatch-min-lsn": lsn! })).status).toBe(200);
    } finally {
      await replica.sql`select pg_wal_replay_resume()`;
    }
    // Caught up, every caller reads it from the replica.
    await eventually(async () => ((await get(other.key, "mine")).status === 200 ? true : undefined), 20_000);
    // And the writer goes back to the replica once it has replayed past the write (its replay
    // position is read at most every 100 ms, so this may take a moment longer).
    await eventually(async () => ((await deps.reads!.readerFor({ caller: writer.id })) === replica ? true : undefined), 20_000);
  });

  it("sends reads to the primary when the replica is gone", async () => {
    await primary.sql`insert into customers (workspace_id, id) values (${ws}, 'after-failover')`;
    await run(script, ["stop-replica", String(FIRST_PORT)]);
    await new Promise((r) => setTimeout(r, 150)); // past the cached replay position
    expect((await get(other.key, "after-failover")).status).toBe(200);
  });
});
