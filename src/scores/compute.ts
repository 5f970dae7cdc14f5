// The risk score, pure: every live rule that applies to the customer's tier and matches
// adds its points; the model adds modelWeight × churn probability when a fit exists; the
// sum is capped at 100. Shadow rules are evaluated and recorded but add nothing.
import { severities, type ScoreReason, type Severity, type Tier } from "../../db/scoring-schema.ts";
import { explainTrace, factCatalogue, formatAmount, ruleAppliesToTier, type FactValues, type Locale, type RuleDefinition, type RulePredicate } from "../../rules/index.ts";
import type { ScoringSettings } from "./settings.ts";

export type ActiveRule = { id: string; version: number; definition: RuleDefinition; predicate: RulePredicate };

export type ModelValues = {
  churnProbability: number;
  clv: number | null;
  valueAtRisk: number | null;
  /** The live learned risk model's probability and the inputs that raise it most; when present, it is the model part. */
  risk?: { probability: number; version: number; sentences: string[] } | null;
};

export type ScoreResult = {
  score: number;
  rulePoints: number;
  modelPoints: number;
  reasons: ScoreReason[];
  shadowHits: ScoreReason[];
  /** The worst severity among matched live rules, or from the score when none. */
  severity: Severity;
  /** Whether this score opens or updates an alert. */
  alerts: boolean;
  cooldownDays: number;
  actions: { ruleId: string; campaign?: string; task?: boolean }[];
};

const rank = (s: Severity) => severities.indexOf(s);

/** The model part's name and sentence, in the workspace's language. */
const modelWords = {
  en: {
    learned: (version: number) => `Learned risk model (version ${version})`,
    statistical: "Statistical model (BG/NBD)",
    sentence: (percent: number, atRisk: string | null) =>
      `has a ${percent}% probability of no purchase over the model's horizon` + (atRisk !== null ? `, putting ${atRisk} at risk` : ""),
  },
  ko: {
    learned: (version: number) => `학습 위험 모델 (버전 ${version})`,
    statistical: "통계 모델 (BG/NBD)",
    sentence: (percent: number, atRisk: string | null) => `모델 예측 기간 내 구매하지 않을 확률 ${percent}%` + (atRisk !== null ? `, 위험 금액 ${atRisk}` : ""),
  },
} satisfies Record<Locale, unknown>;

export function computeScore(input: {
  facts: FactValues;
  tier: Tier | null;
  rules: readonly ActiveRule[];
  model: ModelValues | null;
  settings: ScoringSettings;
  currency: string;
  /** The language of the reasons (the workspace's); English unless given. */
  locale?: Locale;
}): ScoreResult {
  const locale = input.locale ?? "en";
  const reasons: ScoreReason[] = [];
  const shadowHits: ScoreReason[] = [];
  const actions: ScoreResult["actions"] = [];
  let cooldownDays = 0;
  for (const rule of input.rules) {
    const d = rule.definition;
    if (d.mode === "off" || !ruleAppliesToTier(d, input.tier)) continue;
    const { matched, trace } = rule.predicate(input.facts);
    if (!matched) continue;
    const reason: ScoreReason = {
      ruleId: rule.id,
      version: rule.version,
      name: d.name,
      points: d.mode === "live" ? d.points : 0,
      severity: d.severity,
      mode: d.mode,
      sentences: explainTrace(trace, factCatalogue, { currency: input.currency, locale }),
    };
    if (d.mode === "shadow") {
      shadowHits.push(reason);
      continue;
    }
    reasons.push(reason);
    cooldownDays = Math.max(cooldownDays, d.cooldownDays);
    if (d.actions.campaign || d.actions.task) actions.push({ ruleId: rule.id, ...d.actions });
  }
  const rulePoints = reasons.reduce((sum, r) => sum + r.points, 0);
  const modelProbability = input.model ? (input.model.risk?.probability ?? input.model.churnProbability) : 0;
  const modelPoints = input.model ? Math.round(input.settings.modelWeight * modelProbability) : 0;
  const score = Math.min(100, rulePoints + modelPoints);
  const worst = reasons.reduce<Severity | null>((w, r) => (w === null || rank(r.severity as Severity) > rank(w) ? (r.severity as Severity) : w), null);
  const bySeverity = worst !== null && rank(worst) >= rank(input.settings.alertOnSeverity);
  const byScore = score >= input.settings.alertThreshold;
  const severity: Severity = worst ?? (score >= 80 ? "high" : score >= input.settings.alertThreshold ? "medium" : "low");
  if (input.model && modelPoints > 0) {
    const var_ = input.model.valueAtRisk;
    const risk = input.model.risk;
    reasons.push({
      ruleId: "model",
      version: 0,
      name: risk ? modelWords[locale].learned(risk.version) : modelWords[locale].statistical,
      points: modelPoints,
      severity: "low",
      mode: "live",
      sentences: [
        modelWords[locale].sentence(Math.round(modelProbability * 100), var_ !== null ? formatAmount(Math.round(var_), input.currency, locale) : null),
        ...(risk?.sentences ?? []),
      ],
    });
  }
  return {
    score,
    rulePoints,
    modelPoints,
    reasons,
    shadowHits,
    severity,
    alerts: bySeverity || byScore,
    cooldownDays: cooldownDays || 7,
    actions,
  };
}
