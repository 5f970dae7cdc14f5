// Ground truth lives beside the data but apart from it: its own PostgreSQL schema
// (`simulation`), created here, never in the app's migrations and never read by the
// scoring path. Benchmarks and tests join it to the app's alerts; the service cannot see it.
import type postgres from "postgres";
import type { GroundTruth } from "./generate.ts";

type Sql = postgres.Sql | postgres.TransactionSql;

export const GROUND_TRUTH_TABLE = "simulation.ground_truth";

export async function ensureGroundTruthSchema(sql: Sql) {
  await sql`create schema if not exists simulation`;
  await sql`
    create table if not exists simulation.ground_truth (
      workspace_id text not null,
      customer_id text not null,
      archetype text not null,
      defected boolean not null,
      defection_at timestamptz,
      onset_at timestamptz,
      lapsed_at timestamptz,
      annual_value double precision not null,
      seed bigint not null,
      primary key (workspace_id, customer_id)
    )`;
}

/** Stores the customers' ground truth; a rerun replaces the rows of the customers it simulates. */
export async function saveGroundTruth(sql: postgres.Sql, input: { workspaceId: string; seed: number; truth: readonly GroundTruth[] }) {
  await ensureGroundTruthSchema(sql);
  await sql.begin(async (tx) => {
    for (let i = 0; i < input.truth.length; i += 5_000) {
      const rows = input.truth.slice(i, i + 5_000).map((t) => ({
        workspace_id: input.workspaceId,
        customer_id: t.customerId,
        archetype: t.archetype,
        defected: t.defected,
        defection_at: t.defectionAt,
        onset_at: t.onsetAt,
        lapsed_at: t.lapsedAt,
        annual_value: t.annualValue,
        seed: input.seed,
      }));
      await tx`
        insert into simulation.ground_truth ${tx(rows)}
        on conflict (workspace_id, customer_id) do update set
          archetype = excluded.archetype, defected = excluded.defected, defection_at = excluded.defection_at,
          onset_at = excluded.onset_at, lapsed_at = excluded.lapsed_at, annual_value = excluded.annual_value, seed = excluded.seed`;
    }
  });
}

export async function loadGroundTruth(sql: Sql, workspaceId: string): Promise<GroundTruth[]> {
  const rows = await sql<
    { customer_id: string; archetype: GroundTruth["archetype"]; defected: boolean; defection_at: Date | null; onset_at: Date | null; lapsed_at: Date | null; annual_value: number }[]
  >`select customer_id, archetype, defected, defection_at, onset_at, lapsed_at, annual_value
    from simulation.ground_truth where workspace_id = ${workspaceId} order by customer_id`;
  return rows.map((r) => ({
    customerId: r.customer_id,
    archetype: r.archetype,
    defected: r.defected,
    defectionAt: r.defection_at?.toISOString() ?? null,
    onsetAt: r.onset_at?.toISOString() ?? null,
    lapsedAt: r.lapsed_at?.toISOString() ?? null,
    annualValue: r.annual_value,
  }));
}
