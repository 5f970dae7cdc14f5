// The model's defaults, one source for the workspace fits (src/workspaces/settings.ts) and
// `model evaluate`, so the evaluation's figures describe what ships. The thresholds follow
// the usual advice for BG/NBD: a few hundred customers, and enough repeat buyers for the
// dropout and spend parts to be identified.
export const DEFAULT_MODEL_SETTINGS = {
  horizonDays: 90,
  clvMonths: 12,
  monthlyDiscountRate: 0.01,
  penalizer: 0.001,
  minCustomers: 200,
  minRepeatCustomers: 50,
} as const;
