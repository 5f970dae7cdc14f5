// Concurrent batches that name the same new customers, or the same signal ids (a retry racing
// its original), in opposite orders: no deadlock reaches the caller, every signal is stored once.
import { afterAll, describe, expect, it } from "vitest";
import { connectDatabase, type Database } from "../../db/client.ts";
import { createApp } from "../../src/http/app.ts";
import { useTestContext } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();
const databases: Database[] = [];
afterAll(async () => {
  await Promise.all(databases.map((d) => d.close()));
});

/** An API process of its own: its own pools and its own group commit and identity cache. */
function apiProcess() {
  const database = connectDatabase(ctx.database.url, { max: 8 });
  databases.push(database);
  return createApp({ database, jobs: ctx.jobs, config: ctx.config, log: ctx.log, clock: ctx.clock });
}

describe("concurrent batches in opposite orders", () => {
  it("answer no 5xx and store each signal once", { timeout: 90_000 }, async () => {
    const ws = await ctx.workspace();
    const apis = [apiProcess(), apiProcess(), apiProcess(), apiProcess()];
    const post = (i: number, signals: unknown[]) =>
      apis[i % apis.length]!.request("/v1/signals", {
        method: "POST",
        headers: { authorization: `Bearer ${ws.keys.ingest}`, "content-type": "application/json" },
        body: JSON.stringify({ signals }),
      });
    const statuses: number[] = [];
    let expected = 0;
    for (let round = 0; round < 6; round++) {
      const customers = Array.from({ length: 400 }, (_, i) => `r${round}-c${i}`);
      const forward = customers.map((c) => signal.session(c, daysAgo(1)));
      const other = customers.map((c) => signal.purchase(c, daysAgo(2)));
      expected += forward.length + other.length;
      const responses = await Promise.all([
        post(0, forward),
        post(1, [...forward].reverse()), // the same ids, opposite order: a retry racing its original
        post(2, [...other].reverse()), // the same new customers, opposite order
        post(3, other),
      ]);
      statuses.push(...responses.map((r) => r.status));
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    const [row] = await ctx.database.sql<{ n: number; distinct: number }[]>`
      select count(*)::int as n, count(distinct id)::int as distinct from signals where workspace_id = ${ws.id}`;
    expect(row).toEqual({ n: expected, distinct: expected });
    const [customers] = await ctx.database.sql<{ n: number }[]>`select count(*)::int as n from customers where workspace_id = ${ws.id}`;
    expect(customers!.n).toBe(6 * 400);
  });
});
