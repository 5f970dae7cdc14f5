// Migration 0027 converts a populated, unpartitioned signals table into the monthly
// partitioned one with its id ledger: a database migrated up to 0025 is filled under the old
// schema, then migrated to the end, and every row must come through whole under its id, each
// in its month's partition, with the ids still idempotency keys.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connectDatabase, type Database } from "../../db/client.ts";
import { applyMigrations, migrationsFolder } from "../../db/migrate.ts";
import { ingestSignals } from "../../src/signals/ingest.ts";
import { defaultWorkspaceSettings } from "../../src/workspaces/settings.ts";
import { useTestContext } from "../support/context.ts";

const ctx = useTestContext();
const dbName = `rw_test_${process.pid}_m${randomBytes(3).toString("hex")}`;
let database: Database;
let before: { row: Record<string, unknown> }[];

/** The committed migrations up to and including `last`, in a folder of their own. */
async function migrationsUpTo(last: number) {
  const dir = await mkdtemp(path.join(tmpdir(), "rw-migrations-"));
  await cp(migrationsFolder, dir, { recursive: true });
  const journalPath = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(await readFile(journalPath, "utf8")) as { entries: { idx: number }[] };
  journal.entries = journal.entries.filter((e) => e.idx <= last);
  await writeFile(journalPath, JSON.stringify(journal));
  return dir;
}

const admin = () => postgres(inject("pgBaseUrl"), { max: 1, onnotice: () => {} });

beforeAll(async () => {
  const a = admin();
  await a.unsafe(`create database "${dbName}"`);
  await a.end();
  const u = new URL(inject("pgBaseUrl"));
  u.pathname = `/${dbName}`;
  database = connectDatabase(u.toString(), { max: 4 });
  const old = await migrationsUpTo(25);
  try {
    await migrate(database.db, { migrationsFolder: old });
  } finally {
    await rm(old, { recursive: true, force: true });
  }
  const { sql } = database;
  for (const ws of ["w-a", "w-b"]) {
    await sql`insert into workspaces (id, name, settings) values (${ws}, ${ws}, ${sql.json(defaultWorkspaceSettings as never)})`;
  }
  // Under the old schema: six years of history in both workspaces (the same ids in each),
  // every kind of column filled somewhere, and rows on both sides of a month's first instant.
  await sql`
    insert into signals (workspace_id, id, customer_id, identity_kind, identity_value, type, occurred_at, received_at,
      amount, competitor, source, confidence, period_start, period_end, consent_basis, data)
    select w, 'old-' || g, 'c-' || (g % 7), 'crm_id', 'c-' || (g % 7),
      case when g % 3 = 0 then 'competitor_purchase' else 'purchase' end,
      timestamptz '2020-12-31 23:00:00+00' + g * interval '5 days 3 hours', timestamptz '2026-11-01 00:00:00+00',
      1000 + g, case when g % 3 = 0 then 'rival' end, case when g % 3 = 0 then 'panel' end, case when g % 3 = 0 then 0.5 + (g % 5) / 10.0 end,
      case when g % 3 = 0 then timestamptz '2021-01-01 00:00:00+00' end, case when g % 3 = 0 then timestamptz '2021-02-01 00:00:00+00' end,
      case when g % 3 = 0 then 'consent' end,
      jsonb_build_object('orderId', 'o-' || g, 'amount', 1000 + g, 'currency', 'KRW')
    from generate_series(1, 420) g, (values ('w-a'), ('w-b')) as ws(w)`;
  await sql`
    insert into signals (workspace_id, id, customer_id, identity_kind, identity_value, type, occurred_at, data) values
      ('w-a', 'edge-before', 'c-1', 'crm_id', 'c-1', 'session', '2025-02-28 23:59:59.999+00', '{"durationSeconds": 300, "channel": "app"}'),
      ('w-a', 'edge-at', 'c-1', 'crm_id', 'c-1', 'session', '2025-03-01 00:00:00+00', '{"durationSeconds": 300, "channel": "app"}'),
      ('w-a', 'kept-1', 'c-1', 'device_id', 'ios-7', 'session', '2023-05-10 10:00:00+00', '{"durationSeconds": 300, "channel": "app"}')`;
  before = await sql<{ row: Record<string, unknown> }[]>`select to_jsonb(s) as row from signals s order by workspace_id, id`;
  await applyMigrations(database);
});

afterAll(async () => {
  await database?.close();
  const a = admin();
  await a.unsafe(`drop database if exists "${dbName}" with (force)`);
  await a.end();
});

describe("migration 0027 on a populated database", () => {
  it("keeps every row, column for column, under the same ids, and lists every id in the ledger", async () => {
    const { sql } = database;
    expect(before.length).toBe(843);
    const after = await sql<{ row: Record<string, unknown> }[]>`select to_jsonb(s) as row from signals s order by workspace_id, id`;
    expect(after.map((r) => r.row)).toEqual(before.map((r) => r.row));
    const ledger = await sql<{ workspace_id: string; id: string; occurred_at: Date }[]>`
      select workspace_id, id, occurred_at from signal_ids order by workspace_id, id`;
    expect(ledger.map((r) => [r.workspace_id, r.id, r.occurred_at.toISOString()])).toEqual(
      before.map(({ row }) => [row.workspace_id, row.id, new Date(row.occurred_at as string).toISOString()]),
    );
  });

  it("puts each row in the partition of its UTC month, the default one left empty", async () => {
    const { sql } = database;
    const [kind] = await sql<{ relkind: string }[]>`select relkind from pg_class where oid = 'signals'::regclass`;
    expect(kind!.relkind).toBe("p");
    const placed = await sql<{ partition: string; month: string; n: number }[]>`
      select tableoid::regclass::text as partition, to_char(occurred_at at time zone 'UTC', 'YYYY_MM') as month, count(*)::int as n
      from signals group by 1, 2 order by 2`;
    expect(placed.length).toBeGreaterThan(60);
    expect(placed.filter((p) => p.partition !== `signals_${p.month}`)).toEqual([]);
    const [edge] = await sql`select tableoid::regclass::text as before, (select tableoid::regclass::text from signals where id = 'edge-at') as at from signals where id = 'edge-before'`;
    expect(edge).toEqual({ before: "signals_2025_02", at: "signals_2025_03" });
    // The months ahead exist already (created at migration time, from the database's clock).
    const [ahead] = await sql<{ n: number }[]>`
      select count(*)::int as n from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'signals'::regclass
        and c.relname = 'signals_' || to_char((date_trunc('month', now(), 'UTC') + interval '3 months') at time zone 'UTC', 'YYYY_MM')`;
    expect(ahead!.n).toBe(1);
  });

  it("still answers a converted id as a duplicate, or as a conflict when its occurredAt moved to another month", async () => {
    const deps = { database, jobs: ctx.jobs, config: ctx.config, log: ctx.log, clock: () => ctx.clock() };
    const settings = defaultWorkspaceSettings;
    const kept = { id: "kept-1", customerId: "ios-7", identityKind: "device_id", type: "session", occurredAt: "2023-05-10T10:00:00Z", data: { durationSeconds: 300, channel: "app" } };
    const again = await ingestSignals(deps, { workspaceId: "w-a", items: [kept], settings });
    expect(again).toMatchObject({ accepted: 0, duplicates: 1, conflicts: 0 });
    const moved = await ingestSignals(deps, { workspaceId: "w-a", items: [{ ...kept, occurredAt: "2026-11-02T10:00:00Z" }], settings });
    expect(moved).toMatchObject({ accepted: 0, duplicates: 0, conflicts: 1 });
    const fresh = await ingestSignals(deps, { workspaceId: "w-a", items: [{ ...kept, id: "new-1" }, { ...kept, id: "old-1" }], settings });
    expect(fresh).toMatchObject({ accepted: 1, conflicts: 1 });
    const [n] = await database.sql<{ signals: number; ids: number }[]>`
      select (select count(*)::int from signals where workspace_id = 'w-a') as signals, (select count(*)::int from signal_ids where workspace_id = 'w-a') as ids`;
    expect(n).toEqual({ signals: 424, ids: 424 }); // 423 converted, new-1 added
  });
});
