// The service: api, worker and scheduler roles in one process or apart (ROLES=api, …).
import { serve } from "@hono/node-server";
import { registerSchedules, startWorkers } from "../jobs/handlers.ts";
import { autovacuumIsOn } from "./infra/vacuum.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { createApp } from "./http/app.ts";
import { gracefulHttp } from "./resilience/http-drain.ts";
import { keepSchedules } from "./resilience/schedules.ts";
import { loadEnvFile } from "./env-file.ts";
import { createRuntime, type Step } from "./runtime.ts";
import { startMetricsServer } from "./metrics/http.ts";

/** Prints each start-up step with its time, so the first start (about 11 s) is not silent. */
const step: Step = async (label, fn) => {
  process.stdout.write(`${label}…`);
  const started = performance.now();
  try {
    const result = await fn();
    process.stdout.write(` done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    return result;
  } catch (err) {
    process.stdout.write(" failed\n");
    throw err;
  }
};

async function main() {
  const envFile = loadEnvFile();
  const config = loadConfig();
  process.stdout.write(`Rivalwatch is starting (roles: ${config.ROLES.join(", ")}${envFile ? `; settings from the environment and ${envFile}` : ""}).\n`);
  const runtime = await createRuntime(config, { step });
  const { log } = runtime;
  // Named, so a shutdown that stalls says where (the log shows each stage and its time).
  const stops: { name: string; stop: () => Promise<void> }[] = [];

  if (config.METRICS_PORT !== undefined) {
    const metrics = await startMetricsServer(runtime);
    stops.push({ name: "metrics listener", stop: metrics.close });
    log.info("metrics listening", { url: `http://${config.HOST}:${metrics.port}/metrics` });
  }
  if (config.ROLES.includes("worker")) {
    const workers = await step(`Starting workers (${runtime.jobs.backendKind} queues)`, async () => startWorkers(runtime, runtime.jobs));
    stops.push({ name: "workers", stop: async () => void (await Promise.allSettled(workers.map((w) => w.close()))) });
    log.info("workers started", { concurrency: config.WORKER_CONCURRENCY });
  }
  if (config.ROLES.includes("scheduler")) {
    const register = () => registerSchedules(runtime, runtime.jobs);
    await step("Registering schedules", register);
    const kept = keepSchedules({ jobs: runtime.jobs, register, log, everyMs: config.SCHEDULES_CHECK_EVERY_MS });
    stops.push({ name: "schedule keeper", stop: async () => kept.stop() });
    log.info("schedules registered");
    if (!(await autovacuumIsOn(runtime).catch(() => true)))
      log.warn("PostgreSQL's autovacuum is off: the scheduler vacuums the tables the pipeline rewrites itself", { everyMs: config.VACUUM_EVERY_MS });
  }
  if (config.ROLES.includes("api")) {
    const app = createApp(runtime);
    const server = await step(`Starting the API on ${config.HOST}:${config.PORT}`, async () => {
      const listening = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST });
      await new Promise<void>((resolve) => listening.once("listening", () => resolve()));
      return listening;
    });
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.PORT;
    const base = `http://${config.HOST}:${port}`;
    // Stop accepting first; requests in flight finish (each connection closing after its
    // current response) before the workers and the database close.
    const http = gracefulHttp(server);
    // Half the shutdown time for requests in flight; the other half for workers and the database.
    stops.unshift({
      name: "http",
      stop: () =>
        http.drain({
          graceMs: Math.floor(config.SHUTDOWN_TIMEOUT_MS / 2),
          onStuck: (requests) => log.error("requests still unanswered at shutdown; their connections are cut", { requests }),
        }),
    });
    process.stdout.write(
      [
        "",
        `Rivalwatch is running (roles: ${config.ROLES.join(", ")}).`,
        `  API:      ${base}/v1`,
        `  Docs:     ${base}/docs/   (OpenAPI: ${base}/openapi.json)`,
        `  Console:  ${base}/console`,
        `  Health:   ${base}/readyz`,
        `  Database: ${runtime.embedded ? `embedded PostgreSQL in ${config.EMBEDDED_PG_DIR}` : "DATABASE_URL"};  queue: ${runtime.jobs.backendKind}`,
        "",
        "Get an API key:  npm run cli -- workspace create --name \"My brand\"",
        "Demo data:       npm run cli -- demo load --workspace <id>",
        "Everything else: npm run cli -- help",
        "",
      ].join("\n") + "\n",
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    const timer = setTimeout(() => {
      log.error("shutdown timed out; exiting", { timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    const stage = async (name: string, stop: () => Promise<void>) => {
      const started = performance.now();
      await stop().catch((err: unknown) => log.error("stop failed", { stage: name, err }));
      log.info("stopped stage", { stage: name, ms: Math.round(performance.now() - started) });
    };
    for (const { name, stop } of stops) await stage(name, stop);
    await stage("queues and database", () => runtime.close());
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(err.message + "\n");
  } else {
    process.stderr.write(`Rivalwatch failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  }
  process.exit(1);
});
