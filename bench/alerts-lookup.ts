// What raising an alert pays to read the candidates' resolved alerts (cooldown, risk episode)
// as a workspace's history of alerts grows, with and without alerts_resolved_customer_idx:
//
//   npx tsx bench/alerts-lookup.ts [resolved alerts, default 300000] [candidates, default 500]
//
// Prints each lookup's execution time (EXPLAIN ANALYZE, best of three) and the scan it used.
import { resolvedAlertsSql } from "../db/queries/alerts.ts";
import { createWorkspace } from "../src/workspaces/workspaces.ts";
import { freshDatabase, machineFacts } from "./support.ts";

const alerts = Number(process.argv[2] ?? 300_000);
const candidates = Number(process.argv[3] ?? 500);
const customers = Math.max(candidates * 400, alerts / 1.5);
const { database, drop } = await freshDatabase("alertslookup");
const sql = database.sql;
try {
  const { workspace } = await createWorkspace(database.db, { name: "lookup" });
  const ws = workspace.id;
  await sql`
    insert into alerts (workspace_id, id, customer_id, status, severity, score, score_id, reasons, rule_versions,
      opened_at, updated_at, cooldown_days, holdout, cooldown_until)
    select ${ws}, 'alr-' || g, 'c-' || (g % ${customers}), 'resolved', 'medium', 60, g, '[]'::jsonb, '{}',
      now() - (g % 300) * interval '1 day', now(), 14, false, now() - (g % 300) * interval '1 day' + interval '20 days'
    from generate_series(1, ${alerts}) g`;
  const ids = Array.from({ length: candidates }, (_, i) => `c-${(i * 397 + 1) % customers}`);
  const lookups = {
    resolvedAlerts: () => resolvedAlertsSql(sql, { workspaceId: ws, customerIds: ids, now: new Date() }),
  };
  const measure = async () => {
    await sql`analyze alerts`;
    const out: Record<string, { ms: number; scan: string }> = {};
    for (const [name, query] of Object.entries(lookups)) {
      let best = Infinity;
      let scan = "";
      for (let i = 0; i < 3; i++) {
        const lines = ((await sql`explain analyze ${query() as never}`) as { "QUERY PLAN": string }[]).map((r) => r["QUERY PLAN"]);
        best = Math.min(best, Number(/Execution Time: ([\d.]+)/.exec(lines.at(-1)!)?.[1]));
        scan = lines.find((l) => / on alerts/.test(l))!.trim().replace(/\s+\(.*$/, "").replace(/^->\s+/, "");
      }
      out[name] = { ms: best, scan };
    }
    return out;
  };
  const withIndex = await measure();
  await sql`drop index alerts_resolved_customer_idx`;
  const without = await measure();
  console.log(JSON.stringify({ alerts, candidates, withIndex, without, machine: await machineFacts(database) }, null, 2));
} finally {
  await drop();
}
