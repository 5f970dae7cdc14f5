// The CLI's side of replays: arguments in, progress and rejected lines on stderr, the
// summary on stdout; and the simulator written as JSON lines for anyone to replay.
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import type { Deps } from "../deps.ts";
import { simulate } from "../simulator/index.ts";
import { replayFile } from "./replay-file.ts";

type Values = Record<string, string | boolean | undefined>;

/** A date (`2025-03-01`, UTC midnight) or an ISO date-time. */
export function parseMoment(value: string): Date | null {
  const v = value.trim();
  const t = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? new Date(t) : null;
}

export async function parseReplayArgs(values: Values, usage: (m: string) => Error) {
  const str = (name: string) => {
    const v = values[name];
    if (typeof v !== "string" || v.trim() === "") throw usage(`--${name} is required`);
    return v;
  };
  const date = (name: string) => {
    const d = parseMoment(str(name));
    if (!d) throw usage(`--${name} must be a date (YYYY-MM-DD) or an ISO date-time`);
    return d;
  };
  const signals = str("signals");
  const from = date("from");
  const to = date("to");
  if (to <= from) throw usage("--to must be after --from");
  const out = str("out");
  const stepDays = values["step-days"] === undefined ? 7 : Number(values["step-days"]);
  if (!Number.isInteger(stepDays) || stepDays < 1 || stepDays > 365) throw usage("--step-days must be a whole number from 1 to 365");
  const snapshots = typeof values.snapshots === "string" && values.snapshots.trim() !== ""
    ? values.snapshots.split(",").map((s) => {
        const d = parseMoment(s);
        if (!d) throw usage(`--snapshots: "${s}" is not a date`);
        if (d < from || d > to) throw usage(`--snapshots: ${s} is outside --from … --to`);
        return d;
      })
    : [];
  const jsonFile = async (name: string) => {
    const file = values[name];
    if (typeof file !== "string") return undefined;
    try {
      return JSON.parse(await readFile(file, "utf8")) as unknown;
    } catch (err) {
      throw usage(`--${name} ${file}: ${(err as Error).message}`);
    }
  };
  const settings = await jsonFile("settings");
  const rulesFile = await jsonFile("rules");
  // A rules file is a list of rules, or { "rules": [...] }.
  const rules = rulesFile && !Array.isArray(rulesFile) && typeof rulesFile === "object" && "rules" in rulesFile ? (rulesFile as { rules: unknown }).rules : rulesFile;
  const workspaceId = typeof values.workspace === "string" ? values.workspace : undefined;
  const keepWorkspace = values["keep-workspace"] === true;
  let shown = 0;
  return {
    run: (deps: Deps) =>
      replayFile(deps, {
        signals,
        from,
        to,
        stepDays,
        workspaceId,
        settings,
        rules,
        out,
        snapshots,
        keepWorkspace,
        onRejected: (r) => {
          // Every rejected line is in summary.json; the first hundred are shown as they come.
          if (++shown > 100) return;
          const what = r.errors.map((e) => `${e.path}: ${e.message}`).join("; ");
          process.stderr.write(`line ${r.line ?? "?"}${r.id ? ` (${r.id})` : ""} rejected: ${what}\n`);
          if (shown === 100) process.stderr.write("(more rejected lines are listed in summary.json)\n");
        },
        onProgress: (p) => {
          if ("reading" in p) process.stderr.write(`reading: ${p.reading} lines\n`);
          else process.stderr.write(`${p.at.slice(0, 16)}Z  moment ${p.moment}/${p.moments}  ${p.signals} signals  ${p.alerts} alerts\n`);
        },
      }),
  };
}

type Summary = Awaited<ReturnType<typeof replayFile>>;

export function printReplay(out: { print(human: string, data: unknown): void }, s: Summary) {
  const rules = Object.entries(s.alertsByRule).map(([r, n]) => `    ${r}: ${n}`);
  out.print(
    [
      `Replayed ${s.signalsFile} from ${s.from} to ${s.to} in ${s.seconds.total} s:`,
      `  ${s.lines} lines: ${s.signals.accepted} signals accepted (${s.signals.history} as history before --from), ${s.signals.duplicates} duplicates, ${s.rejectedLines} rejected, ${s.ignoredAfterTo} after --to ignored`,
      `  ${s.customers} customers; ${s.alerts} alerts on ${s.customersAlerted} customers (${Object.entries(s.alertsBySeverity).map(([k, n]) => `${k} ${n}`).join(", ") || "none"})`,
      ...(rules.length > 0 ? ["  alerts by rule:", ...rules] : []),
      `  ${s.dailyPasses} daily passes, ${s.modelFits.fitted} model fits (${s.modelFits.insufficientData} with too little data), ${s.tierReevaluations} tier re-evaluations, ${s.alertsResolved} alerts resolved after 28 days`,
      `  time: ingest ${s.seconds.ingest} s, refresh ${s.seconds.refresh} s, daily passes ${s.seconds.dailyPasses} s, model fits ${s.seconds.modelFits} s`,
      `  written: alerts.jsonl, ${s.snapshots.length > 0 ? "scores.jsonl, " : ""}summary.json`,
    ].join("\n"),
    s,
  );
}

/** The simulator's signals as JSON lines (the `POST /v1/signals` item shape) and its ground truth beside them. */
export async function writeSimulationFiles(input: { customers: number; days: number; seed: number; file: string; start?: Date }) {
  const day = 86_400_000;
  const start = input.start ?? new Date(Math.floor(Date.now() / day) * day - input.days * day);
  const sim = simulate({ customers: input.customers, days: input.days, seed: input.seed, start, prefix: `sim${input.seed}` });
  const truthFile = input.file.replace(/\.jsonl$/, "") + ".truth.jsonl";
  const write = async (file: string, rows: readonly unknown[]) => {
    const stream = createWriteStream(file);
    for (let i = 0; i < rows.length; i += 1_000) {
      if (!stream.write(rows.slice(i, i + 1_000).map((r) => JSON.stringify(r)).join("\n") + "\n")) await once(stream, "drain");
    }
    stream.end();
    await once(stream, "close");
  };
  await write(input.file, sim.signals);
  await write(truthFile, sim.truth);
  return {
    file: input.file,
    truthFile,
    signals: sim.signals.length,
    customers: input.customers,
    defectors: sim.truth.filter((t) => t.defected).length,
    start: sim.start.toISOString().slice(0, 10),
    end: sim.end.toISOString().slice(0, 10),
  };
}
