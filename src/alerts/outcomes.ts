// What became of alerts: managers' labels, and the customer's later behaviour (did they buy
// again within the window?), per rule and version — precision, save rate, value saved, and
// acting against not acting (held-out alerts) with a confidence interval.
import { z } from "zod";
import { alertLabels } from "../../db/scoring-schema.ts";
import type { Deps } from "../deps.ts";
import { notFound } from "../errors.ts";

export const alertLabelSchema = z.strictObject({ label: z.enum(alertLabels), note: z.string().max(2000).optional() });

export async function labelAlert(
  deps: Deps,
  input: { workspaceId: string; alertId: string; actor: string } & z.infer<typeof alertLabelSchema>,
) {
  const now = deps.clock();
  await deps.database.sql.begin(async (tx) => {
    const rows = await tx`
      update alerts set label = ${input.label}, labeled_at = ${now}, labeled_by = ${input.actor}
      where workspace_id = ${input.workspaceId} and id = ${input.alertId} returning id`;
    if (rows.length === 0) throw notFound("alert", input.alertId);
    await tx`
      insert into alert_events (workspace_id, alert_id, at, actor, type, detail)
      values (${input.workspaceId}, ${input.alertId}, ${now}, ${input.actor}, 'labeled', ${tx.json({ label: input.label, note: input.note ?? null })})`;
  });
}

export const rulePerformanceQuerySchema = z.object({
  /** Days after an alert in which a purchase counts as the customer staying. */
  windowDays: z.coerce.number().int().min(1).max(365).default(30),
});

type Row = {
  rule_version: string;
  alerts: number;
  holdout: number;
  labeled: number;
  real_risk: number;
  false_alarm: number;
  saved: number;
  lost: number;
  matured: number;
  went_quiet: number;
  treated_matured: number;
  treated_stayed: number;
  holdout_matured: number;
  holdout_stayed: number;
  value_saved: number;
};

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/** Difference of two proportions with a normal-approximation 95% interval. */
function difference(s1: number, n1: number, s2: number, n2: number) {
  if (n1 === 0 || n2 === 0) return null;
  const p1 = s1 / n1;
  const p2 = s2 / n2;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  return { difference: p1 - p2, low: p1 - p2 - 1.96 * se, high: p1 - p2 + 1.96 * se };
}

export async function rulePerformance(deps: Deps, input: { workspaceId: string; ruleId: string } & z.infer<typeof rulePerformanceQuerySchema>) {
  const sql = deps.database.sql;
  const [rule] = await sql`select 1 from rules where workspace_id = ${input.workspaceId} and id = ${input.ruleId}`;
  if (!rule) throw notFound("rule", input.ruleId);
  const now = deps.clock();
  const rows = await sql<Row[]>`
    with fired as (
      select a.*, v as rule_version,
        a.opened_at + make_interval(days => ${input.windowDays}) <= ${now}::timestamptz as matured,
        exists (
          select 1 from signals s
          where s.workspace_id = a.workspace_id and s.customer_id = a.customer_id and s.type = 'purchase'
            and s.occurred_at > a.opened_at and s.occurred_at <= a.opened_at + make_interval(days => ${input.windowDays})
        ) as stayed
      from alerts a, unnest(a.rule_versions) v
      where a.workspace_id = ${input.workspaceId} and split_part(v, '@', 1) = ${input.ruleId}
    )
    select rule_version,
      count(*)::int as alerts,
      count(*) filter (where holdout)::int as holdout,
      count(*) filter (where label is not null)::int as labeled,
      count(*) filter (where label = 'real_risk')::int as real_risk,
      count(*) filter (where label = 'false_alarm')::int as false_alarm,
      count(*) filter (where label = 'saved')::int as saved,
      count(*) filter (where label = 'lost')::int as lost,
      count(*) filter (where matured)::int as matured,
      count(*) filter (where matured and not stayed)::int as went_quiet,
      count(*) filter (where matured and not holdout)::int as treated_matured,
      count(*) filter (where matured and not holdout and stayed)::int as treated_stayed,
      count(*) filter (where matured and holdout)::int as holdout_matured,
      count(*) filter (where matured and holdout and stayed)::int as holdout_stayed,
      coalesce(sum(value_at_risk) filter (where label = 'saved'), 0)::float8 as value_saved
    from fired group by rule_version order by split_part(rule_version, '@', 2)::int`;
  return {
    ruleId: input.ruleId,
    windowDays: input.windowDays,
    versions: rows.map((r) => ({
      version: Number(r.rule_version.split("@")[1]),
      alerts: r.alerts,
      heldOut: r.holdout,
      labels: { labeled: r.labeled, realRisk: r.real_risk, falseAlarm: r.false_alarm, saved: r.saved, lost: r.lost },
      // A label other than false alarm says the risk was real.
      precisionByLabel: ratio(r.real_risk + r.saved + r.lost, r.labeled),
      // Of alerts whose window has passed, how many customers then went quiet.
      precisionByBehaviour: ratio(r.went_quiet, r.matured),
      saveRate: ratio(r.saved, r.saved + r.lost),
      valueSaved: r.value_saved,
      actingVersusHoldout: {
        treated: { matured: r.treated_matured, stayed: r.treated_stayed, rate: ratio(r.treated_stayed, r.treated_matured) },
        holdout: { matured: r.holdout_matured, stayed: r.holdout_stayed, rate: ratio(r.holdout_stayed, r.holdout_matured) },
        difference: difference(r.treated_stayed, r.treated_matured, r.holdout_stayed, r.holdout_matured),
      },
    })),
  };
}
