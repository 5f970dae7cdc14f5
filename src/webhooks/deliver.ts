// One delivery attempt: sign the stored body by the Standard Webhooks scheme (the delivery id
// is the `webhook-id`, the same on every retry and replay), POST it through the SSRF guard,
// record the attempt, then decide: succeeded (2xx), disable the endpoint (410), retry later
// (exponential backoff with jitter, or the receiver's Retry-After when longer), or failed
// once the attempts are spent. The attempt's unique key (delivery, number) means two workers
// racing on one delivery record it once.
import { performance } from "node:perf_hooks";
import { Webhook } from "standardwebhooks";
import type { Deps } from "../deps.ts";
import { deliveryJobId } from "../outbox/drain.ts";
import { liveSecrets } from "../signals/webhook-sources.ts";
import { workspaceAllowList } from "./endpoints.ts";
import { RefusedDestination, postToVetted, vetDestination } from "./ssrf.ts";
import { recordWebhookAttempt } from "../metrics/record.ts";

/** Delay before the retry that follows attempt `n` (1-based): base·2^(n−1), capped, ±20 % jitter. */
export function retryDelayMs(config: Deps["config"], n: number, random: () => number = Math.random): number {
  const plain = Math.min(config.WEBHOOK_RETRY_MAX_MS, config.WEBHOOK_RETRY_BASE_MS * 2 ** Math.min(n - 1, 40));
  return Math.round(plain * (0.8 + 0.4 * random()));
}

/** `Retry-After` as seconds or an HTTP date, in ms from now; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

type DeliveryRow = {
  id: string;
  workspace_id: string;
  endpoint_id: string;
  body: string;
  status: string;
  attempts: number;
  series_attempts: number;
  url: string | null;
  secret: string | null;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  enabled: boolean | null;
};

export type AttemptResult = { outcome: "succeeded" | "failed" | "refused" | "skipped"; status?: string; responseCode?: number | null };

/** One attempt, counted and timed by outcome. */
export async function deliverWebhook(deps: Deps, input: { workspaceId: string; deliveryId: string }): Promise<AttemptResult> {
  const started = performance.now();
  const result = await attemptDelivery(deps, input);
  recordWebhookAttempt(result.outcome, (performance.now() - started) / 1000);
  return result;
}

async function attemptDelivery(deps: Deps, input: { workspaceId: string; deliveryId: string }): Promise<AttemptResult> {
  const sql = deps.database.sql;
  const [d] = await sql<DeliveryRow[]>`
    select d.id, d.workspace_id, d.endpoint_id, d.body, d.status, d.attempts, d.series_attempts, e.url, e.secret, e.previous_secret, e.previous_secret_expires_at, e.enabled
    from deliveries d left join webhook_endpoints e on e.workspace_id = d.workspace_id and e.id = d.endpoint_id
    where d.workspace_id = ${input.workspaceId} and d.id = ${input.deliveryId}`;
  if (!d || d.status !== "pending") return { outcome: "skipped" };

  const attempt = d.attempts + 1;
  const series = d.series_attempts + 1;
  let outcome: "succeeded" | "failed" | "refused";
  let responseCode: number | null = null;
  let error: string | null = null;
  let responseBody: string | null = null;
  let retryAfterMs: number | null = null;
  const started = performance.now();
  if (!d.url || !d.secret || !d.enabled) {
    outcome = "refused";
    error = d.url ? "the endpoint is disabled" : "the endpoint was deleted";
  } else {
    try {
      const dest = await vetDestination(d.url, await workspaceAllowList(deps, d.workspace_id));
      // The wall clock, not the service clock: receivers check the timestamp against theirs.
      const sentAt = new Date();
      // During a rotation's overlap both secrets sign (space-separated, as Standard Webhooks
      // allows), so a receiver verifies with whichever secret it holds.
      const secrets = liveSecrets({ secret: d.secret, previousSecret: d.previous_secret, previousSecretExpiresAt: d.previous_secret_expires_at }, deps.clock());
      const signature = secrets.map((s) => new Webhook(s).sign(d.id, sentAt, d.body)).join(" ");
      const res = await postToVetted(dest, {
        headers: {
          "content-type": "application/json",
          "user-agent": "Rivalwatch-Webhooks/1",
          "webhook-id": d.id,
          "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
          "webhook-signature": signature,
        },
        body: d.body,
        timeoutMs: deps.config.WEBHOOK_TIMEOUT_MS,
      });
      responseCode = res.status;
      responseBody = res.body.slice(0, 1000) || null;
      if (res.status >= 200 && res.status < 300) outcome = "succeeded";
      else {
        outcome = "failed";
        error = res.status >= 300 && res.status < 400 ? `redirect to ${String(res.headers.location ?? "?")} not followed` : `HTTP ${res.status}`;
        retryAfterMs = parseRetryAfter(res.headers["retry-after"], new Date());
      }
    } catch (err) {
      if (err instanceof RefusedDestination) {
        outcome = "refused";
        error = err.message;
      } else {
        outcome = "failed";
        error = (err as Error).message || String(err);
      }
    }
  }
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;
  const now = deps.clock();

  const gone = responseCode === 410;
  const final = outcome !== "failed" || gone || series >= deps.config.WEBHOOK_MAX_ATTEMPTS;
  const status = outcome === "succeeded" ? "succeeded" : final ? "failed" : "pending";
  const delay = final ? 0 : Math.min(MAX_RETRY_AFTER_MS, Math.max(retryDelayMs(deps.config, series), retryAfterMs ?? 0));

  const recorded = await sql.begin(async (tx) => {
    const ins = await tx`
      insert into delivery_attempts (workspace_id, delivery_id, attempt, at, outcome, response_code, latency_ms, error, response_body)
      values (${d.workspace_id}, ${d.id}, ${attempt}, ${now}, ${outcome}, ${responseCode}, ${latencyMs}, ${error}, ${responseBody})
      on conflict (workspace_id, delivery_id, attempt) do nothing returning id`;
    if (ins.length === 0) return false;
    await tx`
      update deliveries set status = ${status}, attempts = ${attempt}, series_attempts = ${series},
        last_attempt_at = ${now}, last_response_code = ${responseCode}, last_error = ${error},
        next_attempt_at = ${status === "pending" ? new Date(now.getTime() + delay) : null},
        completed_at = ${status === "pending" ? null : now}
      where workspace_id = ${d.workspace_id} and id = ${d.id} and attempts = ${d.attempts}`;
    if (gone) {
      await tx`
        update webhook_endpoints set enabled = false, updated_at = ${now},
          disabled_reason = ${`the receiver answered 410 Gone at ${now.toISOString()}`}
        where workspace_id = ${d.workspace_id} and id = ${d.endpoint_id}`;
    }
    return true;
  });
  if (recorded && status === "pending") {
    try {
      await deps.jobs.add("deliverWebhook", { workspaceId: d.workspace_id, deliveryId: d.id }, { jobId: deliveryJobId(d.id, attempt), delay });
    } catch (err) {
      deps.log.warn("could not schedule a delivery retry; the drain will find it", { err, deliveryId: d.id });
    }
  }
  return { outcome, status, responseCode };
}
