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
  const options = { onnotice: () => {}, connection: { application_name: "rivalwatch", jit: "off" } };
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
