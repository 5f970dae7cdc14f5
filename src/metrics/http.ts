// HTTP side of the metrics: the request middleware (route template, never the raw path),
// /metrics on the API port for operators, and the unauthenticated METRICS_PORT listener.
import { serve } from "@hono/node-server";
import { Hono, type MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { Deps } from "../deps.ts";
import type { App } from "../http/app.ts";
import type { AppEnv } from "../http/env.ts";
import { authorizeOperator, operatorChallenge } from "../operator/operator-auth.ts";
import { renderMetrics } from "./collect.ts";
import { httpDuration, httpRequests } from "./metrics.ts";

/** The template of the route that answered (`/v1/customers/:id`); middleware-only answers are "unmatched". */
function routeTemplate(c: Parameters<MiddlewareHandler>[0]): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) if (routes[i]!.method !== "ALL") return routes[i]!.path;
  return "unmatched";
}

export const httpMetrics: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = performance.now();
  try {
    await next();
  } finally {
    const route = routeTemplate(c);
    const method = c.req.method;
    httpRequests.inc({ route, method, status: String(c.res.status) });
    httpDuration.observe({ route, method }, (performance.now() - started) / 1000);
  }
};

/** /metrics on the API port, for an operator (admin key); the process's own view plus the shared gauges. */
export function registerMetricsRoute(app: App): void {
  app.get("/metrics", async (c) => {
    if (!(await authorizeOperator(c))) return operatorChallenge(c);
    const { contentType, body } = await renderMetrics(c.get("deps"));
    return c.body(body, 200, { "content-type": contentType });
  });
}

/**
 * METRICS_PORT: /metrics with no authentication on HOST, for a Prometheus on the same
 * network; any role may run it (workers' and schedulers' job metrics live in their own
 * processes). Returns a stop function.
 */
export async function startMetricsServer(deps: Deps): Promise<{ port: number; close(): Promise<void> }> {
  const app = new Hono();
  app.get("/metrics", async (c) => {
    const { contentType, body } = await renderMetrics(deps);
    return c.body(body, 200, { "content-type": contentType });
  });
  const server = serve({ fetch: app.fetch, port: deps.config.METRICS_PORT ?? 0, hostname: deps.config.HOST });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
