// The daily pass scores only the customers its SQL screen picks; the screen must pick
// exactly those whose JavaScript score would differ from their last one.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadActiveRules } from "../../src/rules-service/active-rules.ts";
import { refreshCustomers } from "../../src/scores/pipeline.ts";
import { scoreCustomers } from "../../src/scores/score-customers.ts";
import { customersToRescore } from "../../src/scores/screen.ts";
import { scoringSettingsOf } from "../../src/scores/settings.ts";
import { getWorkspace } from "../../src/workspaces/workspaces.ts";
import { DEFAULT_NOW, useTestContext } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";
import { pushSignals } from "./support.ts";

const ctx = useTestContext();
const DAY = 86_400_000;

const history = (id: string) =>
  fc
    .array(
      fc.record({
        kind: fc.constantFrom("purchase", "purchase", "session", "competitorAppUsage", "competitorPurchase", "supportTicket"),
        ago: fc.double({ min: 0, max: 200, noNaN: true }),
        amount: fc.integer({ min: 10_000, max: 400_000 }),
        app: fc.constantFrom("rival-beauty", "glowmall", "skinnow", "lipfix"),
      }),
      { minLength: 1, maxLength: 14 },
    )
    .map((items) =>
      items.map(({ kind, ago, amount, app }) => {
        const at = daysAgo(ago);
        switch (kind) {
          case "purchase":
            return signal.purchase(id, at, { data: { amount } });
          case "competitorAppUsage":
            return signal.competitorAppUsage(id, at, { data: { competitor: app, app } });
          case "competitorPurchase":
            return signal.competitorPurchase(id, at, { data: { competitor: app, amount } });
          case "supportTicket":
            return signal.supportTicket(id, at);
          default:
            return signal.session(id, at);
        }
      }),
    );

// Churn probabilities that land on and near the model's rounding edges.
const churn = fc.option(
  fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 40 }).map((k) => k / 40)),
  { nil: null },
);

describe("the daily pass's screen", () => {
  it("picks exactly the customers whose score would change", async () => {
    const ws = await ctx.workspace();
    const { settings } = await getWorkspace(ctx.database.db, ws.id);
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(history("placeholder"), churn, churn), { minLength: 3, maxLength: 3 }),
          // A later moment: two scores for one moment are one score.
          fc.double({ min: 0.001, max: 60, noNaN: true }),
          async (customers, laterDays) => {
            run++;
            const ids = customers.map((_, i) => `c${run}-${i}`);
            const signals = customers.flatMap(([h], i) => h.map((s, k) => ({ ...s, id: `${ids[i]}-${k}`, customerId: ids[i] })));
            await pushSignals(ctx, ws, signals);
            ctx.setNow(DEFAULT_NOW);
            await setModel(ws.id, ids, customers.map((c) => c[1]));
            await refreshCustomers(ctx, { workspaceId: ws.id, customerIds: ids });
            // Later: silence grows, and the model may have moved.
            const later = new Date(DEFAULT_NOW.getTime() + Math.round(laterDays * DAY));
            ctx.setNow(later);
            await setModel(ws.id, ids, customers.map((c) => c[2]));
            const rules = await loadActiveRules(ctx, ws.id);
            const screened: string[] = [];
            for await (const page of customersToRescore(ctx.database.sql, { workspaceId: ws.id, asOf: later, rules, settings: scoringSettingsOf(settings) }, 2)) {
              screened.push(...page);
            }
            const scored = await scoreCustomers(ctx, { workspaceId: ws.id, customerIds: ids, rules, asOf: later });
            const changed = scored.filter((s) => s.scoreId !== null).map((s) => s.customerId).sort();
            expect(screened.filter((id) => ids.includes(id)).sort()).toEqual(changed);
          },
        ),
        { numRuns: 25 },
      );
    } finally {
      ctx.setNow(DEFAULT_NOW);
    }
  });
});

/** Stores (or removes) model values, as a fit would. */
async function setModel(workspaceId: string, customerIds: string[], churnProbabilities: (number | null)[]) {
  const sql = ctx.database.sql;
  await sql`delete from customer_model_scores where workspace_id = ${workspaceId} and customer_id = any(${customerIds}::text[])`;
  const rows = customerIds.flatMap((id, i) => (churnProbabilities[i] == null ? [] : [{ id, p: churnProbabilities[i] }]));
  if (rows.length === 0) return;
  await sql`
    insert into customer_model_scores (workspace_id, customer_id, fit_id, scored_at, x, t_x, t, zbar, p_alive, expected_purchases_90d,
      churn_probability, expected_order_value, clv, value_at_risk)
    select ${workspaceId}, r.id, 'fit-test', now(), 3, 10, 100, 50000, 1 - r.p, 1, r.p, 50000, 300000, 300000 * r.p
    from jsonb_to_recordset(${sql.json(rows)}) as r(id text, p float8)`;
}
