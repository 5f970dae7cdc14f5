// Response shapes several route files share.
import { z } from "@hono/zod-openapi";

/** Why a rule added points to a score: one entry per matched rule, in words. */
export const scoreReasonSchema = z
  .object({
    ruleId: z.string(),
    version: z.number().int(),
    name: z.string(),
    points: z.number(),
    severity: z.string(),
    mode: z.string().meta({ description: "live or shadow" }),
    sentences: z.array(z.string()).meta({ description: "Each matched condition in words, with the customer's figures" }),
  })
  .meta({ id: "ScoreReason" });

/** A ratio that is null while its denominator is zero. */
export const ratioSchema = z.number().nullable();
