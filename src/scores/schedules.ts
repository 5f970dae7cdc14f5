// Scheduled fan-out: one job per workspace, with an id per workspace and day so a
// scheduler that fires twice (or two scheduler processes) queue the work once.
import type { Deps } from "../deps.ts";

export async function fanOutToWorkspaces(deps: Deps, job: "rescoreWorkspace" | "reevaluateTiers") {
  const rows = await deps.database.sql<{ id: string }[]>`select id from workspaces order by id`;
  const day = deps.clock().toISOString().slice(0, 10);
  await deps.jobs.addBulk(
    job,
    rows.map((w) => ({ payload: { workspaceId: w.id }, opts: { jobId: `${job}-${w.id}-${day}` } })),
  );
  return { workspaces: rows.length };
}
