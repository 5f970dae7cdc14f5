// Signals in: validate each item on its own, then store the accepted ones (identities,
// competitors, signals, refresh requests) in one transaction shared with the requests that
// arrived meanwhile (group commit), and only then answer. The refresh is queued after the
// commit; if the queue is away, the sweep finds the requests again in PostgreSQL, so
// nothing accepted is ever lost.
import type { WorkspaceSettings } from "../../db/schema.ts";
import type { Deps } from "../deps.ts";
import { zodIssuesToFieldErrors } from "../errors.ts";
import { hostileInputErrors } from "../input/hostile.ts";
import { aheadOfClock } from "../input/instant.ts";
import { toWorkspaceCurrency } from "../workspaces/settings.ts";
import { getWorkspace } from "../workspaces/workspaces.ts";
import { signalSchema, type SignalBatchResult } from "./schema.ts";
import { parsedDifferences } from "./idempotency.ts";
import { storeSignals, type Accepted } from "./store.ts";
import { countSignals } from "../metrics/record.ts";

export async function ingestSignals(
  deps: Deps,
  input: { workspaceId: string; items: readonly unknown[]; settings?: WorkspaceSettings },
): Promise<SignalBatchResult> {
  const settings = input.settings ?? (await getWorkspace(deps.database.db, input.workspaceId)).settings;
  const results: SignalBatchResult["results"] = [];
  const valid: Accepted[] = [];
  const seen = new Map<string, Accepted["signal"]>();
  // The later of the service's clock and the wall clock: a replay or a test pins the former
  // (ahead of or behind real time), and neither may turn away what the other would take.
  const now = new Date(Math.max(deps.clock().getTime(), Date.now()));

  input.items.forEach((item, index) => {
    // Hostile strings first (NUL, unpaired surrogates): PostgreSQL would refuse the whole flush.
    const hostile = hostileInputErrors(item, ["signals", index]);
    const parsed = hostile.length === 0 ? signalSchema.safeParse(item) : null;
    if (!parsed?.success) {
      const id = typeof (item as { id?: unknown })?.id === "string" ? (item as { id: string }).id : null;
      const errors = parsed ? zodIssuesToFieldErrors(parsed.error.issues, ["signals", index]) : hostile;
      results[index] = { index, id, status: "rejected", errors };
      return;
    }
    const signal = parsed.data;
    const ahead = aheadOfClock(signal.occurredAt, now);
    if (ahead) {
      results[index] = { index, id: signal.id, status: "rejected", errors: [{ path: `signals[${index}].occurredAt`, message: ahead }] };
      return;
    }
    let amount: number | null = null;
    if ("amount" in signal.data) {
      const converted = toWorkspaceCurrency(settings, signal.data.amount, signal.data.currency);
      if (typeof converted === "string") {
        results[index] = { index, id: signal.id, status: "rejected", errors: [{ path: `signals[${index}].data.currency`, message: converted }] };
        return;
      }
      amount = converted;
    }
    // The same id twice in one batch is counted once, like the same id in a later request.
    const first = seen.get(signal.id);
    if (first) {
      const differences = parsedDifferences(signal, first);
      results[index] = differences.length > 0 ? conflict(index, signal.id, differences) : { index, id: signal.id, status: "duplicate" };
      return;
    }
    seen.set(signal.id, signal);
    valid.push({ index, signal, amount });
  });

  if (valid.length > 0) {
    const stored = await storeSignals(deps, { workspaceId: input.workspaceId, receivedAt: deps.clock(), items: valid });
    for (const [i, v] of valid.entries()) {
      const { customerId, accepted, differences } = stored[i]!;
      results[v.index] = differences
        ? { ...conflict(v.index, v.signal.id, differences), customerId }
        : { index: v.index, id: v.signal.id, status: accepted ? "accepted" : "duplicate", customerId };
    }
  }

  countSignals(input.items, results);
  const count = (s: string) => results.filter((r) => r.status === s).length;
  return { accepted: count("accepted"), duplicates: count("duplicate"), conflicts: count("conflict"), rejected: count("rejected"), results };
}

/** An id reused with another payload: like Stripe, an error naming what differs; nothing is stored. */
const conflict = (index: number, id: string, differences: string[]): SignalBatchResult["results"][number] => ({
  index,
  id,
  status: "conflict",
  errors: differences.map((field) => ({
    path: `signals[${index}].${field}`,
    message: "differs from the signal already stored under this id; send a new id for a new signal",
  })),
});
