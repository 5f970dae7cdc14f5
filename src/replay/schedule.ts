// When the replay does what the scheduler would: the same cron patterns (UTC) the scheduler
// registers with BullMQ (RESCORE_SCHEDULE, MODEL_FIT_SCHEDULE, TIER_SCHEDULE), read by the
// same parser BullMQ uses, so a replay runs the daily pass, the weekly fit and the quarterly
// tier re-evaluation at the moments production would.
import { CronExpressionParser } from "cron-parser";
import type { Config } from "../config.ts";

export type ReplaySchedule = { rescore: string; modelFit: string; tiers: string };
export type ScheduledJob = keyof ReplaySchedule;

export const scheduleOf = (config: Pick<Config, "RESCORE_SCHEDULE" | "MODEL_FIT_SCHEDULE" | "TIER_SCHEDULE">): ReplaySchedule => ({
  rescore: config.RESCORE_SCHEDULE,
  modelFit: config.MODEL_FIT_SCHEDULE,
  tiers: config.TIER_SCHEDULE,
});

/** A moment of the replay: the clock stops here, signals up to it are ingested, then the jobs due run. */
export type Moment = { at: number; jobs: ScheduledJob[]; stepEnd: boolean; snapshot: boolean };

/** Jobs due at one moment run in the order production's hours give them by default: fit, tiers, re-score. */
const jobOrder: ScheduledJob[] = ["modelFit", "tiers", "rescore"];

/** Firings of a cron pattern in (from, to]. */
export function firings(pattern: string, from: number, to: number): number[] {
  const out: number[] = [];
  if (to <= from) return out;
  const e = CronExpressionParser.parse(pattern, { currentDate: new Date(from), endDate: new Date(to), tz: "UTC" });
  while (e.hasNext()) {
    const t = e.next().toDate().getTime();
    if (t > from && t <= to) out.push(t);
  }
  return out;
}

/**
 * Every moment in (from, to]: each scheduled firing, each step's end (every `stepDays` from
 * `from`, and `to`), and each snapshot; ascending, one entry per distinct time.
 */
export function moments(input: { from: number; to: number; stepDays: number; schedule: ReplaySchedule; snapshots?: readonly number[] }): Moment[] {
  const { from, to } = input;
  const byTime = new Map<number, Moment>();
  const at = (t: number) => {
    let m = byTime.get(t);
    if (!m) byTime.set(t, (m = { at: t, jobs: [], stepEnd: false, snapshot: false }));
    return m;
  };
  for (const job of jobOrder) for (const t of firings(input.schedule[job], from, to)) at(t).jobs.push(job);
  const step = input.stepDays * 86_400_000;
  for (let t = from + step; t < to; t += step) at(t).stepEnd = true;
  if (to > from) at(to).stepEnd = true;
  for (const t of input.snapshots ?? []) if (t > from && t <= to) at(t).snapshot = true;
  return [...byTime.values()].sort((a, b) => a.at - b.at);
}
