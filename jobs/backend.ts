// Which queue backend the configuration asks for: a Redis Cluster (REDIS_CLUSTER_NODES),
// one Redis (REDIS_URL), or BullMQ on PostgreSQL (neither).
import type { Config } from "../src/config.ts";
import type { QueueBackend } from "./runtime.ts";
import { parseClusterNodes } from "./shards.ts";

export function queueBackendOf(config: Pick<Config, "REDIS_URL" | "REDIS_CLUSTER_NODES">, databaseUrl: string): QueueBackend {
  if (config.REDIS_CLUSTER_NODES) {
    const clusterNodes = parseClusterNodes(config.REDIS_CLUSTER_NODES);
    return { kind: "redis", url: `redis-cluster://${config.REDIS_CLUSTER_NODES}`, clusterNodes };
  }
  if (config.REDIS_URL) return { kind: "redis", url: config.REDIS_URL };
  return { kind: "postgres", url: databaseUrl };
}
