// Jobs are thin shells: parse (done by the runtime), call the domain function.
import type { Deps } from "../src/deps.ts";
import { refreshFeatures, sweepStaleFeatures } from "../src/features/refresh.ts";
import type { JobQueues } from "./runtime.ts";

export function startWorkers(deps: Deps, jobs: JobQueues): { close(): Promise<void> }[] {
  const workers: { close(): Promise<void> }[] = [
    jobs.startWorker(
      "features",
      { refreshFeatures: (p) => refreshFeatures(deps, { workspaceId: p.workspaceId, customerIds: [p.customerId] }) },
      deps.config.WORKER_CONCURRENCY,
    ),
    jobs.startWorker("maintenance", { sweepStaleFeatures: () => sweepStaleFeatures(deps) }, 1),
  ];
  return workers;
}

/** Recurring work, registered idempotently: every scheduler process may call this. */
export async function registerSchedules(jobs: JobQueues): Promise<void> {
  await jobs.queue("maintenance").upsertJobScheduler(
    "sweep-stale-features",
    { every: 60_000 },
    { name: "sweep-stale-features", data: {} },
  );
}
