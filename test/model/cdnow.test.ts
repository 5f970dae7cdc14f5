import { describe, it, expect } from "vitest";
import { loadTransactions, parseSummaryCsv, parseTransactions } from "../../src/model/cdnow.ts";
import { formatDay, parseDay } from "../../src/model/transactions.ts";
import { cdnowPath, readCdnow } from "./data.ts";

describe("CDNOW readers", () => {
  it("reads all 6,919 rows and 2,357 customers of CDNOW_sample.txt", () => {
    const t = parseTransactions(readCdnow("CDNOW_sample.txt"), "cdnow-sample");
    expect(t.day.length).toBe(6919);
    expect(new Set(t.customerId).size).toBe(2357);
    // First row: " 00004 0001 19970101  2   29.33" → sample id 1.
    expect([t.customerId[0], formatDay(t.day[0]!), t.amount[0]]).toEqual(["1", "1997-01-01", 29.33]);
  });

  it("reads all 69,659 rows and 23,570 customers of CDNOW_master.txt, skipping its header", async () => {
    const t = await loadTransactions(cdnowPath("CDNOW_master.txt"), "cdnow-master");
    expect(t.day.length).toBe(69659);
    expect(new Set(t.customerId).size).toBe(23570);
    expect([t.customerId[0], formatDay(t.day[0]!), t.amount[0]]).toEqual(["1", "1997-01-01", 11.77]);
  });

  it("reads the published summary with its CRLF line ends", () => {
    const text = readCdnow("cdnow_customers_summary_with_transactions.csv");
    expect(text.includes("\r\n")).toBe(true);
    const s = parseSummaryCsv(text);
    expect(s.ids.length).toBe(2357);
    expect([s.x[0], s.tx[0], s.T[0], s.zbar[0]]).toEqual([2, 30.43, 38.86, 22.35]);
  });

  it("rejects an unknown format", async () => {
    await expect(loadTransactions(cdnowPath("CDNOW_sample.txt"), "xlsx")).rejects.toThrow(/unknown transaction format/);
  });
});

describe("generic CSV reader", () => {
  it("reads ISO and YYYYMMDD dates and CRLF line ends", () => {
    const t = parseTransactions("customerId,date,amount\r\na,2024-03-01,10.5\r\nb,20240302,3\r\n", "csv");
    expect(t.customerId).toEqual(["a", "b"]);
    expect(Array.from(t.day, formatDay)).toEqual(["2024-03-01", "2024-03-02"]);
    expect(Array.from(t.amount)).toEqual([10.5, 3]);
  });

  it("finds the columns by name, in any order, with quoted fields", () => {
    const t = parseTransactions('amount,customer_id,date\n1000,"x,1",2024-01-05T23:30:00Z\n2,"y ""z""",2024-01-06\n', "csv");
    expect(t.customerId).toEqual(["x,1", 'y "z"']);
    expect(Array.from(t.amount)).toEqual([1000, 2]);
    expect(formatDay(t.day[0]!)).toBe("2024-01-05");
  });

  it("names the line of a bad date", () => {
    expect(() => parseTransactions("customerId,date,amount\na,2024-01-01,1\nb,2024-02-30,1\n", "csv")).toThrow(/line 3/);
  });

  it("requires the three columns in the header", () => {
    expect(() => parseTransactions("who,when\na,2024-01-01\n", "csv")).toThrow(/header/);
  });
});

describe("calendar days", () => {
  it("counts days in UTC whatever the format", () => {
    expect(parseDay("19970930") - parseDay("1997-01-01")).toBe(272);
    expect(parseDay(new Date("1997-01-01T12:00:00Z"))).toBe(parseDay("1997-01-01"));
  });
});
