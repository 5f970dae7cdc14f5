// The API description served at /openapi.json: the routes' own zod schemas, plus what the
// generator leaves out — an operationId per operation and schemas built by zod's JSON Schema
// converter (recursive or discriminated ones) whose `$defs` are lifted into components so
// every `$ref` resolves from the document's root.
import { z } from "zod";
import type { App } from "./app.ts";

type JsonSchema = Record<string, unknown>;

const componentRef = (name: string) => `#/components/schemas/${name}`;

/**
 * A zod schema as OpenAPI components: the root under `name`, each of its `$defs` under its own
 * name, every `#/$defs/X` rewritten to `#/components/schemas/X`.
 */
export function jsonSchemaComponents(name: string, schema: z.ZodType, opts: { io?: "input" | "output" } = {}): Record<string, JsonSchema> {
  const json = z.toJSONSchema(schema, { io: opts.io ?? "input", unrepresentable: "any" }) as JsonSchema & { $defs?: Record<string, JsonSchema>; $schema?: string };
  const { $defs = {}, $schema: _, ...root } = json;
  // A root that only points at one of its definitions (zod does so for recursive and named
  // schemas) is that definition, published under `name` when zod had to invent its name.
  const rename = new Map<string, string>();
  const pointed = typeof root.$ref === "string" ? root.$ref.replace("#/$defs/", "") : undefined;
  let rootBody: JsonSchema | undefined = root;
  if (pointed !== undefined && $defs[pointed] && (pointed === name || pointed.startsWith("__schema"))) {
    const { $ref: _ref, ...rest } = root;
    rename.set(pointed, name);
    $defs[pointed] = { ...$defs[pointed], ...rest };
    rootBody = undefined;
  }
  // A recursive root refers to itself as "#": that is the component `name`.
  const rewrite = (s: JsonSchema) =>
    JSON.parse(
      JSON.stringify(s)
        .replace(/"#\/\$defs\/([^"]+)"/g, (_m, def: string) => JSON.stringify(componentRef(rename.get(def) ?? def)))
        .replace(/"\$ref":"#"/g, `"$ref":${JSON.stringify(componentRef(name))}`),
    ) as JsonSchema;
  const out: Record<string, JsonSchema> = {};
  for (const [def, body] of Object.entries($defs)) out[rename.get(def) ?? def] = rewrite(body);
  if (rootBody) out[name] = rewrite(rootBody);
  return out;
}

export function registerJsonSchemaComponents(app: App, name: string, schema: z.ZodType, opts: { io?: "input" | "output" } = {}) {
  for (const [def, body] of Object.entries(jsonSchemaComponents(name, schema, opts))) app.openAPIRegistry.registerComponent("schemas", def, body as never);
}

/** `get /v1/customers/{customerId}/signals` → `getCustomerSignals`: a collection named before an id reads as one item. */
export function operationIdOf(method: string, path: string): string {
  const segments = path.split("/").filter((s) => s !== "" && s !== "v1");
  const words: string[] = [method.toLowerCase()];
  segments.forEach((s, i) => {
    if (s.startsWith("{")) return;
    const beforeId = segments[i + 1]?.startsWith("{") ?? false;
    const word = beforeId ? singular(s) : s;
    words.push(...word.split(/[-_]/));
  });
  return words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join("");
}

const singular = (s: string) => (s.endsWith("ies") ? `${s.slice(0, -3)}y` : s.endsWith("s") && !s.endsWith("ss") ? s.slice(0, -1) : s);

const tagDescriptions: Record<string, string> = {
  signals: "Push what customers do (purchases, sessions, tickets, competitor activity); signed inbound webhooks",
  competitors: "The competitors signals name, with their categories",
  customers: "Profiles, features, tiers, scores and signal timelines",
  alerts: "Churn alerts: read, acknowledge, snooze, resolve, label",
  rules: "The rules that score customers: edit, dry-run, backtest, import",
  managers: "Account managers and their digests",
  tasks: "Tasks for account managers",
  campaigns: "Retention campaigns, enrollments and opt-outs",
  webhooks: "Outbound webhook endpoints and their deliveries",
  workspace: "The workspace and its settings",
  access: "API keys",
  model: "The purchase model and the learned risk model",
  replays: "Replays of past signals through the rules",
  audit: "Who changed what",
  sessions: "Console sign-in sessions",
  overview: "The console's overview figures",
  health: "Liveness and readiness",
  index: "Where to go from the base URL",
};

const methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;

/** The OpenAPI 3.1 document of the app. */
export function describeApi(app: App) {
  const doc = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Rivalwatch API",
      version: "1",
      description:
        "Competitor-aware churn alerts: push signals, read profiles, features and alerts. Every error is RFC 9457 problem details (`application/problem+json`) naming the wrong field.",
    },
    // Paths are from the service's own origin, wherever it is deployed (PUBLIC_URL in production).
    servers: [{ url: "/", description: "This service" }],
  });
  const used = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of methods) {
      const op = (item as Record<string, { operationId?: string } | undefined>)[method];
      if (op && !op.operationId) op.operationId = operationIdOf(method, path);
      for (const tag of (op as { tags?: string[] } | undefined)?.tags ?? []) used.add(tag);
    }
  }
  doc.tags = [...used].sort().map((name) => ({ name, ...(tagDescriptions[name] ? { description: tagDescriptions[name] } : {}) }));
  return doc;
}
