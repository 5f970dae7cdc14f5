import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema.ts";

export type Db = PostgresJsDatabase<typeof schema>;
/** A transaction handle; domain functions accept either. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export type Database = { sql: postgres.Sql; db: Db; url: string; close(): Promise<void> };

export function connectDatabase(url: string, opts: { max?: number } = {}): Database {
  // JIT off: the set-based statements here are big enough for PostgreSQL to JIT-compile
  // them, and compiling cost more than it saved (a 50,000-customer features pass: 5.8 s with
  // JIT, 2.5 s without; `npm run bench -- rescore`).
  // Custom plans always: postgres.js prepares every statement, and after five runs on a
  // connection PostgreSQL may switch to a generic plan blind to the parameters: how many ids
  // a page holds, which range of ids it covers. For the set-based statements that plan scans
  // the whole workspace per page. `npm run bench -- quality --size 50000 --days 110`: the
  // slowest daily pass 52.5 s with generic plans allowed (model values up to 32 s), 3.6 s
  // without; a week's refresh 31–54 s against 9–17 s. Ingest kept its ratio to the raw
  // insert (0.57–0.58).
  // UTC whatever the server's or the database's time zone: features count days and windows
  // (date_trunc('day', …), timestamptz − interval) in the session's zone, and the model's
  // calendar days are UTC ones. Under Asia/Seoul two purchases a millisecond apart across UTC
  // midnight were one active day, and DST zones moved the 30-day bounds by an hour.
  const options = {
    onnotice: () => {},
    connection: { application_name: "rivalwatch", jit: "off", plan_cache_mode: "force_custom_plan", TimeZone: "UTC" },
  };
  const max = opts.max ?? 10;
  // Two pools: drizzle replaces its client's date serializers with pass-throughs, which
  // would break Date parameters and results in the raw set-based queries.
  const sql = postgres(url, { ...options, max: Math.max(2, Math.ceil(max / 2)) });
  const db = drizzle(postgres(url, { ...options, max: Math.max(2, Math.floor(max / 2)) }), { schema });
  return {
    sql,
    db,
    url,
    close: async () => {
      await Promise.all([sql.end({ timeout: 5 }), db.$client.end({ timeout: 5 })]);
    },
  };
}
