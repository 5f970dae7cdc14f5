// The admin CLI: `npm run cli -- <command> [options] [--json]`.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { apiKeyRoles, type ApiKeyRole } from "../db/schema.ts";
import { applyMigrations } from "../db/migrate.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { loadDemoData } from "./demo/demo.ts";
import { fitWorkspaceModel } from "./model-fits/fit-workspace-model.ts";
import { importTransactions } from "./model-fits/import-transactions.ts";
import { getModelOverview } from "./model-fits/model-views.ts";
import { evaluationPredictions, predictionsCsv } from "./model/risk/index.ts";
import { evaluateModel, isTransactionFormat, loadTransactions, TRANSACTION_FORMATS, type TransactionFormat } from "./model/index.ts";
import { createLogger } from "./log.ts";
import { createRuntime, type Runtime } from "./runtime.ts";
import { bulkLoadSignals, liveLoadSignals, saveGroundTruth, simulate } from "./simulator/index.ts";
import { createApiKey } from "./workspaces/api-keys.ts";
import { createWorkspace, getWorkspace } from "./workspaces/workspaces.ts";
import { parseReplayArgs, printReplay, writeSimulationFiles } from "./replay/cli-replay.ts";

const usage = `Usage: npm run cli -- <command> [options] [--json]

  migrate                                             apply database migrations
  workspace create --name <name>                      create a workspace; prints its first admin API key
  api-key create --workspace <id> --role <role> [--name <name>]
                                                      create an API key (roles: ${apiKeyRoles.join(", ")})
  demo load --workspace <id> [--customers <n>]        load demo customers and signals
  import transactions <file> --workspace <id> [--format <format>]
                                                      load a purchase history as purchase signals (formats: ${TRANSACTION_FORMATS.join(", ")}; default csv)
  simulate --workspace <id> [--customers <n>] [--days <d>] [--seed <s>] [--mode bulk|live] [--rate <signals/s>] [--url <api>] [--key <ingest key>]
                                                      simulated customers with ground truth (kept in simulation.ground_truth); bulk through ingest, or live through the API
  simulate --out <file.jsonl> [--customers <n>] [--days <d>] [--seed <s>]
                                                      the same signals as JSON lines (for replay), the ground truth beside them (<file>.truth.jsonl)
  replay --signals <file.jsonl> --from <date> --to <date> --out <dir> [--step-days <n>] [--workspace <id>]
         [--settings <file.json>] [--rules <file.json>] [--snapshots <date,date,…>] [--keep-workspace]
                                                      the whole pipeline over the history in a scratch workspace: alerts.jsonl, scores.jsonl, summary.json
  model fit --workspace <id>                          fit the workspace's model now and score every customer
  model evaluate --transactions <file> --format <format> --calibration-end <YYYY-MM-DD> --holdout-end <YYYY-MM-DD>
                 [--horizon-days <n>] [--penalizer <x>] [--predictions <file.csv>]
                                                      fit on the calibration period, check against the holdout (no database)
`;

type Out = { json: boolean; print(human: string, data: unknown): void };

async function withRuntime<T>(fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const rt = await createRuntime(config, { log: createLogger(process.env.LOG_LEVEL ? config.LOG_LEVEL : "warn") });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== "string" || v.trim() === "") throw new UsageError(`--${name} is required`);
  return v;
}

class UsageError extends Error {}

async function run(argv: string[], out: Out): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      name: { type: "string" },
      workspace: { type: "string" },
      role: { type: "string" },
      customers: { type: "string" },
      format: { type: "string" },
      transactions: { type: "string" },
      "calibration-end": { type: "string" },
      "holdout-end": { type: "string" },
      "horizon-days": { type: "string" },
      penalizer: { type: "string" },
      predictions: { type: "string" },
      days: { type: "string" },
      seed: { type: "string" },
      mode: { type: "string" },
      rate: { type: "string" },
      url: { type: "string" },
      key: { type: "string" },
      // replay
      signals: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      "step-days": { type: "string" },
      settings: { type: "string" },
      rules: { type: "string" },
      out: { type: "string" },
      snapshots: { type: "string" },
      "keep-workspace": { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  const [cmd, sub] = positionals;
  const command = [cmd, sub].filter(Boolean).join(" ");

  if (values.help || !cmd) {
    process.stdout.write(usage);
    return;
  }
  switch (command === "migrate" ? "migrate" : command) {
    case "migrate":
      await withRuntime(async (rt) => {
        await applyMigrations(rt.database);
        out.print("Migrations applied.", { ok: true });
      });
      return;
    case "workspace create": {
      const name = required(values, "name");
      await withRuntime(async (rt) => {
        const { workspace, apiKey } = await createWorkspace(rt.database.db, { name });
        out.print(
          `Workspace ${workspace.id} ("${workspace.name}") created.\nAdmin API key (shown once, store it now):\n\n  ${apiKey.key}\n\nTry: curl -H "Authorization: Bearer ${apiKey.key}" http://127.0.0.1:${rt.config.PORT}/v1/workspace`,
          { workspace: { id: workspace.id, name: workspace.name }, apiKey: { id: apiKey.id, role: apiKey.role, key: apiKey.key } },
        );
      });
      return;
    }
    case "api-key create": {
      const workspaceId = required(values, "workspace");
      const role = required(values, "role");
      if (!(apiKeyRoles as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${apiKeyRoles.join(", ")}`);
      await withRuntime(async (rt) => {
        await getWorkspace(rt.database.db, workspaceId);
        const key = await createApiKey(rt.database.db, { workspaceId, role: role as ApiKeyRole, name: values.name ?? `${role} key` });
        out.print(`API key ${key.id} (${key.role}), shown once:\n\n  ${key.key}\n`, { id: key.id, role: key.role, key: key.key });
      });
      return;
    }
    case "demo load": {
      const workspaceId = required(values, "workspace");
      const customers = Number(values.customers ?? 50);
      if (!Number.isInteger(customers) || customers < 1 || customers > 100_000) throw new UsageError("--customers must be 1 to 100000");
      await withRuntime(async (rt) => {
        const result = await loadDemoData(rt, { workspaceId, customers });
        out.print(
          `Loaded ${result.customers} demo customers and ${result.signals} signals into ${workspaceId}. Features refresh in the background.`,
          result,
        );
      });
      return;
    }
    case "model evaluate": {
      // Pure computation on a file: no database, no runtime.
      const file = required(values, "transactions");
      const horizonDays = values["horizon-days"] === undefined ? undefined : Number(values["horizon-days"]);
      const penalizer = values.penalizer === undefined ? undefined : Number(values.penalizer);
      if (horizonDays !== undefined && !(Number.isInteger(horizonDays) && horizonDays > 0)) throw new UsageError("--horizon-days must be a positive whole number");
      if (penalizer !== undefined && !(penalizer >= 0)) throw new UsageError("--penalizer must be a number ≥ 0");
      const transactions = await loadTransactions(file, transactionFormat(values.format));
      const e = evaluateModel({
        transactions,
        calibrationEnd: required(values, "calibration-end"),
        holdoutEnd: required(values, "holdout-end"),
        ...(horizonDays !== undefined ? { horizonDays } : {}),
        ...(penalizer !== undefined ? { penalizer } : {}),
      });
      // AUC, Brier and ECE of the churn probability; per-customer predictions on request.
      const predictions = evaluationPredictions(transactions, e);
      if (values.predictions) writeFileSync(values.predictions, predictionsCsv(predictions));
      const f = (v: number, d = 3) => v.toFixed(d);
      const bg = e.bgnbd.params;
      const gg = e.gammaGamma?.params;
      out.print(
        [
          `${e.customers} customers (${e.repeatCustomers} with a repeat purchase), calibration to ${e.calibrationEnd}, holdout to ${e.holdoutEnd} (${f(e.holdoutWeeks, 1)} weeks).`,
          `BG/NBD: r=${f(bg.r)} alpha=${f(bg.alpha)} a=${f(bg.a)} b=${f(bg.b)}, log-likelihood ${f(e.bgnbd.logLikelihood, 1)}${e.bgnbd.converged ? "" : " (not converged)"}`,
          gg ? `Gamma-Gamma: p=${f(gg.p)} q=${f(gg.q)} gamma=${f(gg.gamma)} on ${e.gammaGamma!.customers} customers` : "Gamma-Gamma: not fitted (no repeat purchase with a value)",
          `Repeat purchases, calibration: predicted ${f(e.calibration.predictedRepeatPurchases, 0)}, actual ${e.calibration.actualRepeatPurchases}`,
          `Repeat purchases, holdout: predicted ${f(e.holdout.predictedRepeatPurchases, 0)}, actual ${e.holdout.actualRepeatPurchases}, mean absolute error per customer ${f(e.holdout.meanAbsoluteError)}`,
          `Churn (no purchase in ${e.churn.horizonDays} days): ${e.churn.churned} churned, ${e.churn.active} active; AUC ${f(e.churn.auc)} (recency alone ${f(e.churn.recencyBaselineAuc)})`,
          `Churn probability: AUC ${f(predictions.churn.auc)}, Brier ${f(predictions.churn.brier)}, ECE ${f(predictions.churn.ece)} (10 equal-count bins)` +
            (values.predictions ? `; per-customer predictions in ${values.predictions}` : ""),
          `Fit ${f(e.fitMs, 0)} ms, total ${f(e.totalMs, 0)} ms.`,
        ].join("\n"),
        { ...e, churnCalibration: { auc: predictions.churn.auc, brier: predictions.churn.brier, ece: predictions.churn.ece, reliability: predictions.churn.reliability } },
      );
      return;
    }
    case "import transactions": {
      const file = positionals[2];
      if (!file) throw new UsageError("give the file: import transactions <file> --workspace <id>");
      const workspaceId = required(values, "workspace");
      const format = values.format === undefined ? "csv" : transactionFormat(values.format);
      const transactions = await loadTransactions(file, format);
      await withRuntime(async (rt) => {
        await getWorkspace(rt.database.db, workspaceId);
        const result = await importTransactions(rt, {
          workspaceId,
          transactions,
          onBatch: (done, total) => {
            if (!out.json && process.stderr.isTTY) process.stderr.write(`\r${done} / ${total} rows`);
          },
        });
        if (!out.json && process.stderr.isTTY) process.stderr.write("\n");
        const errors = result.errors.map((e) => `  row ${e.row}: ${e.errors.map((x) => `${x.path} ${x.message}`).join("; ")}`);
        out.print(
          [
            `Imported ${result.rows} rows for ${result.customers} customers into ${workspaceId} in ${result.ms} ms: ` +
              `${result.accepted} new, ${result.duplicates} already there, ${result.rejected} rejected.`,
            ...(errors.length > 0 ? ["First rejections:", ...errors] : []),
            `Fit the model with: npm run cli -- model fit --workspace ${workspaceId}`,
          ].join("\n"),
          result,
        );
      });
      return;
    }
    case "replay": {
      const input = await parseReplayArgs(values, (m) => new UsageError(m));
      await withRuntime(async (rt) => printReplay(out, await input.run(rt)));
      return;
    }
    case "simulate": {
      const int = (name: string, dflt: number, min: number, max: number) => {
        const v = values[name as keyof typeof values] === undefined ? dflt : Number(values[name as keyof typeof values]);
        if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
        return v;
      };
      const customers = int("customers", 1_000, 1, 1_000_000);
      const days = int("days", 365, 30, 3_650);
      const seed = int("seed", 1, 0, 2 ** 31 - 1);
      const mode = values.mode ?? "bulk";
      if (mode !== "bulk" && mode !== "live") throw new UsageError("--mode must be bulk or live");
      const rate = int("rate", 1_000, 1, 1_000_000);
      if (values.out !== undefined) {
        const written = await writeSimulationFiles({ customers, days, seed, file: values.out });
        out.print(
          `Simulated ${customers} customers over ${days} days (seed ${seed}, ${written.start} to ${written.end}): ${written.signals} signals in ${written.file}, ground truth (${written.defectors} defectors) in ${written.truthFile}`,
          written,
        );
        return;
      }
      const workspaceId = required(values, "workspace");
      // The history ends today, so the service's windows see it as recent.
      const day = 86_400_000;
      const start = new Date(Math.floor(Date.now() / day) * day - days * day);
      // Ids carry the seed, so another seed in the same workspace adds customers instead of colliding.
      const sim = simulate({ customers, days, seed, start, prefix: `sim${seed}` });
      const progress = (done: number, total: number) => {
        if (!out.json && process.stderr.isTTY) process.stderr.write(`\r${done} / ${total} signals`);
      };
      const load =
        mode === "live"
          ? await liveLoadSignals({ url: values.url ?? "http://127.0.0.1:3000", key: required(values, "key"), signals: sim.signals, rate, onBatch: progress })
          : null;
      const result = await withRuntime(async (rt) => {
        await getWorkspace(rt.database.db, workspaceId);
        await saveGroundTruth(rt.database.sql, { workspaceId, seed, truth: sim.truth });
        return load ?? (await bulkLoadSignals(rt, { workspaceId, signals: sim.signals, onBatch: progress }));
      });
      if (!out.json && process.stderr.isTTY) process.stderr.write("\n");
      const defectors = sim.truth.filter((t) => t.defected).length;
      const shares: Record<string, number> = {};
      for (const t of sim.truth) shares[t.archetype] = (shares[t.archetype] ?? 0) + 1;
      out.print(
        [
          `Simulated ${customers} customers over ${days} days (seed ${seed}, ${sim.start.toISOString().slice(0, 10)} to ${sim.end.toISOString().slice(0, 10)}) into ${workspaceId}, ${mode}:`,
          `  ${result.signals} signals: ${result.accepted} accepted, ${result.duplicates} duplicates, ${result.rejected} rejected, in ${result.ms} ms`,
          `  archetypes: ${Object.entries(shares).map(([a, n]) => `${a} ${n}`).join(", ")}; ${defectors} defectors`,
          `  ground truth: simulation.ground_truth (workspace_id = '${workspaceId}'), invisible to scoring`,
        ].join("\n"),
        { workspaceId, customers, days, seed, mode, start: sim.start, end: sim.end, defectors, archetypes: shares, load: result },
      );
      return;
    }
    case "model fit": {
      const workspaceId = required(values, "workspace");
      await withRuntime(async (rt) => {
        const outcome = await fitWorkspaceModel(rt, { workspaceId });
        const model = await getModelOverview(rt.database.db, workspaceId);
        const fit = model.fit!;
        const lines = [
          `Model ${outcome.reused ? "already fitted today from the same data" : fit.status} for ${workspaceId} (fit ${fit.id}, as of ${fit.asOf}):`,
          `  ${fit.data.customers} customers, ${fit.data.customersWithRepeat} with a repeat purchase, ${fit.data.customersScored} scored`,
          ...(fit.bgnbd ? [`  BG/NBD r=${fit.bgnbd.r.toFixed(4)} alpha=${fit.bgnbd.alpha.toFixed(4)} a=${fit.bgnbd.a.toFixed(4)} b=${fit.bgnbd.b.toFixed(4)}, log-likelihood ${fit.bgnbd.logLikelihood?.toFixed(1)}`] : []),
          ...(fit.gammaGamma ? [`  Gamma-Gamma p=${fit.gammaGamma.p.toFixed(4)} q=${fit.gammaGamma.q.toFixed(4)} gamma=${fit.gammaGamma.gamma.toFixed(4)}`] : []),
          ...(fit.message ? [`  ${fit.message}`] : []),
          ...(fit.runMs !== null ? [`  ${Math.round(fit.runMs)} ms (fitting ${Math.round(fit.fitMs ?? 0)} ms)`] : []),
        ];
        out.print(lines.join("\n"), { reused: outcome.reused, ...model });
      });
      return;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function transactionFormat(value: string | undefined): TransactionFormat {
  if (value === undefined) throw new UsageError(`--format is required (${TRANSACTION_FORMATS.join(", ")})`);
  if (!isTransactionFormat(value)) throw new UsageError(`--format must be one of ${TRANSACTION_FORMATS.join(", ")}`);
  return value;
}

const json = process.argv.includes("--json");
const out: Out = {
  json,
  print: (human, data) => process.stdout.write(json ? JSON.stringify(data, null, 2) + "\n" : human + "\n"),
};

run(process.argv.slice(2), out).then(
  () => process.exit(0),
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    if (json) process.stdout.write(JSON.stringify({ error: message }) + "\n");
    else process.stderr.write(`${message}\n${err instanceof UsageError ? "\n" + usage : ""}`);
    process.exit(err instanceof UsageError || err instanceof ConfigError ? 2 : 1);
  },
);
