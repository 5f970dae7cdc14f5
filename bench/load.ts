// Load generation shared by the ingest benchmark's clients: the batches and the timed loop.
import { percentile } from "./support.ts";

export function makeBatch(prefix: string, n: number, batch: number, customers: number) {
  const now = Date.now();
  return Array.from({ length: batch }, (_, i) => {
    const k = n * batch + i;
    const customerId = `c-${(k * 7919) % customers}`;
    return k % 3 === 0
      ? { id: `${prefix}-${k}`, customerId, type: "purchase", occurredAt: new Date(now - (k % 90) * 86_400_000).toISOString(), data: { orderId: `o-${k}`, amount: 10_000 + (k % 50) * 1_000, currency: "KRW", category: "skincare" } }
      : { id: `${prefix}-${k}`, customerId, type: "session", occurredAt: new Date(now - (k % 30) * 86_400_000).toISOString(), data: { durationSeconds: 120, channel: "app" } };
  });
}

/**
 * The contention case: about 30% of the items repeat an id sent shortly before (by any client,
 * so repeats race their originals), the rest are new signals of customers never seen before,
 * in an order that differs from batch to batch.
 */
export function makeContentionBatch(prefix: string, n: number, batch: number) {
  const now = Date.now();
  const item = (k: number) => ({
    id: `${prefix}-${k}`,
    customerId: `new-${prefix}-${k >> 2}`,
    type: "session",
    occurredAt: new Date(now - (k % 30) * 86_400_000).toISOString(),
    data: { durationSeconds: 60 + (k % 7), channel: "app" },
  });
  const items = Array.from({ length: batch }, (_, i) => {
    const k = n * batch + i;
    // A repeat names an item from the last few batches, with the same payload (a duplicate).
    return (k * 2654435761) % 10 < 3 && k > batch ? item(k - 1 - ((k * 31) % (batch * 4))) : item(k);
  });
  // Reversed every other batch: the same keys locked in opposite orders.
  return n % 2 === 0 ? items : items.reverse();
}

export async function loop(seconds: number, concurrency: number, work: (n: number) => Promise<number>) {
  const until = Date.now() + seconds * 1000;
  const latencies: number[] = [];
  let total = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        const n = next++;
        const t0 = performance.now();
        const count = await work(n);
        total += count;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { signals: total, seconds: (performance.now() - started) / 1000, latencies };
}

export type LoadRun = Awaited<ReturnType<typeof loop>>;

/** Several runs of one load as one: signals per second over their time together, latency percentiles over all requests. */
export function summarise(runs: LoadRun[]) {
  const signals = runs.reduce((n, r) => n + r.signals, 0);
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  return { signals, perSecond: Math.round(signals / seconds), p50Ms: +percentile(latencies, 50).toFixed(1), p99Ms: +percentile(latencies, 99).toFixed(1), requests: latencies.length };
}

