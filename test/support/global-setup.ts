// Chooses the servers the tests run against: the machine's PostgreSQL and Redis when they
// answer (CI starts them), otherwise the embedded defaults (embedded PostgreSQL, BullMQ on
// PostgreSQL), announced on the first line. Builds one migrated template database that
// every test file clones.
import net from "node:net";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { connectDatabase } from "../../db/client.ts";
import { applyMigrations } from "../../db/migrate.ts";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../src/infra/embedded-postgres.ts";

declare module "vitest" {
  export interface ProvidedContext {
    pgBaseUrl: string;
    templateDb: string;
    redisUrl: string | null;
  }
}

const reachable = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host, port, timeout: 1000 });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
    s.once("timeout", () => (s.destroy(), resolve(false)));
  });

function withDatabase(url: string, db: string) {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

let embedded: EmbeddedDatabase | null = null;

export async function setup(project: TestProject) {
  // TEST_EMBEDDED=1 behaves as if neither server were there (to check that path on a CI machine).
  const forceEmbedded = process.env.TEST_EMBEDDED === "1";
  let pgUrl = forceEmbedded ? null : (process.env.TEST_DATABASE_URL ?? null);
  if (!pgUrl && !forceEmbedded && (await reachable("127.0.0.1", 5432))) pgUrl = "postgres://postgres@127.0.0.1:5432/postgres";
  let redisUrl = forceEmbedded ? null : (process.env.TEST_REDIS_URL ?? null);
  if (!redisUrl && !forceEmbedded && (await reachable("127.0.0.1", 6379))) redisUrl = "redis://127.0.0.1:6379";

  if (!pgUrl) {
    process.stdout.write("Tests use the embedded defaults: no PostgreSQL on 127.0.0.1:5432, starting an embedded one" +
      (redisUrl ? "" : "; no Redis on 127.0.0.1:6379, BullMQ runs on PostgreSQL") + ".\n");
    embedded = await startEmbeddedPostgres({ dir: ".data/test-postgres", port: 54330 });
    pgUrl = withDatabase(embedded.url, "postgres");
  } else {
    process.stdout.write(`Tests use PostgreSQL at ${new URL(pgUrl).host} and ${redisUrl ? `Redis at ${new URL(redisUrl).host}` : "BullMQ on PostgreSQL (no Redis answered)"}.\n`);
  }

  const templateDb = `rw_template_${process.pid}`;
  const admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
  await dropStaleTestDatabases(admin);
  await admin.unsafe(`create database "${templateDb}"`);
  const template = connectDatabase(withDatabase(pgUrl, templateDb), { max: 2 });
  await applyMigrations(template);
  await template.close();
  await admin.end();

  project.provide("pgBaseUrl", pgUrl);
  project.provide("templateDb", templateDb);
  project.provide("redisUrl", redisUrl);

  return async () => {
    const admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${templateDb}" with (force)`);
    await admin.end();
    await embedded?.stop();
  };
}

/** Databases left by a run that was killed; only those of processes no longer alive. */
async function dropStaleTestDatabases(admin: postgres.Sql) {
  const rows = await admin<{ datname: string }[]>`select datname from pg_database where datname ~ '^rw_(template|test)_'`;
  for (const { datname } of rows) {
    const pid = Number(datname.split("_")[2]);
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {}
    if (!alive) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
  }
}
