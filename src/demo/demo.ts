// Demo data for a first look: customers with half a year of purchases and sessions,
// some of whom drift to rival apps. Goes through the same ingest path as live signals.
import type { Deps } from "../deps.ts";
import { drainRefreshRequests } from "../features/refresh.ts";
import { refreshCustomers } from "../scores/pipeline.ts";
import { ingestSignals } from "../signals/ingest.ts";
import type { SignalInput } from "../signals/schema.ts";

/** Small deterministic PRNG (mulberry32) so the demo is the same every time. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rivals = [
  { competitor: "rival-beauty", app: "Rival Beauty" },
  { competitor: "glowmall", app: "GlowMall" },
  { competitor: "skinnow", app: "SkinNow" },
];
const categories = ["skincare", "makeup", "haircare", "fragrance"];

/**
 * Loads the demo through ingest, then refreshes what it loaded right away (features, tiers,
 * model values, scores and alerts) instead of leaving it to the workers, so the data can be
 * read when this returns. `onProgress` hears each step.
 */
export async function loadDemoData(deps: Deps, input: { workspaceId: string; customers: number; seed?: number; onProgress?: (line: string) => void }) {
  const progress = input.onProgress ?? (() => {});
  const rand = seededRandom(input.seed ?? 42);
  const now = deps.clock().getTime();
  const day = 86_400_000;
  const signals: SignalInput[] = [];
  for (let c = 0; c < input.customers; c++) {
    const customerId = `demo-${String(c + 1).padStart(5, "0")}`;
    const vip = rand() < 0.3;
    const defecting = rand() < 0.25;
    const everyDays = vip ? 7 + rand() * 10 : 20 + rand() * 40;
    // Defectors stop buying here some weeks ago and start on rival apps.
    const stopAt = defecting ? now - (10 + rand() * 30) * day : now;
    for (let t = now - 180 * day + rand() * everyDays * day; t < stopAt; t += everyDays * day * (0.5 + rand())) {
      const orderId = `${customerId}-o${Math.floor(t / day)}`;
      signals.push({
        id: `${orderId}-purchase`,
        customerId,
        type: "purchase",
        occurredAt: new Date(t).toISOString(),
        data: {
          orderId,
          amount: Math.round((vip ? 60_000 : 25_000) * (0.5 + rand()) / 100) * 100,
          currency: "KRW",
          category: categories[Math.floor(rand() * categories.length)]!,
        },
      });
      signals.push({
        id: `${orderId}-session`,
        customerId,
        type: "session",
        occurredAt: new Date(t - 600_000).toISOString(),
        data: { durationSeconds: Math.round(60 + rand() * 900), channel: rand() < 0.7 ? "app" : "web" },
      });
    }
    if (defecting) {
      const apps = rivals.slice(0, 1 + Math.floor(rand() * rivals.length));
      for (const [i, r] of apps.entries()) {
        const end = now - Math.floor(rand() * 5) * day;
        signals.push({
          id: `${customerId}-usage-${r.competitor}`,
          customerId,
          type: "competitor_app_usage",
          occurredAt: new Date(end).toISOString(),
          source: "demo-panel",
          consentBasis: "consent",
          confidence: 0.9,
          period: { start: new Date(end - 14 * day).toISOString(), end: new Date(end).toISOString() },
          data: { competitor: r.competitor, app: r.app, sessions: 5 + Math.floor(rand() * 20), minutes: 30 + Math.round(rand() * 200) },
        });
        signals.push({
          id: `${customerId}-rival-purchase-${i}`,
          customerId,
          type: "competitor_purchase",
          occurredAt: new Date(end - day).toISOString(),
          source: "demo-card-panel",
          consentBasis: "consent",
          data: { competitor: r.competitor, amount: Math.round(20_000 + rand() * 80_000), currency: "KRW" },
        });
      }
    }
  }
  let accepted = 0;
  const n = (v: number) => v.toLocaleString("en-US");
  for (let i = 0; i < signals.length; i += 1000) {
    const result = await ingestSignals(deps, { workspaceId: input.workspaceId, items: signals.slice(i, i + 1000) });
    accepted += result.accepted;
    progress(`signals: ${n(Math.min(i + 1000, signals.length))} / ${n(signals.length)} stored`);
  }
  // Drains the refresh requests ingest wrote, as the workers would (the same advisory lock per
  // shard, so a running server's worker and this take turns and nothing is done twice).
  let refreshed = 0;
  for (let shard = 0; shard < deps.config.REFRESH_SHARDS; shard++) {
    await drainRefreshRequests(deps, { workspaceId: input.workspaceId, shard, pageSize: 250 }, async (customerIds) => {
      await refreshCustomers(deps, { workspaceId: input.workspaceId, customerIds });
      refreshed += customerIds.length;
      progress(`features, tiers and scores: ${n(refreshed)} customers refreshed`);
    });
  }
  const [open] = await deps.database.sql<{ n: number }[]>`
    select count(*)::int as n from alerts where workspace_id = ${input.workspaceId} and status <> 'resolved'`;
  return { customers: input.customers, signals: signals.length, accepted, refreshed, alerts: open?.n ?? 0 };
}
