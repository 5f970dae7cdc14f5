import { DEFAULT_MODEL_SETTINGS } from "../model/defaults.ts";
import { scoringSettingsSchema } from "../scores/settings.ts";
import { tierSettingsPatchSchema } from "../tiers/settings.ts";
import { tierNames } from "../../db/scoring-schema.ts";
import { z } from "zod";
import type { ActionSettings } from "../../db/actions-schema.ts";
import type { ModelSettings, WorkspaceSettings } from "../../db/schema.ts";
import { parseAllowListEntry } from "../webhooks/ssrf.ts";

export const defaultWorkspaceSettings: WorkspaceSettings = {
  currency: "KRW",
  fxRates: {},
  trustedProviders: null,
  freshnessDays: { default: 90 },
  minConfidence: 0,
  evidenceRetentionDays: null,
  signalRetentionDays: null,
};

/** The model's defaults (one source with `model evaluate`: src/model/defaults.ts). */
export const defaultModelSettings: ModelSettings = { ...DEFAULT_MODEL_SETTINGS };

/** Whether a fit ran with these settings (a fit made with others must not be reused). */
export function sameModelSettings(fit: ModelSettings, settings: ModelSettings): boolean {
  return (Object.keys(defaultModelSettings) as (keyof ModelSettings)[]).every((k) => fit[k] === settings[k]);
}

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

export const defaultActionSettings: ActionSettings = {
  webhookAllowList: [],
  taskTiers: ["Platinum", "Diamond"],
  taskMinValueAtRisk: 500_000,
  taskSlaHours: { low: 168, medium: 72, high: 24, critical: 4 },
  market: "KR",
  defaultTimezone: "Asia/Seoul",
  quietHours: { start: 21, end: 8 },
  optOutRoute: "080-000-0000",
  channelCaps: { push: { count: 3, days: 7 }, sms: { count: 2, days: 7 }, email: { count: 3, days: 7 } },
};

/** The workspace's action settings, defaults filled in. */
export function actionSettingsOf(settings: WorkspaceSettings): ActionSettings {
  return { ...defaultActionSettings, ...settings.actions };
}

const cidr = z.string().max(100).superRefine((v, ctx) => {
  const parsed = parseAllowListEntry(v);
  if ("error" in parsed) ctx.addIssue({ code: "custom", message: parsed.error });
});

export const actionSettingsPatchSchema = z
  .strictObject({
    webhookAllowList: z.array(cidr).max(100),
    taskTiers: z.array(z.enum(tierNames)).max(5),
    taskMinValueAtRisk: z.number().min(0).nullable(),
    taskSlaHours: z.strictObject({
      low: z.number().positive().max(8760),
      medium: z.number().positive().max(8760),
      high: z.number().positive().max(8760),
      critical: z.number().positive().max(8760),
    }),
    market: z.enum(["KR", "none"]),
    defaultTimezone: z.string().refine(isTimeZone, "must be an IANA timezone such as Asia/Seoul"),
    quietHours: z.strictObject({ start: z.number().int().min(0).max(23), end: z.number().int().min(0).max(23) }).nullable(),
    optOutRoute: z.string().min(1).max(200),
    channelCaps: z.partialRecord(
      z.enum(["push", "in_app", "email", "sms", "webhook"]),
      z.strictObject({ count: z.number().int().min(1).max(1000), days: z.number().int().min(1).max(365) }),
    ),
  })
  .partial()
  .meta({ id: "ActionSettingsPatch" });

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

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
    evidenceRetentionDays: z
      .record(z.string().min(1).max(100), z.number().int().min(1).max(3650))
      .nullable()
      .meta({ description: "Days each provider's competitor signals are kept, counted from the end of their period (`default` for providers not named); null or absent keeps them. A daily job deletes what aged out." }),
    signalRetentionDays: z
      .number()
      .int()
      .min(30)
      .max(36_500)
      .nullable()
      .meta({ description: "Days every signal is kept, counted from its occurredAt; null or absent keeps them. A daily job deletes what aged out: whole months at once when no workspace keeps them any longer, row by row otherwise. Features over a window longer than the retention see less history." }),
    model: modelSettingsPatchSchema,
    riskModel: z
      .strictObject({
        mode: z.enum(["auto", "shadow", "off"]).meta({ description: "auto (live when it beats the purchase model out of time), shadow (fitted and reported, not scored) or off" }),
        alertBudgetPer1kPerWeek: z
          .number()
          .positive()
          .max(1000)
          .meta({ description: "Alerts per 1,000 customers a week the learned model may raise (default 5): each fit sets its alert line (riskAlertThreshold) so that customers newly crossing it stay within this" }),
      })
      .partial()
      .meta({ description: "The learned risk model; keys merge one by one" }),
    actions: actionSettingsPatchSchema,
    tiers: tierSettingsPatchSchema,
    scoring: scoringSettingsSchema.partial(),
    locale: z.enum(["ko", "en"]),
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
    ...(patch.actions ? { actions: { ...current.actions, ...patch.actions } } : {}),
    ...(patch.tiers ? { tiers: { ...current.tiers, ...patch.tiers } } : {}),
    ...(patch.scoring ? { scoring: { ...current.scoring, ...patch.scoring } } : {}),
    ...(patch.riskModel ? { riskModel: { ...current.riskModel, ...patch.riskModel } } : {}),
  };
}

/** Converts an amount into the workspace currency, or says why it cannot. */
export function toWorkspaceCurrency(settings: WorkspaceSettings, amount: number, currency: string): number | string {
  if (currency === settings.currency) return amount;
  const rate = settings.fxRates[currency];
  if (rate === undefined) return `no exchange rate from ${currency} to ${settings.currency}; add one to the workspace's fxRates`;
  return amount * rate;
}
