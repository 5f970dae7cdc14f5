import { createRoute, z } from "@hono/zod-openapi";
import { ingestSignals } from "../../signals/ingest.ts";
import { parseSignalBatch } from "../../signals/batch.ts";
import { signalExamples } from "../../signals/examples.ts";
import { MAX_BATCH, signalBatchResultSchema, signalSchema } from "../../signals/schema.ts";
import { jsonSchemaComponents } from "../openapi.ts";
import type { App } from "../app.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";

// The body is checked item by item in the domain (one bad item must not sink the batch), so
// the route's validator takes any JSON; the document describes it through the Signal
// components, built from the same zod schema the domain validates with.
const signalBatchBody = z.unknown().meta({
  description: `One Signal, or a batch \`{ "signals": [Signal, ...] }\` of 1 to ${MAX_BATCH.toLocaleString("en-US")} signals. Each item is accepted or rejected on its own.`,
  oneOf: [{ $ref: "#/components/schemas/Signal" }, { $ref: "#/components/schemas/SignalBatch" }],
});
const signalBatch = z.strictObject({ signals: z.array(signalSchema).min(1).max(MAX_BATCH) });

// A named request example per signal type, and one batch.
const requestExamples = {
  ...Object.fromEntries(Object.entries(signalExamples).map(([type, value]) => [type, { summary: `One ${type} signal`, value }])),
  batch: { summary: "A batch of signals", value: { signals: Object.values(signalExamples) } },
};

export function registerSignalRoutes(app: App) {
  // As JSON Schema components (zod's converter handles the discriminated union and its named
  // variants); registering the zod schema itself would need zod-openapi's extension to have
  // been loaded before the schema was created.
  const components = jsonSchemaComponents("SignalBatch", signalBatch);
  // The type names the variant: tools show the matching schema and its example. (zod's
  // converter drops examples of schemas that transform, as these do, so they are added here.)
  const mapping = signalMapping(components);
  components.Signal = { ...components.Signal, discriminator: { propertyName: "type", mapping } };
  for (const [type, ref] of Object.entries(mapping)) {
    const name = ref.split("/").at(-1)!;
    components[name] = { ...components[name], examples: [signalExamples[type as keyof typeof signalExamples]] };
  }
  components.SignalBatch = { ...components.SignalBatch, examples: [{ signals: [signalExamples.purchase, signalExamples.competitor_purchase] }] };
  for (const [name, schema] of Object.entries(components)) app.openAPIRegistry.registerComponent("schemas", name, schema as never);
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/signals",
      summary: "Push signals (idempotent per signal id)",
      tags: ["signals"],
      security: bearerSecurity,
      middleware: [requireRole("ingest")] as const,
      request: { body: { required: true, content: { "application/json": { schema: signalBatchBody, examples: requestExamples } } } },
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

/** `purchase` → `#/components/schemas/PurchaseSignal`: each variant's `type` constant names it. */
function signalMapping(components: Record<string, Record<string, unknown>>): Record<string, string> {
  const variants = (components.Signal?.oneOf ?? []) as { $ref: string }[];
  return Object.fromEntries(
    variants.map((v) => {
      const variant = components[v.$ref.split("/").at(-1)!] as { properties: { type: { const: string } } };
      return [variant.properties.type.const, v.$ref];
    }),
  );
}
