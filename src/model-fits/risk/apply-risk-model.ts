// Scoring with the live learned risk model: a dot product and a step function, in SQL, over
// the customers' stored features and model values, written beside the model values. Only rows
// whose probability changes are written (the isotonic map is a step function, so on most days
// few do).
import type postgres from "postgres";
import { daysSinceLastPurchaseSql } from "../../../db/queries/features.ts";
import type { RiskModelParamsJson, RiskModelVersion } from "../../../db/risk-model-schema.ts";
import { predictRisk, riskContributions, type RiskModelParams } from "../../model/risk/index.ts";
import type { Locale } from "../../../rules/index.ts";
import { inputsOf } from "./inputs.ts";
import { riskInputLabelsKo } from "./labels-ko.ts";

type Sql = postgres.Sql | postgres.TransactionSql;

export type LiveRiskVersion = Pick<RiskModelVersion, "id" | "version"> & { params: RiskModelParamsJson; alertThreshold: number | null };

export async function liveRiskVersion(sql: Sql, workspaceId: string): Promise<LiveRiskVersion | null> {
  const [row] = await sql<LiveRiskVersion[]>`
    select id, version, params, alert_threshold as "alertThreshold" from risk_model_versions where workspace_id = ${workspaceId} and status = 'live' limit 1`;
  return row ?? null;
}

const literal = (v: number) => {
  if (!Number.isFinite(v)) throw new Error(`risk model: non-finite parameter ${v}`);
  return `${v}::float8`;
};

/** The calibrated probability as SQL over `f` (features with days_since_last_purchase) and `m`. */
export function riskProbabilitySql(params: RiskModelParamsJson): string {
  const inputs = inputsOf(params.inputs);
  const terms = inputs.map((input, j) => {
    const w = params.coefficients[j]! / params.standardizer.sd[j]!;
    return `${literal(w)} * (${input.sql} - ${literal(params.standardizer.mean[j]!)})`;
  });
  const z = [literal(params.intercept), ...terms].join(" + ");
  const raw = `(1 / (1 + exp(-least(40::float8, greatest(-40::float8, ${z})))))`;
  const thresholds = `array[${params.calibration.thresholds.map(literal).join(", ")}]`;
  const values = `array[${params.calibration.values.map(literal).join(", ")}]`;
  return `(${values})[greatest(1, width_bucket(${raw}, ${thresholds}))]`;
}

/**
 * Writes the live version's probability and alert line for the workspace's customers (or the
 * given ones), or clears them when no version is live. Returns the rows written.
 */
export async function applyRiskModel(sql: Sql, input: { workspaceId: string; asOf: Date; customerIds?: readonly string[] }): Promise<number> {
  const { workspaceId } = input;
  const only = (col: string) => (input.customerIds ? sql`and ${sql.unsafe(col)} = any(${input.customerIds as string[]}::text[])` : sql``);
  const live = await liveRiskVersion(sql, workspaceId);
  if (!live) {
    const cleared = await sql`
      update customer_model_scores set risk_probability = null, risk_version_id = null, risk_alert_threshold = null
      where workspace_id = ${workspaceId} and risk_version_id is not null ${only("customer_id")}`;
    return cleared.count;
  }
  const written = await sql`
    update customer_model_scores target set risk_probability = v.p, risk_version_id = ${live.id}, risk_alert_threshold = ${live.alertThreshold}
    from (
      select m.customer_id, ${sql.unsafe(riskProbabilitySql(live.params))} as p
      from (
        select f.*, ${daysSinceLastPurchaseSql(sql, input.asOf)} as days_since_last_purchase
        from customer_features f where f.workspace_id = ${workspaceId} ${only("f.customer_id")}
      ) f
      join customer_model_scores m on m.workspace_id = f.workspace_id and m.customer_id = f.customer_id
    ) v
    where target.workspace_id = ${workspaceId} and target.customer_id = v.customer_id
      and (target.risk_probability is distinct from v.p or target.risk_version_id is distinct from ${live.id}
        or target.risk_alert_threshold is distinct from ${live.alertThreshold}::float8)`;
  return written.count;
}

export function toRiskParams(json: RiskModelParamsJson): RiskModelParams {
  return { ...json, standardizer: json.standardizer, calibration: json.calibration };
}

/** The inputs of one row (features and model values, snake_case) in a version's order. */
export function riskInputValues(params: RiskModelParamsJson, row: Record<string, unknown>): number[] {
  return inputsOf(params.inputs).map((input) => input.js(row));
}

/** JavaScript twin of riskProbabilitySql (tests hold them in agreement). */
export function riskProbabilityOf(params: RiskModelParamsJson, row: Record<string, unknown>): number {
  return predictRisk(toRiskParams(params), riskInputValues(params, row));
}

/**
 * The inputs that push this customer's risk up most, as reason sentences in log-odds against an
 * average customer: "competitor spend in 30 days: +0.12".
 */
export function riskReasonSentences(params: RiskModelParamsJson, row: Record<string, unknown>, top = 3, locale: Locale = "en"): string[] {
  const labels = new Map(inputsOf(params.inputs).map((i) => [i.name, (locale === "ko" ? riskInputLabelsKo[i.name] : undefined) ?? i.label]));
  return riskContributions(toRiskParams(params), riskInputValues(params, row))
    .filter((c) => c.contribution >= 0.005)
    .slice(0, top)
    .map((c) => `${labels.get(c.input)}: +${c.contribution.toFixed(2)}`);
}
