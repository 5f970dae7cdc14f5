import { z } from "zod";
import type { WorkspaceSettings } from "../../db/schema.ts";

export const defaultWorkspaceSettings: WorkspaceSettings = {
  currency: "KRW",
  fxRates: {},
  trustedProviders: null,
  freshnessDays: { default: 90 },
  minConfidence: 0,
};

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
  })
  .partial()
  .meta({ id: "WorkspaceSettingsPatch" });

export function mergeSettings(current: WorkspaceSettings, patch: z.infer<typeof workspaceSettingsPatchSchema>): WorkspaceSettings {
  return {
    ...current,
    ...patch,
    freshnessDays: (patch.freshnessDays as WorkspaceSettings["freshnessDays"] | undefined) ?? current.freshnessDays,
  };
}

/** Converts an amount into the workspace currency, or says why it cannot. */
export function toWorkspaceCurrency(settings: WorkspaceSettings, amount: number, currency: string): number | string {
  if (currency === settings.currency) return amount;
  const rate = settings.fxRates[currency];
  if (rate === undefined) return `no exchange rate from ${currency} to ${settings.currency}; add one to the workspace's fxRates`;
  return amount * rate;
}
