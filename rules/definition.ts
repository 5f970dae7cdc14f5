// A whole rule as marketers write it and the API stores it (one version of it).
import { z } from "zod";
import { ruleConditionsSchema } from "./conditions.ts";
import { tierNames } from "./vocabulary.ts";

export const ruleSeverities = ["low", "medium", "high", "critical"] as const;
export type RuleSeverity = (typeof ruleSeverities)[number];

/** live: alerts and actions; shadow: scored and recorded, never alerts (to try a rule out); off: not evaluated. */
export const ruleModes = ["live", "shadow", "off"] as const;
export type RuleMode = (typeof ruleModes)[number];

export const ruleSlugSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "use lowercase letters, digits and single hyphens, e.g. vip-competitor-spend");

export const ruleActionsSchema = z.strictObject({
  /** Enrol the customer in this campaign when the rule alerts. */
  campaign: ruleSlugSchema.optional(),
  /** Open a task for the customer's account manager. */
  task: z.boolean().optional(),
});

export const ruleDefinitionSchema = z.strictObject({
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000).default(""),
  conditions: ruleConditionsSchema,
  /**
   * The tiers the rule is evaluated for; customers in other tiers (or without a tier) are
   * skipped. Conditions may test the tier too, which also puts it in the explanation.
   */
  tiers: z
    .array(z.enum(tierNames))
    .min(1)
    .refine((t) => new Set(t).size === t.length, "list each tier once"),
  /** Contribution to the customer's 0–100 score when the rule matches. */
  points: z.number().int().min(0).max(100),
  severity: z.enum(ruleSeverities),
  /** Days after an alert during which the rule does not alert again for that customer. */
  cooldownDays: z.number().int().min(0).max(365),
  actions: ruleActionsSchema,
  /** New rules start in shadow so they can be watched before they alert. */
  mode: z.enum(ruleModes).default("shadow"),
});

export type RuleDefinition = z.infer<typeof ruleDefinitionSchema>;
export type RuleDefinitionInput = z.input<typeof ruleDefinitionSchema>;

/** A rule shipped with the product: a definition with a stable id. */
export const packRuleSchema = ruleDefinitionSchema.extend({ id: ruleSlugSchema });
export type PackRule = z.infer<typeof packRuleSchema>;

/** Whether a rule is evaluated for a customer of this tier. */
export const ruleAppliesToTier = (rule: Pick<RuleDefinition, "tiers">, tier: string | null | undefined): boolean =>
  tier != null && (rule.tiers as readonly string[]).includes(tier);
