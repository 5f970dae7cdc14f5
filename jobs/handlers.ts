// Jobs are thin shells: parse (done by the runtime), call the domain function.
import type { Deps } from "../src/deps.ts";
import { sweepStaleFeatures } from "../src/features/refresh.ts";
import { fitWorkspaceModel } from "../src/model-fits/fit-workspace-model.ts";
import { fitAllModels } from "../src/model-fits/request-model-fit.ts";
import { refreshRequestedCustomers, rescoreWorkspace } from "../src/scores/pipeline.ts";
import { fanOutToWorkspaces } from "../src/scores/schedules.ts";
import { sendDigest, syncDigestSchedules } from "../src/digests/digests.ts";
import { sweepActions } from "../src/outbox/sweep.ts";
import { drainOutbox } from "../src/outbox/drain.ts";
import { deliverWebhook } from "../src/webhooks/deliver.ts";
import { reevaluateTiers } from "../src/tiers/evaluate.ts";
import { runStoredReplay } from "../src/replay/replays.ts";
import { enforceAllEvidenceRetention, enforceEvidenceRetention } from "../src/privacy/evidence-retention.ts";
import { vacuumTables } from "../src/infra/vacuum.ts";
import { maintainSignalPartitions } from "../src/signals/partitions.ts";
import { enforceSignalRetention } from "../src/signals/retention.ts";
import type { JobQueues } from "./runtime.ts";

export function startWorkers(deps: Deps, jobs: JobQueues): { close(): Promise<void> }[] {
  return [
    jobs.startWorker(
      "features",
      { refreshCustomers: (p) => refreshRequestedCustomers(deps, { ...p, wait: false }) },
      deps.config.WORKER_CONCURRENCY,
    ),
    jobs.startWorker(
      "maintenance",
      {
        sweepStaleFeatures: () => sweepStaleFeatures(deps),
        vacuumTables: () => vacuumTables(deps),
        fitAllModels: () => fitAllModels(deps),
        enforceEvidenceRetention: (p) => enforceEvidenceRetention(deps, p),
        enforceAllEvidenceRetention: () => enforceAllEvidenceRetention(deps),
        maintainSignalPartitions: () => maintainSignalPartitions(deps),
        enforceSignalRetention: (p) => enforceSignalRetention(deps, p),
      },
      1,
    ),
    // Fits are CPU-bound and long next to everything else: a queue of their own, one at a time.
    jobs.startWorker("model", { fitModel: (p) => fitWorkspaceModel(deps, p), runReplay: (p) => runStoredReplay(deps, p) }, 1),
    jobs.startWorker(
      "scoring",
      {
        rescoreWorkspace: (p) => rescoreWorkspace(deps, { workspaceId: p.workspaceId, asOf: p.asOf ? new Date(p.asOf) : undefined }),
        rescoreAll: () => fanOutToWorkspaces(deps, "rescoreWorkspace"),
        reevaluateTiers: (p) => reevaluateTiers(deps, p),
        reevaluateAllTiers: () => fanOutToWorkspaces(deps, "reevaluateTiers"),
      },
      1,
    ),
    // One drain at a time: rows are locked anyway, but one drainer keeps the order of events.
    jobs.startWorker("outbox", { drainOutbox: () => drainOutbox(deps) }, 1),
    jobs.startWorker("deliveries", { deliverWebhook: (p) => deliverWebhook(deps, p) }, deps.config.WORKER_CONCURRENCY),
    jobs.startWorker("actions", { sweepActions: () => sweepActions(deps) }, 1),
    jobs.startWorker("digests", { sendDigest: (p) => sendDigest(deps, p) }, 2),
  ];
}

/** Recurring work, registered idempotently: every scheduler process may call this. */
export async function registerSchedules(deps: Deps, jobs: JobQueues): Promise<void> {
  const upsert = async (...args: Parameters<JobQueues["upsertSchedule"]>) => {
    if (!(await jobs.upsertSchedule(...args))) deps.log.info("schedule left as another scheduler process made it", { queue: args[0], scheduler: args[1] });
  };
  await upsert("maintenance", "sweep-stale-features", { every: 60_000 }, { name: "sweep-stale-features", data: {} });
  await upsert("maintenance", "vacuum-tables", { every: deps.config.VACUUM_EVERY_MS }, { name: "vacuum-tables", data: {} });
  await upsert("scoring", "rescore-all", { pattern: deps.config.RESCORE_SCHEDULE, tz: "UTC" }, { name: "rescore-all", data: {} });
  await upsert("maintenance", "fit-all-models", { pattern: deps.config.MODEL_FIT_SCHEDULE, tz: "UTC" }, { name: "fit-all-models", data: {} });
  await upsert("outbox", "drain-outbox", { every: deps.config.OUTBOX_DRAIN_EVERY_MS }, { name: "drain-outbox", data: {} });
  await syncDigestSchedules(deps);
  await upsert("actions", "sweep-actions", { every: deps.config.ACTIONS_SWEEP_EVERY_MS }, { name: "sweep-actions", data: {} });
  await upsert("maintenance", "enforce-all-evidence-retention", { pattern: deps.config.RETENTION_SCHEDULE, tz: "UTC" }, { name: "enforce-all-evidence-retention", data: {} });
  // Hourly: cheap when there is nothing to do, and a month's partition exists long before it starts.
  await upsert("maintenance", "maintain-signal-partitions", { every: 3_600_000 }, { name: "maintain-signal-partitions", data: {} });
  await upsert("scoring", "reevaluate-all-tiers", { pattern: deps.config.TIER_SCHEDULE, tz: "UTC" }, { name: "reevaluate-all-tiers", data: {} });
}
