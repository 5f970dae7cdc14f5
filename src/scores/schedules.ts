// Scheduled fan-out: one job per workspace, with an id per workspace and day so a
// scheduler that fires twice (or two scheduler processes) queue the work once.
import type { PendingQuery, Row } from "postgres";
import type { Deps } from "../deps.ts";

/** `only`: a condition on `workspaces` for fan-outs that concern some workspaces alone. */
export async function fanOutToWorkspaces(
  deps: Deps,
  job: "rescoreWorkspace" | "reevaluateTiers" | "enforceEvidenceRetention" | "enforceSignalRetention",
  opts: { only?: PendingQuery<Row[]> } = {},
) {
  const { sql } = deps.database;
  const rows = await sql<{ id: string }[]>`select id from workspaces where not scratch and ${opts.only ?? sql`true`} order by id`;
  const now = deps.clock();
  const day = now.toISOString().slice(0, 10);
  // The re-score evaluates the moment of the fan-out, whenever its job runs (or reruns).
  const extra = job === "rescoreWorkspace" ? { asOf: now.toISOString() } : {};
  await deps.jobs.addBulk(
    job,
    rows.map((w) => ({ payload: { workspaceId: w.id, ...extra }, opts: { jobId: `${job}-${w.id}-${day}` } })),
  );
  return { workspaces: rows.length };
}
