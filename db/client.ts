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
  // the whole workspace per page. In the quality benchmark at 50,000 customers the daily
  // pass took 40 s instead of 2.6 s (model values 32 s instead of 0.5 s) and the refresh of a
  // week's signals 37 s instead of 12 s. Ingest kept its ratio to the raw insert (0.57–0.58).
  const options = { onnotice: () => {}, connection: { application_name: "rivalwatch", jit: "off", plan_cache_mode: "force_custom_plan" } };
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
