// Asking for a fit: queued as a job (one in flight per workspace), inline for small
// workspaces, or for every workspace on the weekly schedule.
import { createHash } from "node:crypto";
import { and, eq, isNull, sql as dsql } from "drizzle-orm";
import { customers, modelFits } from "../../db/schema.ts";
import { jobDefinitions } from "../../jobs/definitions.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { getWorkspace } from "../workspaces/workspaces.ts";
import { fitWorkspaceModel, type ModelFitOutcome } from "./fit-workspace-model.ts";
import { modelFitView, type ModelFitView } from "./model-views.ts";

/** When every workspace's model is refitted: weekly, Mondays 02:00 UTC, before the daily rescore. */

/** `?wait=true` fits inline only up to this many customers; larger workspaces use the queue. */
export const INLINE_FIT_MAX_CUSTOMERS = 50_000;

// Workspace ids are ours, but BullMQ ids must not hold ':' whatever an id looks like.
const fitDedupId = (workspaceId: string) => `fit-model-${createHash("sha1").update(workspaceId).digest("hex")}`;

/**
 * Queues a fit. While one is waiting or running for the workspace, asking again returns
 * that job instead of adding another; a later one finds the day's fit made and reuses it
 * unless signals arrived since.
 */
export async function enqueueModelFit(deps: Deps, input: { workspaceId: string }): Promise<{ jobId: string }> {
  const def = jobDefinitions.fitModel;
  const job = await deps.jobs
    .queue(def.queue, deps.jobs.shardOf(input.workspaceId))
    .add(def.name, def.payload.parse({ workspaceId: input.workspaceId }), { deduplication: { id: fitDedupId(input.workspaceId) } });
  return { jobId: job.id! };
}

/** The scheduled fan-out: one fit job per workspace, a page of workspaces at a time; one failure does not stop the rest. */
export async function fitAllModels(deps: Deps, input: { pageSize?: number } = {}): Promise<{ queued: number; failed: number }> {
  const pageSize = input.pageSize ?? 1_000;
  let after = "";
  let queued = 0;
  let failed = 0;
  for (;;) {
    const page = await deps.database.sql<{ id: string }[]>`select id from workspaces where id > ${after} and not scratch order by id limit ${pageSize}`;
    for (const { id } of page) {
      try {
        await enqueueModelFit(deps, { workspaceId: id });
        queued++;
      } catch (err) {
        failed++;
        deps.log.warn("model fit not queued", { workspaceId: id, err: err instanceof Error ? err.message : String(err) });
      }
    }
    if (page.length < pageSize) break;
    after = page.at(-1)!.id;
  }
  return { queued, failed };
}

export type ModelFitRequestResult =
  | { kind: "queued"; jobId: string }
  | { kind: "done"; outcome: ModelFitOutcome; fit: ModelFitView };

/** POST /v1/model/fit: queue it, or with `wait` fit now (small workspaces only). */
export async function requestModelFit(deps: Deps, input: { workspaceId: string; wait: boolean }): Promise<ModelFitRequestResult> {
  const db = deps.database.db;
  await getWorkspace(db, input.workspaceId);
  if (!input.wait) return { kind: "queued", ...(await enqueueModelFit(deps, input)) };
  const [count] = await db
    .select({ n: dsql<number>`count(*)::int` })
    .from(customers)
    .where(and(eq(customers.workspaceId, input.workspaceId), isNull(customers.mergedInto)));
  if ((count?.n ?? 0) > INLINE_FIT_MAX_CUSTOMERS) {
    throw new AppError("validation_failed", "the workspace is too large to fit while the request waits", [
      { path: "wait", message: `inline fits are for up to ${INLINE_FIT_MAX_CUSTOMERS} customers; this workspace has ${count!.n}. Leave out wait=true and read GET /v1/model when the job is done.` },
    ]);
  }
  const outcome = await fitWorkspaceModel(deps, { workspaceId: input.workspaceId });
  const [fit] = await db
    .select()
    .from(modelFits)
    .where(and(eq(modelFits.workspaceId, input.workspaceId), eq(modelFits.id, outcome.fitId)));
  return { kind: "done", outcome, fit: modelFitView(fit!) };
}
