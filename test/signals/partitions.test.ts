// Signals live in monthly partitions (src/signals/partitions.ts). The hourly maintenance makes
// the months ahead, gives a signal that arrived in the default partition a month of its own,
// and drops a month whole once no workspace with signals in it keeps them; a workspace that
// keeps less than the others loses its old signals row by row (src/signals/retention.ts).
// Each test uses its own years: the partitions are the database's, shared by the file.
import { describe, expect, it } from "vitest";
import { maintainSignalPartitions } from "../../src/signals/partitions.ts";
import { enforceSignalRetention } from "../../src/signals/retention.ts";
import { readJson, useTestContext, type TestWorkspace } from "../support/context.ts";
import { signal } from "../support/factories.ts";

const ctx = useTestContext();
const sql = () => ctx.database.sql;

const post = async (ws: TestWorkspace, signals: unknown[]) => readJson(await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals } }));
const partitionOf = async (ws: TestWorkspace, id: string) =>
  (await sql()<{ p: string }[]>`select tableoid::regclass::text as p from signals where workspace_id = ${ws.id} and id = ${id}`)[0]?.p ?? null;
const partitions = async () =>
  (await sql()<{ name: string }[]>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'signals'::regclass order by 1`).map((r) => r.name);
const ids = async (ws: TestWorkspace) => ({
  signals: (await sql()<{ id: string }[]>`select id from signals where workspace_id = ${ws.id} order by id`).map((r) => r.id),
  ledger: (await sql()<{ id: string }[]>`select id from signal_ids where workspace_id = ${ws.id} order by id`).map((r) => r.id),
});
const setRetention = async (ws: TestWorkspace, signalRetentionDays: number | null) =>
  expect((await ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: { signalRetentionDays } })).status).toBe(200);

describe("signal partitions", () => {
  it("creates the current month and the three ahead, and creates nothing more when run again", async () => {
    ctx.setNow("2031-05-10T12:00:00Z");
    const first = await maintainSignalPartitions(ctx);
    expect(first.created).toEqual(["signals_2031_05", "signals_2031_06", "signals_2031_07", "signals_2031_08"]);
    expect(await partitions()).toEqual(expect.arrayContaining(first.created));
    const again = await maintainSignalPartitions(ctx);
    expect(again).toMatchObject({ created: [], moved: 0, dropped: [] });
  });

  it("accepts a signal no month's partition holds, then moves it to a partition of its month, where its id is still a key", async () => {
    ctx.setNow("2026-11-20T12:00:00Z");
    const ws = await ctx.workspace();
    const old = { ...signal.purchase("c-1", "2012-03-31T23:59:59.999Z"), id: "old-1" };
    const next = { ...signal.purchase("c-1", "2012-04-01T00:00:00Z"), id: "old-2" };
    expect(await post(ws, [old, next])).toMatchObject({ accepted: 2 });
    expect(await partitionOf(ws, "old-1")).toBe("signals_default");
    const run = await maintainSignalPartitions(ctx);
    expect(run.created).toEqual(expect.arrayContaining(["signals_2012_03", "signals_2012_04"]));
    expect(run.moved).toBeGreaterThanOrEqual(2);
    expect(await partitionOf(ws, "old-1")).toBe("signals_2012_03");
    expect(await partitionOf(ws, "old-2")).toBe("signals_2012_04");
    expect(await sql()`select 1 from signals_default where occurred_at < '2013-01-01'`).toHaveLength(0);
    // Still a duplicate, and still a conflict when the same id comes dated in another month.
    expect(await post(ws, [old])).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await post(ws, [{ ...old, occurredAt: "2012-05-02T00:00:00Z" }])).toMatchObject({ accepted: 0, conflicts: 1 });
    expect(await ids(ws)).toEqual({ signals: ["old-1", "old-2"], ledger: ["old-1", "old-2"] });
  });

  it("drops a month whole once every workspace with signals in it keeps fewer days, and keeps a month someone still needs", async () => {
    ctx.setNow("2026-11-20T12:00:00Z");
    const [a, b, c] = [await ctx.workspace(), await ctx.workspace(), await ctx.workspace()];
    expect(await post(a, [{ ...signal.purchase("c-1", "2014-03-05T00:00:00Z"), id: "a-2014-03" }, { ...signal.session("c-1", "2014-04-05T00:00:00Z"), id: "a-2014-04" }]))
      .toMatchObject({ accepted: 2 });
    expect(await post(b, [{ ...signal.purchase("c-9", "2014-03-07T00:00:00Z"), id: "b-2014-03" }])).toMatchObject({ accepted: 1 });
    // c keeps everything, and has a signal in April only.
    expect(await post(c, [{ ...signal.session("c-5", "2014-04-02T00:00:00Z"), id: "c-2014-04" }])).toMatchObject({ accepted: 1 });
    await setRetention(a, 365);
    await setRetention(b, 400);
    await sql()`delete from refresh_requests where workspace_id in ${sql()([a.id, b.id])}`;

    const run = await maintainSignalPartitions(ctx);
    expect(run.dropped).toContain("signals_2014_03");
    expect(run.dropped).not.toContain("signals_2014_04");
    expect(await partitions()).not.toContain("signals_2014_03");
    expect(await partitions()).toContain("signals_2014_04");
    expect(await ids(b)).toEqual({ signals: [], ledger: [] });
    expect((await ids(c)).signals).toEqual(["c-2014-04"]);
    // a's April signal is in a month c keeps: it goes by the row deletes the run queued.
    expect((await ids(a)).signals).toEqual(["a-2014-04"]);
    expect(run.retentionQueued).toBeGreaterThanOrEqual(2);
    const audit = await sql()`select workspace_id, detail from audit_log where action = 'signals.expired' and workspace_id in ${sql()([a.id, b.id])} order by workspace_id`;
    expect(audit.map((r) => r.detail)).toEqual([{ month: "2014-03", signals: 1 }, { month: "2014-03", signals: 1 }]);
    const requested = await sql()`select distinct workspace_id, customer_id from refresh_requests where workspace_id in ${sql()([a.id, b.id])} order by 1, 2`;
    expect(requested.map((r) => r.customer_id).sort()).toEqual(["c-1", "c-9"]);

    expect(await enforceSignalRetention(ctx, { workspaceId: a.id })).toEqual({ workspaceId: a.id, signalsRemoved: 1, customersAffected: 1 });
    expect(await ids(a)).toEqual({ signals: [], ledger: [] });
    expect(await enforceSignalRetention(ctx, { workspaceId: a.id })).toMatchObject({ signalsRemoved: 0 });
    expect((await ids(c)).ledger).toEqual(["c-2014-04"]);
    // Running again drops and deletes nothing more.
    expect(await maintainSignalPartitions(ctx)).toMatchObject({ dropped: [], droppedSignals: 0 });
  });

  it("keeps every month of a workspace that sets no retention, and a young month of one that does", async () => {
    ctx.setNow("2026-11-20T12:00:00Z");
    const [keeps, short] = [await ctx.workspace(), await ctx.workspace()];
    expect(await post(keeps, [{ ...signal.purchase("c-1", "2016-06-05T00:00:00Z"), id: "k-1" }])).toMatchObject({ accepted: 1 });
    expect(await post(short, [{ ...signal.purchase("c-1", "2026-06-05T00:00:00Z"), id: "s-1" }])).toMatchObject({ accepted: 1 });
    await setRetention(short, 365);
    const run = await maintainSignalPartitions(ctx);
    expect(run.dropped).not.toContain("signals_2016_06");
    expect(run.dropped).not.toContain("signals_2026_06");
    expect(await enforceSignalRetention(ctx, { workspaceId: short.id })).toMatchObject({ signalsRemoved: 0 });
    expect((await ids(keeps)).signals).toEqual(["k-1"]);
    expect((await ids(short)).signals).toEqual(["s-1"]);
  });

  it("finishes a month detached for dropping by a run that stopped half-way, and leaves a table an operator detached alone", async () => {
    ctx.setNow("2026-11-20T12:00:00Z");
    const ws = await ctx.workspace();
    expect(await post(ws, [{ ...signal.purchase("c-1", "2010-07-05T00:00:00Z"), id: "x-1" }, { ...signal.purchase("c-1", "2010-08-05T00:00:00Z"), id: "x-2" }]))
      .toMatchObject({ accepted: 2 });
    await maintainSignalPartitions(ctx);
    // What the run does before it drops: detached and renamed, the ledger untouched.
    await sql()`alter table signals detach partition signals_2010_07`;
    await sql()`alter table signals_2010_07 rename to signals_expired_2010_07`;
    await sql()`alter table signals detach partition signals_2010_08`;
    const run = await maintainSignalPartitions(ctx);
    expect(run.dropped).toEqual(["signals_2010_07"]);
    expect((await ids(ws)).ledger).toEqual(["x-2"]);
    expect(await sql()`select id from signals_2010_08`).toHaveLength(1);
  });

  it("refuses a retention shorter than 30 days, naming the field", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: { signalRetentionDays: 7 } });
    expect(res.status).toBe(422);
    expect((await readJson(res)).errors[0].path).toBe("signalRetentionDays");
  });
});
