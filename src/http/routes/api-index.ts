import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app.ts";
import { publicSecurity } from "../auth.ts";

const link = z.object({ href: z.string(), title: z.string() });
const apiIndex = z
  .object({
    name: z.string(),
    version: z.string(),
    links: z.object({ docs: link, openapi: link, console: link, health: link }),
    authentication: z.string(),
  })
  .meta({ id: "ApiIndex" });

/** `GET /v1`: where to go from here, for someone who typed the base URL. */
export function registerApiIndex(app: App) {
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1",
      summary: "This API's index: links to the docs, the OpenAPI description and the console",
      tags: ["index"],
      security: publicSecurity,
      responses: { 200: { description: "Links", content: { "application/json": { schema: apiIndex } } } },
    }),
    (c) =>
      c.json(
        {
          name: "Rivalwatch API",
          version: "1",
          links: {
            docs: { href: "/docs/", title: "API reference (Swagger UI)" },
            openapi: { href: "/openapi.json", title: "OpenAPI 3.1 description" },
            console: { href: "/console", title: "The web console" },
            health: { href: "/readyz", title: "Readiness of the database and the queue" },
          },
          authentication: "Send an API key as `Authorization: Bearer rw_live_…`; `npm run cli -- workspace create` makes a workspace and its admin key.",
        },
        200,
      ),
  );
}
