// The admin CLI in a child process, as an operator runs it: the server's configuration
// (environment and .env), help per command, and the daily objects.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { drainOutbox } from "../src/outbox/drain.ts";
import { authenticateApiKey } from "../src/workspaces/api-keys.ts";
import { raiseAlert } from "./actions/support.ts";
import { useTestContext } from "./support/context.ts";

const ctx = useTestContext();
const root = new URL("..", import.meta.url).pathname;
const bin = path.join(root, "bin/rivalwatch.js");
const scratch = mkdtempSync(path.join(tmpdir(), "rw-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Run = { status: number; out: string; err: string };

/** `npx rivalwatch …` (the package's bin) in `cwd`, with the test database unless `env` says otherwise. */
function cli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Run {
  const { REDIS_URL: _r, DATABASE_URL: _d, PORT: _p, ...rest } = process.env;
  const env = { ...rest, LOG_LEVEL: "silent", ...("env" in opts ? opts.env : { DATABASE_URL: ctx.database.url }) };
  try {
    const out = execFileSync(process.execPath, [bin, ...args], { cwd: opts.cwd ?? root, env, encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "pipe"] });
    return { status: 0, out, err: "" };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { status: e.status, out: e.stdout, err: e.stderr };
  }
}
const json = (r: Run) => {
  expect(r.status, r.err || r.out).toBe(0);
  return JSON.parse(r.out);
};

// Each command is a child process of its own (a few seconds each on a busy machine).
describe("npm run cli", { timeout: 120_000 }, () => {
  it("creates a workspace and prints its first admin key once, as JSON", async () => {
    const result = json(cli(["workspace", "create", "--name", "CLI brand", "--json"]));
    expect(result.workspace.name).toBe("CLI brand");
    expect(await authenticateApiKey(ctx.database.db, result.apiKey.key)).toMatchObject({ workspaceId: result.workspace.id, role: "admin" });
  });

  it("creates a key with a role for an existing workspace", async () => {
    const ws = await ctx.workspace();
    const result = json(cli(["api-key", "create", "--workspace", ws.id, "--role", "ingest", "--json"]));
    expect(await authenticateApiKey(ctx.database.db, result.key)).toMatchObject({ workspaceId: ws.id, role: "ingest" });
  });

  it("refuses an unknown role with a usage error", () => {
    const { status, out } = cli(["api-key", "create", "--workspace", "ws_x", "--role", "root", "--json"]);
    expect(status).toBe(2);
    expect(JSON.parse(out).error).toMatch(/--role must be one of/);
  });

  it("loads demo data and returns with features, tiers and scores ready, saying what it does", async () => {
    const ws = await ctx.workspace();
    const run = cli(["demo", "load", "--workspace", ws.id, "--customers", "5"]);
    expect(run.status, run.err).toBe(0);
    expect(run.out).toMatch(/features, tiers and scores are ready/);
    const result = json(cli(["demo", "load", "--workspace", (await ctx.workspace()).id, "--customers", "5", "--json"]));
    expect(result.customers).toBe(5);
    const [row] = await ctx.database.sql`
      select (select count(*)::int from signals where workspace_id = ${ws.id}) as signals,
        (select count(*)::int from customer_features where workspace_id = ${ws.id}) as features,
        (select count(*)::int from customer_tiers where workspace_id = ${ws.id}) as tiers,
        (select count(distinct customer_id)::int from scores where workspace_id = ${ws.id}) as scored`;
    expect(row).toMatchObject({ features: 5, tiers: 5, scored: 5 });
    expect(row!.signals).toBe(result.accepted);
  });
});

describe("the CLI follows the server's configuration", { timeout: 120_000 }, () => {
  it("reads .env in its working directory: the database it names, and the server's port in its hints", () => {
    const dir = mkdtempSync(path.join(scratch, "env-"));
    writeFileSync(path.join(dir, ".env"), `DATABASE_URL=${ctx.database.url}\nPORT=4321\n`);
    const run = cli(["workspace", "create", "--name", "From .env"], { cwd: dir, env: {} });
    expect(run.status, run.err).toBe(0);
    expect(run.out).toContain("http://127.0.0.1:4321/v1/workspace");
  });

  it("lets the environment win over .env, as the server does", () => {
    const dir = mkdtempSync(path.join(scratch, "env-"));
    writeFileSync(path.join(dir, ".env"), `DATABASE_URL=${ctx.database.url}\nPORT=4321\n`);
    const run = cli(["workspace", "create", "--name", "Env wins"], { cwd: dir, env: { PORT: "5555" } });
    expect(run.status, run.err).toBe(0);
    expect(run.out).toContain("http://127.0.0.1:5555/v1/workspace");
  });
});

describe("help", { timeout: 120_000 }, () => {
  it.each([["help", "alerts", "list"], ["alerts", "list", "--help"]])("%s %s %s prints that command's usage only", (...args) => {
    const run = cli(args);
    expect(run.status).toBe(0);
    expect(run.out).toMatch(/^Usage: npm run cli -- alerts list --workspace <id>/);
    expect(run.out).not.toContain("workspace create");
  });

  it.each([["help", "rules"], ["rules"]])("%s %s lists the group's commands only", (...args) => {
    const run = cli(args);
    expect(run.status).toBe(0);
    expect(run.out).toMatch(/^Commands for rules:/);
    for (const c of ["rules list", "rules show", "rules dry-run", "rules backtest", "rules mode"]) expect(run.out).toContain(`  ${c} `);
    expect(run.out).not.toContain("alerts list");
  });

  it("answers an unknown option with the command's own usage", () => {
    const run = cli(["alerts", "list", "--colour", "red"]);
    expect(run.status).toBe(2);
    expect(run.err).toMatch(/--colour/);
    expect(run.err).toContain("Usage: npm run cli -- alerts list");
  });
});

describe("daily objects", { timeout: 120_000 }, () => {
  it("lists, shows and acknowledges alerts, and resolves them", async () => {
    const ws = await ctx.workspace();
    const alertId = await raiseAlert(ctx, ws, "vip");
    const list = json(cli(["alerts", "list", "--workspace", ws.id, "--status", "open", "--json"]));
    expect(list.alerts.map((a: { id: string }) => a.id)).toEqual([alertId]);
    const shown = cli(["alerts", "show", alertId, "--workspace", ws.id]);
    expect(shown.out).toContain(`Alert ${alertId}: vip, open`);
    // A KRW workspace that chose no language reads its reasons in Korean (localeOf).
    expect(shown.out).toMatch(/경쟁사 앱/);
    expect(json(cli(["alerts", "ack", alertId, "--workspace", ws.id, "--note", "calling", "--json"])).status).toBe("acknowledged");
    expect(json(cli(["alerts", "resolve", alertId, "--workspace", ws.id, "--json"])).status).toBe("resolved");
    const bad = cli(["alerts", "list", "--workspace", ws.id, "--status", "sleeping"]);
    expect(bad.status).toBe(2);
    expect(bad.err).toMatch(/--status/);
  });

  it("moves an alert through its lifecycle with alerts transition: snooze until a time, reopen, acknowledge, resolve", async () => {
    const ws = await ctx.workspace();
    const alertId = await raiseAlert(ctx, ws, "vip");
    // The CLI's process reads the real clock.
    const until = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const snoozed = json(cli(["alerts", "transition", alertId, "snooze", "--until", until, "--note", "on holiday", "--workspace", ws.id, "--json"]));
    expect(snoozed).toMatchObject({ id: alertId, status: "snoozed", snoozedUntil: until });
    expect(snoozed.events.at(-1)).toMatchObject({ actor: "cli", type: "snooze", detail: { note: "on holiday" } });
    expect(cli(["alerts", "transition", alertId, "reopen", "--workspace", ws.id]).out).toContain(`Alert ${alertId} (vip) is now open.`);
    expect(json(cli(["alerts", "transition", alertId, "acknowledge", "--workspace", ws.id, "--json"])).status).toBe("acknowledged");
    expect(json(cli(["alerts", "transition", alertId, "resolve", "--workspace", ws.id, "--json"])).status).toBe("resolved");
    // Resolved stays resolved: the API's conflict, not a usage error.
    const again = cli(["alerts", "transition", alertId, "reopen", "--workspace", ws.id, "--json"]);
    expect(again.status).toBe(1);
    expect(again.out + again.err).toMatch(/cannot reopen an alert that is resolved/);
  });

  it("refuses a transition it cannot name or a snooze without --until, naming the option", async () => {
    const ws = await ctx.workspace();
    const alertId = await raiseAlert(ctx, ws, "vip");
    const unknown = cli(["alerts", "transition", alertId, "escalate", "--workspace", ws.id]);
    expect(unknown.status).toBe(2);
    expect(unknown.err).toMatch(/acknowledge, resolve, snooze, reopen/);
    const noUntil = cli(["alerts", "transition", alertId, "snooze", "--workspace", ws.id]);
    expect(noUntil.status).toBe(2);
    expect(noUntil.err).toMatch(/--until/);
    expect(json(cli(["alerts", "show", alertId, "--workspace", ws.id, "--json"])).status).toBe("open");
  });

  it("lists rules and dry-runs one on a customer; shows the customer", async () => {
    const ws = await ctx.workspace();
    await raiseAlert(ctx, ws, "vip");
    const rules = json(cli(["rules", "list", "--workspace", ws.id, "--json"])).rules as { id: string }[];
    expect(rules.length).toBeGreaterThan(0);
    const [alert] = await ctx.database.sql<{ rule_versions: string[] }[]>`select rule_versions from alerts where workspace_id = ${ws.id}`;
    const ruleId = alert!.rule_versions[0]!.split("@")[0]!;
    const dry = json(cli(["rules", "dry-run", ruleId, "--customer", "vip", "--workspace", ws.id, "--json"]));
    expect(dry).toMatchObject({ customerId: "vip", matched: true });
    const customer = cli(["customers", "show", "vip", "--workspace", ws.id]);
    expect(customer.status, customer.err).toBe(0);
    expect(customer.out).toMatch(/^Customer vip/);
  });

  it("shows a rule with its versions and a customer's signals", async () => {
    const ws = await ctx.workspace();
    await raiseAlert(ctx, ws, "vip");
    const [alert] = await ctx.database.sql<{ rule_versions: string[] }[]>`select rule_versions from alerts where workspace_id = ${ws.id}`;
    const ruleId = alert!.rule_versions[0]!.split("@")[0]!;
    const rule = json(cli(["rules", "show", ruleId, "--workspace", ws.id, "--json"]));
    expect(rule).toMatchObject({ id: ruleId, versions: [expect.objectContaining({ version: 1, current: true })] });
    const signals = json(cli(["customers", "signals", "vip", "--workspace", ws.id, "--type", "purchase", "--json"]));
    expect(signals.signals.length).toBeGreaterThan(0);
    expect(signals.signals.every((s: { type: string }) => s.type === "purchase")).toBe(true);
    const bad = cli(["customers", "signals", "vip", "--workspace", ws.id, "--type", "gossip"]);
    expect(bad.status).toBe(2);
    expect(bad.err).toMatch(/--type/);
  });

  it("labels an alert, backtests its rule and switches the rule to shadow", async () => {
    const ws = await ctx.workspace();
    const alertId = await raiseAlert(ctx, ws, "vip");
    expect(json(cli(["alerts", "label", alertId, "--label", "real_risk", "--workspace", ws.id, "--json"]))).toMatchObject({ label: "real_risk" });
    const [alert] = await ctx.database.sql<{ label: string; rule_versions: string[] }[]>`select label, rule_versions from alerts where id = ${alertId}`;
    expect(alert!.label).toBe("real_risk");
    expect(cli(["alerts", "label", alertId, "--label", "maybe", "--workspace", ws.id]).err).toMatch(/--label/);
    const ruleId = alert!.rule_versions[0]!.split("@")[0]!;
    const backtest = json(cli(["rules", "backtest", ruleId, "--workspace", ws.id, "--as-of", "2026-11-20T12:00:00Z", "--json"]));
    expect(backtest.dates).toHaveLength(1);
    expect(json(cli(["rules", "mode", ruleId, "shadow", "--workspace", ws.id, "--json"])).rule.mode).toBe("shadow");
    expect(cli(["rules", "mode", ruleId, "loud", "--workspace", ws.id]).status).toBe(2);
  });

  it("lists webhook deliveries and refuses to replay one that does not exist", async () => {
    const ws = await ctx.workspace();
    expect(json(cli(["webhooks", "deliveries", "--workspace", ws.id, "--json"])).deliveries).toEqual([]);
    expect(cli(["webhooks", "deliveries", "--workspace", ws.id, "--status", "lost"]).err).toMatch(/--status/);
    const replay = cli(["webhooks", "replay", "dlv_nope", "--workspace", ws.id]);
    expect(replay.status).not.toBe(0);
    expect(replay.err + replay.out).toMatch(/dlv_nope/);
  });

  it("creates managers with the API's validation and lists them", async () => {
    const ws = await ctx.workspace();
    const made = json(cli(["managers", "create", "--workspace", ws.id, "--id", "kim", "--name", "Kim Minji", "--email", "kim@brand.test", "--locale", "ko", "--json"]));
    expect(made).toMatchObject({ id: "kim", locale: "ko", timezone: "Asia/Seoul" });
    const bad = cli(["managers", "create", "--workspace", ws.id, "--name", "Lee", "--email", "not-an-email"]);
    expect(bad.status).toBe(2);
    expect(bad.err).toMatch(/--email/);
    expect(json(cli(["managers", "list", "--workspace", ws.id, "--json"])).managers.map((m: { id: string }) => m.id)).toEqual(["kim"]);
  });

  it("lists a manager's tasks", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/managers", { key: ws.keys.admin, json: { id: "kim", name: "Kim", email: "kim@brand.test" } });
    await ctx.request("/v1/customers/vip", { method: "PUT", key: ws.keys.manager, json: { managerId: "kim" } });
    await raiseAlert(ctx, ws, "vip");
    await drainOutbox(ctx); // tasks are made from the alert's outbox event
    const { tasks } = json(cli(["tasks", "list", "--workspace", ws.id, "--manager", "kim", "--json"]));
    expect(tasks).toMatchObject([{ customerId: "vip", managerId: "kim", status: "open" }]);
    expect(json(cli(["tasks", "list", "--workspace", ws.id, "--manager", "nobody", "--json"])).tasks).toEqual([]);
  });
});
