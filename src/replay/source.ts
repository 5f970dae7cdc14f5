// Where a replay's signals come from, in time order: an array already sorted (the
// simulator), a JSON-lines file in any order (sorted on disk by day, see jsonl-source.ts), or
// a workspace's stored signals (the API's replays, see workspace-source.ts).
import type { FieldError } from "../errors.ts";

/** One signal as sent, with the line it came from when it came from a file. */
export type SourceItem = { line: number | null; signal: unknown };

export type SignalSource = {
  /** Items not taken yet that occurred at or before `until` (ms), in time order, in batches of at most 1,000. */
  take(until: number): AsyncIterable<SourceItem[]>;
  /** Lines that could not be placed in time (not JSON, no valid occurredAt): rejected before the replay starts. */
  readonly rejectedEarly?: readonly RejectedItem[];
  /** Items dated after the replay's end, left out. */
  readonly ignored?: number;
  close?(): Promise<void>;
};

export type RejectedItem = { line: number | null; id: string | null; errors: FieldError[] };

export const BATCH = 1_000;

/** Signals already in time order (the simulator's). */
export function arraySource(signals: readonly unknown[], occurredAt: (s: unknown) => number = (s) => Date.parse((s as { occurredAt: string }).occurredAt)): SignalSource {
  let next = 0;
  return {
    async *take(until) {
      while (next < signals.length) {
        let end = next;
        while (end < signals.length && end - next < BATCH && occurredAt(signals[end]) <= until) end++;
        if (end === next) return;
        const batch = signals.slice(next, end).map((signal) => ({ line: null, signal }));
        next = end;
        yield batch;
      }
    },
  };
}
