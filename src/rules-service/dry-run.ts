// A rule — a draft or a stored version — evaluated for one customer as the scorer would:
// current features (refreshed first), the stored tier and the model's values, with the
// trace and the sentences an alert would carry. Writes nothing but the features.
import { seasonalSilenceJoinSql } from "../../db/queries/calendar.ts";
import { daysSinceLastPurchaseSql } from "../../db/queries/features.ts";
import { compileRule, explainTrace, factCatalogue, ruleAppliesToTier } from "../../rules/index.ts";
import { resolveCustomerId } from "../customers/customers.ts";
import type { Deps } from "../deps.ts";
import { notFound } from "../errors.ts";
import { refreshFeatures } from "../features/refresh.ts";
import { localeOf } from "../workspaces/locale.ts";
import { getWorkspace } from "../workspaces/workspaces.ts";
import { factsForDisplay, factValuesOf } from "./facts.ts";
import { loadRuleDefinition } from "./rules.ts";
import type { DryRunInput } from "./schemas.ts";

export async function dryRunRule(deps: Deps, input: { workspaceId: string } & DryRunInput) {
  const { workspaceId } = input;
  const customerId = await resolveCustomerId(deps.database.db, workspaceId, input.customerId);
  const rule = input.rule
    ? { ruleId: null, version: null, definition: input.rule }
    : await loadRuleDefinition(deps, { workspaceId, ruleId: input.ruleId!, version: input.version });

  const asOf = deps.clock();
  await refreshFeatures(deps, { workspaceId, customerIds: [customerId], asOf });
  const { settings } = await getWorkspace(deps.database.db, workspaceId);
  const sql = deps.database.sql;
  const [row] = await sql<Record<string, unknown>[]>`
    select f.*, ${daysSinceLastPurchaseSql(sql, asOf)} as days_since_last_purchase, seasonal.seasonal_silence_bayes_factor, t.tier, t.tier_score,
      m.churn_probability, m.clv, m.value_at_risk, m.p_alive, m.expected_purchases_90d, m.risk_probability, m.risk_alert_threshold, m.scored_at as model_scored_at
    from customer_features f
    ${seasonalSilenceJoinSql(sql, { workspaceId, asOf })}
    left join customer_tiers t on t.workspace_id = f.workspace_id and t.customer_id = f.customer_id
    left join customer_model_scores m on m.workspace_id = f.workspace_id and m.customer_id = f.customer_id
    where f.workspace_id = ${workspaceId} and f.customer_id = ${customerId}`;
  if (!row) throw notFound("customer", input.customerId);

  const facts = factValuesOf(row);
  const { matched, trace } = compileRule(rule.definition.conditions)(facts);
  const tier = (row.tier as string | null) ?? null;
  const appliesToTier = ruleAppliesToTier(rule.definition, tier);
  return {
    rule: rule.ruleId ? { id: rule.ruleId, version: rule.version } : null,
    customerId,
    featuresAsOf: (row.as_of as Date).toISOString(),
    tier,
    modelScoredAt: (row.model_scored_at as Date | null)?.toISOString() ?? null,
    /** The conditions hold for this customer. */
    matched,
    /** The customer's tier is one the rule is evaluated for (no tier: never). */
    appliesToTier,
    /** What scoring would do: count the rule (live) or record it (shadow). */
    wouldScore: matched && appliesToTier && rule.definition.mode !== "off",
    trace,
    sentences: explainTrace(trace, factCatalogue, { currency: settings.currency, locale: localeOf(settings) }),
    facts: factsForDisplay(facts),
  };
}
