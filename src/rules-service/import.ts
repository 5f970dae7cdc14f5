// POST /v1/rules/import: a json-rules-engine rule becomes a Rivalwatch rule (in shadow
// mode unless event.params.mode says otherwise), through the same createRule as POST
// /v1/rules. Refusals name the path in the json-rules-engine document.
import { convertJsonRulesEngineRule } from "../../rules/json-rules-engine.ts";
import type { Deps } from "../deps.ts";
import { AppError, formatPath } from "../errors.ts";
import { createRule } from "./rules.ts";
import { ruleCreateSchema } from "./schemas.ts";

export async function importJsonRulesEngineRule(deps: Pick<Deps, "database" | "clock">, input: { workspaceId: string; actor: string; rule: unknown }) {
  const converted = convertJsonRulesEngineRule(input.rule);
  if (!converted.ok) {
    throw new AppError("validation_failed", "the json-rules-engine rule cannot be imported as it is", converted.issues.map((i) => ({ path: formatPath(i.path) || "(root)", message: i.message })));
  }
  const parsed = ruleCreateSchema.safeParse(converted.rule);
  if (!parsed.success) {
    // Back to the imported document's paths: points came from event.params.points, and so on.
    const errors = parsed.error.issues.map((i) => {
      const [head, ...tail] = i.path as (string | number)[];
      const key = head === "actions" && typeof tail[0] === "string" ? `actions.${tail.shift()}` : String(head ?? "");
      const origin = converted.paths[key] ?? (head !== undefined ? [head] : []);
      return { path: formatPath([...origin, ...tail]) || "(root)", message: i.message };
    });
    throw new AppError("validation_failed", "the json-rules-engine rule cannot be imported as it is", errors);
  }
  try {
    const rule = await createRule(deps, { workspaceId: input.workspaceId, actor: input.actor, rule: parsed.data });
    return { rule, notes: converted.notes };
  } catch (err) {
    // An unknown campaign is refused by createRule; say where it came from.
    if (err instanceof AppError && err.errors?.some((e) => e.path === "actions.campaign") && converted.paths["actions.campaign"]) {
      throw new AppError(err.code, err.message, err.errors.map((e) => (e.path === "actions.campaign" ? { ...e, path: formatPath(converted.paths["actions.campaign"]!) } : e)));
    }
    throw err;
  }
}
