// Consent withdrawal for external evidence: a provider (the signal's `source`) says a person
// withdrew consent, or a consent basis no longer holds. Its competitor signals go — for one
// customer, for one basis, or all of them — page by page, and the customers they touched get
// their features recomputed without them. Audited without personal data.
import { z } from "zod";
import { recordAudit } from "../audit/audit.ts";
import type { Deps } from "../deps.ts";
import { resolveCustomerId } from "../customers/customers.ts";
import { consentBases } from "../signals/schema.ts";
import { erasureKey } from "./erase-customer.ts";
import { deleteEvidence } from "./evidence-deletion.ts";

export const consentWithdrawalSchema = z
  .strictObject({
    source: z.string().trim().min(1).max(100).meta({ description: "The provider whose evidence goes" }),
    customerId: z.string().trim().min(1).max(200).optional().meta({ description: "Only this customer's evidence; all customers when absent" }),
    consentBasis: z.enum(consentBases).optional().meta({ description: "Only evidence given under this basis" }),
  })
  .meta({ id: "ConsentWithdrawal" });

export async function withdrawConsent(deps: Deps, input: { workspaceId: string; actor: string } & z.infer<typeof consentWithdrawalSchema>) {
  const { sql } = deps.database;
  const ws = input.workspaceId;
  const customerId = input.customerId === undefined ? null : await resolveCustomerId(deps.database.db, ws, input.customerId);
  const at = deps.clock();
  const basis = input.consentBasis ?? null;
  const { removed, customers } = await deleteEvidence(deps, {
    workspaceId: ws,
    at,
    where: sql`s.source = ${input.source}
      and (${customerId}::text is null or s.customer_id = ${customerId})
      and (${basis}::text is null or s.consent_basis = ${basis})`,
  });
  await recordAudit(sql, {
    workspaceId: ws,
    at,
    actor: input.actor,
    action: "consent.withdrawn",
    entityType: "provider",
    entityId: input.source,
    detail: { signals: removed, customers, consentBasis: basis, customer: customerId ? erasureKey(ws, customerId) : null },
  });
  return { source: input.source, signalsRemoved: removed, customersAffected: customers };
}
