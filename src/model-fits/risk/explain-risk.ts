// The learned model's part of a score: its probability and the inputs that raise it most, for
// the customers being scored (loaded once per page).
import type postgres from "postgres";
import type { RiskModelParamsJson } from "../../../db/risk-model-schema.ts";
import type { Locale } from "../../../rules/index.ts";
import { riskReasonSentences } from "./apply-risk-model.ts";

type Sql = postgres.Sql | postgres.TransactionSql;
type Row = Record<string, unknown> & { risk_probability?: number | null; risk_version_id?: string | null };

export async function riskExplainer(sql: Sql, workspaceId: string, rows: readonly Row[], locale: Locale = "en") {
  const ids = [...new Set(rows.flatMap((r) => (r.risk_version_id ? [r.risk_version_id] : [])))];
  const versions =
    ids.length === 0
      ? []
      : await sql<{ id: string; version: number; params: RiskModelParamsJson }[]>`
          select id, version, params from risk_model_versions where workspace_id = ${workspaceId} and id = any(${ids}::text[])`;
  const byId = new Map(versions.map((v) => [v.id, v]));
  return (row: Row) => {
    const v = row.risk_version_id ? byId.get(row.risk_version_id) : undefined;
    if (!v || row.risk_probability == null) return null;
    return { probability: row.risk_probability, version: v.version, sentences: riskReasonSentences(v.params, row, undefined, locale) };
  };
}
