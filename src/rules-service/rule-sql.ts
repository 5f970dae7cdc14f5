// A compiled rule ({ text with $n, params }) spliced into a postgres.js query.
import type postgres from "postgres";
import { derivedFactColumnsClose, derivedFactColumnsOpen, type CompiledSql } from "../../rules/index.ts";

type Sql = postgres.Sql | postgres.TransactionSql;

/** The compiled rule as a postgres.js fragment, its parameters bound. */
export function ruleFragment(sql: Sql, compiled: CompiledSql) {
  const parts = compiled.text.split(/\$(\d+)/);
  const strings = parts.filter((_, i) => i % 2 === 0);
  const values = parts.filter((_, i) => i % 2 === 1).map((n) => compiled.params[Number(n) - 1]);
  return sql(Object.assign([...strings], { raw: [...strings] }) as unknown as TemplateStringsArray, ...(values as postgres.ParameterOrFragment<never>[]));
}

/**
 * A query over f (customer_features with days_since_last_purchase) with the derived fact
 * columns that rules' SQL reads (baseline_days_known, …), each computed once per customer.
 */
export function withDerivedFactColumns(sql: Sql, features: postgres.PendingQuery<postgres.Row[]>) {
  return sql`${sql.unsafe(derivedFactColumnsOpen)}${features}${sql.unsafe(derivedFactColumnsClose)}`;
}
