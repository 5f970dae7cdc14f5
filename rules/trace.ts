// What an evaluation saw and decided, per condition. Stored with scores and alerts as JSON
// and read back to explain them, so it has a schema of its own.
import { z } from "zod";
import { conditionValueSchema } from "./conditions.ts";
import { operators } from "./vocabulary.ts";

/** A fact value as stored: timestamps as ISO strings, tiers by name, non-finite numbers as null. */
export const traceFactValueSchema = z.union([z.number(), z.string(), z.boolean(), z.array(z.string()), z.null()]);

export const leafTraceSchema = z.object({
  kind: z.literal("leaf"),
  fact: z.string(),
  operator: z.enum(operators),
  /** The rule's value. */
  value: conditionValueSchema.optional(),
  /** The customer's value. */
  factValue: traceFactValueSchema,
  /** For decreasedByAtLeast / increasedByAtLeast: the baseline and (current − baseline) / baseline. */
  baseline: z.object({ fact: z.string(), value: z.number().nullable(), change: z.number().nullable() }).optional(),
  /** For a comparison with another fact: that fact's value (before the factor) and the factor. */
  other: z.object({ fact: z.string(), value: traceFactValueSchema, factor: z.number().optional() }).optional(),
  /** Other facts the explanation of this fact mentions (e.g. the names of competitor apps). */
  context: z.record(z.string(), traceFactValueSchema).optional(),
  result: z.boolean(),
});

const groupTraceSchema = z.object({
  kind: z.enum(["all", "any"]),
  result: z.boolean(),
  get children(): z.ZodArray<typeof ruleTraceSchema> {
    return z.array(ruleTraceSchema);
  },
});

const notTraceSchema = z.object({
  kind: z.literal("not"),
  result: z.boolean(),
  get child(): typeof ruleTraceSchema {
    return ruleTraceSchema;
  },
});

export const ruleTraceSchema = z.discriminatedUnion("kind", [leafTraceSchema, groupTraceSchema, notTraceSchema]);

export type RuleTrace = z.infer<typeof ruleTraceSchema>;
export type LeafTrace = z.infer<typeof leafTraceSchema>;
export type TraceFactValue = z.infer<typeof traceFactValueSchema>;
