// The queue seam: BullMQ on Redis in production, BullMQ on its PostgreSQL backend when
// REDIS_URL is unset. Everything else talks to `JobQueues` and never to a backend.
import { Queue, Worker, createPostgresBackend, type JobsOptions, type Processor } from "bullmq";
import { Redis } from "ioredis";
import { jobDefinitions, type JobKey, type JobPayload, type QueueName } from "./definitions.ts";

export type QueueBackend = { kind: "redis"; url: string } | { kind: "postgres"; url: string; schema?: string };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the two backends differ only in connection types
type AnyQueue = Queue<any, any, string, any, any, string, any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyWorker = Worker<any, any, string, any, any, any>;

export type JobQueuesOptions = { backend: QueueBackend; prefix: string; onError?: (err: Error) => void };

const defaultJobOptions: JobsOptions = {
  attempts: 8,
  backoff: { type: "exponential", delay: 1000 },
  removeOnComplete: { count: 1000, age: 3600 },
  removeOnFail: { count: 5000, age: 7 * 86400 },
};

export class JobQueues {
  private readonly queues = new Map<QueueName, AnyQueue>();
  private readonly workers: AnyWorker[] = [];
  private readonly connections: Redis[] = [];
  private readonly reconnectListeners = new Set<() => void>();

  constructor(private readonly opts: JobQueuesOptions) {}

  get backendKind() {
    return this.opts.backend.kind;
  }

  queue(name: QueueName): AnyQueue {
    let q: AnyQueue | undefined = this.queues.get(name);
    if (!q) {
      const b = this.opts.backend;
      if (b.kind === "redis") {
        // Producers fail fast when Redis is away; the sweep re-finds the work in PostgreSQL.
        const connection = this.redis({ enableOfflineQueue: false });
        q = new Queue(name, { connection, prefix: this.opts.prefix, defaultJobOptions });
      } else {
        q = new Queue(name, { connection: this.pgConnection(b), defaultJobOptions }, createPostgresBackend);
      }
      q.on("error", (err) => this.opts.onError?.(err));
      this.queues.set(name, q);
    }
    return q;
  }

  async add<K extends JobKey>(key: K, payload: JobPayload<K>, opts: JobsOptions = {}): Promise<void> {
    const def = jobDefinitions[key];
    await this.queue(def.queue).add(def.name, def.payload.parse(payload), opts);
  }

  async addBulk<K extends JobKey>(key: K, items: { payload: JobPayload<K>; opts?: JobsOptions }[]): Promise<void> {
    if (items.length === 0) return;
    const def = jobDefinitions[key];
    await this.queue(def.queue).addBulk(
      items.map((i) => ({ name: def.name, data: def.payload.parse(i.payload), opts: i.opts ?? {} })),
    );
  }

  /** Starts a worker whose handlers are keyed by job name; each payload is parsed again. */
  startWorker(queue: QueueName, handlers: Partial<{ [K in JobKey]: (payload: JobPayload<K>) => Promise<unknown> }>, concurrency: number): AnyWorker {
    const processor: Processor = async (job) => {
      const entry = (Object.entries(jobDefinitions) as [JobKey, (typeof jobDefinitions)[JobKey]][]).find(
        ([, d]) => d.queue === queue && d.name === job.name,
      );
      if (!entry) throw new Error(`no handler for job ${job.name} on queue ${queue}`);
      const [key, def] = entry;
      const handler = handlers[key] as ((p: unknown) => Promise<unknown>) | undefined;
      if (!handler) throw new Error(`no handler for job ${job.name} on queue ${queue}`);
      return handler(def.payload.parse(job.data));
    };
    const b = this.opts.backend;
    const worker: AnyWorker =
      b.kind === "redis"
        ? new Worker(queue, processor, { connection: this.redis({ maxRetriesPerRequest: null }), prefix: this.opts.prefix, concurrency })
        : new Worker(queue, processor, { connection: this.pgConnection(b), concurrency }, createPostgresBackend);
    worker.on("error", (err) => this.opts.onError?.(err));
    this.workers.push(worker);
    return worker;
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

  private redis(extra: { enableOfflineQueue?: boolean; maxRetriesPerRequest?: null }): Redis {
    if (this.opts.backend.kind !== "redis") throw new Error("not a redis backend");
    const c = new Redis(this.opts.backend.url, { maxRetriesPerRequest: null, ...extra });
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
