// The pipeline on a Redis Cluster of three masters (started here by scripts/redis-cluster.sh
// on ports 7470–7472), with queues sharded over six hash-tag prefixes: the shards' keys land
// on every master, each workspace's jobs stay on its shard, and signals become alerts, tasks,
// enrollments and webhook deliveries as on one Redis.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerSchedules } from "../../jobs/handlers.ts";
import { eventually, useTestContext, type TestWorkspace } from "../support/context.ts";
import { count, defection, prepareActions, startReceiver, vipHistory } from "../actions/support.ts";

const run = promisify(execFile);
const script = path.resolve(import.meta.dirname, "../../scripts/redis-cluster.sh");
const FIRST_PORT = 7470;
const nodes = [0, 1, 2].map((i) => ({ host: "127.0.0.1", port: FIRST_PORT + i }));
const SHARDS = 6;
const PREFIX = "{rwcluster}";

beforeAll(async () => {
  await run(script, ["stop", String(FIRST_PORT)]);
  await run(script, ["start", String(FIRST_PORT)], { timeout: 60_000 });
}, 90_000);
afterAll(async () => {
  await run(script, ["stop", String(FIRST_PORT)]);
});

const ctx = useTestContext({
  queues: { backend: { kind: "redis", url: "redis-cluster://test", clusterNodes: nodes }, shards: SHARDS, prefix: PREFIX },
});

/** The shard prefixes whose keys each master holds. */
async function prefixesPerMaster(): Promise<Map<number, Set<string>>> {
  const out = new Map<number, Set<string>>();
  for (const n of nodes) {
    const r = new Redis(n.port, n.host);
    try {
      const keys = await r.keys("{rwcluster*");
      out.set(n.port, new Set(keys.map((k) => k.slice(0, k.indexOf("}") + 1))));
    } finally {
      r.disconnect();
    }
  }
  return out;
}

describe("Redis Cluster with queue shards", () => {
  it("maps each workspace to one shard for good and puts the shards' hash tags on all three masters", async () => {
    const cluster = new Cluster(nodes);
    try {
      const slots = await cluster.cluster("SLOTS");
      const masterOf = (slot: number) => slots.find(([from, to]) => slot >= from && slot <= to)![2]![1];
      const masters = new Set<number>();
      for (let shard = 0; shard < SHARDS; shard++) {
        masters.add(masterOf(Number(await cluster.cluster("KEYSLOT", `${ctx.jobs.prefixOf(shard)}:features:id`))));
      }
      expect(masters.size).toBe(3);
    } finally {
      cluster.disconnect();
    }
    expect(ctx.jobs.shardOf("ws-a")).toBe(ctx.jobs.shardOf("ws-a"));
    expect(ctx.jobs.prefixOf(0)).toBe(PREFIX);
    expect(ctx.jobs.prefixOf(2)).toBe("{rwcluster-2}");
  });

  it("runs signals → refresh → alert → task, enrollment and deliveries for workspaces on different shards", { timeout: 120_000 }, async () => {
    const receiver = await startReceiver();
    try {
      const workspaces: TestWorkspace[] = [];
      const shards = new Set<number>();
      // Workspaces until three shards are covered (ids are random, so the shards are too).
      while (shards.size < 3) {
        const ws = await ctx.workspace();
        workspaces.push(ws);
        shards.add(ctx.jobs.shardOf(ws.id));
      }
      for (const ws of workspaces) await prepareActions(ctx, ws, receiver.url);
      ctx.startWorkers();
      await registerSchedules(ctx, ctx.jobs);
      for (const ws of workspaces) {
        const res = await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals: [...vipHistory("vip"), ...defection("vip")] } });
        expect(res.status).toBe(200);
      }
      // The refresh job (on the workspace's shard) scores the customer and raises the alert;
      // the drain turns it into a task, an enrollment and three webhook deliveries.
      await eventually(async () => (receiver.received.length >= workspaces.length * 3 ? true : undefined), 60_000);
      for (const ws of workspaces) {
        expect(await count(ctx, "alerts", ws.id)).toBe(1);
        expect(await count(ctx, "tasks", ws.id)).toBe(1);
        expect(await count(ctx, "enrollments", ws.id)).toBe(1);
        expect(await count(ctx, "deliveries", ws.id)).toBe(3);
      }
      // Each workspace's refresh ran on its own shard's queue.
      for (const ws of workspaces) {
        const done = await ctx.jobs.queue("features", ctx.jobs.shardOf(ws.id)).getJobs(["completed"]);
        expect(done.some((j) => (j.data as { workspaceId: string }).workspaceId === ws.id)).toBe(true);
      }
      // And the keys of the shards in use sit on more than one master.
      const perMaster = await prefixesPerMaster();
      const mastersWithKeys = [...perMaster.values()].filter((s) => s.size > 0).length;
      expect(mastersWithKeys).toBeGreaterThanOrEqual(2);
    } finally {
      await receiver.close();
    }
  });
});
