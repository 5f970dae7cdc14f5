// The environment, parsed once at start-up. A wrong value stops the process with a
// message naming the variable, before anything connects anywhere.
import { z } from "zod";

const roles = ["api", "worker", "scheduler"] as const;
export type ProcessRole = (typeof roles)[number];

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .pipe(z.url().optional())
  .optional();

export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("127.0.0.1"),
  /** Unset: an embedded PostgreSQL in EMBEDDED_PG_DIR. */
  DATABASE_URL: optionalUrl,
  /** A streaming replica of DATABASE_URL for read-only routes (src/infra/read-replica.ts). */
  DATABASE_READ_URL: optionalUrl,
  /** Unset: BullMQ runs on its PostgreSQL backend in the same database. */
  REDIS_URL: optionalUrl,
  EMBEDDED_PG_DIR: z.string().default(".data/postgres"),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  /** Comma-separated process roles; `all` runs api, worker and scheduler in one process. */
  ROLES: z
    .string()
    .default("all")
    .transform((v, ctx) => {
      const parts = v.split(",").map((s) => s.trim()).filter(Boolean);
      if (parts.includes("all")) return [...roles];
      for (const p of parts) {
        if (!(roles as readonly string[]).includes(p)) {
          ctx.addIssue({ code: "custom", message: `unknown role "${p}"; use api, worker, scheduler or all` });
          return z.NEVER;
        }
      }
      return parts as ProcessRole[];
    }),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /** Largest request body accepted, in bytes (a batch of 1,000 signals fits in 1 MiB). */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(2 * 1024 * 1024),
  /** Ingest queues a workspace's refresh at most once per this window (per process); see queueRefresh. */
  REFRESH_THROTTLE_MS: z.coerce.number().int().min(0).max(60_000).default(100),
  /** Shards a workspace's refresh work is split into; shards drain in parallel. */
  REFRESH_SHARDS: z.coerce.number().int().min(1).max(64).default(2),
  /** Statements the daily re-score runs side by side over parts of a workspace (PostgreSQL cores it may use). */
  RESCORE_PARALLELISM: z.coerce.number().int().min(1).max(32).default(2),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /** How long SIGTERM waits for in-flight requests and jobs before exiting anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(25_000),
  /** How often the scheduler role checks that Redis still holds the job schedulers (it also checks on every reconnect). */
  SCHEDULES_CHECK_EVERY_MS: z.coerce.number().int().min(200).default(30_000),
  /** Cron patterns (UTC) of the scheduled work. */
  RESCORE_SCHEDULE: z.string().min(9).default("0 4 * * *"),
  TIER_SCHEDULE: z.string().min(9).default("0 3 1 1,4,7,10 *"),
  MODEL_FIT_SCHEDULE: z.string().min(9).default("0 2 * * 1"),
  /** When external evidence past its workspace's retention is deleted (daily). */
  RETENTION_SCHEDULE: z.string().min(9).default("30 3 * * *"),
  /** Outbound webhooks: first retry after about this long, doubling (with jitter) up to the cap. */
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(30_000),
  WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().min(1).default(8 * 3_600_000),
  /** Attempts per delivery before it is kept as failed; with the defaults they span about a day. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(13),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** How often the scheduler drains the outbox and re-finds due deliveries. */
  OUTBOX_DRAIN_EVERY_MS: z.coerce.number().int().min(200).default(2_000),
  /** How often the scheduler vacuums tables whose dead rows passed autovacuum's trigger (src/infra/vacuum.ts). */
  VACUUM_EVERY_MS: z.coerce.number().int().min(1_000).default(10_000),
  /** How often overdue tasks are escalated and deferred campaign sends released. */
  ACTIONS_SWEEP_EVERY_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** Where digest emails go out (smtp://user:pass@host:port); unset: digests are stored and sent as webhooks only. */
  SMTP_URL: optionalUrl,
  DIGEST_FROM: z.string().min(3).default("Rivalwatch <digests@rivalwatch.local>"),
  /** Where people open the service (https://rivalwatch.example.com): digests link to the console's alerts and tasks there. */
  PUBLIC_URL: optionalUrl,
  /** Identities (identifier → customer) an API process keeps in memory over all workspaces, to store signals without a lookup. */
  IDENTITY_CACHE_SIZE: z.coerce.number().int().min(0).default(200_000),
  /** Prefix (and Redis Cluster hash tag) of every BullMQ queue. */
  QUEUE_PREFIX: z.string().regex(/^[^:]+$/, "must not contain ':'").default("{rivalwatch}"),
  /** Queue shards (Redis only): a workspace's jobs go to one of this many hash-tag prefixes; see jobs/shards.ts. */
  QUEUE_SHARDS: z.coerce.number().int().min(1).max(64).default(1),
  /** A Redis Cluster instead of REDIS_URL: start-up nodes as `host:port,host:port`. */
  REDIS_CLUSTER_NODES: z
    .string()
    .trim()
    .regex(/^([\w.:/-]+:\d+)(,\s*[\w.:/-]+:\d+)*$/, "use host:port,host:port")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** A listener serving /metrics without authentication (on HOST); unset: only /metrics on the API port, for operators. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** When set, only admin keys of this workspace may open operator views (/metrics on the API port, /admin/queues). */
  OPERATOR_WORKSPACE_ID: z.string().min(1).optional(),
  /** The queue dashboard lets operators retry and clean jobs; off: it only shows them. */
  QUEUE_DASHBOARD_WRITE: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
