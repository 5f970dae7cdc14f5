/**
 * Transactions in columnar form, and calendar-day arithmetic.
 *
 * Days are integers counted from 1970-01-01 in UTC, so "same day" and "weeks between purchases"
 * never depend on the machine's time zone or on daylight-saving changes.
 */

export interface TransactionTable {
  customerId: string[];
  /** Day of the transaction, days since 1970-01-01 (UTC). */
  day: Int32Array;
  amount: Float64Array;
}

export interface TransactionRecord {
  customerId: string;
  /** ISO date (YYYY-MM-DD or a full ISO timestamp), YYYYMMDD, a Date, or a day number. */
  date: string | Date | number;
  amount: number;
}

const MS_PER_DAY = 86_400_000;

/** Parses YYYYMMDD, YYYY-MM-DD, or an ISO timestamp (its UTC calendar day) into a day number. */
export function parseDay(value: string | Date | number): number {
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new Error(`not a day number: ${value}`);
    return value;
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new Error("invalid Date");
    return Math.floor(ms / MS_PER_DAY);
  }
  const s = value.trim();
  let y: number;
  let m: number;
  let d: number;
  if (/^\d{8}$/.test(s)) {
    y = Number(s.slice(0, 4));
    m = Number(s.slice(4, 6));
    d = Number(s.slice(6, 8));
  } else if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    y = Number(s.slice(0, 4));
    m = Number(s.slice(5, 7));
    d = Number(s.slice(8, 10));
  } else if (/^\d{4}-\d{2}-\d{2}[T ]/.test(s)) {
    const ms = Date.parse(s);
    if (Number.isNaN(ms)) throw new Error(`invalid date: ${JSON.stringify(value)}`);
    return Math.floor(ms / MS_PER_DAY);
  } else {
    throw new Error(`invalid date (want YYYY-MM-DD or YYYYMMDD): ${JSON.stringify(value)}`);
  }
  const ms = Date.UTC(y, m - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
    throw new Error(`invalid date: ${JSON.stringify(value)}`);
  }
  return ms / MS_PER_DAY;
}

/** Day number → YYYY-MM-DD. */
export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function toTransactionTable(records: readonly TransactionRecord[]): TransactionTable {
  const n = records.length;
  const customerId = new Array<string>(n);
  const day = new Int32Array(n);
  const amount = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    customerId[i] = String(r.customerId);
    day[i] = parseDay(r.date);
    amount[i] = r.amount;
  }
  return { customerId, day, amount };
}

export function isTransactionTable(v: unknown): v is TransactionTable {
  return typeof v === "object" && v !== null && "day" in v && (v as TransactionTable).day instanceof Int32Array;
}
