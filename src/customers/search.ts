// Finding customers: by CRM id, any identity, name or email, ranked by value at risk so the
// customers who matter most come first. Without a query it is the workspace's at-risk list.
import { z } from "zod";
import type { Deps } from "../deps.ts";

export const customerSearchQuerySchema = z.object({
  /** Matches the start of the id, an identity value exactly, or part of the name or email. */
  q: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

type Row = {
  id: string;
  name: string | null;
  email: string | null;
  manager_id: string | null;
  tier: string | null;
  score: number | null;
  value_at_risk: number | null;
  churn_probability: number | null;
};

export async function searchCustomers(deps: Deps, input: { workspaceId: string } & z.infer<typeof customerSearchQuerySchema>) {
  const sql = deps.database.sql;
  const q = input.q ?? "";
  const like = `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  const rows = await sql<Row[]>`
    select c.id, c.name, c.email, c.manager_id, t.tier, s.score, m.value_at_risk, m.churn_probability
    from customers c
    left join customer_tiers t on t.workspace_id = c.workspace_id and t.customer_id = c.id
    left join customer_scores s on s.workspace_id = c.workspace_id and s.customer_id = c.id
    left join customer_model_scores m on m.workspace_id = c.workspace_id and m.customer_id = c.id
    where c.workspace_id = ${input.workspaceId} and c.merged_into is null
      ${
        q
          ? sql`and (c.id ilike ${like} or c.name ilike ${like} or c.email ilike ${like}
              or c.id in (select customer_id from customer_identities i where i.workspace_id = ${input.workspaceId} and i.value = ${q}))`
          : sql``
      }
    order by m.value_at_risk desc nulls last, s.score desc nulls last, c.id
    limit ${input.limit}`;
  return {
    customers: rows.map((r) => ({
      id: r.id,
      name: r.name,
      email: r.email,
      managerId: r.manager_id,
      tier: r.tier,
      score: r.score,
      valueAtRisk: r.value_at_risk,
      churnProbability: r.churn_probability,
    })),
  };
}
