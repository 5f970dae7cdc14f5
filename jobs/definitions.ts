// Every job: a queue, a name and a zod payload. Payloads carry ids, never data: the
// worker reloads what it needs, because PostgreSQL is the source of truth.
import { z } from "zod";

// Queue names are part of the stored state: never rename one, or waiting jobs stall.
export const queueNames = ["features", "maintenance"] as const;
export type QueueName = (typeof queueNames)[number];

const id = z.string().min(1).max(200);

export const jobDefinitions = {
  refreshFeatures: {
    queue: "features",
    name: "refresh-features",
    payload: z.object({ workspaceId: id, customerId: id }),
  },
  sweepStaleFeatures: {
    queue: "maintenance",
    name: "sweep-stale-features",
    payload: z.object({}),
  },
} as const satisfies Record<string, { queue: QueueName; name: string; payload: z.ZodType }>;

export type JobKey = keyof typeof jobDefinitions;
export type JobPayload<K extends JobKey> = z.infer<(typeof jobDefinitions)[K]["payload"]>;
