// The condition tree, in json-rules-engine's shape: { all: [...] } | { any: [...] } |
// { not: cond } | { fact, operator, value }. Parsing happens in three steps so that API
// callers get precise, zod-shaped issues with paths such as `all[1].value`:
//   1. a shape check with limits, walking the raw input without recursion (a hostile,
//      deeply nested body is refused before zod recurses into it);
//   2. the recursive zod schema (which gives the inferred type and the JSON schema);
//   3. a check of every leaf against the fact catalogue (unknown facts, operators that do
//      not apply, values of the wrong type).
import { z } from "zod";
import { analyzeLeaf, type LeafIssue } from "./leaf.ts";
import { operators } from "./vocabulary.ts";

export const ruleLimits = {
  /** Levels of all/any/not nesting, counting the leaf's own level. */
  maxDepth: 8,
  /** Conditions in one rule, groups and leaves together. */
  maxConditions: 100,
  /** Values in an `in` / `notIn` list. */
  maxListLength: 100,
  maxTextLength: 200,
} as const;

const valueMessage = `value must be a number, a text of up to ${ruleLimits.maxTextLength} characters, true/false, a list of up to ${ruleLimits.maxListLength} numbers or texts, or another fact: {"fact": "spend30dBaseline", "factor": 0.5}`;
const text = z.string().max(ruleLimits.maxTextLength);

/** The largest factor a fact comparison takes; with facts below 1e300 the product stays finite. */
export const maxFactor = 1000;

/** Compare with another fact of the same type; numbers may scale it: fact op factor × other. */
export const factReferenceSchema = z
  .strictObject({
    fact: z.string().min(1).max(100).describe("Another fact from the catalogue, of the same type."),
    factor: z.number().positive().max(maxFactor).optional().describe("Numbers only: compare with factor × the other fact (e.g. 0.5 = half of it)."),
  })
  .meta({ id: "FactReference" });

export const conditionValueSchema = z.union(
  [z.number(), text, z.boolean(), z.array(z.union([z.number(), text])).max(ruleLimits.maxListLength), factReferenceSchema],
  { error: valueMessage },
);

export const conditionLeafSchema = z.strictObject({
  fact: z.string().min(1).max(100).describe("A fact name from the fact catalogue, e.g. competitorSpend30d."),
  operator: z.enum(operators),
  /** Absent for exists / notExists, required for every other operator. */
  value: conditionValueSchema.optional(),
});

const children = () => z.array(conditionNodeSchema).min(1).max(ruleLimits.maxConditions);
const allSchema = z.strictObject({
  get all(): ReturnType<typeof children> {
    return children();
  },
});
const anySchema = z.strictObject({
  get any(): ReturnType<typeof children> {
    return children();
  },
});
const notSchema = z.strictObject({
  get not(): typeof conditionNodeSchema {
    return conditionNodeSchema;
  },
});
const conditionNodeSchema = z.union([conditionLeafSchema, allSchema, anySchema, notSchema]);

type Ctx = { addIssue(issue: { code: "custom"; message: string; path: (string | number)[] }): void };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const groupKeys = ["all", "any", "not"];
const leafKeys = ["fact", "operator", "value"];

// Step 1: shape and limits, iteratively. Leaves are checked with the leaf schema so their
// messages are the usual zod ones; groups get messages saying what a condition looks like.
function checkShape(input: unknown, ctx: Ctx): void {
  const stack: { node: unknown; path: (string | number)[]; depth: number }[] = [{ node: input, path: [], depth: 1 }];
  let count = 0;
  while (stack.length) {
    const { node, path, depth } = stack.pop()!;
    if (++count > ruleLimits.maxConditions) {
      ctx.addIssue({ code: "custom", message: `a rule has at most ${ruleLimits.maxConditions} conditions`, path: [] });
      return;
    }
    if (depth > ruleLimits.maxDepth) {
      ctx.addIssue({ code: "custom", message: `conditions nest at most ${ruleLimits.maxDepth} levels deep`, path });
      continue;
    }
    if (!isObject(node)) {
      ctx.addIssue({ code: "custom", message: "expected a condition: {all: [...]}, {any: [...]}, {not: {...}} or {fact, operator, value}", path });
      continue;
    }
    const keys = Object.keys(node);
    if (keys.some((k) => leafKeys.includes(k))) {
      const r = conditionLeafSchema.safeParse(node);
      for (const issue of r.error?.issues ?? []) {
        ctx.addIssue({ code: "custom", message: issue.message, path: [...path, ...(issue.path as (string | number)[])] });
      }
      continue;
    }
    const [key, ...extra] = keys;
    if (key === undefined || extra.length || !groupKeys.includes(key)) {
      ctx.addIssue({
        code: "custom",
        message: `a condition has exactly one of all, any, not, or is a {fact, operator, value}; found ${keys.length ? keys.join(", ") : "no keys"}`,
        path,
      });
      continue;
    }
    const inner = node[key];
    if (key === "not") {
      stack.push({ node: inner, path: [...path, key], depth: depth + 1 });
      continue;
    }
    if (!Array.isArray(inner) || inner.length === 0) {
      ctx.addIssue({ code: "custom", message: `${key} takes a non-empty list of conditions`, path: [...path, key] });
      continue;
    }
    // Pushed in reverse so issues come out in document order.
    for (let i = inner.length - 1; i >= 0; i--) stack.push({ node: inner[i], path: [...path, key, i], depth: depth + 1 });
  }
}

// Step 3: every leaf against the catalogue. The tree is already bounded by step 1.
function checkFacts(node: ConditionNode, path: (string | number)[], ctx: Ctx): void {
  if ("all" in node) node.all.forEach((c, i) => checkFacts(c, [...path, "all", i], ctx));
  else if ("any" in node) node.any.forEach((c, i) => checkFacts(c, [...path, "any", i], ctx));
  else if ("not" in node) checkFacts(node.not, [...path, "not"], ctx);
  else {
    const r = analyzeLeaf(node);
    if (!r.ok) for (const issue of r.issues) ctx.addIssue({ code: "custom", message: issue.message, path: [...path, ...issue.path] });
  }
}

/**
 * A rule's conditions, checked against the fact catalogue. Issues carry the path of the
 * mistake (`["all", 1, "value"]`; under a rule definition `["conditions", "all", 1, "value"]`).
 */
export const ruleConditionsSchema = z
  .preprocess((input, ctx) => {
    checkShape(input, ctx);
    return input;
  }, conditionNodeSchema)
  .superRefine((conditions, ctx) => checkFacts(conditions, [], ctx))
  .describe("Rule conditions in json-rules-engine's shape; fact names and operators from the fact catalogue.");

export type RuleConditions = z.infer<typeof ruleConditionsSchema>;
export type ConditionNode = z.infer<typeof conditionNodeSchema>;
export type ConditionLeaf = z.infer<typeof conditionLeafSchema>;

export type RuleIssue = LeafIssue;

/** Validates conditions without throwing; the issues have the same shape as zod's. */
export function validateConditions(input: unknown): { ok: true; conditions: RuleConditions } | { ok: false; issues: RuleIssue[] } {
  const r = ruleConditionsSchema.safeParse(input);
  if (r.success) return { ok: true, conditions: r.data };
  return { ok: false, issues: r.error.issues.map((i) => ({ path: i.path as (string | number)[], message: i.message })) };
}
