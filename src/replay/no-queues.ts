// The replay's queue: it drains its own refreshes and runs its own passes, and a replay
// never acts (no campaign, task or webhook leaves it), so what the pipeline would enqueue is
// dropped instead of reaching live workers, which would run it with the wall clock.
import type { JobsOptions } from "bullmq";
import type { JobKey, JobPayload } from "../../jobs/definitions.ts";
import { JobQueues } from "../../jobs/runtime.ts";

export class NoQueues extends JobQueues {
  constructor() {
    super({ backend: { kind: "postgres", url: "postgres://replay.invalid/none" }, prefix: "{replay}" });
  }
  override async add<K extends JobKey>(_key: K, _payload: JobPayload<K>, _opts?: JobsOptions): Promise<void> {}
  override async addBulk<K extends JobKey>(_key: K, _items: { payload: JobPayload<K>; opts?: JobsOptions }[]): Promise<void> {}
}
