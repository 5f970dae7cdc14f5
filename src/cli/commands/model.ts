import { writeFileSync } from "node:fs";
import { fitWorkspaceModel } from "../../model-fits/fit-workspace-model.ts";
import { getModelOverview } from "../../model-fits/model-views.ts";
import { predictionsCsv } from "../../model/risk/index.ts";
import { evaluateModel, PURCHASE_MODEL_NAMES, type ChurnRecalibration, isTransactionFormat, loadTransactions, TRANSACTION_FORMATS, type TransactionFormat } from "../../model/index.ts";
import { required, UsageError, withRuntime, workspaceOption, type Command } from "../command.ts";

export function transactionFormat(value: string | undefined): TransactionFormat {
  if (value === undefined) throw new UsageError(`--format is required (${TRANSACTION_FORMATS.join(", ")})`);
  if (!isTransactionFormat(value)) throw new UsageError(`--format must be one of ${TRANSACTION_FORMATS.join(", ")}`);
  return value;
}

function recalibrationLine(c: ChurnRecalibration): string {
  return (
    `Churn probability recalibrated (Platt: a=${c.a.toFixed(3)} b=${c.b.toFixed(3)}, learned on ${c.customers} customers over ${c.holdoutDays} days): ` +
    `ECE ${c.eceBefore.toFixed(3)} → ${c.eceAfter.toFixed(3)} on that split`
  );
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
          ...(fit.choice ? [`  Model: ${fit.choice.reason}`] : []),
          ...(fit.choice?.churnRecalibration ? [`  ${recalibrationLine(fit.choice.churnRecalibration)}`] : []),
          ...(fit.bgnbd ? [`  BG/NBD r=${fit.bgnbd.r.toFixed(4)} alpha=${fit.bgnbd.alpha.toFixed(4)} a=${fit.bgnbd.a.toFixed(4)} b=${fit.bgnbd.b.toFixed(4)}, log-likelihood ${fit.bgnbd.logLikelihood?.toFixed(1)}`] : []),
          ...(fit.paretoNbd ? [`  Pareto/NBD r=${fit.paretoNbd.r.toFixed(4)} alpha=${fit.paretoNbd.alpha.toFixed(4)} s=${fit.paretoNbd.s.toFixed(4)} beta=${fit.paretoNbd.beta.toFixed(4)}, log-likelihood ${fit.paretoNbd.logLikelihood?.toFixed(1)}`] : []),
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
      // Per-customer predictions of the chosen model on request.
      const predictionsFile = values.predictions as string | undefined;
      if (predictionsFile) writeFileSync(predictionsFile, predictionsCsv(e.predictions));
      const f = (v: number, d = 3) => v.toFixed(d);
      const bg = e.bgnbd.params;
      const pn = e.paretoNbd.params;
      const gg = e.gammaGamma?.params;
      const m = e.churnModels;
      const scores = (r: { auc: number; brier: number; ece: number }) => `AUC ${f(r.auc)}, Brier ${f(r.brier)}, ECE ${f(r.ece)}`;
      const chosenName = PURCHASE_MODEL_NAMES[m.chosen.model];
      out.print(
        [
          `${e.customers} customers (${e.repeatCustomers} with a repeat purchase), calibration to ${e.calibrationEnd}, holdout to ${e.holdoutEnd} (${f(e.holdoutWeeks, 1)} weeks), penaliser ${e.penalizer}.`,
          `BG/NBD: r=${f(bg.r)} alpha=${f(bg.alpha)} a=${f(bg.a)} b=${f(bg.b)}, log-likelihood ${f(e.bgnbd.logLikelihood, 1)}${e.bgnbd.converged ? "" : " (not converged)"}`,
          `Pareto/NBD: r=${f(pn.r)} alpha=${f(pn.alpha)} s=${f(pn.s)} beta=${f(pn.beta)}, log-likelihood ${f(e.paretoNbd.logLikelihood, 1)}${e.paretoNbd.converged ? "" : " (not converged)"}`,
          gg ? `Gamma-Gamma: p=${f(gg.p)} q=${f(gg.q)} gamma=${f(gg.gamma)} on ${e.gammaGamma!.customers} customers` : "Gamma-Gamma: not fitted (no repeat purchase with a value)",
          `Model choice (as a workspace fit makes it, inside the calibration period): ${e.choice.reason}`,
          e.choice.churnRecalibration ? recalibrationLine(e.choice.churnRecalibration) : "Churn probability not recalibrated (too few of one outcome on the split).",
          `Repeat purchases, calibration: predicted ${f(e.calibration.predictedRepeatPurchases, 0)}, actual ${e.calibration.actualRepeatPurchases}`,
          `Repeat purchases, holdout (BG/NBD): predicted ${f(e.holdout.predictedRepeatPurchases, 0)}, actual ${e.holdout.actualRepeatPurchases}, mean absolute error per customer ${f(e.holdout.meanAbsoluteError)}`,
          `Churn (no purchase in ${e.churn.horizonDays} days): ${e.churn.churned} churned, ${e.churn.active} active; recency alone AUC ${f(e.churn.recencyBaselineAuc)}`,
          `  BG/NBD churn probability: ${scores(m.bgnbd)}`,
          `  Pareto/NBD churn probability: ${scores(m.paretoNbd)}`,
          `  ${chosenName} (chosen)${m.chosen.recalibrated ? ", recalibrated" : ""}: ${scores(m.chosen)} (ECE over 10 equal-count bins)` +
            (predictionsFile ? `; per-customer predictions in ${predictionsFile}` : ""),
          `Fit ${f(e.fitMs, 0)} ms, total ${f(e.totalMs, 0)} ms.`,
        ].join("\n"),
        { ...e, predictions: undefined },
      );
    },
  },
];
