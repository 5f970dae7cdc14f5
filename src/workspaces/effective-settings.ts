// A workspace's settings as they take effect: every default filled in, and which of them
// the workspace set itself. Groups (model, actions, tiers, scoring) merge key by key with
// their defaults, as the code that reads them does.
import { z } from "zod";
import type { WorkspaceSettings } from "../../db/schema.ts";
import type { Workspace } from "../../db/schema.ts";
import { defaultScoringSettings, scoringSettingsSchema } from "../scores/settings.ts";
import { defaultTierSettings, tierSettingsSchema } from "../tiers/settings.ts";
import { localeOf } from "./locale.ts";
import { actionSettingsPatchSchema, defaultActionSettings, defaultModelSettings, defaultWorkspaceSettings, modelSettingsPatchSchema, workspaceSettingsPatchSchema } from "./settings.ts";

const patch = workspaceSettingsPatchSchema.shape;

/** Every setting in effect: what PATCH /v1/workspace/settings changes, each group complete. */
export const effectiveSettingsSchema = z
  .strictObject({
    currency: patch.currency.unwrap(),
    fxRates: patch.fxRates.unwrap(),
    trustedProviders: patch.trustedProviders.unwrap(),
    freshnessDays: patch.freshnessDays.unwrap(),
    minConfidence: patch.minConfidence.unwrap(),
    evidenceRetentionDays: patch.evidenceRetentionDays.unwrap(),
    signalRetentionDays: patch.signalRetentionDays.unwrap(),
    model: modelSettingsPatchSchema.required(),
    riskModel: patch.riskModel.describe("Present when the workspace chose; absent: auto"),
    actions: actionSettingsPatchSchema.required(),
    tiers: tierSettingsSchema,
    scoring: scoringSettingsSchema,
    locale: patch.locale.unwrap().describe("The language of texts written for people: the workspace's choice, else ko for KRW and en otherwise"),
  })
  .meta({ id: "EffectiveSettings" });
export type EffectiveSettings = z.infer<typeof effectiveSettingsSchema>;

const groups = { model: defaultModelSettings, actions: defaultActionSettings, tiers: defaultTierSettings, scoring: defaultScoringSettings } as const;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function effectiveSettings(stored: WorkspaceSettings) {
  const settings: Record<string, unknown> = { ...defaultWorkspaceSettings, ...stored };
  // Top-level settings are stored from creation on: set means changed from the default.
  const setByWorkspace = Object.keys(defaultWorkspaceSettings).filter((k) => !same(stored[k as keyof WorkspaceSettings], defaultWorkspaceSettings[k as keyof WorkspaceSettings]));
  // The language of the console's default, reasons and digests: Korean for a KRW workspace unless it chose.
  settings.locale = localeOf({ locale: stored.locale, currency: settings.currency as string });
  if (stored.locale !== undefined) setByWorkspace.push("locale");
  for (const [group, defaults] of Object.entries(groups)) {
    const own = ((stored as Record<string, unknown>)[group] ?? {}) as Record<string, unknown>;
    settings[group] = { ...defaults, ...own };
    setByWorkspace.push(...Object.keys(own).map((k) => `${group}.${k}`));
  }
  return { settings: settings as EffectiveSettings, setByWorkspace: setByWorkspace.sort() };
}

/** The workspace as the API shows it. */
export const workspaceView = (w: Workspace) => ({ id: w.id, name: w.name, createdAt: w.createdAt.toISOString(), ...effectiveSettings(w.settings) });
