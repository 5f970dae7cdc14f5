// Job schedulers live in Redis. A Redis restart without persistence, a failover to an empty
// replica or a FLUSHALL erases them, and nothing would recreate them while the processes
// run: no minute sweep, no outbox drain, no re-score. The scheduler role re-ensures them
// when a Redis connection comes back and on a timer, so a lost Redis costs at most about
// a minute of processing. Ensuring is idempotent: registration upserts by scheduler id.
import type { JobQueues } from "../../jobs/runtime.ts";
import type { Logger } from "../log.ts";

/** Schedulers whose absence means Redis lost them (they are registered with every other one). */
const SENTINELS = [
  { queue: "maintenance", id: "sweep-stale-features" },
  { queue: "outbox", id: "drain-outbox" },
] as const;

export function keepSchedules(opts: { jobs: JobQueues; register: () => Promise<void>; log: Logger; everyMs: number }) {
  const { jobs, register, log } = opts;
  let running: Promise<void> | null = null;
  const ensure = (reason: string) =>
    (running ??= (async () => {
      try {
        const present = await Promise.all(SENTINELS.map((s) => jobs.queue(s.queue).getJobScheduler(s.id)));
        if (present.every(Boolean)) return;
        await register();
        log.warn("job schedulers were missing and are registered again", { reason });
      } catch (err) {
        log.warn("job schedulers not checked; trying again", { reason, err: err instanceof Error ? err.message : String(err) });
      }
    })().finally(() => (running = null)));
  const unsubscribe = jobs.onReconnect(() => void ensure("redis reconnected"));
  const timer = setInterval(() => void ensure("timer"), opts.everyMs);
  timer.unref();
  return {
    ensure,
    stop() {
      clearInterval(timer);
      unsubscribe();
    },
  };
}
