// Consent withdrawal for external evidence: a provider (the signal's `source`) says a person
// withdrew consent, or a consent basis no longer holds. Its competitor signals go — for one
// customer, for one basis, or all of them — page by page, and the customers they touched get
// their features recomputed without them. Audited without personal data.
import { z } from "zod";
import type { Deps } from "../deps.ts";
import { resolveCustomerId } from "../customers/customers.ts";
import { enqueueRefresh, requestRefresh } from "../features/refresh.ts";
import { erasureKey } from "./erase-customer.ts";

export const consentWithdrawalSchema = z
  .strictObject({
    source: z.string().trim().min(1).max(100).meta({ description: "The provider whose evidence goes" }),
    customerId: z.string().trim().min(1).max(200).optional().meta({ description: "Only this customer's evidence; all customers when absent" }),
    consentBasis: z.enum(["consent", "contract", "legitimate_interest", "legal_obligation", "public"]).optional().meta({ description: "Only evidence given under this basis" }),
  })
  .meta({ id: "ConsentWithdrawal" });

/** Rows deleted per statement: bounded locks and WAL per step, whatever the provider's volume. */
const PAGE = 5_000;

export async function withdrawConsent(deps: Deps, input: { workspaceId: string; actor: string } & z.infer<typeof consentWithdrawalSchema>) {
  const { sql } = deps.database;
  const ws = input.workspaceId;
  const customerId = input.customerId === undefined ? null : await resolveCustomerId(deps.database.db, ws, input.customerId);
  const at = deps.clock();
  let removed = 0;
  const touched = new Set<string>();
  for (;;) {
    const rows = await sql.begin(async (tx) => {
      const deleted = await tx<{ customer_id: string }[]>`
        delete from signals where workspace_id = ${ws} and (workspace_id, id) in (
          select workspace_id, id from signals
          where workspace_id = ${ws} and source = ${input.source} and type in ('competitor_app_usage', 'competitor_purchase')
            and (${customerId}::text is null or customer_id = ${customerId})
            and (${input.consentBasis ?? null}::text is null or consent_basis = ${input.consentBasis ?? null})
          limit ${PAGE})
        returning customer_id`;
      const customers = [...new Set(deleted.map((r) => r.customer_id))].sort();
      await requestRefresh(tx, ws, customers, at);
      return { count: deleted.length, customers };
    });
    removed += rows.count;
    for (const c of rows.customers) touched.add(c);
    if (rows.count < PAGE) break;
  }
  await sql`
    insert into audit_log (workspace_id, at, actor, action, entity_type, entity_id, detail)
    values (${ws}, ${at}, ${input.actor}, 'consent.withdrawn', 'provider', ${input.source},
      ${sql.json({ signals: removed, customers: touched.size, consentBasis: input.consentBasis ?? null, customer: customerId ? erasureKey(ws, customerId) : null } as never)})`;
  if (touched.size > 0) {
    await enqueueRefresh(deps, ws).catch((err: unknown) => deps.log.warn("refresh not queued; the sweep will pick it up", { err }));
  }
  return { source: input.source, signalsRemoved: removed, customersAffected: touched.size };
}
