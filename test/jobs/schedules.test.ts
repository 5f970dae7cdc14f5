// Every scheduler process registers the recurring jobs at start; several start at once after
// a deploy. Registering must not fail a process because another registered the same schedule
// a moment before: the scale-out spec once lost a scheduler to BullMQ's "Cannot create job
// scheduler iteration - job ID already exists".
import { randomBytes } from "node:crypto";
import type { Queue } from "bullmq";
import { Redis } from "ioredis";
import { describe, expect, inject, it } from "vitest";
import { registerSchedules } from "../../jobs/handlers.ts";
import { JobQueues } from "../../jobs/runtime.ts";
import type { Deps } from "../../src/deps.ts";
import { useTestContext } from "../support/context.ts";

const ctx = useTestContext();
const redisUrl = inject("redisUrl");

describe("registering the schedules", () => {
  it.skipIf(!redisUrl)("succeeds when the schedule's next iteration was already made by another process", async () => {
    const prefix = `{rwsched-${randomBytes(4).toString("hex")}}`;
    const [first, second] = [0, 1].map(() => new JobQueues({ backend: { kind: "redis", url: redisUrl! }, prefix }));
    const depsOf = (jobs: JobQueues): Deps => ({ database: ctx.database, log: ctx.log, clock: ctx.clock, jobs, config: ctx.config });
    try {
      await registerSchedules(depsOf(first!), first!);
      // What two registrations racing leave behind: the daily pass's next iteration is stored,
      // while the scheduler's record points at another slot (here the day before, whose job
      // is gone), so a second registration cannot take the iteration over and collides with it.
      const redis = new Redis(redisUrl!);
      const repeat = `${first!.prefixOf(0)}:scoring:repeat`;
      try {
        const next = Number(await redis.zscore(repeat, "rescore-all"));
        expect(next).toBeGreaterThan(Date.now());
        await redis.zadd(repeat, next - 86_400_000, "rescore-all");
      } finally {
        redis.disconnect();
      }
      await expect(registerSchedules(depsOf(second!), second!)).resolves.toBeUndefined();
      const schedulers = await (second!.queue("scoring") as Queue).getJobSchedulers();
      expect(schedulers.filter((s) => s.key === "rescore-all")).toHaveLength(1);
    } finally {
      await Promise.allSettled(["scoring", "maintenance", "outbox", "actions", "digests"].map((q) => first!.queue(q as never).obliterate({ force: true })));
      await Promise.all([first!.close(), second!.close()]);
    }
  });
});
