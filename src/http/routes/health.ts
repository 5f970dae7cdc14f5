import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app.ts";
import { publicSecurity } from "../auth.ts";

const status = z.object({ status: z.string(), checks: z.record(z.string(), z.string()).optional() });

export function registerHealthRoutes(app: App) {
  app.openapi(
    createRoute({
      method: "get",
      path: "/healthz",
      summary: "Liveness: the process answers",
      tags: ["health"],
      security: publicSecurity,
      responses: { 200: { description: "Alive", content: { "application/json": { schema: status } } } },
    }),
    (c) => c.json({ status: "ok" }, 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/readyz",
      summary: "Readiness: the database and the queue answer",
      tags: ["health"],
      security: publicSecurity,
      responses: {
        200: { description: "Ready", content: { "application/json": { schema: status } } },
        503: { description: "Not ready", content: { "application/json": { schema: status } } },
      },
    }),
    async (c) => {
      const deps = c.get("deps");
      const within = <T>(p: Promise<T>) =>
        Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error("timed out")), 2000))]);
      const [database, queue] = await Promise.allSettled([
        within(deps.database.sql`select 1`),
        within(deps.jobs.ping()),
      ]);
      const checks = {
        database: database.status === "fulfilled" ? "ok" : String(database.reason),
        queue: queue.status === "fulfilled" ? `ok (${deps.jobs.backendKind})` : String(queue.reason),
      };
      const ok = database.status === "fulfilled" && queue.status === "fulfilled";
      return c.json({ status: ok ? "ready" : "not ready", checks }, ok ? 200 : 503);
    },
  );
}
