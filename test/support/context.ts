// A test file's world: its own database cloned from the migrated template, its own queue
// namespace, a pinned clock, the real HTTP app, and factories for workspaces and keys.
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, inject } from "vitest";
import { connectDatabase, type Database } from "../../db/client.ts";
import type { ApiKeyRole } from "../../db/schema.ts";
import { queueNames } from "../../jobs/definitions.ts";
import { startWorkers } from "../../jobs/handlers.ts";
import { JobQueues, type QueueBackend } from "../../jobs/runtime.ts";
import { loadConfig } from "../../src/config.ts";
import type { Deps } from "../../src/deps.ts";
import { createApp, type App } from "../../src/http/app.ts";
import { createLogger } from "../../src/log.ts";
import { createApiKey } from "../../src/workspaces/api-keys.ts";
import { createWorkspace } from "../../src/workspaces/workspaces.ts";

export type TestWorkspace = { id: string; keys: Record<ApiKeyRole, string> };

export type TestContext = Deps & {
  app: App;
  /** Moves the pinned clock. */
  setNow(at: Date | string): void;
  workspace(name?: string): Promise<TestWorkspace>;
  request(path: string, init?: { method?: string; key?: string; json?: unknown; body?: string; headers?: Record<string, string> }): Promise<Response>;
  startWorkers(): void;
};

function withDatabase(url: string, db: string) {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export const DEFAULT_NOW = new Date("2026-11-20T12:00:00Z");

/** `queues` replaces the machine's Redis with another backend (a Redis Cluster) and its shards. */
export type TestContextOptions = { queues?: { backend: QueueBackend; shards?: number; prefix?: string } };

export async function createTestContext(opts: TestContextOptions = {}): Promise<TestContext & { close(): Promise<void> }> {
  const base = inject("pgBaseUrl");
  const redisUrl = inject("redisUrl");
  const suffix = randomBytes(4).toString("hex");
  const dbName = `rw_test_${process.pid}_${suffix}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${dbName}" template "${inject("templateDb")}"`);
  await admin.end();
  const url = withDatabase(base, dbName);

  const database: Database = connectDatabase(url, { max: 10 });
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: "silent", REFRESH_THROTTLE_MS: "50", WORKER_CONCURRENCY: "4" });
  const jobs = new JobQueues({
    backend: opts.queues?.backend ?? (redisUrl ? { kind: "redis", url: redisUrl } : { kind: "postgres", url, schema: "bullmq" }),
    prefix: opts.queues?.prefix ?? `{rwtest-${suffix}}`,
    shards: opts.queues?.shards,
  });
  let now = DEFAULT_NOW;
  const deps: Deps = { database, jobs, config, log: createLogger((process.env.TEST_LOG_LEVEL as "error" | undefined) ?? "silent"), clock: () => new Date(now) };
  const app = createApp(deps);
  let workersStarted = false;

  return {
    ...deps,
    app,
    setNow(at) {
      now = new Date(at);
    },
    async workspace(name = "Test brand") {
      const { workspace, apiKey } = await createWorkspace(database.db, { name });
      const keys = { admin: apiKey.key } as Record<ApiKeyRole, string>;
      for (const role of ["ingest", "marketer", "manager"] as const) {
        keys[role] = (await createApiKey(database.db, { workspaceId: workspace.id, name: role, role })).key;
      }
      return { id: workspace.id, keys };
    },
    request(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.key) headers.authorization = `Bearer ${init.key}`;
      let body = init.body;
      if (init.json !== undefined) {
        body = JSON.stringify(init.json);
        headers["content-type"] ??= "application/json";
      }
      return Promise.resolve(app.request(path, { method: init.method ?? (body !== undefined ? "POST" : "GET"), headers, body }));
    },
    startWorkers() {
      if (workersStarted) return;
      workersStarted = true;
      startWorkers(deps, jobs);
    },
    async close() {
      if (jobs.backendKind === "redis") await Promise.allSettled(jobs.allQueues(queueNames).map(({ queue }) => queue.obliterate({ force: true })));
      await jobs.close();
      await database.close();
      const admin = postgres(base, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
      await admin.end();
    },
  };
}

/** Registers the file's context in beforeAll/afterAll and hands back a live reference. */
export function useTestContext(opts: TestContextOptions | (() => TestContextOptions) = {}): TestContext {
  let ctx: (TestContext & { close(): Promise<void> }) | undefined;
  beforeAll(async () => {
    ctx = await createTestContext(typeof opts === "function" ? opts() : opts);
  });
  afterAll(async () => {
    await ctx?.close();
  });
  return new Proxy({} as TestContext, {
    get(_t, prop) {
      if (!ctx) throw new Error("test context used outside a test");
      return Reflect.get(ctx, prop);
    },
  });
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A response body for assertions; tests check its shape with expect. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const readJson = (res: Response): Promise<any> => res.json();
