// `npm run cli -- replay`: a JSON-lines file of signals replayed through the whole pipeline
// in a scratch workspace, with alerts.jsonl, scores.jsonl (per snapshot date) and
// summary.json written to a directory.
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { once } from "node:events";
import type { Deps } from "../deps.ts";
import { runReplay, type ReplayProgress } from "./engine.ts";
import { openJsonlSource } from "./jsonl-source.ts";
import { replayAlerts, replaySummary, scoreSnapshot } from "./results.ts";
import { createScratchWorkspace, parseReplaySetup, removeScratchWorkspace } from "./scratch.ts";
import type { RejectedItem } from "./source.ts";

export type ReplayFileInput = {
  signals: string;
  from: Date;
  to: Date;
  stepDays?: number;
  /** Run with this workspace's settings and rules (copied; the workspace itself is not touched). */
  workspaceId?: string;
  settings?: unknown;
  rules?: unknown;
  out: string;
  snapshots?: Date[];
  /** Keep the scratch workspace afterwards (to look at it through the API or SQL). */
  keepWorkspace?: boolean;
  onRejected?: (r: RejectedItem) => void;
  onProgress?: (p: ReplayProgress | { reading: number }) => void;
};

/** Rejected lines listed in summary.json (all are counted). */
const MAX_LISTED = 1_000;

export async function replayFile(deps: Deps, input: ReplayFileInput) {
  const started = performance.now();
  const setup = parseReplaySetup({ settings: input.settings, rules: input.rules });
  const rejected: RejectedItem[] = [];
  let rejectedCount = 0;
  const onRejected = (r: RejectedItem) => {
    rejectedCount++;
    if (rejected.length < MAX_LISTED) rejected.push(r);
    input.onRejected?.(r);
  };
  const source = await openJsonlSource(input.signals, { to: input.to.getTime(), onRejected, onProgress: (lines) => input.onProgress?.({ reading: lines }) });
  let workspaceId: string | null = null;
  try {
    workspaceId = await createScratchWorkspace(deps, {
      name: `replay of ${input.signals}`,
      copyFrom: input.workspaceId,
      settings: setup.settings,
      rules: setup.rules,
    });
    await mkdir(input.out, { recursive: true });
    const scores = createWriteStream(join(input.out, "scores.jsonl"));
    const ws = workspaceId;
    let stats;
    try {
      stats = await runReplay(deps, {
        workspaceId: ws,
        source,
        from: input.from,
        to: input.to,
        stepDays: input.stepDays,
        snapshots: input.snapshots,
        onRejected,
        onSnapshot: async (at, d) => {
          for await (const page of scoreSnapshot(d, ws, at)) await writeLines(scores, page);
        },
        progress: input.onProgress,
        // No scheduler runs beside the CLI: the replay keeps the tables vacuumed itself.
        vacuum: true,
      });
    } finally {
      scores.end();
      await once(scores, "close");
    }
    const alerts = createWriteStream(join(input.out, "alerts.jsonl"));
    try {
      for await (const page of replayAlerts(deps, ws)) {
        await writeLines(
          alerts,
          page.map(({ alertId: _id, ...a }) => a),
        );
      }
    } finally {
      alerts.end();
      await once(alerts, "close");
    }
    // Lines rejected before the replay (not JSON, no date) count with those ingest rejected.
    stats.signals.rejected = rejectedCount;
    const summary = await replaySummary(deps, ws, stats, {
      signalsFile: input.signals,
      from: input.from.toISOString(),
      to: input.to.toISOString(),
      stepDays: input.stepDays ?? 7,
      snapshots: (input.snapshots ?? []).map((d) => d.toISOString()),
      lines: source.lines,
      ignoredAfterTo: source.ignored ?? 0,
      rejectedLines: rejectedCount,
      workspace: input.keepWorkspace ? ws : null,
    });
    const full = { ...summary, seconds: { ...summary.seconds, total: Math.round((performance.now() - started) / 100) / 10 }, rejected };
    await writeFile(join(input.out, "summary.json"), JSON.stringify(full, null, 2) + "\n");
    return full;
  } finally {
    await source.close?.();
    if (workspaceId && !input.keepWorkspace) await removeScratchWorkspace(deps, workspaceId);
  }
}

async function writeLines(stream: WriteStream, rows: readonly unknown[]) {
  if (rows.length === 0) return;
  if (!stream.write(rows.map((r) => JSON.stringify(r)).join("\n") + "\n")) await once(stream, "drain");
}
