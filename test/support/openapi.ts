// Checks an answer of the API against the response schema /openapi.json gives for it, with
// every described object closed, so a field the API sends and the description leaves out
// fails as much as a field with the wrong type.
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { TestContext } from "./context.ts";

type Json = Record<string, unknown>;

/** Every object schema that lists its properties and says nothing of others gets no others. */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (node === null || typeof node !== "object") return node;
  const out: Json = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === "example" || k === "examples" ? v : closed(v)]));
  if (out.properties && typeof out.properties === "object" && !("additionalProperties" in out)) out.additionalProperties = false;
  return out;
}

/** The problems of `body` as the answer `status` of `method` on the path template `template`; none when it matches. */
export type ResponseCheck = (method: string, template: string, status: number, body: unknown) => string[];

export async function responseChecker(ctx: Pick<TestContext, "request">): Promise<ResponseCheck> {
  const doc = (await (await ctx.request("/openapi.json")).json()) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(closed(doc) as Json, "openapi.json");
  const pointer = (s: string) => s.replaceAll("~", "~0").replaceAll("/", "~1");
  return (method, template, status, body) => {
    const at = `openapi.json#/paths/${pointer(template)}/${method}/responses/${status}/content/application~1json/schema`;
    const validate = ajv.compile({ $ref: at });
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${method} ${template} ${status}: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  };
}
