// What domain functions need from the world, passed in so tests can pin the clock and
// point at their own database and queues.
import type { Database } from "../db/client.ts";
import type { JobQueues } from "../jobs/runtime.ts";
import type { Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import type { Logger } from "./log.ts";
import type { ReadRouter } from "./infra/read-replica.ts";

export type Deps = {
  database: Database;
  jobs: JobQueues;
  clock: Clock;
  log: Logger;
  config: Config;
  /** Set with DATABASE_READ_URL: read-only routes may read from the replica (src/http/read-routing.ts). */
  reads?: ReadRouter;
};
