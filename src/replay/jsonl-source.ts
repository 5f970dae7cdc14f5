// A JSON-lines file of signals (one `POST /v1/signals` item per line) as a replay source,
// in any order and of any size: one streaming pass files each line under its UTC day in a
// temporary directory (a bucket sort on disk), then the replay reads a day at a time, sorted
// by occurredAt and line number. Memory holds one day's lines and a bounded write buffer,
// never the file. Lines that are not JSON, or whose occurredAt cannot be read, are rejected
// here with their line number and the same validation errors as the API.
import { createReadStream } from "node:fs";
import { appendFile, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { zodIssuesToFieldErrors } from "../errors.ts";
import { signalSchema } from "../signals/schema.ts";
import { BATCH, type RejectedItem, type SignalSource, type SourceItem } from "./source.ts";

const DAY = 86_400_000;
/** Lines buffered in memory before the buffers are appended to their day files. */
const FLUSH_BYTES = 16 * 1024 * 1024;
/** At most this many early rejections are kept (all are counted). */
const MAX_KEPT_REJECTIONS = 1_000;

export type JsonlSource = SignalSource & { lines: number; rejectedEarlyCount: number };

export async function openJsonlSource(
  file: string,
  opts: { to: number; onRejected?: (r: RejectedItem) => void; onProgress?: (lines: number) => void },
): Promise<JsonlSource> {
  const dir = await mkdtemp(join(tmpdir(), "rivalwatch-replay-"));
  const buffers = new Map<number, string[]>();
  let buffered = 0;
  const flush = async () => {
    for (const [day, lines] of buffers) await appendFile(join(dir, `${day}.tsv`), lines.join(""));
    buffers.clear();
    buffered = 0;
  };
  const rejectedEarly: RejectedItem[] = [];
  let rejectedEarlyCount = 0;
  const reject = (r: RejectedItem) => {
    rejectedEarlyCount++;
    if (rejectedEarly.length < MAX_KEPT_REJECTIONS) rejectedEarly.push(r);
    opts.onRejected?.(r);
  };
  let ignored = 0;
  let lineNo = 0;
  try {
    const rl = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
    for await (const raw of rl) {
      lineNo++;
      if (lineNo % 100_000 === 0) opts.onProgress?.(lineNo);
      const text = raw.trim();
      if (text === "") continue;
      let item: unknown;
      try {
        item = JSON.parse(text);
      } catch (err) {
        reject({ line: lineNo, id: null, errors: [{ path: "(root)", message: `not valid JSON: ${(err as Error).message}` }] });
        continue;
      }
      const at = occurredAtOf(item);
      if (at === null) {
        // Which fields are wrong, as the API would say it.
        const parsed = signalSchema.safeParse(item);
        const errors = parsed.success ? [{ path: "occurredAt", message: "must be an ISO 8601 date-time" }] : zodIssuesToFieldErrors(parsed.error.issues);
        reject({ line: lineNo, id: idOf(item), errors });
        continue;
      }
      if (at > opts.to) {
        ignored++;
        continue;
      }
      const day = Math.floor(at / DAY);
      const entry = `${at}\t${lineNo}\t${text}\n`;
      let list = buffers.get(day);
      if (!list) buffers.set(day, (list = []));
      list.push(entry);
      buffered += entry.length;
      if (buffered >= FLUSH_BYTES) await flush();
    }
    await flush();
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  const days = (await readdir(dir)).map((f) => Number(f.slice(0, -4))).sort((a, b) => a - b);
  let dayIndex = 0;
  // The day being read: its entries sorted, and how far the replay has taken them.
  let current: { at: number; line: number; text: string }[] = [];
  let cursor = 0;
  const loadNextDay = async () => {
    const day = days[dayIndex++]!;
    const content = await readFile(join(dir, `${day}.tsv`), "utf8");
    await rm(join(dir, `${day}.tsv`), { force: true });
    current = content
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => {
        const a = l.indexOf("\t");
        const b = l.indexOf("\t", a + 1);
        return { at: Number(l.slice(0, a)), line: Number(l.slice(a + 1, b)), text: l.slice(b + 1) };
      })
      .sort((x, y) => x.at - y.at || x.line - y.line);
    cursor = 0;
  };

  return {
    lines: lineNo,
    rejectedEarly,
    rejectedEarlyCount,
    ignored,
    async *take(until) {
      let batch: SourceItem[] = [];
      for (;;) {
        if (cursor >= current.length) {
          if (dayIndex >= days.length || days[dayIndex]! * DAY > until) break;
          await loadNextDay();
          continue;
        }
        const e = current[cursor]!;
        if (e.at > until) break;
        cursor++;
        batch.push({ line: e.line, signal: JSON.parse(e.text) });
        if (batch.length >= BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
    async close() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function occurredAtOf(item: unknown): number | null {
  if (typeof item !== "object" || item === null) return null;
  const v = (item as { occurredAt?: unknown }).occurredAt;
  if (typeof v !== "string") return null;
  // The API's own check of the field, then its instant.
  if (!signalSchema.options[0].shape.occurredAt.safeParse(v).success) return null;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : null;
}

function idOf(item: unknown): string | null {
  const id = typeof item === "object" && item !== null ? (item as { id?: unknown }).id : undefined;
  return typeof id === "string" ? id : null;
}
