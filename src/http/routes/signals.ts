import { createRoute, z } from "@hono/zod-openapi";
import { ingestSignals } from "../../signals/ingest.ts";
import { parseSignalBatch } from "../../signals/batch.ts";
import { signalBatchResultSchema, signalSchema } from "../../signals/schema.ts";
import type { App } from "../app.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";

// The body is checked item by item in the domain (one bad item must not sink the batch),
// so the route only asks for a JSON object; the Signal shape is published as a component.
const signalBatchBody = z.looseObject({}).meta({
  description: "A batch `{ \"signals\": [Signal, ...] }` of 1 to 1,000 signals, or one Signal on its own.",
});

export function registerSignalRoutes(app: App) {
  // As a JSON Schema component: registering the zod schema itself would need zod-openapi's
  // extension to have been loaded before the schema was created.
  app.openAPIRegistry.registerComponent("schemas", "Signal", z.toJSONSchema(signalSchema, { io: "input", unrepresentable: "any" }) as never);
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/signals",
      summary: "Push signals (idempotent per signal id)",
      tags: ["signals"],
      security: bearerSecurity,
      middleware: [requireRole("ingest")] as const,
      request: { body: { required: true, content: { "application/json": { schema: signalBatchBody } } } },
      responses: {
        200: {
          description: "Per item: accepted, duplicate or rejected with the path and reason. Accepted items are committed.",
          content: { "application/json": { schema: signalBatchResultSchema } },
        },
        ...problemResponses(400, 401, 403, 413, 415, 422),
      },
    }),
    async (c) => {
      const items = parseSignalBatch(c.req.valid("json"));
      const { workspaceId, settings } = c.get("principal");
      const result = await ingestSignals(c.get("deps"), { workspaceId, settings, items });
      return c.json(result, 200);
    },
  );
}
