// The migrations from an empty database through a session whose time zone is not UTC (a
// psql session, or a tool's connection: only the service's own connections are pinned to
// UTC). Migration 0027 names month partitions for UTC months and must do so in any zone.
import { randomBytes } from "node:crypto";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, expect, inject, it } from "vitest";
import { migrationsFolder } from "../../db/migrate.ts";

const dbName = `rw_test_${process.pid}_tz${randomBytes(3).toString("hex")}`;
const admin = () => postgres(inject("pgBaseUrl"), { max: 1, onnotice: () => {} });

afterAll(async () => {
  const a = admin();
  await a.unsafe(`drop database if exists "${dbName}" with (force)`);
  await a.end();
});

it("apply from an empty database in a session on America/New_York time, partitions named for UTC months", async () => {
  const a = admin();
  await a.unsafe(`create database "${dbName}"`);
  await a.end();
  const u = new URL(inject("pgBaseUrl"));
  u.pathname = `/${dbName}`;
  const client = postgres(u.toString(), { max: 1, onnotice: () => {}, connection: { TimeZone: "America/New_York" } });
  try {
    await migrate(drizzle(client), { migrationsFolder });
    const partitions = await client<{ name: string; bound: string }[]>`
      select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
      from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'signals'::regclass and c.relname <> 'signals_default' order by 1`;
    const month = (k: number) => {
      const d = new Date();
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k, 1));
    };
    const name = (d: Date) => `signals_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
    expect(partitions.map((p) => p.name)).toEqual([0, 1, 2, 3].map((k) => name(month(k))));
    // Each bound runs from a UTC month's first instant to the next's (read back in UTC).
    await client`set time zone 'UTC'`;
    const bounds = await client<{ bound: string }[]>`
      select pg_get_expr(c.relpartbound, c.oid) as bound from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'signals'::regclass and c.relname <> 'signals_default' order by c.relname`;
    const utc = (d: Date) => `'${d.toISOString().slice(0, 10)} 00:00:00+00'`;
    expect(bounds.map((b) => b.bound)).toEqual([0, 1, 2, 3].map((k) => `FOR VALUES FROM (${utc(month(k))}) TO (${utc(month(k + 1))})`));
  } finally {
    await client.end();
  }
});
