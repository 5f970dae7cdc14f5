// Every Prometheus metric the service exposes, in one registry. Counters and histograms
// are module-level (prom-client's usual shape): updating one is a map lookup and an add,
// so the hot paths (ingest, jobs) pay nothing measurable. Gauges that need SQL or the
// queue backend are set at scrape time by `collect.ts`.
//
// Labels are bounded: route templates (never raw paths), signal types, queue and job
// names, severities, rule ids (bounded per workspace), outcomes. No customer ids, ever.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export const registry = new Registry();

let defaultsStarted = false;
/** Process metrics (event-loop lag, heap, RSS, GC, handles), started once per process. */
export function startProcessMetrics(): void {
  if (defaultsStarted) return;
  defaultsStarted = true;
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
}

const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const jobSeconds = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900];

export const httpRequests = new Counter({
  name: "rivalwatch_http_requests_total",
  help: "HTTP requests answered, by route template, method and status.",
  labelNames: ["route", "method", "status"] as const,
  registers: [registry],
});
export const httpDuration = new Histogram({
  name: "rivalwatch_http_request_duration_seconds",
  help: "Time to answer an HTTP request, by route template and method.",
  labelNames: ["route", "method"] as const,
  buckets: seconds,
  registers: [registry],
});

export const signalsIngested = new Counter({
  name: "rivalwatch_signals_total",
  help: "Signals received, by type and result (accepted, duplicate, conflict, rejected). A repeated id with a different payload is a conflict and stores nothing.",
  labelNames: ["type", "result"] as const,
  registers: [registry],
});

export const jobsFinished = new Counter({
  name: "rivalwatch_jobs_finished_total",
  help: "Jobs a worker of this process finished, by queue, job name and outcome (completed, failed). rate() gives the completed rate.",
  labelNames: ["queue", "job", "outcome"] as const,
  registers: [registry],
});
export const jobDuration = new Histogram({
  name: "rivalwatch_job_duration_seconds",
  help: "Time a job's handler ran, by queue and job name.",
  labelNames: ["queue", "job"] as const,
  buckets: jobSeconds,
  registers: [registry],
});
export const queueJobs = new Gauge({
  name: "rivalwatch_queue_jobs",
  help: "Jobs in each queue by state (waiting, active, delayed, failed, prioritized, waiting-children), summed over queue shards. Read from the backend at scrape time.",
  labelNames: ["queue", "state"] as const,
  registers: [registry],
});

export const refreshBacklog = new Gauge({
  name: "rivalwatch_refresh_requests_waiting",
  help: "Refresh requests (a customer whose signals changed) not yet handled, over all workspaces.",
  registers: [registry],
});
export const refreshBacklogAge = new Gauge({
  name: "rivalwatch_refresh_oldest_request_age_seconds",
  help: "Age of the oldest refresh request waiting (0 when none).",
  registers: [registry],
});
export const dailyPassDuration = new Histogram({
  name: "rivalwatch_daily_pass_duration_seconds",
  help: "Duration of one workspace's daily re-score pass.",
  buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
  registers: [registry],
});
export const dailyPassCustomers = new Counter({
  name: "rivalwatch_daily_pass_customers_total",
  help: "Customers covered by daily passes; divided by the duration's sum it gives customers per second.",
  registers: [registry],
});
export const dailyPassRate = new Gauge({
  name: "rivalwatch_daily_pass_customers_per_second",
  help: "Customers per second of the last daily pass this process ran.",
  registers: [registry],
});

export const alertsOpened = new Counter({
  name: "rivalwatch_alerts_opened_total",
  help: "Alerts opened, by severity and by each rule among its reasons (rule 'model' when only the model part counted).",
  labelNames: ["severity", "rule"] as const,
  registers: [registry],
});
export const alertsHeldBack = new Counter({
  name: "rivalwatch_alerts_held_back_total",
  help: "Alerts the scores asked for and that did not open: reason cooling_down (a resolved alert's rules' cooldown) or same_episode (no purchase since the customer's resolved alert).",
  labelNames: ["reason"] as const,
  registers: [registry],
});
export const enrollmentsCreated = new Counter({
  name: "rivalwatch_campaign_enrollments_total",
  help: "Campaign enrollments created, by arm (treated, holdout).",
  labelNames: ["arm"] as const,
  registers: [registry],
});
export const tasksOpened = new Counter({
  name: "rivalwatch_tasks_opened_total",
  help: "Account-manager tasks created, by severity.",
  labelNames: ["severity"] as const,
  registers: [registry],
});
export const tasksOverdue = new Gauge({
  name: "rivalwatch_tasks_overdue",
  help: "Open or in-progress tasks past their due date, over all workspaces.",
  registers: [registry],
});
export const webhookDeliveries = new Counter({
  name: "rivalwatch_webhook_attempts_total",
  help: "Outbound webhook delivery attempts, by outcome (succeeded, failed, refused, skipped).",
  labelNames: ["outcome"] as const,
  registers: [registry],
});
export const webhookLatency = new Histogram({
  name: "rivalwatch_webhook_attempt_duration_seconds",
  help: "Time of one outbound webhook attempt, receiver included.",
  labelNames: ["outcome"] as const,
  buckets: seconds,
  registers: [registry],
});

export const modelFitAge = new Gauge({
  name: "rivalwatch_model_fit_age_seconds",
  help: "Age of each workspace's latest successful model fit (absent: never fitted).",
  labelNames: ["workspace"] as const,
  registers: [registry],
});
export const dbConnections = new Gauge({
  name: "rivalwatch_db_connections",
  help: "Connections of every Rivalwatch process to the database, by state (active = running a statement, idle, idle in transaction), from pg_stat_activity.",
  labelNames: ["state"] as const,
  registers: [registry],
});
export const dbWaiting = new Gauge({
  name: "rivalwatch_db_connections_waiting",
  help: "Rivalwatch connections whose statement waits on a lock.",
  registers: [registry],
});
export const collectErrors = new Counter({
  name: "rivalwatch_metrics_collect_errors_total",
  help: "Scrape-time collectors that failed or timed out, by collector.",
  labelNames: ["collector"] as const,
  registers: [registry],
});

/** Runs a job handler, counting and timing it. */
export async function timeJob<T>(queue: string, job: string, run: () => Promise<T>): Promise<T> {
  const end = jobDuration.startTimer({ queue, job });
  try {
    const out = await run();
    jobsFinished.inc({ queue, job, outcome: "completed" });
    return out;
  } catch (err) {
    jobsFinished.inc({ queue, job, outcome: "failed" });
    throw err;
  } finally {
    end();
  }
}
