import { writeFileSync } from "node:fs";
import { fitWorkspaceModel } from "../../model-fits/fit-workspace-model.ts";
import { getModelOverview } from "../../model-fits/model-views.ts";
import { evaluationPredictions, predictionsCsv } from "../../model/risk/index.ts";
import { evaluateModel, isTransactionFormat, loadTransactions, TRANSACTION_FORMATS, type TransactionFormat } from "../../model/index.ts";
import { required, UsageError, withRuntime, workspaceOption, type Command } from "../command.ts";

export function transactionFormat(value: string | undefined): TransactionFormat {
  if (value === undefined) throw new UsageError(`--format is required (${TRANSACTION_FORMATS.join(", ")})`);
  if (!isTransactionFormat(value)) throw new UsageError(`--format must be one of ${TRANSACTION_FORMATS.join(", ")}`);
  return value;
}

export const modelCommands: Command[] = [
  {
    name: "model fit",
    summary: "fit the workspace's model now and score every customer",
    usage: "--workspace <id>",
    options: workspaceOption,
    async run({ values, out }) {
      const workspaceId = required(values, "workspace");
      await withRuntime(out, async (rt) => {
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
    },
  },
  {
    name: "model evaluate",
    summary: "fit on the calibration period, check against the holdout (no database)",
    usage:
      "--transactions <file> --format <format> --calibration-end <YYYY-MM-DD> --holdout-end <YYYY-MM-DD>\n" +
      "                 [--horizon-days <n>] [--penalizer <x>] [--predictions <file.csv>]",
    details: `Formats: ${TRANSACTION_FORMATS.join(", ")}.`,
    options: {
      transactions: { type: "string" },
      format: { type: "string" },
      "calibration-end": { type: "string" },
      "holdout-end": { type: "string" },
      "horizon-days": { type: "string" },
      penalizer: { type: "string" },
      predictions: { type: "string" },
    },
    async run({ values, out }) {
      // Pure computation on a file: no database, no runtime.
      const file = required(values, "transactions");
      const horizonDays = values["horizon-days"] === undefined ? undefined : Number(values["horizon-days"]);
      const penalizer = values.penalizer === undefined ? undefined : Number(values.penalizer);
      if (horizonDays !== undefined && !(Number.isInteger(horizonDays) && horizonDays > 0)) throw new UsageError("--horizon-days must be a positive whole number");
      if (penalizer !== undefined && !(penalizer >= 0)) throw new UsageError("--penalizer must be a number ≥ 0");
      const transactions = await loadTransactions(file, transactionFormat(values.format as string | undefined));
      const e = evaluateModel({
        transactions,
        calibrationEnd: required(values, "calibration-end"),
        holdoutEnd: required(values, "holdout-end"),
        ...(horizonDays !== undefined ? { horizonDays } : {}),
        ...(penalizer !== undefined ? { penalizer } : {}),
      });
      // AUC, Brier and ECE of the churn probability; per-customer predictions on request.
      const predictions = evaluationPredictions(transactions, e);
      const predictionsFile = values.predictions as string | undefined;
      if (predictionsFile) writeFileSync(predictionsFile, predictionsCsv(predictions));
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
            (predictionsFile ? `; per-customer predictions in ${predictionsFile}` : ""),
          `Fit ${f(e.fitMs, 0)} ms, total ${f(e.totalMs, 0)} ms.`,
        ].join("\n"),
        { ...e, churnCalibration: { auc: predictions.churn.auc, brier: predictions.churn.brier, ece: predictions.churn.ece, reliability: predictions.churn.reliability } },
      );
    },
  },
];
