// json-rules-engine rules → Rivalwatch rule definitions. The condition tree is the same
// shape; what has no meaning here is refused with the path in the json-rules-engine
// document and the reason, never dropped silently. Pure: the rules API validates the result
// against the fact catalogue and stores it.
import { tierNames } from "./vocabulary.ts";

export type ImportIssue = { path: (string | number)[]; message: string };
export type ImportedRule = { id?: string; name: string; description: string; conditions: unknown; tiers: string[]; points: number; severity: string; cooldownDays: number; actions: { campaign?: string; task?: boolean }; mode: string };
export type ImportResult = { ok: true; rule: ImportedRule; notes: string[]; paths: Record<string, (string | number)[]> } | { ok: false; issues: ImportIssue[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** event.params keys that set a Rivalwatch rule field, and the field. */
const paramFields = { points: "points", severity: "severity", tiers: "tiers", cooldownDays: "cooldownDays", campaign: "actions.campaign", task: "actions.task", description: "description", mode: "mode" } as const;

/** Defaults for what json-rules-engine rules do not say: every tier, medium severity, shadow mode. */
export const importDefaults = { tiers: [...tierNames] as string[], points: 20, severity: "medium", cooldownDays: 30, mode: "shadow" };

export function convertJsonRulesEngineRule(input: unknown): ImportResult {
  const issues: ImportIssue[] = [];
  const notes: string[] = [];
  if (!isObject(input)) return { ok: false, issues: [{ path: [], message: "expected a json-rules-engine rule: {conditions, event, name?, priority?}" }] };
  for (const key of Object.keys(input)) {
    if (!["conditions", "event", "name", "priority"].includes(key)) {
      issues.push({ path: [key], message: key === "onSuccess" || key === "onFailure" ? `${key} callbacks are code; rules here are data: use event.params.campaign or event.params.task` : `${key} has no meaning here; a rule has conditions, event, name and priority` });
    }
  }
  if (typeof input.name !== "string" || input.name.trim() === "") issues.push({ path: ["name"], message: "give the rule a name (json-rules-engine makes it optional; here it is how people find the rule)" });
  if (input.priority !== undefined) {
    if (typeof input.priority !== "number" || !(input.priority >= 1)) issues.push({ path: ["priority"], message: "priority must be a number ≥ 1, as in json-rules-engine" });
    else notes.push("priority was ignored: every rule is evaluated, and its points decide how much it weighs");
  }
  const conditions = convertNode(input.conditions, ["conditions"], issues, notes, 1);

  const rule: ImportedRule = { name: typeof input.name === "string" ? input.name : "", description: "", conditions, ...importDefaults, actions: {} };
  const paths: Record<string, (string | number)[]> = { name: ["name"], conditions: ["conditions"] };
  const event = input.event;
  if (!isObject(event)) issues.push({ path: ["event"], message: "expected an event: {type, params?}" });
  else {
    for (const key of Object.keys(event)) if (key !== "type" && key !== "params") issues.push({ path: ["event", key], message: "an event has type and params" });
    if (typeof event.type !== "string" || !event.type) issues.push({ path: ["event", "type"], message: "expected the event type, a text" });
    else if (/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(event.type) && event.type.length <= 64) {
      rule.id = event.type;
      paths.id = ["event", "type"];
    } else notes.push(`event.type "${event.type}" is not a rule id (lowercase letters, digits, hyphens): the id is made from the name`);
    const params = event.params ?? {};
    if (!isObject(params)) issues.push({ path: ["event", "params"], message: "expected an object" });
    else {
      for (const [key, v] of Object.entries(params)) {
        const field = paramFields[key as keyof typeof paramFields];
        if (!field) {
          issues.push({ path: ["event", "params", key], message: `no rule field is called ${key}; event.params may set ${Object.keys(paramFields).join(", ")}` });
          continue;
        }
        if (field.startsWith("actions.")) (rule.actions as Record<string, unknown>)[field.slice(8)] = v;
        else (rule as Record<string, unknown>)[field] = v;
        paths[field] = ["event", "params", key];
      }
    }
  }
  return issues.length ? { ok: false, issues } : { ok: true, rule, notes, paths };
}

function convertNode(node: unknown, path: (string | number)[], issues: ImportIssue[], notes: string[], depth: number): unknown {
  if (!isObject(node)) {
    issues.push({ path, message: "expected a condition: {all: [...]}, {any: [...]}, {not: {...}} or {fact, operator, value}" });
    return node;
  }
  if ("condition" in node) {
    issues.push({ path: [...path, "condition"], message: "shared conditions by name are not supported: write the condition in place" });
    return node;
  }
  // Names and priorities of conditions only order evaluation there; here every condition is evaluated.
  const { name: _name, priority: _priority, ...rest } = node;
  if (_name !== undefined || _priority !== undefined) notes.push(`${formatPath(path)}: the condition's name and priority were dropped (they have no effect here)`);
  for (const group of ["all", "any"] as const) {
    if (group in rest) {
      const children = rest[group];
      if (!Array.isArray(children)) return rest;
      return { ...rest, [group]: children.map((c, i) => convertNode(c, [...path, group, i], issues, notes, depth + 1)) };
    }
  }
  if ("not" in rest) return { ...rest, not: convertNode(rest.not, [...path, "not"], issues, notes, depth + 1) };
  const { path: jsonPath, params, ...leaf } = rest;
  if (jsonPath !== undefined) issues.push({ path: [...path, "path"], message: "a path into a fact is not supported: facts are plain values from the catalogue (GET /v1/rules/facts)" });
  if (params !== undefined) issues.push({ path: [...path, "params"], message: "fact params are not supported: facts are computed per customer, without arguments" });
  const value = leaf.value;
  if (isObject(value) && "fact" in value) {
    if (value.path !== undefined) issues.push({ path: [...path, "value", "path"], message: "a path into a fact is not supported" });
    if (value.params !== undefined) issues.push({ path: [...path, "value", "params"], message: "fact params are not supported" });
  }
  return leaf;
}

const formatPath = (path: (string | number)[]) => path.map((p, i) => (typeof p === "number" ? `[${p}]` : i ? `.${p}` : p)).join("");
