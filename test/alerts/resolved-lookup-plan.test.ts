// Raising an alert reads the candidates' resolved alerts (cooldown, risk episode). A year of
// alerts must not make each page of candidates read them all.
import { describe, expect, it } from "vitest";
import { resolvedAlertsSql } from "../../db/queries/alerts.ts";
import { useTestContext } from "../support/context.ts";

const ctx = useTestContext();

const plan = async (query: PromiseLike<unknown> & { describe?: unknown }) =>
  ((await ctx.database.sql`explain ${query as never}`) as { "QUERY PLAN": string }[]).map((r) => r["QUERY PLAN"]).join("\n");

describe("the lookup of the candidates' resolved alerts", () => {
  it("reads the candidates' alerts through an index, not every resolved alert of the workspace", async () => {
    const ws = await ctx.workspace();
    const { sql } = ctx.database;
    await sql`
      insert into alerts (workspace_id, id, customer_id, status, severity, score, score_id, reasons, rule_versions,
        opened_at, updated_at, cooldown_days, holdout, cooldown_until)
      select ${ws.id}, 'alr-' || g, 'c-' || (g % 10000), 'resolved', 'medium', 60, g, '[]'::jsonb, '{}',
        now() - (g % 300) * interval '1 day', now(), 14, false, now() - (g % 300) * interval '1 day' + interval '14 days'
      from generate_series(1, 50000) g`;
    await sql`analyze alerts`;
    const customerIds = Array.from({ length: 50 }, (_, i) => `c-${i * 7}`);
    const text = await plan(resolvedAlertsSql(sql, { workspaceId: ws.id, customerIds, now: new Date() }));
    expect(text).toMatch(/alerts_resolved_customer_idx/);
    expect(text).not.toMatch(/Seq Scan on alerts/);
  });
});
