// The defection scenario the latency and soak benchmarks share: Gold customers `d-1` … `d-N`
// with four purchases over four months, scored before the clock starts, and the batch that
// makes one of them defect (three rival apps and a rival purchase, dated now).
import { insertSignalsWithIds } from "../db/queries/signal-ids.ts";
import type { Deps } from "../src/deps.ts";
import { rescoreWorkspace } from "../src/scores/pipeline.ts";

export async function loadGoldDefectors(deps: Deps, workspaceId: string, defectors: number) {
  const { sql } = deps.database;
  await sql`insert into customers (workspace_id, id, last_signal_at) select ${workspaceId}, 'd-' || g, now() from generate_series(1, ${defectors}) g`;
  await insertSignalsWithIds(sql, sql`
    insert into signals (workspace_id, id, customer_id, identity_kind, identity_value, type, occurred_at, amount, data)
    select ${workspaceId}, 'h-' || g || '-' || k, 'd-' || g, 'crm_id', 'd-' || g, 'purchase', now() - ((20 + k * 30) || ' days')::interval, 80000,
      jsonb_build_object('orderId', 'o-' || g || '-' || k, 'amount', 80000, 'currency', 'KRW')
    from generate_series(1, ${defectors}) g, generate_series(0, 3) k`);
  await rescoreWorkspace(deps, { workspaceId });
}

/** The signals that turn defector `customerId` to the rivals, as of `occurredAt`. */
export function defectionSignals(customerId: string, occurredAt: string): unknown[] {
  const evidence = { occurredAt, source: "panel", consentBasis: "consent", customerId };
  return [
    ...["rival-beauty", "glowmall", "skinnow"].map((app, i) => ({ ...evidence, id: `u-${customerId}-${i}`, type: "competitor_app_usage", data: { competitor: app, app, sessions: 10 } })),
    { ...evidence, id: `r-${customerId}`, type: "competitor_purchase", data: { competitor: "rival-beauty", amount: 120000, currency: "KRW" } },
  ];
}
