// The harness first: it loads the HTTP app, which extends zod before any schema is built.
import { useTestContext, type TestWorkspace } from "../support/context.ts";
import { beforeAll, describe, expect, it } from "vitest";
import { selectPurchaseSummary, type PurchaseSummary } from "../../db/queries/model.ts";
import { importTransactions } from "../../src/model-fits/import-transactions.ts";
import { buildSummary, type TransactionTable } from "../../src/model/index.ts";
import { ingestSignals } from "../../src/signals/ingest.ts";
import { signal } from "../support/factories.ts";
import { CALIBRATION_END, cdnowCustomers } from "./support.ts";

const ctx = useTestContext();

const byId = (s: PurchaseSummary) => new Map(s.ids.map((id, i) => [id, { x: s.x[i]!, tx: s.tx[i]!, T: s.T[i]!, zbar: s.zbar[i]! }]));

describe("the purchase summary in SQL", () => {
  let ws: TestWorkspace;
  let transactions: TransactionTable;
  beforeAll(async () => {
    ctx.setNow(CALIBRATION_END);
    ws = await ctx.workspace();
    transactions = await cdnowCustomers(250);
    const imported = await importTransactions(ctx, { workspaceId: ws.id, transactions });
    expect(imported).toMatchObject({ rows: transactions.day.length, accepted: transactions.day.length, rejected: 0, customers: 250 });
  });

  it("equals buildSummary on CDNOW customers, the holdout purchases left out", async () => {
    const sql = await selectPurchaseSummary(ctx.database.sql, { workspaceId: ws.id, asOf: new Date(CALIBRATION_END) });
    const lib = buildSummary(transactions, { calibrationEnd: "1997-09-30" });
    expect(sql.size).toBe(250);
    expect(sql.size).toBe(lib.size);
    expect(sql.repeatCustomers).toBe(lib.x.filter((x) => x > 0).length);
    const expected = byId({ ...lib, repeatCustomers: 0 });
    for (const [id, got] of byId(sql)) {
      const want = expected.get(id)!;
      expect({ id, x: got.x, tx: got.tx, T: got.T }).toEqual({ id, x: want.x, tx: want.tx, T: want.T });
      expect(got.zbar).toBeCloseTo(want.zbar, 9);
    }
  });

  it("summarises one customer alone the same way", async () => {
    const all = byId(await selectPurchaseSummary(ctx.database.sql, { workspaceId: ws.id, asOf: new Date(CALIBRATION_END) }));
    const one = await selectPurchaseSummary(ctx.database.sql, { workspaceId: ws.id, asOf: new Date(CALIBRATION_END), customerIds: ["7"] });
    expect(one.ids).toEqual(["7"]);
    expect(byId(one).get("7")).toEqual(all.get("7"));
  });

  it("stores nothing twice when the same file is imported again", async () => {
    const again = await importTransactions(ctx, { workspaceId: ws.id, transactions });
    expect(again).toMatchObject({ accepted: 0, duplicates: transactions.day.length, rejected: 0 });
  });

  it("merges a day's purchases, and ignores other signal types, later purchases and other workspaces", async () => {
    const mine = await ctx.workspace();
    const other = await ctx.workspace();
    const asOf = new Date("2026-03-31T23:00:00Z");
    const at = (day: string, time = "10:00:00") => `2026-${day}T${time}Z`;
    const buy = (customer: string, when: string, amount: number) => signal.purchase(customer, when, { data: { amount } });
    await ingestSignals(ctx, {
      workspaceId: mine.id,
      items: [
        buy("c-1", at("03-01"), 10),
        buy("c-1", at("03-01", "15:00:00"), 20), // same day: one transaction with the first
        buy("c-1", at("03-08"), 30),
        buy("c-1", at("03-15", "01:00:00"), 40),
        buy("c-1", at("03-15", "23:30:00"), 60), // same UTC day as the one before
        buy("c-1", at("04-02"), 999), // after the as-of moment
        signal.refund("c-1", at("03-16")),
        signal.session("c-1", at("03-20")),
        signal.competitorPurchase("c-1", at("03-21")),
        buy("c-2", at("03-31", "22:00:00"), 25), // a first purchase only
        signal.session("c-3", at("03-20")), // never bought
      ],
    });
    await ingestSignals(ctx, { workspaceId: other.id, items: [buy("c-1", at("03-25"), 500)] });

    const s = byId(await selectPurchaseSummary(ctx.database.sql, { workspaceId: mine.id, asOf }));
    expect([...s.keys()]).toEqual(["c-1", "c-2"]);
    expect(s.get("c-1")).toEqual({ x: 2, tx: 2, T: 30 / 7, zbar: (30 + 100) / 2 });
    expect(s.get("c-2")).toEqual({ x: 0, tx: 0, T: 0, zbar: 0 });
  });
});
