// What the rules API accepts. Rule bodies are the engine's own schema, so a wrong fact,
// operator or value comes back with the path of the mistake (`conditions.all[1].value`).
import { z } from "zod";
import { ruleConditionsSchema, ruleDefinitionSchema as engineDefinitionSchema, ruleSlugSchema } from "../../rules/index.ts";
import { instant } from "../input/instant.ts";

// The condition tree is recursive through getters, which the OpenAPI generator would follow
// for ever. The API documents it as components built from zod's own JSON schema (which
// handles recursion; registered by the rules routes) and gives the field a `type`, which
// stops the generator descending; validation is the engine's schema, unchanged.
const documentedConditions = ruleConditionsSchema.meta({
  type: "object",
  $ref: "#/components/schemas/RuleCondition",
  description: "{all: [...]}, {any: [...]}, {not: {...}} or {fact, operator, value}; facts and their operators: GET /v1/rules/facts.",
});

/** The engine's rule definition, with the condition tree documented as a component. */
export const ruleDefinitionSchema = engineDefinitionSchema.extend({ conditions: documentedConditions });

/** Ids that would read as one of the fixed routes under /v1/rules. */
export const reservedRuleIds = ["facts", "dry-run", "backtest", "import"] as const;

/** A json-rules-engine rule as sent to POST /v1/rules/import; the converter checks it in detail (with paths). */
const d = ruleDefinitionSchema.shape;

const eventParamsProperties = (
  z.toJSONSchema(
    z.object({
      points: d.points,
      severity: d.severity,
      tiers: d.tiers,
      cooldownDays: d.cooldownDays,
      campaign: ruleSlugSchema.describe("Becomes actions.campaign."),
      task: z.boolean().describe("Becomes actions.task."),
      description: d.description,
      mode: d.mode,
    }),
    { unrepresentable: "any" },
  ) as { properties: Record<string, unknown> }
).properties;

export const jsonRulesEngineRuleSchema = z
  .looseObject({
    name: z.string().optional().describe("Becomes the rule's name (required here)."),
    priority: z.number().optional().describe("Accepted and ignored: every rule is evaluated."),
    // Taken as it comes: the converter refuses what does not map with its path and reason.
    // What maps is exactly this API's condition tree, so that is what the description shows.
    conditions: z.record(z.string(), z.unknown()).meta({
      type: "object",
      $ref: "#/components/schemas/RuleCondition",
      description:
        "json-rules-engine conditions in the shape of RuleCondition (a condition's name and priority are accepted and dropped); `path`, `params` and named `condition` references are refused with their path.",
    }),
    event: z
      .looseObject({
        type: z.string().describe("Becomes the rule id when it is a slug."),
        // Checked by the converter with the conditions, so every mistake is reported at once;
        // described with the rule fields they set.
        params: z
          .record(z.string(), z.unknown())
          .optional()
          .meta({
            type: "object",
            properties: eventParamsProperties,
            description: "May set points, severity, tiers, cooldownDays, campaign, task, description, mode; any other key is refused.",
          }),
      })
      .describe("What fires: its type names the rule."),
  })
  .meta({
    id: "JsonRulesEngineRule",
    example: {
      name: "VIP shopping at rivals",
      priority: 10,
      conditions: { all: [{ fact: "tier", operator: "greaterThanInclusive", value: "Gold" }, { fact: "competitorSpend30d", operator: "greaterThanInclusive", value: 100000 }] },
      event: { type: "vip-rival-shopping", params: { points: 40, severity: "high", campaign: "vip-competitor-winback" } },
    },
  });

export const ruleIdSchema = ruleSlugSchema.refine((id) => !(reservedRuleIds as readonly string[]).includes(id), {
  message: `${reservedRuleIds.join(", ")} are reserved; choose another id`,
});

export const ruleCreateSchema = ruleDefinitionSchema
  .extend({ id: ruleIdSchema.optional().describe("A slug; made from the name when absent.") })
  .meta({ id: "RuleCreate" });

export const ruleDefinitionBodySchema = ruleDefinitionSchema.meta({ id: "RuleDefinition" });

/** Any subset of a definition's fields; the merge with the current version is checked again. */
export const rulePatchSchema = z
  .strictObject({
    name: d.name.optional(),
    description: d.description.unwrap().optional(),
    conditions: d.conditions.optional(),
    tiers: d.tiers.optional(),
    points: d.points.optional(),
    severity: d.severity.optional(),
    cooldownDays: d.cooldownDays.optional(),
    actions: d.actions.optional(),
    mode: d.mode.unwrap().optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), "send at least one field to change, e.g. {\"mode\": \"live\"}")
  .meta({ id: "RulePatch" });

export const ruleRollbackSchema = z.strictObject({
  version: z.number().int().min(1).describe("The version whose definition becomes current again, as a new version."),
});

export const ruleListQuerySchema = z.object({
  includeDeleted: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
});

export const dryRunSchema = z
  .strictObject({
    rule: ruleDefinitionSchema.optional().describe("A draft rule; or name a stored one with ruleId."),
    ruleId: ruleSlugSchema.optional(),
    version: z.number().int().min(1).optional().describe("With ruleId: a version other than the current one."),
    customerId: z.string().min(1).max(200),
  })
  .superRefine((b, ctx) => {
    if ((b.rule === undefined) === (b.ruleId === undefined)) {
      ctx.addIssue({ code: "custom", message: "send either rule (a draft) or ruleId (a stored rule)", path: b.rule ? ["ruleId"] : ["rule"] });
    }
    if (b.version !== undefined && b.ruleId === undefined) {
      ctx.addIssue({ code: "custom", message: "version needs ruleId", path: ["version"] });
    }
  })
  .meta({ id: "RuleDryRun" });

export const backtestLimits = { maxDates: 53, maxStepDays: 365, maxQuietDays: 365, maxPage: 1000 } as const;


const backtestWindow = {
  asOf: instant.optional().describe("One date to evaluate the rule at."),
  from: instant.optional().describe("With to: evaluate at from, from + stepDays, … up to to."),
  to: instant.optional(),
  stepDays: z.number().int().min(1).max(backtestLimits.maxStepDays).default(7),
  quietDays: z
    .number()
    .int()
    .min(1)
    .max(backtestLimits.maxQuietDays)
    .default(30)
    .describe("A customer went quiet when they made no purchase in (date, date + quietDays]."),
  limit: z.number().int().min(1).max(backtestLimits.maxPage).default(100).describe("Flagged customers listed per date."),
  after: z.string().max(200).optional().describe("List flagged customers with ids after this one (the previous page's last)."),
};

type WindowInput = { asOf?: string; from?: string; to?: string; stepDays: number };

function checkWindow(b: WindowInput, ctx: z.RefinementCtx) {
  if (b.asOf !== undefined) {
    if (b.from !== undefined || b.to !== undefined) ctx.addIssue({ code: "custom", message: "send asOf or from and to, not both", path: ["asOf"] });
    return;
  }
  if (b.from === undefined || b.to === undefined) {
    ctx.addIssue({ code: "custom", message: "send asOf, or from and to", path: [b.from === undefined ? "from" : "to"] });
    return;
  }
  const from = Date.parse(b.from);
  const to = Date.parse(b.to);
  if (from > to) ctx.addIssue({ code: "custom", message: "from must not be after to", path: ["to"] });
  else if (Math.floor((to - from) / (b.stepDays * 86_400_000)) + 1 > backtestLimits.maxDates) {
    ctx.addIssue({ code: "custom", message: `at most ${backtestLimits.maxDates} dates per backtest; widen stepDays or narrow the range`, path: ["stepDays"] });
  }
}

export const storedBacktestSchema = z
  .strictObject({ ...backtestWindow, version: z.number().int().min(1).optional().describe("A version other than the current one.") })
  .superRefine(checkWindow)
  .meta({ id: "RuleBacktest" });

export const draftBacktestSchema = z
  .strictObject({ ...backtestWindow, rule: ruleDefinitionSchema })
  .superRefine(checkWindow)
  .meta({ id: "RuleDraftBacktest" });

export type RuleCreate = z.infer<typeof ruleCreateSchema>;
export type RulePatch = z.infer<typeof rulePatchSchema>;
export type DryRunInput = z.infer<typeof dryRunSchema>;
export type BacktestWindow = Omit<z.infer<typeof storedBacktestSchema>, "version">;
