// Getting a simulation into a workspace: bulk (straight through `ingestSignals`, batches
// of 1,000, the same validation, identities and refresh requests as the API) or live
// (POST /v1/signals at a given rate, as a CRM platform would).
import type { Deps } from "../deps.ts";
import { ingestSignals } from "../signals/ingest.ts";
import { MAX_BATCH, type SignalInput } from "../signals/schema.ts";
import { getWorkspace } from "../workspaces/workspaces.ts";

export type LoadResult = { signals: number; accepted: number; duplicates: number; rejected: number; ms: number; firstErrors: unknown[] };

export async function bulkLoadSignals(
  deps: Deps,
  input: { workspaceId: string; signals: readonly SignalInput[]; batchSize?: number; onBatch?: (done: number, total: number) => void },
): Promise<LoadResult> {
  const started = performance.now();
  const { settings } = await getWorkspace(deps.database.db, input.workspaceId);
  const size = Math.min(MAX_BATCH, input.batchSize ?? MAX_BATCH);
  const result: LoadResult = { signals: input.signals.length, accepted: 0, duplicates: 0, rejected: 0, ms: 0, firstErrors: [] };
  for (let i = 0; i < input.signals.length; i += size) {
    const r = await ingestSignals(deps, { workspaceId: input.workspaceId, items: input.signals.slice(i, i + size), settings });
    result.accepted += r.accepted;
    result.duplicates += r.duplicates;
    result.rejected += r.rejected;
    if (r.rejected > 0 && result.firstErrors.length < 5) result.firstErrors.push(...r.results.filter((x) => x.status === "rejected").slice(0, 5));
    input.onBatch?.(Math.min(i + size, input.signals.length), input.signals.length);
  }
  result.ms = Math.round(performance.now() - started);
  return result;
}

/** Pushes the signals through the HTTP API at about `rate` signals per second. */
export async function liveLoadSignals(input: {
  url: string;
  key: string;
  signals: readonly SignalInput[];
  rate: number;
  fetch?: typeof fetch;
  onBatch?: (done: number, total: number) => void;
}): Promise<LoadResult> {
  const started = performance.now();
  const doFetch = input.fetch ?? fetch;
  const size = Math.max(1, Math.min(MAX_BATCH, Math.round(input.rate / 10) || 1));
  const result: LoadResult = { signals: input.signals.length, accepted: 0, duplicates: 0, rejected: 0, ms: 0, firstErrors: [] };
  const endpoint = new URL("/v1/signals", input.url).toString();
  for (let i = 0; i < input.signals.length; i += size) {
    const batch = input.signals.slice(i, i + size);
    const due = started + (i / input.rate) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const res = await doFetch(endpoint, {
      method: "POST",
      headers: { authorization: `Bearer ${input.key}`, "content-type": "application/json" },
      body: JSON.stringify({ signals: batch }),
    });
    if (!res.ok) throw new Error(`POST ${endpoint} answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
    const body = (await res.json()) as { accepted: number; duplicates: number; rejected: number; results: { status: string }[] };
    result.accepted += body.accepted;
    result.duplicates += body.duplicates;
    result.rejected += body.rejected;
    if (body.rejected > 0 && result.firstErrors.length < 5) result.firstErrors.push(...body.results.filter((x) => x.status === "rejected").slice(0, 5));
    input.onBatch?.(Math.min(i + size, input.signals.length), input.signals.length);
  }
  result.ms = Math.round(performance.now() - started);
  return result;
}
