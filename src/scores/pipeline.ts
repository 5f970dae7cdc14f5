// What happens to a customer when their picture may have changed: features, then tier
// (promotion at once), then score and alert. Also the scheduled, workspace-wide pass.
import { refreshWorkspaceWeeks } from "../../db/queries/calendar.ts";
import { customerIdRanges, dueCustomerPages, upsertFeatures, type IdRange } from "../../db/queries/features.ts";
import type { Deps } from "../deps.ts";
import { drainRefreshRequests, refreshFeatures } from "../features/refresh.ts";
import { scoreWorkspaceWithLatestFit } from "../model-fits/fit-workspace-model.ts";
import { scoreCustomersWithLatestFit } from "../model-fits/score-customer-with-latest-fit.ts";
import { promoteTiers } from "../tiers/evaluate.ts";
import { getWorkspace } from "../workspaces/workspaces.ts";
import { loadActiveRules } from "../rules-service/active-rules.ts";
import { inParallelFrom } from "../parallel.ts";
import { scoreCustomers } from "./score-customers.ts";
import { recordDailyPass } from "../metrics/record.ts";
import { customersToRescore } from "./screen.ts";
import { scoringSettingsOf } from "./settings.ts";

/** Features, tier, score and alert for a set of customers, a few statements for the lot. */
export async function refreshCustomers(deps: Deps, input: { workspaceId: string; customerIds: readonly string[] }) {
  const { workspaceId, customerIds } = input;
  const asOf = deps.clock();
  // Where a page's time goes, at debug level (the soak benchmark's capacity reading).
  let mark = performance.now();
  const lap = () => Math.round(-mark + (mark = performance.now()));
  await refreshFeatures(deps, { workspaceId, customerIds, asOf });
  const featuresMs = lap();
  await promoteTiers(deps, { workspaceId, customerIds, asOf });
  const tiersMs = lap();
  // The model's values with the latest fit (refitted on its own schedule).
  await scoreCustomersWithLatestFit(deps, { workspaceId, customerIds });
  const modelMs = lap();
  const rules = await loadActiveRules(deps, workspaceId);
  const scored = await scoreCustomers(deps, { workspaceId, customerIds, rules, asOf });
  deps.log.debug("refresh page", { workspaceId, customers: customerIds.length, featuresMs, tiersMs, modelMs, scoresMs: lap() });
  return scored;
}

/**
 * Drains a shard of the workspace's refresh requests (every shard when none is given). The
 * queued job passes `wait: false`: when the shard's drain is already running it leaves it
 * the work (see drainRefreshRequests).
 */
export async function refreshRequestedCustomers(deps: Deps, input: { workspaceId: string; shard?: number; wait?: boolean }) {
  const shards = input.shard === undefined ? [...Array(deps.config.REFRESH_SHARDS).keys()] : [input.shard];
  let customers = 0;
  for (const shard of shards) {
    const drained = await drainRefreshRequests(deps, { workspaceId: input.workspaceId, shard, wait: input.wait }, (customerIds) =>
      refreshCustomers(deps, { workspaceId: input.workspaceId, customerIds }),
    );
    customers += drained.customers;
  }
  return { customers };
}

/**
 * The daily pass, as of one moment (a redelivered job passes the same one): silence counts,
 * since recency grows without signals. Set-based throughout, and paged so that no step holds
 * every customer's id (a first pass after a bulk load of a million must fit a worker's memory),
 * and split into RESCORE_PARALLELISM ranges of ids run side by side (customerIdRanges):
 * - features: recomputed only for customers a signal's window edge has reached since
 *   (next_change_at), a page of them per statement, each range's pages in turn; the
 *   rest hold. Each page's tiers follow its features at once: customers whose features
 *   changed may be promoted (aging alone only ever lowers the composite);
 * - model values: aged from their stored summaries (re-summarised for new purchases);
 * - scores: one statement per range evaluates every live and shadow rule in SQL for each of
 *   its customers and picks those whose score or reasons would change; only they are scored in JS and
 *   stored, a page at a time as the statement's cursor hands them on.
 */
export async function rescoreWorkspace(
  deps: Deps,
  input: { workspaceId: string; asOf?: Date; pageSize?: number; scorePageSize?: number; splitFrom?: number },
) {
  const started = performance.now();
  const asOf = input.asOf ?? deps.clock();
  const { workspaceId } = input;
  const { sql } = deps.database;
  // Where the time goes, for the benchmark and the logs. Tiers run inside the features
  // phase, page by page: `tiersMs` is their share, summed over the pages.
  const phases = { featuresMs: 0, modelMs: 0, tiersMs: 0, screenMs: 0, scoresMs: 0 };
  const timed = async <T>(phase: keyof typeof phases, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      phases[phase] += Math.round(performance.now() - t0);
    }
  };
  const { settings } = await getWorkspace(deps.database.db, workspaceId);
  // Pages side by side: one statement uses one PostgreSQL core.
  const of = deps.config.RESCORE_PARALLELISM;
  const pageSize = input.pageSize ?? 5_000;
  // Scoring holds each customer's facts, traces and reasons: pages of 5,000 put the first
  // pass after a bulk load (every customer scored) at 382 MiB resident, pages of 1,000 at 257.
  const scorePageSize = input.scorePageSize ?? 1_000;
  let featuresRecomputed = 0;
  // The workspace in `of` ranges of ids, each range's statements beside the others': the
  // lists of due customers and the screen are one statement each, on one core, with the
  // rest of the machine waiting for their first page. Small workspaces are one range.
  const ranges = await customerIdRanges(sql, { workspaceId, parts: of, splitFrom: input.splitFrom });
  const perRange = async (fn: (range: IdRange, runners: number) => Promise<unknown>) => {
    // Every range finishes (or fails) before the phase ends: no statement outlives the pass.
    const settled = await Promise.allSettled(ranges.map((range) => fn(range, Math.max(1, Math.round(of / ranges.length)))));
    const failed = settled.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
  };
  // A page of the sorted list is a range of ids too, which bounds its scan of customers;
  // and its sorts fit in memory whatever the workspace's size.
  await timed("featuresMs", () =>
    perRange((range, runners) =>
      inParallelFrom(dueCustomerPages(sql, { workspaceId, asOf, part: range }, pageSize), runners, async ({ ids, part }) => {
        const written = await upsertFeatures(sql, { workspaceId, asOf, customerIds: ids, part }, settings);
        featuresRecomputed += written.length;
        await timed("tiersMs", () => promoteTiers(deps, { workspaceId, customerIds: written, asOf, part }));
      }),
    ),
  );
  // The workspace's calendar, recounted from the purchase weeks just computed: the screen and
  // every score after it judge a silence against the busy weeks it gives.
  await timed("featuresMs", () => refreshWorkspaceWeeks(sql, workspaceId));
  // Model values age too: the churn probability rises with silence.
  await timed("modelMs", () => scoreWorkspaceWithLatestFit(deps, { workspaceId, asOf, parallelism: of }));
  const rules = await loadActiveRules(deps, workspaceId);
  let screenedIn = 0;
  let alerts = 0;
  // The screen's time is until its first page is ready (the statement's own work); scoring
  // is the rest.
  const screenStarted = performance.now();
  let scoringStarted: number | null = null;
  await perRange((part, runners) => {
    const screened = customersToRescore(sql, { workspaceId, asOf, rules, settings: scoringSettingsOf(settings), part }, scorePageSize);
    return inParallelFrom(screened, runners, async (customerIds) => {
      scoringStarted ??= performance.now();
      screenedIn += customerIds.length;
      const scored = await scoreCustomers(deps, { workspaceId, customerIds, rules, asOf });
      alerts += scored.filter((s) => s.scoreId !== null && s.result.alerts).length;
    });
  });
  const ended = performance.now();
  phases.screenMs = Math.round((scoringStarted ?? ended) - screenStarted);
  phases.scoresMs = Math.round(ended - (scoringStarted ?? ended));
  const customers = Number((await sql`select count(*)::int as n from customer_features where workspace_id = ${workspaceId}`)[0]!.n);
  const result = {
    customers,
    featuresRecomputed,
    screenedIn,
    alerts,
    ms: Math.round(performance.now() - started),
    ...phases,
  };
  recordDailyPass(result.customers, result.ms / 1000);
  deps.log.info("workspace re-scored", { workspaceId, ...result });
  return result;
}
