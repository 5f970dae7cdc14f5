// Every job: a queue, a name and a zod payload. Payloads carry ids, never data: the
// worker reloads what it needs, because PostgreSQL is the source of truth.
import { z } from "zod";

// Queue names are part of the stored state: never rename one, or waiting jobs stall.
export const queueNames = ["features", "maintenance", "scoring", "model", "outbox", "deliveries", "actions", "digests"] as const;
export type QueueName = (typeof queueNames)[number];

const id = z.string().min(1).max(200);

export const jobDefinitions = {
  /** Features, tier, model values, score and alert for every customer of the workspace waiting for a refresh. */
  refreshCustomers: {
    queue: "features",
    name: "refresh-customers",
    payload: z.object({ workspaceId: id, shard: z.number().int().min(0).max(63).default(0) }),
  },
  /** The daily pass; `asOf` (set by the fan-out) makes a redelivered job evaluate the same moment. */
  rescoreWorkspace: {
    queue: "scoring",
    name: "rescore-workspace",
    payload: z.object({ workspaceId: id, asOf: z.iso.datetime({ offset: true }).optional() }),
  },
  rescoreAll: { queue: "scoring", name: "rescore-all", payload: z.object({}) },
  reevaluateTiers: { queue: "scoring", name: "reevaluate-tiers", payload: z.object({ workspaceId: id }) },
  reevaluateAllTiers: { queue: "scoring", name: "reevaluate-all-tiers", payload: z.object({}) },
  sweepStaleFeatures: {
    queue: "maintenance",
    name: "sweep-stale-features",
    payload: z.object({}),
  },
  /** Vacuum and analyze the tables whose dead or changed rows passed autovacuum's trigger (src/infra/vacuum.ts). */
  vacuumTables: { queue: "maintenance", name: "vacuum-tables", payload: z.object({}) },
  /** Delete the workspace's external evidence older than its retention (src/privacy/evidence-retention.ts). */
  enforceEvidenceRetention: { queue: "maintenance", name: "enforce-evidence-retention", payload: z.object({ workspaceId: id }) },
  /** The daily fan-out: one enforceEvidenceRetention per workspace that sets a retention. */
  enforceAllEvidenceRetention: { queue: "maintenance", name: "enforce-all-evidence-retention", payload: z.object({}) },
  /** Monthly partitions of signals: months ahead, months out of the default partition, expired months dropped (src/signals/partitions.ts). */
  maintainSignalPartitions: { queue: "maintenance", name: "maintain-signal-partitions", payload: z.object({}) },
  /** Delete the workspace's signals older than its signalRetentionDays (src/signals/retention.ts). */
  enforceSignalRetention: { queue: "maintenance", name: "enforce-signal-retention", payload: z.object({ workspaceId: id }) },
  /** Fit the workspace's BG/NBD + Gamma-Gamma model and score every customer with it. */
  fitModel: { queue: "model", name: "fit-model", payload: z.object({ workspaceId: id }) },
  /** Run a stored replay (src/replay) in its scratch workspace; long and CPU-bound like a fit. */
  runReplay: { queue: "model", name: "run-replay", payload: z.object({ workspaceId: id, replayId: id }) },
  /** The weekly fan-out: one fitModel per workspace. */
  fitAllModels: { queue: "maintenance", name: "fit-all-models", payload: z.object({}) },
  /** Handle every unprocessed outbox row (fan-out to endpoints, enrollments, tasks) and enqueue due deliveries. */
  drainOutbox: { queue: "outbox", name: "drain-outbox", payload: z.object({}) },
  /** One attempt of one outbound webhook delivery. */
  deliverWebhook: { queue: "deliveries", name: "deliver-webhook", payload: z.object({ workspaceId: id, deliveryId: id }) },
  /** Escalate overdue tasks; release campaign sends deferred past quiet hours. */
  sweepActions: { queue: "actions", name: "sweep-actions", payload: z.object({}) },
  /** A manager's digest for the current period (fired by their per-manager job scheduler, in their timezone). */
  sendDigest: { queue: "digests", name: "send-digest", payload: z.object({ workspaceId: id, managerId: id }) },
} as const satisfies Record<string, { queue: QueueName; name: string; payload: z.ZodType }>;

export type JobKey = keyof typeof jobDefinitions;
export type JobPayload<K extends JobKey> = z.infer<(typeof jobDefinitions)[K]["payload"]>;
