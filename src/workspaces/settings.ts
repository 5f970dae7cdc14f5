import { z } from "zod";
import type { ModelSettings, WorkspaceSettings } from "../../db/schema.ts";

export const defaultWorkspaceSettings: WorkspaceSettings = {
  currency: "KRW",
  fxRates: {},
  trustedProviders: null,
  freshnessDays: { default: 90 },
  minConfidence: 0,
};

/**
 * The model's defaults. The thresholds follow the usual advice for BG/NBD: a few hundred
 * customers, and enough repeat buyers for the dropout and spend parts to be identified.
 */
export const defaultModelSettings: ModelSettings = {
  horizonDays: 90,
  clvMonths: 12,
  monthlyDiscountRate: 0.01,
  penalizer: 0.001,
  minCustomers: 200,
  minRepeatCustomers: 50,
};

/** The workspace's model settings, defaults filled in (older workspaces have no `model` key). */
export function modelSettingsOf(settings: WorkspaceSettings): ModelSettings {
  return { ...defaultModelSettings, ...settings.model };
}

export const modelSettingsPatchSchema = z
  .strictObject({
    horizonDays: z.number().int().min(1).max(3650),
    clvMonths: z.number().int().min(1).max(120),
    monthlyDiscountRate: z.number().min(0).max(1),
    penalizer: z.number().min(0).max(10),
    minCustomers: z.number().int().min(10).max(10_000_000),
    minRepeatCustomers: z.number().int().min(5).max(10_000_000),
  })
  .partial()
  .meta({ id: "ModelSettingsPatch" });

/** A partial update of the settings; what is omitted stays as it is. */
export const workspaceSettingsPatchSchema = z
  .strictObject({
    currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as KRW"),
    fxRates: z.record(z.string().regex(/^[A-Z]{3}$/), z.number().positive()),
    trustedProviders: z.array(z.string().min(1).max(100)).nullable(),
    freshnessDays: z
      .record(z.string().min(1).max(100), z.number().int().min(1).max(3650))
      .refine((r) => r.default !== undefined, { message: "must include a default", path: ["default"] }),
    minConfidence: z.number().min(0).max(1),
    model: modelSettingsPatchSchema,
  })
  .partial()
  .meta({ id: "WorkspaceSettingsPatch" });

export function mergeSettings(current: WorkspaceSettings, patch: z.infer<typeof workspaceSettingsPatchSchema>): WorkspaceSettings {
  return {
    ...current,
    ...patch,
    freshnessDays: (patch.freshnessDays as WorkspaceSettings["freshnessDays"] | undefined) ?? current.freshnessDays,
    // Model settings merge key by key: a patch of one leaves the others as they are.
    ...(patch.model ? { model: { ...current.model, ...patch.model } } : {}),
  };
}

/** Converts an amount into the workspace currency, or says why it cannot. */
export function toWorkspaceCurrency(settings: WorkspaceSettings, amount: number, currency: string): number | string {
  if (currency === settings.currency) return amount;
  const rate = settings.fxRates[currency];
  if (rate === undefined) return `no exchange rate from ${currency} to ${settings.currency}; add one to the workspace's fxRates`;
  return amount * rate;
}
