// Small recorders the domain calls at the points where something happened; each is a
// handful of counter increments, never I/O.
import { signalTypes } from "../../db/schema.ts";
import type { RaiseOutcome } from "../alerts/raise.ts";
import type { ScoreResult } from "../scores/compute.ts";
import type { SignalBatchResult } from "../signals/schema.ts";
import { alertsHeldBack, alertsOpened, dailyPassCustomers, dailyPassDuration, dailyPassRate, signalsIngested, webhookDeliveries, webhookLatency } from "./metrics.ts";

/** One increment per (type, result) present in the batch. Unparseable items count under type "unknown". */
export function countSignals(items: readonly unknown[], results: SignalBatchResult["results"]): void {
  const counts = new Map<string, number>();
  for (const r of results) {
    const t = (items[r.index] as { type?: unknown } | null)?.type;
    const type = r.status === "rejected" && !knownType(t) ? "unknown" : String(t);
    const key = `${type}\0${r.status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const [key, n] of counts) {
    const [type, result] = key.split("\0") as [string, string];
    signalsIngested.inc({ type, result }, n);
  }
}

const knownTypes = new Set<string>(signalTypes);
const knownType = (t: unknown) => typeof t === "string" && knownTypes.has(t);

/** Alerts opened (not updated), by severity and each rule among their reasons; those held back, by why. */
export function countAlertOutcomes(raised: readonly RaiseOutcome[], evaluated: readonly { customerId: string; result: ScoreResult }[]): void {
  for (const r of raised) if (r.action === "cooling_down" || r.action === "same_episode") alertsHeldBack.inc({ reason: r.action });
  const opened = new Set(raised.filter((r) => r.action === "opened").map((r) => r.customerId));
  if (opened.size === 0) return;
  for (const c of evaluated) {
    if (!opened.has(c.customerId)) continue;
    const rules = new Set(c.result.reasons.map((r) => r.ruleId));
    if (rules.size === 0) rules.add("model");
    for (const rule of rules) alertsOpened.inc({ severity: c.result.severity, rule });
  }
}

export function recordDailyPass(customers: number, seconds: number): void {
  dailyPassDuration.observe(seconds);
  dailyPassCustomers.inc(customers);
  if (seconds > 0) dailyPassRate.set(customers / seconds);
}

export function recordWebhookAttempt(outcome: string, seconds: number): void {
  webhookDeliveries.inc({ outcome });
  if (outcome !== "skipped") webhookLatency.observe({ outcome }, seconds);
}
