// The service process: roles from the environment, readiness, and a clean stop on SIGTERM.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { useTestContext } from "./support/context.ts";

const ctx = useTestContext();
const root = new URL("..", import.meta.url).pathname;

/** Everything the child prints, as it arrives. */
function collect(child: ChildProcessWithoutNullStreams | ReturnType<typeof spawn>) {
  const out = { text: "" };
  child.stdout?.on("data", (d: Buffer) => (out.text += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out.text += d.toString()));
  return out;
}

/** The API base the service announces once it listens. */
function apiUrl(out: { text: string }) {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 90 s:\n${out.text}`)), 90_000);
    const check = () => {
      const m = out.text.match(/API:\s+(http:\/\/\S+)\/v1/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      } else setTimeout(check, 100);
    };
    check();
  });
}

describe("npm start", () => {
  it("serves on the configured port with the roles asked for and exits 0 on SIGTERM", async () => {
    const redis = inject("redisUrl");
    // Node itself (not npx) so the signal reaches the service.
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: ctx.database.url,
        ...(redis ? { REDIS_URL: redis, QUEUE_PREFIX: `{rwmain-${process.pid}}` } : { REDIS_URL: "" }),
        PORT: "0",
        ROLES: "api,worker",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out = collect(child);
    const url = await apiUrl(out);
    expect(out.text).toContain("roles: api, worker");
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    const code = await exit;
    expect(code, out.text).toBe(0);
    expect(out.text).toContain("shutting down");
  }, 150_000);
});

describe("npm start and signals", () => {
  it("kill -TERM of the npm process stops the service", async () => {
    const child = spawn("npm", ["start", "--silent"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: ctx.database.url, REDIS_URL: "", PORT: "0", ROLES: "api", LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out = collect(child);
    const url = await apiUrl(out);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exit, out.text).toBe(0);
    // The service itself is gone, not only npm: nothing answers on its port any more.
    const after = await fetch(`${url}/healthz`).then((r) => r.status, () => "refused");
    expect(after).toBe("refused");
    expect(out.text).toContain("stopped");
  }, 150_000);

  it("prints each start-up step with its time, reading its settings from the same .env file as the CLI", async () => {
    const redis = inject("redisUrl");
    const dir = mkdtempSync(path.join(tmpdir(), "rw-main-"));
    const envFile = path.join(dir, "settings.env");
    writeFileSync(envFile, "ROLES=api,worker\nLOG_LEVEL=warn\n");
    const { ROLES: _r, LOG_LEVEL: _l, ...env } = process.env;
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: root,
      env: {
        ...env,
        ENV_FILE: envFile,
        DATABASE_URL: ctx.database.url,
        ...(redis ? { REDIS_URL: redis, QUEUE_PREFIX: `{rwmain-steps-${process.pid}}` } : { REDIS_URL: "" }),
        PORT: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out = collect(child);
    try {
      await apiUrl(out);
      expect(out.text).toContain(`roles: api, worker; settings from the environment and ${envFile}`);
      const steps = [...out.text.matchAll(/^(.+)… done in (\d+\.\d) s$/gm)].map((m) => m[1]!);
      expect(steps).toEqual([
        "Applying database migrations",
        expect.stringMatching(/^Starting workers \((redis|postgres) queues\)$/),
        expect.stringMatching(/^Starting the API on 127\.0\.0\.1:0$/),
      ]);
      expect(out.text.indexOf("Starting the API")).toBeLessThan(out.text.indexOf("Rivalwatch is running"));
    } finally {
      const exit = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exit;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
