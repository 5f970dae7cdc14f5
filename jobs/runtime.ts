// The queue seam: BullMQ on Redis in production, BullMQ on its PostgreSQL backend when
// REDIS_URL is unset. Everything else talks to `JobQueues` and never to a backend.
import { Queue, Worker, createPostgresBackend, type JobsOptions, type Processor } from "bullmq";
import { Cluster, Redis } from "ioredis";
import { timeJob } from "../src/metrics/metrics.ts";
import { shardPrefix, workspaceShard } from "./shards.ts";
import { jobDefinitions, type JobKey, type JobPayload, type QueueName } from "./definitions.ts";

/** Redis: one server by URL, or a Redis Cluster by its start-up nodes (then `url` is only for display). */
export type QueueBackend =
  | { kind: "redis"; url: string; clusterNodes?: { host: string; port: number }[] }
  | { kind: "postgres"; url: string; schema?: string };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the two backends differ only in connection types
type AnyQueue = Queue<any, any, string, any, any, string, any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyWorker = Worker<any, any, string, any, any, any>;

/** `shards` (QUEUE_SHARDS, Redis only): see shards.ts. */
export type JobQueuesOptions = { backend: QueueBackend; prefix: string; shards?: number; onError?: (err: Error) => void };

const defaultJobOptions: JobsOptions = {
  attempts: 8,
  backoff: { type: "exponential", delay: 1000 },
  removeOnComplete: { count: 1000, age: 3600 },
  removeOnFail: { count: 5000, age: 7 * 86400 },
};

type SchedulerArgs = Parameters<AnyQueue["upsertJobScheduler"]>;

export class JobQueues {
  private readonly queues = new Map<string, AnyQueue>();
  private readonly workers: AnyWorker[] = [];
  private readonly connections: (Redis | Cluster)[] = [];
  private readonly reconnectListeners = new Set<() => void>();
  /** Queue shards; the PostgreSQL backend has one. */
  readonly shards: number;

  constructor(private readonly opts: JobQueuesOptions) {
    this.shards = opts.backend.kind === "redis" ? Math.max(1, opts.shards ?? 1) : 1;
  }

  /** The shard a workspace's jobs go to. */
  shardOf(workspaceId: string): number {
    return workspaceShard(workspaceId, this.shards);
  }

  /** The BullMQ prefix of a shard. */
  prefixOf(shard: number): string {
    return shardPrefix(this.opts.prefix, shard);
  }

  get backendKind() {
    return this.opts.backend.kind;
  }

  /** A queue of one shard (shard 0: work of no workspace, and the schedules). */
  queue(name: QueueName, shard = 0): AnyQueue {
    let q: AnyQueue | undefined = this.queues.get(`${name}#${shard}`);
    if (!q) {
      const b = this.opts.backend;
      if (b.kind === "redis") {
        // Producers fail fast when Redis is away; the sweep re-finds the work in PostgreSQL.
        const connection = this.redis({ enableOfflineQueue: false });
        q = new Queue(name, { connection, prefix: this.prefixOf(shard), defaultJobOptions });
      } else {
        q = new Queue(name, { connection: this.pgConnection(b), defaultJobOptions }, createPostgresBackend);
      }
      q.on("error", (err) => this.opts.onError?.(err));
      this.queues.set(`${name}#${shard}`, q);
    }
    return q;
  }

  /**
   * Registers a recurring job, as BullMQ's upsertJobScheduler does, from any number of
   * scheduler processes. Two starting at once may both create the schedule's next iteration,
   * and the later one fails with "job ID already exists" (seen in the scale-out spec; BullMQ
   * issue #3085 reports such races between instances): the schedule is in place then. The upsert is tried again a moment later
   * (so a changed schedule still wins) and, colliding again, left as the other process made it:
   * false then, for the caller to log.
   */
  async upsertSchedule(queue: QueueName, id: SchedulerArgs[0], repeat: SchedulerArgs[1], template: SchedulerArgs[2], shard = 0): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.queue(queue, shard).upsertJobScheduler(id, repeat, template);
        return true;
      } catch (err) {
        if (!(err instanceof Error && /job ID already exists/i.test(err.message))) throw err;
        if (attempt >= 3) return false;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200));
      }
    }
  }

  async add<K extends JobKey>(key: K, payload: JobPayload<K>, opts: JobsOptions = {}): Promise<void> {
    const def = jobDefinitions[key];
    const data = def.payload.parse(payload);
    await this.queue(def.queue, this.shardOfPayload(data)).add(def.name, data, opts);
  }

  /** A job naming a workspace goes to the workspace's shard; any other to shard 0. */
  private shardOfPayload(data: unknown): number {
    const ws = (data as { workspaceId?: unknown }).workspaceId;
    return typeof ws === "string" ? this.shardOf(ws) : 0;
  }

  /** Every shard of every queue opened so far plus shard 0..n-1 of the given names (for the dashboard). */
  allQueues(names: readonly QueueName[]): { shard: number; queue: AnyQueue }[] {
    return names.flatMap((n) => [...Array(this.shards).keys()].map((shard) => ({ shard, queue: this.queue(n, shard) })));
  }

  /** Job counts of a queue summed over its shards. */
  async jobCounts(name: QueueName, ...states: string[]): Promise<Record<string, number>> {
    const per = await Promise.all([...Array(this.shards).keys()].map((s) => this.queue(name, s).getJobCounts(...(states as never[]))));
    const sum: Record<string, number> = {};
    for (const counts of per) for (const [k, v] of Object.entries(counts)) sum[k] = (sum[k] ?? 0) + (v as number);
    return sum;
  }

  async addBulk<K extends JobKey>(key: K, items: { payload: JobPayload<K>; opts?: JobsOptions }[]): Promise<void> {
    if (items.length === 0) return;
    const def = jobDefinitions[key];
    const byShard = new Map<number, { name: string; data: unknown; opts: JobsOptions }[]>();
    for (const i of items) {
      const data = def.payload.parse(i.payload);
      const shard = this.shardOfPayload(data);
      byShard.set(shard, [...(byShard.get(shard) ?? []), { name: def.name, data, opts: i.opts ?? {} }]);
    }
    await Promise.all([...byShard].map(([shard, jobs]) => this.queue(def.queue, shard).addBulk(jobs)));
  }

  /** Starts a worker per shard whose handlers are keyed by job name; each payload is parsed again. */
  startWorker(
    queue: QueueName,
    handlers: Partial<{ [K in JobKey]: (payload: JobPayload<K>) => Promise<unknown> }>,
    concurrency: number,
  ): { workers: AnyWorker[]; close(): Promise<void> } {
    const processor: Processor = async (job) => {
      const entry = (Object.entries(jobDefinitions) as [JobKey, (typeof jobDefinitions)[JobKey]][]).find(
        ([, d]) => d.queue === queue && d.name === job.name,
      );
      if (!entry) throw new Error(`no handler for job ${job.name} on queue ${queue}`);
      const [key, def] = entry;
      const handler = handlers[key] as ((p: unknown) => Promise<unknown>) | undefined;
      if (!handler) throw new Error(`no handler for job ${job.name} on queue ${queue}`);
      return timeJob(queue, job.name, () => handler(def.payload.parse(job.data)));
    };
    const b = this.opts.backend;
    const workers: AnyWorker[] = [...Array(this.shards).keys()].map((shard) => {
      const worker: AnyWorker =
        b.kind === "redis"
          ? new Worker(queue, processor, { connection: this.redis({ maxRetriesPerRequest: null }), prefix: this.prefixOf(shard), concurrency })
          : new Worker(queue, processor, { connection: this.pgConnection(b), concurrency }, createPostgresBackend);
      worker.on("error", (err) => this.opts.onError?.(err));
      this.workers.push(worker);
      return worker;
    });
    return { workers, close: async () => void (await Promise.allSettled(workers.map((w) => w.close()))) };
  }

  async ping(): Promise<void> {
    const q = this.queue("maintenance");
    await q.getJobCounts("waiting");
  }

  /** Closes workers first (they finish their active jobs), then the producers. */
  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.close()));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    await Promise.allSettled(this.connections.map((c) => c.quit()));
  }

  /** Calls `listener` whenever a Redis connection is ready again after it was lost (not on the first connect). */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  private redis(extra: { enableOfflineQueue?: boolean; maxRetriesPerRequest?: null }): Redis | Cluster {
    const b = this.opts.backend;
    if (b.kind !== "redis") throw new Error("not a redis backend");
    const c = b.clusterNodes
      ? new Cluster(b.clusterNodes, { enableOfflineQueue: extra.enableOfflineQueue ?? true, redisOptions: { maxRetriesPerRequest: null } })
      : new Redis(b.url, { maxRetriesPerRequest: null, ...extra });
    c.on("error", (err) => this.opts.onError?.(err));
    let wasReady = false;
    c.on("ready", () => {
      if (wasReady) for (const l of this.reconnectListeners) l();
      wasReady = true;
    });
    this.connections.push(c);
    return c;
  }

  private pgConnection(b: { url: string; schema?: string }) {
    return { connectionString: b.url, schema: b.schema ?? "bullmq", max: 4, migrate: true };
  }
}
