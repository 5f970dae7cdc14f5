// Builds the process's dependencies from the configuration: the database (a URL or the
// embedded one), migrations, and the queues (Redis or BullMQ's PostgreSQL backend).
import { existsSync } from "node:fs";
import path from "node:path";
import { connectDatabase } from "../db/client.ts";
import { applyMigrations } from "../db/migrate.ts";
import { JobQueues } from "../jobs/runtime.ts";
import { queueBackendOf } from "../jobs/backend.ts";
import { systemClock } from "./clock.ts";
import type { Config } from "./config.ts";
import type { Deps } from "./deps.ts";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./infra/embedded-postgres.ts";
import { createLogger, type Logger } from "./log.ts";
import { ReadRouter } from "./infra/read-replica.ts";

export type Runtime = Deps & { embedded: EmbeddedDatabase | null; close(): Promise<void> };

/** Runs one start-up step under a label (the server prints each with its time). */
export type Step = <T>(label: string, fn: () => Promise<T>) => Promise<T>;
const quietly: Step = (_label, fn) => fn();

export async function createRuntime(config: Config, opts: { log?: Logger; migrate?: boolean; step?: Step } = {}): Promise<Runtime> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const step = opts.step ?? quietly;
  let embedded: EmbeddedDatabase | null = null;
  let url = config.DATABASE_URL;
  if (!url) {
    log.info("DATABASE_URL is unset: starting the embedded PostgreSQL", { dir: config.EMBEDDED_PG_DIR, port: config.EMBEDDED_PG_PORT });
    const first = !existsSync(path.join(path.resolve(config.EMBEDDED_PG_DIR), "PG_VERSION"));
    embedded = await step(
      first
        ? `Creating the embedded PostgreSQL in ${config.EMBEDDED_PG_DIR} on port ${config.EMBEDDED_PG_PORT} (first start only; about 10 s)`
        : `Starting the embedded PostgreSQL in ${config.EMBEDDED_PG_DIR} on port ${config.EMBEDDED_PG_PORT}`,
      () =>
        startEmbeddedPostgres({
          dir: config.EMBEDDED_PG_DIR,
          port: config.EMBEDDED_PG_PORT,
          log: (m) => log.debug(m, { component: "embedded-postgres" }),
        }),
    );
    url = embedded.url;
  }
  const database = connectDatabase(url, { max: 20 });
  const replica = config.DATABASE_READ_URL ? connectDatabase(config.DATABASE_READ_URL, { max: 10 }) : null;
  if (opts.migrate !== false) await step("Applying database migrations", () => applyMigrations(database));
  const jobs = new JobQueues({
    backend: queueBackendOf(config, url),
    prefix: config.QUEUE_PREFIX,
    shards: config.QUEUE_SHARDS,
    onError: (err) => log.warn("queue error", { err: err.message }),
  });
  if (!config.REDIS_URL && !config.REDIS_CLUSTER_NODES) log.info("REDIS_URL is unset: BullMQ runs on its PostgreSQL backend");
  return {
    database,
    jobs,
    clock: systemClock,
    log,
    config,
    embedded,
    ...(replica ? { reads: new ReadRouter(database, replica, log) } : {}),
    async close() {
      await jobs.close();
      await database.close();
      await replica?.close();
      await embedded?.stop();
    },
  };
}
