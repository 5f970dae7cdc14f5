/**
 * Per-customer recency/frequency/monetary summary with the conventions of Fader, Hardie & Lee
 * (2005) and of the CDNOW summary file:
 * - purchases on the same calendar day are one transaction (their amounts are summed);
 * - x = repeat transactions in the calibration period (all but the first);
 * - t_x = weeks from the first purchase to the last calibration purchase (0 when x = 0);
 * - T = weeks from the first purchase to the calibration end date;
 * - z̄ = mean value of the repeat transactions (0 when x = 0);
 * - holdout x = transactions (days) in (calibrationEnd, holdoutEnd].
 * Customers whose first purchase is after the calibration end are not part of the cohort.
 */
import {
  isTransactionTable,
  parseDay,
  toTransactionTable,
  type TransactionRecord,
  type TransactionTable,
} from "./transactions.ts";

export interface SummaryOptions {
  /** Last day of the calibration period (inclusive). */
  calibrationEnd: string | Date | number;
  /** Last day of the holdout period (inclusive); omit for no holdout counts. */
  holdoutEnd?: string | Date | number;
  /** Length of a time unit in days (default 7: weeks, as in the papers). */
  daysPerUnit?: number;
}

export interface CustomerSummary {
  ids: string[];
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  zbar: Float64Array;
  /** Repeat transactions in the holdout period (zeros if there is no holdout). */
  holdoutX: Float64Array;
  /** Total value of the holdout transactions. */
  holdoutValue: Float64Array;
  /** Day of the first purchase (days since 1970-01-01). */
  firstDay: Int32Array;
  size: number;
  calibrationEndDay: number;
  holdoutEndDay: number | null;
  /** Holdout length in time units ((holdoutEnd − calibrationEnd) / daysPerUnit), 0 if none. */
  holdoutLength: number;
  daysPerUnit: number;
}

export function buildSummary(
  transactions: TransactionTable | readonly TransactionRecord[],
  opts: SummaryOptions,
): CustomerSummary {
  const tbl = isTransactionTable(transactions) ? transactions : toTransactionTable(transactions as readonly TransactionRecord[]);
  const calEnd = parseDay(opts.calibrationEnd);
  const holdEnd = opts.holdoutEnd === undefined ? null : parseDay(opts.holdoutEnd);
  if (holdEnd !== null && holdEnd < calEnd) throw new Error("holdoutEnd is before calibrationEnd");
  const unit = opts.daysPerUnit ?? 7;
  const n = tbl.day.length;

  // Customer index per row, in order of first appearance.
  const index = new Map<string, number>();
  const custOf = new Int32Array(n);
  const idList: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = tbl.customerId[i]!;
    let c = index.get(id);
    if (c === undefined) {
      c = idList.length;
      index.set(id, c);
      idList.push(id);
    }
    custOf[i] = c;
  }
  const nc = idList.length;

  // Counting sort of rows by customer, then by day within each customer.
  const start = new Int32Array(nc + 1);
  for (let i = 0; i < n; i++) start[custOf[i]! + 1]!++;
  for (let c = 0; c < nc; c++) start[c + 1] = start[c + 1]! + start[c]!;
  const fill = start.slice(0, nc);
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[fill[custOf[i]!]!++] = i;
  for (let c = 0; c < nc; c++) sortRowsByDay(rows, start[c]!, start[c + 1]!, tbl.day);

  const ids: string[] = [];
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  const zbar: number[] = [];
  const hx: number[] = [];
  const hv: number[] = [];
  const first: number[] = [];
  for (let c = 0; c < nc; c++) {
    const lo = start[c]!;
    const hi = start[c + 1]!;
    const d0 = tbl.day[rows[lo]!]!;
    if (d0 > calEnd) continue; // first purchase after calibration: not in the cohort
    let repeats = 0;
    let repeatValue = 0;
    let lastDay = d0;
    let holdCount = 0;
    let holdValue = 0;
    let prevDay = NaN;
    for (let k = lo; k < hi; k++) {
      const row = rows[k]!;
      const d = tbl.day[row]!;
      const amt = tbl.amount[row]!;
      if (d <= calEnd) {
        // A new calendar day after the first is a repeat transaction; same-day rows merge.
        if (d !== d0) {
          if (d !== prevDay) repeats++;
          repeatValue += amt;
          lastDay = d;
        }
      } else if (holdEnd !== null && d <= holdEnd) {
        if (d !== prevDay) holdCount++;
        holdValue += amt;
      }
      prevDay = d;
    }
    ids.push(idList[c]!);
    x.push(repeats);
    tx.push(repeats > 0 ? (lastDay - d0) / unit : 0);
    T.push((calEnd - d0) / unit);
    zbar.push(repeats > 0 ? repeatValue / repeats : 0);
    hx.push(holdCount);
    hv.push(holdValue);
    first.push(d0);
  }
  return {
    ids,
    x: Float64Array.from(x),
    tx: Float64Array.from(tx),
    T: Float64Array.from(T),
    zbar: Float64Array.from(zbar),
    holdoutX: Float64Array.from(hx),
    holdoutValue: Float64Array.from(hv),
    firstDay: Int32Array.from(first),
    size: ids.length,
    calibrationEndDay: calEnd,
    holdoutEndDay: holdEnd,
    holdoutLength: holdEnd === null ? 0 : (holdEnd - calEnd) / unit,
    daysPerUnit: unit,
  };
}

/** Sorts rows[lo, hi) by day; insertion sort for the usual handful of rows per customer. */
function sortRowsByDay(rows: Int32Array, lo: number, hi: number, day: Int32Array): void {
  if (hi - lo > 32) {
    const part = Array.from(rows.subarray(lo, hi)).sort((a, b) => day[a]! - day[b]! || a - b);
    rows.set(part, lo);
    return;
  }
  for (let i = lo + 1; i < hi; i++) {
    const v = rows[i]!;
    const dv = day[v]!;
    let j = i - 1;
    while (j >= lo && day[rows[j]!]! > dv) {
      rows[j + 1] = rows[j]!;
      j--;
    }
    rows[j + 1] = v;
  }
}
