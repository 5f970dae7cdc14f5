/**
 * Model benchmark: BG/NBD, Pareto/NBD and Gamma-Gamma fit time on the CDNOW master calibration
 * summary and on synthetic customers drawn from the CDNOW fit, a workspace fit's work on them
 * (the model choice on a 13-week holdout, the chosen model's refit on all data, Gamma-Gamma),
 * and scoring throughput with either model. Pure CPU, no database.
 *
 *   npx tsx bench/model.ts [size ...]        (default size: 1000000)
 */
import { pathToFileURL } from "node:url";
import { buildSummary } from "../src/model/summary.ts";
import { cdnowFile, loadTransactions } from "../src/model/cdnow.ts";
import { fitBgNbd } from "../src/model/bgnbd.ts";
import { fitGammaGamma } from "../src/model/gamma-gamma.ts";
import { scoreCustomers, type ModelParams } from "../src/model/clv.ts";
import { simulateCustomers } from "../src/model/synthetic.ts";
import { fitParetoNbd } from "../src/model/pareto-nbd.ts";
import { choosePurchaseModel, fitPurchaseModel } from "../src/model/purchase-model.ts";
import { DEFAULT_MODEL_SETTINGS } from "../src/model/defaults.ts";

const round = (v: number, d = 1): number => Math.round(v * 10 ** d) / 10 ** d;
const roundParams = <T extends object>(p: T): T =>
  Object.fromEntries(Object.entries(p).map(([k, v]) => [k, round(v as number, 4)])) as T;

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const v = fn();
  return [v, performance.now() - t0];
}

export async function runModelBench(opts: { sizes?: number[] } = {}): Promise<Record<string, unknown>> {
  const sizes = opts.sizes ?? [1_000_000];

  // 1. CDNOW master, calibration period of FHL 2005.
  const [tx, loadMs] = await (async () => {
    const t0 = performance.now();
    const t = await loadTransactions(cdnowFile("CDNOW_master.txt"), "cdnow-master");
    return [t, performance.now() - t0] as const;
  })();
  const [summary, summaryMs] = time(() => buildSummary(tx, { calibrationEnd: "1997-09-30", holdoutEnd: "1998-06-30" }));
  const [bg, bgMs] = time(() => fitBgNbd({ x: summary.x, tx: summary.tx, T: summary.T }));
  const [bgRaw, bgRawMs] = time(() => fitBgNbd({ x: summary.x, tx: summary.tx, T: summary.T }, { aggregate: false }));
  const [gg, ggMs] = time(() => fitGammaGamma({ x: summary.x, zbar: summary.zbar }));
  const [pn, pnMs] = time(() => fitParetoNbd({ x: summary.x, tx: summary.tx, T: summary.T }));
  const cdnow = {
    transactions: tx.day.length,
    customers: summary.size,
    uniqueRows: bg.uniqueRows,
    loadMs: round(loadMs),
    summaryMs: round(summaryMs),
    bgnbdFitMs: round(bgMs),
    bgnbdFitNoAggregationMs: round(bgRawMs),
    bgnbdSameWithoutAggregation: Math.abs(bgRaw.logLikelihood - bg.logLikelihood) < 1e-6,
    gammaGammaFitMs: round(ggMs),
    paretoNbdFitMs: round(pnMs),
    bgnbd: roundParams(bg.params),
    logLikelihood: round(bg.logLikelihood, 2),
    paretoNbd: roundParams(pn.params),
    paretoNbdLogLikelihood: round(pn.logLikelihood, 2),
    gammaGamma: roundParams(gg.params),
  };

  // 2. Synthetic customers from the CDNOW parameters.
  const synthetic: Record<string, unknown>[] = [];
  let scoring: Record<string, unknown> = {};
  for (const n of sizes) {
    const [sim, simMs] = time(() =>
      simulateCustomers({ n, bgnbd: bg.params, gammaGamma: gg.params, seed: 20050101, holdoutWeeks: HOLDOUT_WEEKS }),
    );
    const [fit, fitMs] = time(() => fitBgNbd({ x: sim.x, tx: sim.tx, T: sim.T }));
    const [gfit, gMs] = time(() => fitGammaGamma({ x: sim.x, zbar: sim.zbar }));
    const [pfit, pMs] = time(() => fitParetoNbd({ x: sim.x, tx: sim.tx, T: sim.T }));
    const workspace = benchWorkspaceFit(sim);
    synthetic.push({
      customers: n,
      simulateMs: round(simMs),
      uniqueRows: fit.uniqueRows,
      bgnbdFitMs: round(fitMs),
      gammaGammaFitMs: round(gMs),
      totalFitMs: round(fitMs + gMs),
      paretoNbdFitMs: round(pMs),
      ...workspace,
      bgnbd: roundParams(fit.params),
      paretoNbd: roundParams(pfit.params),
      gammaGamma: roundParams(gfit.params),
    });
    if (n === Math.max(...sizes)) scoring = { bgnbd: benchScoring({ bgnbd: bg.params, gammaGamma: gg.params }, sim), paretoNbd: benchScoring({ purchase: { kind: "pareto_nbd", params: pn.params }, gammaGamma: gg.params }, sim) };
  }
  return { cdnowMaster: cdnow, synthetic, scoring };
}

const HOLDOUT_WEEKS = 13;

/**
 * A workspace fit's model work on the simulated customers, as of the holdout's end: the choice
 * (both models fitted on the data to the split, scored on the 13 weeks after), the chosen
 * model's refit on all data, and Gamma-Gamma.
 */
function benchWorkspaceFit(sim: ReturnType<typeof simulateCustomers>): Record<string, unknown> {
  const atEnd = {
    x: sim.x.map((x, i) => x + sim.holdoutX[i]!),
    tx: sim.tx.map((tx, i) => (sim.holdoutX[i]! > 0 ? sim.holdoutTx[i]! : tx)),
    T: sim.T.map((T) => T + HOLDOUT_WEEKS),
  };
  const [choice, choiceMs] = time(() =>
    choosePurchaseModel({
      atSplit: { x: sim.x, tx: sim.tx, T: sim.T },
      atEnd,
      splitDay: "split",
      holdoutDays: HOLDOUT_WEEKS * 7,
      penalizer: DEFAULT_MODEL_SETTINGS.penalizer,
      minCustomers: DEFAULT_MODEL_SETTINGS.minCustomers,
      minRepeatCustomers: DEFAULT_MODEL_SETTINGS.minRepeatCustomers,
    }),
  );
  const [, refitMs] = time(() => fitPurchaseModel(choice.chosen, atEnd, { penalizer: DEFAULT_MODEL_SETTINGS.penalizer }));
  const [, ggMs] = time(() => fitGammaGamma({ x: atEnd.x, zbar: sim.zbar }));
  return {
    choiceMs: round(choiceMs),
    chosen: choice.chosen,
    holdoutLogLikelihoods: Object.fromEntries(choice.candidates.map((c) => [c.model, round(c.holdoutLogLikelihood, 1)])),
    churnRecalibration: choice.churnRecalibration && { a: round(choice.churnRecalibration.a, 4), b: round(choice.churnRecalibration.b, 4), eceBefore: round(choice.churnRecalibration.eceBefore, 4), eceAfter: round(choice.churnRecalibration.eceAfter, 4) },
    refitMs: round(refitMs),
    workspaceFitMs: round(choiceMs + refitMs + ggMs),
  };
}

function benchScoring(params: ModelParams, c: { x: Float64Array; tx: Float64Array; T: Float64Array; zbar: Float64Array }): Record<string, unknown> {
  const n = c.x.length;
  const opts = { horizonWeeks: 13, clvMonths: 12, monthlyDiscountRate: 0.01 };
  scoreCustomers(params, { x: c.x.subarray(0, 1000), tx: c.tx.subarray(0, 1000), T: c.T.subarray(0, 1000), zbar: c.zbar.subarray(0, 1000) }, opts); // warm-up
  const [, dedupMs] = time(() => scoreCustomers(params, c, opts));
  const [, rawMs] = time(() => scoreCustomers(params, c, { ...opts, dedupe: false }));
  return {
    customers: n,
    clvMonths: 12,
    horizonWeeks: 13,
    ms: round(dedupMs),
    customersPerSecond: Math.round((n / dedupMs) * 1000),
    noDedupeMs: round(rawMs),
    noDedupeCustomersPerSecond: Math.round((n / rawMs) * 1000),
  };
}

function printTable(r: Record<string, unknown>): void {
  const c = r.cdnowMaster as Record<string, unknown>;
  const rows: [string, string][] = [
    ["CDNOW master customers", `${c.customers} (${c.uniqueRows} unique (x, t_x, T))`],
    ["  BG/NBD fit", `${c.bgnbdFitMs} ms (without aggregation ${c.bgnbdFitNoAggregationMs} ms)`],
    ["  Gamma-Gamma fit", `${c.gammaGammaFitMs} ms`],
    ["  Pareto/NBD fit", `${c.paretoNbdFitMs} ms, LL ${c.paretoNbdLogLikelihood} (BG/NBD ${c.logLikelihood})`],
    ["  BG/NBD params", JSON.stringify(c.bgnbd)],
    ["  Pareto/NBD params", JSON.stringify(c.paretoNbd)],
    ["  Gamma-Gamma params", JSON.stringify(c.gammaGamma)],
  ];
  for (const s of r.synthetic as Record<string, unknown>[]) {
    rows.push(
      [`synthetic ${s.customers}`, `simulate ${s.simulateMs} ms, ${s.uniqueRows} unique rows`],
      ["  BG/NBD fit", `${s.bgnbdFitMs} ms`],
      ["  Gamma-Gamma fit", `${s.gammaGammaFitMs} ms`],
      ["  Pareto/NBD fit", `${s.paretoNbdFitMs} ms`],
      [
        "  workspace fit (choice + refit + Gamma-Gamma)",
        `${s.workspaceFitMs} ms: choice ${s.choiceMs} ms → ${s.chosen} (holdout LL ${JSON.stringify(s.holdoutLogLikelihoods)}), refit ${s.refitMs} ms`,
      ],
      ["  BG/NBD params", JSON.stringify(s.bgnbd)],
      ["  Gamma-Gamma params", JSON.stringify(s.gammaGamma)],
    );
  }
  for (const [name, sc] of Object.entries(r.scoring as Record<string, Record<string, unknown>>)) {
    rows.push(
      [`scoring ${sc.customers} with ${name} (CLV 12 months)`, `${sc.ms} ms = ${sc.customersPerSecond} customers/s`],
      ["  without dedupe", `${sc.noDedupeMs} ms = ${sc.noDedupeCustomersPerSecond} customers/s`],
    );
  }
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = process.argv.slice(2).map(Number).filter((v) => v > 0);
  const result = await runModelBench(sizes.length > 0 ? { sizes } : {});
  printTable(result);
}
