// The API description: complete (every /v1 route, real schemas, every $ref resolvable),
// valid OpenAPI 3.1 by an independent validator, and lint-clean by Redocly's recommended
// ruleset (@redocly/openapi-core, which runs offline). The signal examples it shows are accepted by the API itself.
import { validate, compileErrors } from "@readme/openapi-parser";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { beforeAll, describe, expect, it } from "vitest";
import { signalExamples } from "../../src/signals/examples.ts";
import { useTestContext } from "../support/context.ts";

const ctx = useTestContext();

type Doc = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
  tags?: { name: string }[];
};
type Operation = {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: unknown[];
  requestBody?: { content: Record<string, { schema?: Schema; examples?: Record<string, { value: unknown }> }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
};
type Schema = Record<string, unknown>;

const httpMethods = ["get", "put", "post", "delete", "patch"];
let doc: Doc;

beforeAll(async () => {
  const res = await ctx.request("/openapi.json");
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => httpMethods.includes(method))
      .map(([method, op]) => ({ method, path, op })),
  );

/** Every `$ref` in the document with where it sits. */
function refsOf(node: unknown, at = "#"): { at: string; ref: string }[] {
  if (Array.isArray(node)) return node.flatMap((v, i) => refsOf(v, `${at}/${i}`));
  if (node === null || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([k, v]) => (k === "$ref" && typeof v === "string" ? [{ at, ref: v }] : refsOf(v, `${at}/${k}`)));
}

function resolve(ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  return ref
    .slice(2)
    .split("/")
    .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), doc);
}

/**
 * Where a schema leaves an object's shape open: `{}`, or an object with no properties whose
 * other keys are open too (`additionalProperties: {}` or absent). Maps of a described value
 * (`additionalProperties: { type: "number" }`) are not open.
 */
function freeForm(schema: unknown, at: string, seen = new Set<string>()): string[] {
  if (!schema || typeof schema !== "object") return [];
  const s = schema as Schema;
  if (typeof s.$ref === "string") {
    if (seen.has(s.$ref)) return [];
    seen.add(s.$ref);
    return freeForm(resolve(s.$ref), `${at}→${s.$ref.split("/").at(-1)}`, seen);
  }
  const parts = ["anyOf", "oneOf", "allOf"].flatMap((k) => ((s[k] as unknown[] | undefined) ?? []).flatMap((x, i) => freeForm(x, `${at}.${k}[${i}]`, seen)));
  if (parts.length > 0 || ["anyOf", "oneOf", "allOf"].some((k) => k in s)) return parts;
  if (Object.keys(s).filter((k) => k !== "description").length === 0) return [at];
  if (s.type === "array") return freeForm(s.items, `${at}[]`, seen);
  if (s.type !== "object") return [];
  const properties = Object.entries((s.properties as Record<string, unknown> | undefined) ?? {});
  const extra = s.additionalProperties;
  const openExtra = extra === true || (extra && typeof extra === "object" && Object.keys(extra).length === 0);
  if (properties.length === 0 && (extra === undefined || openExtra)) return [at];
  return [
    ...properties.flatMap(([k, v]) => freeForm(v, `${at}.${k}`, seen)),
    ...(extra && typeof extra === "object" && !openExtra ? freeForm(extra, `${at}.*`, seen) : []),
  ];
}

/** A schema that says nothing: `{}` or an object with no properties and nothing else to go by. */
function isEmpty(schema: Schema | undefined): boolean {
  if (!schema) return true;
  const meaningful = Object.keys(schema).filter((k) => !["description", "type", "properties", "additionalProperties"].includes(k));
  const properties = schema.properties as Record<string, unknown> | undefined;
  return meaningful.length === 0 && (!properties || Object.keys(properties).length === 0);
}

describe("the API description", () => {
  it("resolves every $ref from the document's root", () => {
    const refs = refsOf(doc);
    expect(refs.length).toBeGreaterThan(100);
    expect(refs.filter((r) => resolve(r.ref) === undefined)).toEqual([]);
  });

  it("describes every /v1 route the app registers", () => {
    const registered = new Set(
      ctx.app.routes
        .filter((r) => r.method !== "ALL" && r.path.startsWith("/v1/") && !r.path.endsWith("*"))
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`),
    );
    const described = new Set(operations().map((o) => `${o.method} ${o.path}`));
    expect(registered.size).toBeGreaterThan(60);
    expect([...registered].filter((r) => !described.has(r))).toEqual([]);
  });

  it("gives every request body and response body a schema that says something", () => {
    const empty: string[] = [];
    for (const { method, path, op } of operations()) {
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
        const schema = media.schema?.$ref ? (resolve(media.schema.$ref as string) as Schema) : media.schema;
        if (isEmpty(schema)) empty.push(`${method} ${path} request ${type}`);
      }
      for (const [status, response] of Object.entries(op.responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          const schema = media.schema?.$ref ? (resolve(media.schema.$ref as string) as Schema) : media.schema;
          if (isEmpty(schema)) empty.push(`${method} ${path} ${status} ${type}`);
        }
      }
    }
    expect(empty).toEqual([]);
  });

  // A customer's attributes are the integrator's own labels: their shape is theirs to choose.
  const openByDesign = /\.attributes$/;

  it("describes every request body and response body to its leaves: no free-form object inside but a customer's own attributes", () => {
    const open: string[] = [];
    for (const { method, path, op } of operations()) {
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) open.push(...freeForm(media.schema, `${method} ${path} request ${type}`));
      for (const [status, response] of Object.entries(op.responses))
        for (const [type, media] of Object.entries(response.content ?? {})) open.push(...freeForm(media.schema, `${method} ${path} ${status} ${type}`));
    }
    expect(open.filter((at) => !openByDesign.test(at))).toEqual([]);
  });

  it("describes POST /v1/signals as one Signal or a batch, with an example per signal type", () => {
    const body = doc.paths["/v1/signals"]!.post!.requestBody!.content["application/json"]!;
    expect(body.schema?.oneOf).toEqual([{ $ref: "#/components/schemas/Signal" }, { $ref: "#/components/schemas/SignalBatch" }]);
    const signal = doc.components.schemas.Signal as { oneOf: { $ref: string }[]; discriminator: { mapping: Record<string, string> } };
    expect(Object.keys(signal.discriminator.mapping).sort()).toEqual(Object.keys(signalExamples).sort());
    for (const [type, ref] of Object.entries(signal.discriminator.mapping)) {
      const variant = resolve(ref) as { examples?: { type: string }[] };
      expect(variant.examples?.[0]?.type, ref).toBe(type);
      expect(body.examples?.[type]?.value, type).toEqual(signalExamples[type as keyof typeof signalExamples]);
    }
  });

  it("shows examples the API accepts", async () => {
    const ws = await ctx.workspace();
    const batch = doc.paths["/v1/signals"]!.post!.requestBody!.content["application/json"]!.examples!.batch!.value;
    const res = await ctx.request("/v1/signals", { key: ws.keys.ingest, json: batch });
    const body = (await res.json()) as { accepted: number; results: { status: string; errors?: unknown }[] };
    expect(res.status).toBe(200);
    expect(body.results.filter((r) => r.status !== "accepted")).toEqual([]);
    expect(body.accepted).toBe(Object.keys(signalExamples).length);
  });

  it("passes the rules a linter applies: unique operationIds, declared tags, a 2xx and a problem+json 4xx per authenticated operation", () => {
    const problems: string[] = [];
    const ids = new Map<string, string>();
    const declared = new Set((doc.tags ?? []).map((t) => t.name));
    for (const { method, path, op } of operations()) {
      const where = `${method} ${path}`;
      if (!op.operationId) problems.push(`${where}: no operationId`);
      else if (ids.has(op.operationId)) problems.push(`${where}: operationId ${op.operationId} also on ${ids.get(op.operationId)}`);
      else ids.set(op.operationId, where);
      if (!op.summary) problems.push(`${where}: no summary`);
      if (!op.tags?.length) problems.push(`${where}: no tags`);
      for (const tag of op.tags ?? []) if (!declared.has(tag)) problems.push(`${where}: tag ${tag} not declared`);
      const statuses = Object.keys(op.responses);
      if (!statuses.some((s) => /^2\d\d$/.test(s))) problems.push(`${where}: no 2xx response`);
      // Health probes answer 200 or 503 only; every /v1 operation can be refused.
      if (path.startsWith("/v1/")) {
        const problemJson = statuses.filter((s) => /^4\d\d$/.test(s) && op.responses[s]!.content?.["application/problem+json"]);
        if (problemJson.length === 0) problems.push(`${where}: no application/problem+json 4xx response`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("has no error by Redocly's recommended ruleset, and only the warnings explained here", async () => {
    const config = await createConfig({
      extends: ["recommended"],
      // A private service's API: there is no licence to name.
      rules: { "info-license": "off" },
    });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: "openapi.json", config });
    const found = (severity: string) => problems.filter((p) => p.severity === severity).map((p) => `${p.ruleId} ${p.location[0]?.pointer ?? ""}: ${p.message}`);
    expect(found("error")).toEqual([]);
    // The liveness and readiness probes and the /v1 index take no input and no credentials:
    // nothing about a request can be refused, so they have no 4xx answer to describe.
    expect(found("warn").map((w) => w.split(":")[0]).sort()).toEqual(
      ["#/paths/~1healthz/get/responses", "#/paths/~1readyz/get/responses", "#/paths/~1v1/get/responses"].map((at) => `operation-4xx-response ${at}`),
    );
  });

  it("is valid OpenAPI 3.1 by @readme/openapi-parser", async () => {
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? "" : compileErrors(result)).toBe("");
  });
});
