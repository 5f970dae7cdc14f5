// The features statement alone as a customer's history deepens: one workspace of `customers`,
// each with one purchase 60 days back, then sessions added (straight into the tables, which is
// quick) until each customer has each depth in turn; at each depth, after VACUUM ANALYZE, a
// page of every customer is computed and stored (`upsertFeatures`, as a refresh page does)
// `repeats` times, and the median time per customer is reported. Sessions spread over the
// last hours, so every one of them is inside every window. What refresh-depth shows through
// the real ingest path and all of a refresh's phases, this shows for the statement that grows
// with history, quickly enough to run at 180 sessions a customer (the soak's 30 minutes).
// `npm run bench -- features-depth [--size N] [--depths 10,60,180]`.
import { upsertFeatures } from "../db/queries/features.ts";
import { createWorkspace, getWorkspace } from "../src/workspaces/workspaces.ts";
import { freshDatabase, machineFacts, memoryReport } from "./support.ts";

export async function runFeaturesDepthBench(opts: { customers?: number; depths?: number[]; repeats?: number } = {}) {
  const customers = opts.customers ?? 2_000;
  const depths = opts.depths ?? [10, 60, 180];
  const repeats = opts.repeats ?? 4;
  const { database, drop } = await freshDatabase("featuresdepth");
  const sql = database.sql;
  try {
    const { workspace } = await createWorkspace(database.db, { name: "features-depth" });
    const ws = workspace.id;
    const { settings } = await getWorkspace(database.db, ws);
    const ids = Array.from({ length: customers }, (_, i) => `c-${String(i + 1).padStart(7, "0")}`);
    await sql`insert into customers (workspace_id, id, created_at) select ${ws}, id, now() from unnest(${ids}::text[]) id`;
    await sql`
      insert into signals (workspace_id, id, customer_id, identity_kind, identity_value, type, occurred_at, received_at, amount, data)
      select ${ws}, 'p-' || id, id, 'customerId', id, 'purchase', now() - interval '60 days', now(), 50000,
        jsonb_build_object('amount', 50000, 'orderId', 'o-' || id)
      from unnest(${ids}::text[]) id`;
    const steps = [];
    let have = 0;
    for (const depth of depths) {
      // Interleaved by customer, as arrival would store them: a customer's sessions sit on many pages.
      await sql`
        insert into signals (workspace_id, id, customer_id, identity_kind, identity_value, type, occurred_at, received_at, data)
        select ${ws}, 's-' || id || '-' || k::text, id, 'customerId', id, 'session', now() - make_interval(mins => k), now(),
          '{"durationSeconds":60,"channel":"app"}'::jsonb
        from generate_series(${have + 1}::int, ${depth}::int) k, unnest(${ids}::text[]) id`;
      have = depth;
      await sql`vacuum analyze signals`;
      const ms: number[] = [];
      for (let r = 0; r < repeats; r++) {
        await sql`vacuum analyze customer_features`;
        const t0 = performance.now();
        await upsertFeatures(sql, { workspaceId: ws, customerIds: ids, asOf: new Date() }, settings);
        ms.push(performance.now() - t0);
      }
      ms.sort((a, b) => a - b);
      const median = ms[Math.floor((ms.length - 1) / 2)]!;
      steps.push({ sessionsPerCustomer: depth, msPerCustomer: +(median / customers).toFixed(3), pageMs: ms.map((x) => Math.round(x)) });
      process.stderr.write(`${depth} sessions a customer: ${(median / customers).toFixed(3)} ms per customer (page ${ms.map((x) => Math.round(x)).join(", ")} ms)\n`);
    }
    return { name: "features-depth", customers, repeats, steps, memory: memoryReport("the bench, in process"), machine: await machineFacts(database) };
  } finally {
    await drop();
  }
}
