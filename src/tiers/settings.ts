import { z } from "zod";
import { tierNames } from "../../db/scoring-schema.ts";

const cutoffs = z.strictObject({ Silver: z.number().min(0), Gold: z.number().min(0), Platinum: z.number().min(0), Diamond: z.number().min(0) });

/** How a workspace ranks its customers into tiers. */
export const tierSettingsSchema = z
  .strictObject({
    /** Weights of the composite's parts; they are normalised to sum to 1. */
    weights: z.strictObject({
      monetary: z.number().min(0),
      frequency: z.number().min(0),
      recency: z.number().min(0),
      engagement: z.number().min(0),
    }),
    /**
     * absolute: a tier's cut-off is the least composite score (0–100);
     * relative: the least percentile of the composite within the workspace (0.8 = top 20%).
     */
    method: z.enum(["absolute", "relative"]),
    cutoffs: cutoffs.refine((c) => c.Silver <= c.Gold && c.Gold <= c.Platinum && c.Platinum <= c.Diamond, {
      message: "cut-offs must rise from Silver to Diamond",
    }),
    /** What counts as full marks for each part of the composite. */
    targets: z.strictObject({
      spend180d: z.number().positive(),
      aov180d: z.number().positive(),
      orders180d: z.number().positive(),
      recencyDays: z.number().positive(),
      activeDays30d: z.number().positive(),
      sessions30d: z.number().positive(),
    }),
    /** Absolute floors: reaching `atLeast` on `fact` makes a customer at least `tier`. */
    floors: z.array(
      z.strictObject({
        tier: z.enum(tierNames),
        fact: z.enum(["spend180d", "spend90d", "orders180d", "categoryRepeatMax180d", "spendTotal"]),
        atLeast: z.number().min(0),
      }),
    ).max(20),
  })
  .meta({ id: "TierSettings" });
export type TierSettings = z.infer<typeof tierSettingsSchema>;

/** Some of the tier settings: a change to them (PATCH /v1/workspace/settings) or a proposal to preview. */
export const tierSettingsPatchSchema = tierSettingsSchema.partial().meta({ id: "TierSettingsPatch" });
export type TierSettingsPatch = z.infer<typeof tierSettingsPatchSchema>;

export const defaultTierSettings: TierSettings = {
  weights: { monetary: 0.4, frequency: 0.3, recency: 0.2, engagement: 0.1 },
  method: "absolute",
  cutoffs: { Silver: 20, Gold: 40, Platinum: 65, Diamond: 85 },
  targets: { spend180d: 600_000, aov180d: 100_000, orders180d: 6, recencyDays: 180, activeDays30d: 10, sessions30d: 20 },
  floors: [
    { tier: "Gold", fact: "spend180d", atLeast: 300_000 },
    { tier: "Gold", fact: "categoryRepeatMax180d", atLeast: 3 },
  ],
};
