// The periodic sweep for actions: overdue tasks escalate, deferred campaign sends go out.
import { releaseDueEnrollments } from "../campaigns/enroll.ts";
import type { Deps } from "../deps.ts";
import { escalateOverdueTasks } from "../tasks/tasks.ts";
import { requestDrain } from "./drain.ts";

export async function sweepActions(deps: Deps): Promise<{ escalated: number; released: number }> {
  const escalated = await escalateOverdueTasks(deps);
  const released = await releaseDueEnrollments(deps);
  if (escalated + released > 0) await requestDrain(deps);
  return { escalated, released };
}
