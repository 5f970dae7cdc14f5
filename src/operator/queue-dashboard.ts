// The queue dashboard: bull-board at /admin/queues for operators (see operator-auth.ts).
// Read-only unless QUEUE_DASHBOARD_WRITE is set; then an operator may retry, promote and
// clean jobs, and nothing else (no adding, removing, pausing or obliterating: those would
// bypass the jobs' payload schemas or drop work). Its page and assets come from the
// installed @bull-board/ui package, so it works offline. It shows every shard of every
// queue, on Redis, Redis Cluster or BullMQ's PostgreSQL backend alike.
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { HonoAdapter } from "@bull-board/hono";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono, type Context } from "hono";
import type { AppEnv } from "../http/env.ts";
import { queueNames } from "../../jobs/definitions.ts";
import type { Deps } from "../deps.ts";
import type { App } from "../http/app.ts";
import { problemResponse } from "../http/problem.ts";
import { authorizeOperator, operatorChallenge } from "./operator-auth.ts";

export const QUEUE_DASHBOARD_PATH = "/admin/queues";

/** The dashboard's own API calls that change something and are allowed in write mode. */
const allowedWrites = /\/api\/queues\/[^/]+\/(?:[^/]+\/)?(?:retry|promote|clean)(?:\/|$)/;

function buildBoard(deps: Deps): Hono {
  const write = deps.config.QUEUE_DASHBOARD_WRITE;
  const adapter = new HonoAdapter(serveStatic).setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: deps.jobs.allQueues(queueNames).map(
      ({ shard, queue }) =>
        new BullMQAdapter(queue, {
          readOnlyMode: !write,
          allowRetries: write,
          // bull-board keys queues by name: shards other than 0 get a prefix of their own.
          prefix: shard === 0 ? "" : `shard-${shard}.`,
          displayName: deps.jobs.shards > 1 ? `${queue.name} (shard ${shard})` : queue.name,
        }),
    ),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: "Rivalwatch queues" } },
  });
  return new Hono().route(QUEUE_DASHBOARD_PATH, adapter.registerPlugin());
}

export function registerQueueDashboard(app: App, deps: Deps): void {
  // Built on first use: it opens every queue (a connection each), which an API process
  // that nobody watches should not pay for.
  let board: Hono | undefined;
  const serve = async (c: Context<AppEnv>) => {
    if (!(await authorizeOperator(c))) return operatorChallenge(c);
    const method = c.req.method;
    if (method !== "GET" && method !== "HEAD") {
      if (!deps.config.QUEUE_DASHBOARD_WRITE) return problemResponse(c, "forbidden", "the queue dashboard is read-only; set QUEUE_DASHBOARD_WRITE=true to retry and clean jobs");
      if (!allowedWrites.test(c.req.path)) return problemResponse(c, "forbidden", "the queue dashboard only retries, promotes and cleans jobs");
    }
    board ??= buildBoard(deps);
    return board.fetch(c.req.raw);
  };
  app.all(QUEUE_DASHBOARD_PATH, serve);
  app.all(`${QUEUE_DASHBOARD_PATH}/*`, serve);
}
