// The CLI's model commands in a child process, as a person runs them.
import { useTestContext } from "../support/context.ts";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { updateWorkspaceSettings } from "../../src/workspaces/workspaces.ts";
import { cdnowPath } from "../model/data.ts";

const ctx = useTestContext();
const root = new URL("../..", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "rw-model-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// No REDIS_URL: queued work (feature refreshes after an import) goes to BullMQ's PostgreSQL
// backend inside the test's own database, which is dropped with it.
function cli(args: string[], env: Record<string, string> = {}): unknown {
  const { REDIS_URL: _r, DATABASE_URL: _d, ...rest } = process.env;
  const out = execFileSync("npx", ["tsx", "src/cli/main.ts", ...args, "--json"], {
    cwd: root,
    env: { ...rest, LOG_LEVEL: "silent", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return JSON.parse(out);
}

describe("npm run cli -- model …", () => {
  it("evaluates the model on a transaction file without a database", () => {
    const result = cli([
      "model", "evaluate", "--transactions", cdnowPath("CDNOW_sample.txt"), "--format", "cdnow-sample",
      "--calibration-end", "1997-09-30", "--holdout-end", "1998-06-30",
      // Unpenalised, as the paper fitted it (the workspace default penalises a little).
      "--penalizer", "0",
    ], { DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" }) as Record<string, any>;
    expect(Object.keys(result).sort()).toEqual(
      [
        "bgnbd", "calibration", "calibrationEnd", "choice", "churn", "churnModels", "customers", "fitMs", "gammaGamma", "holdout", "holdoutEnd",
        "holdoutWeeks", "paretoNbd", "penalizer", "repeatCustomers", "totalMs",
      ].sort(),
    );
    expect(result).toMatchObject({ calibrationEnd: "1997-09-30", holdoutEnd: "1998-06-30", customers: 2357, repeatCustomers: 946 });
    // The published estimates (Fader, Hardie & Lee 2005).
    expect(result.bgnbd.params.r).toBeCloseTo(0.243, 3);
    expect(result.bgnbd.params.alpha).toBeCloseTo(4.414, 2);
    expect(result.bgnbd.params.a).toBeCloseTo(0.793, 3);
    expect(result.bgnbd.params.b).toBeCloseTo(2.426, 2);
    expect(result.bgnbd.logLikelihood).toBeCloseTo(-9582.4, 0);
    expect(result.gammaGamma.params.p).toBeCloseTo(6.25, 1);
    expect(result.churn.auc).toBeGreaterThan(0.5);
    // Both models and the chosen one, recalibrated, each with AUC, Brier and ECE.
    expect(result.paretoNbd.params.r).toBeCloseTo(0.553, 2);
    expect(result.choice).toMatchObject({ chosen: expect.stringMatching(/^(bgnbd|pareto_nbd)$/), splitDay: "1997-05-17", holdoutDays: 136 });
    for (const m of ["bgnbd", "paretoNbd", "chosen"]) expect(result.churnModels[m]).toMatchObject({ auc: expect.any(Number), brier: expect.any(Number), ece: expect.any(Number) });
    expect(result.churnModels.chosen).toMatchObject({ model: result.choice.chosen, recalibrated: true });
  }, 60_000);

  it("imports a transaction file idempotently and fits the workspace's model", async () => {
    const ws = await ctx.workspace();
    await updateWorkspaceSettings(ctx.database.db, { workspaceId: ws.id, patch: { model: { minCustomers: 20, minRepeatCustomers: 10 } } });
    const lines = ["customerId,date,amount"];
    for (let c = 1; c <= 30; c++) {
      for (let k = 0; k < 1 + (c % 4); k++) lines.push(`cust-${c},2026-0${1 + k}-${String(c % 28 + 1).padStart(2, "0")},${10 + c + k}`);
    }
    lines.push("cust-1,2026-01-02,15", "cust-1,2026-01-02,15"); // two equal rows: two purchases
    const file = join(dir, "purchases.csv");
    writeFileSync(file, lines.join("\n") + "\n");
    const rows = lines.length - 1;
    const env = { DATABASE_URL: ctx.database.url };

    const first = cli(["import", "transactions", file, "--workspace", ws.id, "--format", "csv"], env);
    expect(first).toMatchObject({ rows, customers: 30, accepted: rows, duplicates: 0, rejected: 0 });
    const again = cli(["import", "transactions", file, "--workspace", ws.id], env);
    expect(again).toMatchObject({ rows, accepted: 0, duplicates: rows, rejected: 0 });
    const [stored] = await ctx.database.sql<{ n: number }[]>`select count(*)::int as n from signals where workspace_id = ${ws.id} and type = 'purchase'`;
    expect(stored!.n).toBe(rows);

    const fit = cli(["model", "fit", "--workspace", ws.id], env) as Record<string, any>;
    expect(fit).toMatchObject({ reused: false, status: "fitted", fit: { data: { customers: 30, customersScored: 30 } } });
    const [scored] = await ctx.database.sql<{ n: number }[]>`select count(*)::int as n from customer_model_scores where workspace_id = ${ws.id}`;
    expect(scored!.n).toBe(30);
  }, 60_000);
});
