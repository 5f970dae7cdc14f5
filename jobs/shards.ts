// Queue shards: with QUEUE_SHARDS = n, every queue exists under n BullMQ prefixes, each its
// own Redis Cluster hash tag, so queues spread over slots (and masters) instead of sitting
// on one. Shard 0 keeps QUEUE_PREFIX itself ({rivalwatch}); shard k > 0 is {rivalwatch-k}.
// So QUEUE_SHARDS=1 is exactly the unsharded layout, and raising it leaves every job that
// waits under the old prefix where shard 0's workers still take it.
//
// A workspace's jobs always go to one shard (a stable hash of its id); work that belongs to
// no workspace (sweeps, fan-outs, schedules) lives on shard 0. Workers consume every shard.
import { createHash } from "node:crypto";

export function shardPrefix(prefix: string, shard: number): string {
  if (shard === 0) return prefix;
  const inner = prefix.startsWith("{") && prefix.endsWith("}") ? prefix.slice(1, -1) : prefix;
  return `{${inner}-${shard}}`;
}

/** The shard of a workspace: stable across processes and restarts (the first 4 bytes of its id's SHA-1). */
export function workspaceShard(workspaceId: string, shards: number): number {
  if (shards <= 1) return 0;
  return createHash("sha1").update(workspaceId).digest().readUInt32BE(0) % shards;
}

/** REDIS_CLUSTER_NODES: `host:port,host:port` (a `redis://` scheme is allowed) → ioredis Cluster start-up nodes. */
export function parseClusterNodes(value: string): { host: string; port: number }[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const u = new URL(s.includes("://") ? s : `redis://${s}`);
      return { host: u.hostname, port: Number(u.port || 6379) };
    });
}
