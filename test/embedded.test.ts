// The newcomer's path: no DATABASE_URL, no REDIS_URL. A real embedded PostgreSQL starts,
// migrations apply, BullMQ runs on PostgreSQL, and a signal becomes features.
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkers } from "../jobs/handlers.ts";
import { loadConfig } from "../src/config.ts";
import { createApp } from "../src/http/app.ts";
import { createLogger } from "../src/log.ts";
import { createRuntime, type Runtime } from "../src/runtime.ts";
import { createWorkspace } from "../src/workspaces/workspaces.ts";
import { eventually, readJson } from "./support/context.ts";

const dir = `.data/smoke-postgres-${process.pid}`;
let rt: Runtime;
const steps: string[] = [];

beforeAll(async () => {
  const config = loadConfig({ EMBEDDED_PG_DIR: dir, EMBEDDED_PG_PORT: "54331", REFRESH_THROTTLE_MS: "50" });
  rt = await createRuntime(config, {
    log: createLogger("silent"),
    step: (label, fn) => {
      steps.push(label);
      return fn();
    },
  });
}, 120_000);

afterAll(async () => {
  await rt?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("embedded defaults", () => {
  it("names the slow first start for what it is: creating the embedded database, then migrating", () => {
    expect(steps).toEqual([`Creating the embedded PostgreSQL in ${dir} on port 54331 (first start only; about 10 s)`, "Applying database migrations"]);
  });

  it("stores a signal and refreshes features with no servers configured", async () => {
    expect(rt.embedded).not.toBeNull();
    expect(rt.jobs.backendKind).toBe("postgres");
    startWorkers(rt, rt.jobs);
    const app = createApp(rt);
    const { apiKey } = await createWorkspace(rt.database.db, { name: "Smoke" });
    const headers = { authorization: `Bearer ${apiKey.key}`, "content-type": "application/json" };
    const signal = { id: "s-1", customerId: "c-1", type: "purchase", occurredAt: new Date().toISOString(), data: { orderId: "o-1", amount: 42_000, currency: "KRW" } };
    const res = await app.request("/v1/signals", { method: "POST", headers, body: JSON.stringify({ signals: [signal] }) });
    expect(await readJson(res)).toMatchObject({ accepted: 1 });
    const ready = await app.request("/readyz");
    expect(await readJson(ready)).toMatchObject({ status: "ready", checks: { queue: "ok (postgres)" } });
    const features = await eventually(async () => {
      const body = await readJson(await app.request("/v1/customers/c-1", { headers }));
      return body.features ?? undefined;
    }, 20_000);
    expect(features.spend30d).toBe(42_000);
  }, 60_000);
});
