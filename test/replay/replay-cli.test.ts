// `npm run cli -- replay` as an operator runs it: a JSON-lines file in any order, bad lines
// reported and skipped, alerts and snapshots written, the scratch workspace gone afterwards.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runReplay } from "../../src/replay/engine.ts";
import { replayAlerts } from "../../src/replay/results.ts";
import { createScratchWorkspace, removeScratchWorkspace } from "../../src/replay/scratch.ts";
import { arraySource } from "../../src/replay/source.ts";
import type { SignalInput } from "../../src/signals/schema.ts";
import { signal } from "../support/factories.ts";
import { useTestContext } from "../support/context.ts";

const ctx = useTestContext();
const root = new URL("../..", import.meta.url).pathname;
const run = promisify(execFile);

async function cli(args: string[]) {
  const { REDIS_URL: _r, ...rest } = process.env;
  try {
    const { stdout, stderr } = await run("npx", ["tsx", "src/cli/main.ts", ...args], {
      cwd: root,
      env: { ...rest, DATABASE_URL: ctx.database.url, LOG_LEVEL: "silent" },
      timeout: 240_000,
    });
    return { status: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { status: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const at = (day: string, hour = 10) => `${day}T${String(hour).padStart(2, "0")}:00:00Z`;

/** A Gold customer (400,000 spent) who starts shopping at three rivals on 2026-03-05, and a small quiet one. */
function history(): SignalInput[] {
  const vip = "cust-vip";
  const calm = "cust-calm";
  return [
    ...["2026-01-05", "2026-01-20", "2026-02-05", "2026-02-20"].map((d) => signal.purchase(vip, at(d), { data: { amount: 100_000 } })),
    signal.purchase(calm, at("2026-01-10"), { data: { amount: 20_000 } }),
    signal.purchase(calm, at("2026-03-03"), { data: { amount: 20_000 } }),
    ...["glowmall", "rival-beauty", "skinnow"].map((c) => signal.competitorAppUsage(vip, at("2026-03-05", 9), { data: { competitor: c, app: c } })),
    signal.competitorPurchase(vip, at("2026-03-05", 12), { data: { competitor: "glowmall", amount: 150_000 } }),
    // After --to: ignored.
    signal.purchase(calm, at("2026-04-01"), { data: { amount: 20_000 } }),
  ];
}

describe("npm run cli -- replay", () => {
  it("replays a file out of order, skips bad lines with their numbers, and writes alerts, snapshots and a summary", { timeout: 300_000 }, async () => {
    const signals = history();
    const dir = await mkdtemp(join(tmpdir(), "rw-replay-test-"));
    const file = join(dir, "signals.jsonl");
    // Newest first, with a line that is not JSON (line 3) and one the API would reject (line 5).
    const lines = [...signals].reverse().map((s) => JSON.stringify(s));
    lines.splice(2, 0, "{oops");
    lines.splice(4, 0, JSON.stringify({ ...signal.purchase("cust-calm", at("2026-03-06")), data: { orderId: "o", amount: "lots", currency: "KRW" } }));
    await writeFile(file, lines.join("\n") + "\n");
    const out = join(dir, "out");

    const r = await cli(["replay", "--signals", file, "--from", "2026-03-01", "--to", "2026-03-10", "--out", out, "--snapshots", "2026-03-01,2026-03-09", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/line 3 rejected: \(root\): not valid JSON/);
    expect(r.stderr).toMatch(/line 5 \(evt-[^)]+\) rejected: data\.amount: /);

    const summary = JSON.parse(await readFile(join(out, "summary.json"), "utf8"));
    expect(JSON.parse(r.stdout)).toMatchObject({ alerts: summary.alerts, customers: 2 });
    expect(summary).toMatchObject({ lines: signals.length + 2, rejectedLines: 2, ignoredAfterTo: 1, customers: 2 });
    expect(summary.signals).toMatchObject({ accepted: signals.length - 1, rejected: 2, history: 5 });
    expect(summary.rejected.map((x: { line: number }) => x.line).sort()).toEqual([3, 5]);

    const alerts = (await readFile(join(out, "alerts.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ customerId: "cust-vip", severity: "high" });
    expect(alerts[0].rules).toContainEqual({ ruleId: "vip-competitor-defection", version: 1 });
    // Opened by a daily pass after the evidence (the pack waits for the customer's own buying to
    // fall against their baseline too), within the replayed window.
    expect(Date.parse(alerts[0].openedAt)).toBeGreaterThan(Date.parse(at("2026-03-05", 12)));
    expect(Date.parse(alerts[0].openedAt)).toBeLessThanOrEqual(Date.parse("2026-03-10T00:00:00Z"));
    expect(new Date(alerts[0].openedAt).getUTCHours()).toBe(4); // the daily pass's hour, not a step's end
    expect(summary.alertsByRule).toMatchObject({ "vip-competitor-defection@1": 1 });

    const scores = (await readFile(join(out, "scores.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    expect(scores.map((s) => [s.at.slice(0, 10), s.customerId])).toEqual([
      ["2026-03-01", "cust-calm"],
      ["2026-03-01", "cust-vip"],
      ["2026-03-09", "cust-calm"],
      ["2026-03-09", "cust-vip"],
    ]);
    expect(scores.find((s) => s.customerId === "cust-vip" && s.at.startsWith("2026-03-09")).tier).toMatch(/^(Gold|Platinum|Diamond)$/);
    // After the move to rivals the VIP scores above what they scored before it, and above the calm customer.
    const score = (customerId: string, day: string) => scores.find((s) => s.customerId === customerId && s.at.startsWith(day)).score;
    expect(score("cust-vip", "2026-03-09")).toBeGreaterThan(score("cust-vip", "2026-03-01"));
    expect(score("cust-vip", "2026-03-09")).toBeGreaterThan(score("cust-calm", "2026-03-09"));

    // Nothing is left behind: the scratch workspace is gone.
    expect(await ctx.database.sql`select id from workspaces where scratch`).toHaveLength(0);
    expect(await ctx.database.sql`select 1 from signals where customer_id = 'cust-vip'`).toHaveLength(0);

    // The same history through the engine in time order gives the same alerts.
    const ws = await createScratchWorkspace(ctx, { name: "same history in order" });
    try {
      const inOrder = signals.filter((s) => s.occurredAt <= "2026-03-10").sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
      await runReplay(ctx, { workspaceId: ws, source: arraySource(inOrder), from: new Date("2026-03-01T00:00:00Z"), to: new Date("2026-03-10T00:00:00Z") });
      const direct = [];
      for await (const page of replayAlerts(ctx, ws)) direct.push(...page.map(({ alertId: _a, ...a }) => a));
      expect(direct).toEqual(alerts);
    } finally {
      await removeScratchWorkspace(ctx, ws);
    }
  });

  it("refuses a range that ends before it starts, as a usage error", { timeout: 120_000 }, async () => {
    const r = await cli(["replay", "--signals", "x.jsonl", "--from", "2026-03-10", "--to", "2026-03-01", "--out", "/tmp/none", "--json"]);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatch(/--to must be after --from/);
  });
});
