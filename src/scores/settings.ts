import { z } from "zod";
import { severities } from "../../db/scoring-schema.ts";

export const scoringSettingsSchema = z
  .strictObject({
    /** A score at or above this opens (or updates) the customer's alert. */
    alertThreshold: z.number().int().min(1).max(100),
    /** A matched live rule of this severity or worse alerts whatever the score. */
    alertOnSeverity: z.enum(severities),
    /** Points the model adds at churn probability 1 (scaled linearly), when a fit exists. */
    modelWeight: z.number().int().min(0).max(100),
    /**
     * Per rule, the share of its alerts (0–100) held out from actions — no campaign, no task,
     * still tracked — so acting can be compared with not acting.
     */
    alertHoldout: z.record(z.string().min(1).max(100), z.number().min(0).max(100)),
    /**
     * One alert per risk episode: once a customer's alert is resolved, another opens only
     * after they have bought again since it opened, or when a match is more severe than it
     * was. Off, a new alert may open as soon as the rules' cooldown ends.
     */
    oneAlertPerEpisode: z.boolean(),
  })
  .meta({ id: "ScoringSettings" });
export type ScoringSettings = z.infer<typeof scoringSettingsSchema>;

export const defaultScoringSettings: ScoringSettings = {
  alertThreshold: 50,
  alertOnSeverity: "high",
  modelWeight: 20,
  alertHoldout: {},
  oneAlertPerEpisode: true,
};
export const scoringSettingsOf = (settings: { scoring?: Partial<ScoringSettings> }): ScoringSettings => ({
  ...defaultScoringSettings,
  ...settings.scoring,
});
