/**
 * Readers for transaction files: the CDNOW data set (FHL 2005's benchmark) and a generic CSV.
 *
 * - `cdnow-sample`: CDNOW_sample.txt, no header, `master_id sample_id YYYYMMDD cds dollars`.
 *   The customer id is the sample id without leading zeros, the ID of the published summary CSV.
 * - `cdnow-master`: CDNOW_master.txt, a header line, then `customer_id YYYYMMDD cds dollars`.
 *   The customer id is written without leading zeros.
 * - `csv`: header `customerId,date,amount` (column order free; `customer_id`/`id`, `value`/
 *   `dollars` accepted); dates ISO (YYYY-MM-DD or timestamp) or YYYYMMDD.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDay, type TransactionTable } from "./transactions.ts";

export const TRANSACTION_FORMATS = ["cdnow-sample", "cdnow-master", "csv"] as const;
export type TransactionFormat = (typeof TRANSACTION_FORMATS)[number];

export function isTransactionFormat(v: string): v is TransactionFormat {
  return (TRANSACTION_FORMATS as readonly string[]).includes(v);
}

class Builder {
  ids: string[] = [];
  days: number[] = [];
  amounts: number[] = [];
  push(id: string, day: number, amount: number): void {
    this.ids.push(id);
    this.days.push(day);
    this.amounts.push(amount);
  }
  build(): TransactionTable {
    return { customerId: this.ids, day: Int32Array.from(this.days), amount: Float64Array.from(this.amounts) };
  }
}

/** "00042" → "42"; other ids are kept as they are. */
function normaliseNumericId(s: string): string {
  return /^\d+$/.test(s) ? String(Number(s)) : s;
}

function parseAmount(s: string | undefined, where: string): number {
  const v = Number(s);
  if (s === undefined || s.trim() === "" || !Number.isFinite(v)) throw new Error(`${where}: invalid amount ${JSON.stringify(s)}`);
  return v;
}

function parseWhitespace(text: string, kind: "cdnow-sample" | "cdnow-master"): TransactionTable {
  const out = new Builder();
  const lines = text.split(/\r?\n/);
  const fields = kind === "cdnow-sample" ? 5 : 4;
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln]!.trim();
    if (line === "") continue;
    const f = line.split(/\s+/);
    // The master file has a header line; skip any line that does not start with a number.
    if (!/^\d/.test(f[0]!)) {
      if (out.ids.length === 0) continue;
      throw new Error(`${kind} line ${ln + 1}: unexpected text ${JSON.stringify(line)}`);
    }
    if (f.length < fields) throw new Error(`${kind} line ${ln + 1}: expected ${fields} fields, got ${f.length}`);
    const where = `${kind} line ${ln + 1}`;
    if (kind === "cdnow-sample") {
      out.push(normaliseNumericId(f[1]!), parseDay(f[2]!), parseAmount(f[4], where));
    } else {
      out.push(normaliseNumericId(f[0]!), parseDay(f[1]!), parseAmount(f[3], where));
    }
  }
  return out.build();
}

/** Splits one CSV line, honouring double quotes ("" inside quotes is a quote). */
function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(",").map((s) => s.trim());
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

function parseCsv(text: string): TransactionTable {
  const lines = text.split(/\r?\n/);
  let ln = 0;
  while (ln < lines.length && lines[ln]!.trim() === "") ln++;
  if (ln >= lines.length) return new Builder().build();
  const header = splitCsvLine(lines[ln]!.replace(/^\uFEFF/, "")).map((h) => h.toLowerCase().replace(/[\s_-]/g, ""));
  const col = (names: string[]): number => header.findIndex((h) => names.includes(h));
  const iId = col(["customerid", "customer", "id"]);
  const iDate = col(["date", "day", "timestamp"]);
  const iAmt = col(["amount", "value", "dollars", "dollarvalue"]);
  if (iId < 0 || iDate < 0 || iAmt < 0) {
    throw new Error(`csv: header must name customerId, date and amount columns, got ${JSON.stringify(lines[ln])}`);
  }
  const out = new Builder();
  for (ln++; ln < lines.length; ln++) {
    const line = lines[ln]!;
    if (line.trim() === "") continue;
    const f = splitCsvLine(line);
    const where = `csv line ${ln + 1}`;
    const id = f[iId];
    const date = f[iDate];
    if (!id || !date) throw new Error(`${where}: missing customerId or date`);
    let day: number;
    try {
      day = parseDay(date);
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`);
    }
    out.push(id, day, parseAmount(f[iAmt], where));
  }
  return out.build();
}

export function parseTransactions(text: string, format: TransactionFormat): TransactionTable {
  switch (format) {
    case "cdnow-sample":
    case "cdnow-master":
      return parseWhitespace(text, format);
    case "csv":
      return parseCsv(text);
    default: {
      const never: never = format;
      throw new Error(`unknown transaction format ${String(never)}`);
    }
  }
}

export async function loadTransactions(path: string | URL, format: TransactionFormat | string): Promise<TransactionTable> {
  if (!isTransactionFormat(format)) {
    throw new Error(`unknown transaction format ${JSON.stringify(format)} (want one of ${TRANSACTION_FORMATS.join(", ")})`);
  }
  return parseTransactions(await readFile(path, "utf8"), format);
}

/**
 * Directory of the CDNOW files: $RIVALWATCH_CDNOW_DIR if set, else `data/cdnow` in the repository,
 * which ships them (2.2 MB), so a clone needs nothing beside it.
 */
export function cdnowDataDir(): string {
  const env = process.env.RIVALWATCH_CDNOW_DIR;
  if (env && existsSync(env)) return resolve(env);
  const shipped = fileURLToPath(new URL("../../data/cdnow", import.meta.url)); // <repo>/src/model → <repo>/data/cdnow
  if (existsSync(join(shipped, "CDNOW_master.txt"))) return shipped;
  throw new Error(`CDNOW data not found in ${shipped}; set RIVALWATCH_CDNOW_DIR`);
}

export function cdnowFile(name: "CDNOW_sample.txt" | "CDNOW_master.txt" | "cdnow_customers_summary_with_transactions.csv"): string {
  return join(cdnowDataDir(), name);
}

/** The published CDNOW sample summary (`ID,x,t_x,T,zbar`, CRLF line ends). */
export interface PublishedSummary {
  ids: string[];
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  zbar: Float64Array;
}

export function parseSummaryCsv(text: string): PublishedSummary {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = lines[0]?.split(",").map((s) => s.trim());
  if (!header || header.join(",") !== "ID,x,t_x,T,zbar") throw new Error(`summary csv: unexpected header ${JSON.stringify(lines[0])}`);
  const n = lines.length - 1;
  const out: PublishedSummary = {
    ids: [],
    x: new Float64Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    zbar: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const f = lines[i + 1]!.split(",");
    out.ids.push(f[0]!.trim());
    out.x[i] = Number(f[1]);
    out.tx[i] = Number(f[2]);
    out.T[i] = Number(f[3]);
    out.zbar[i] = Number(f[4]);
  }
  return out;
}
