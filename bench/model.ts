/**
 * Model benchmark: BG/NBD + Gamma-Gamma fit time on the CDNOW master calibration summary and on
 * synthetic customers drawn from the CDNOW fit, and scoring throughput. Pure CPU, no database.
 *
 *   npx tsx bench/model.ts [size ...]        (default size: 1000000)
 */
import { pathToFileURL } from "node:url";
import { buildSummary } from "../src/model/summary.ts";
import { cdnowFile, loadTransactions } from "../src/model/cdnow.ts";
import { fitBgNbd, type BgNbdParams } from "../src/model/bgnbd.ts";
import { fitGammaGamma, type GammaGammaParams } from "../src/model/gamma-gamma.ts";
import { scoreCustomers } from "../src/model/clv.ts";
import { simulateCustomers } from "../src/model/synthetic.ts";

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
    bgnbd: roundParams(bg.params),
    logLikelihood: round(bg.logLikelihood, 2),
    gammaGamma: roundParams(gg.params),
  };

  // 2. Synthetic customers from the CDNOW parameters.
  const synthetic: Record<string, unknown>[] = [];
  let scoring: Record<string, unknown> = {};
  for (const n of sizes) {
    const [sim, simMs] = time(() =>
      simulateCustomers({ n, bgnbd: bg.params, gammaGamma: gg.params, seed: 20050101 }),
    );
    const [fit, fitMs] = time(() => fitBgNbd({ x: sim.x, tx: sim.tx, T: sim.T }));
    const [gfit, gMs] = time(() => fitGammaGamma({ x: sim.x, zbar: sim.zbar }));
    synthetic.push({
      customers: n,
      simulateMs: round(simMs),
      uniqueRows: fit.uniqueRows,
      bgnbdFitMs: round(fitMs),
      gammaGammaFitMs: round(gMs),
      totalFitMs: round(fitMs + gMs),
      bgnbd: roundParams(fit.params),
      gammaGamma: roundParams(gfit.params),
    });
    if (n === Math.max(...sizes)) scoring = benchScoring(bg.params, gg.params, sim);
  }
  return { cdnowMaster: cdnow, synthetic, scoring };
}

function benchScoring(
  bgnbd: BgNbdParams,
  gammaGamma: GammaGammaParams,
  c: { x: Float64Array; tx: Float64Array; T: Float64Array; zbar: Float64Array },
): Record<string, unknown> {
  const n = c.x.length;
  const opts = { horizonWeeks: 13, clvMonths: 12, monthlyDiscountRate: 0.01 };
  scoreCustomers({ bgnbd, gammaGamma }, { x: c.x.subarray(0, 1000), tx: c.tx.subarray(0, 1000), T: c.T.subarray(0, 1000), zbar: c.zbar.subarray(0, 1000) }, opts); // warm-up
  const [, dedupMs] = time(() => scoreCustomers({ bgnbd, gammaGamma }, c, opts));
  const [, rawMs] = time(() => scoreCustomers({ bgnbd, gammaGamma }, c, { ...opts, dedupe: false }));
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
    ["  BG/NBD params", JSON.stringify(c.bgnbd)],
    ["  Gamma-Gamma params", JSON.stringify(c.gammaGamma)],
  ];
  for (const s of r.synthetic as Record<string, unknown>[]) {
    rows.push(
      [`synthetic ${s.customers}`, `simulate ${s.simulateMs} ms, ${s.uniqueRows} unique rows`],
      ["  BG/NBD fit", `${s.bgnbdFitMs} ms`],
      ["  Gamma-Gamma fit", `${s.gammaGammaFitMs} ms`],
      ["  BG/NBD params", JSON.stringify(s.bgnbd)],
      ["  Gamma-Gamma params", JSON.stringify(s.gammaGamma)],
    );
  }
  const sc = r.scoring as Record<string, unknown>;
  rows.push(
    [`scoring ${sc.customers} (CLV 12 months)`, `${sc.ms} ms = ${sc.customersPerSecond} customers/s`],
    ["  without dedupe", `${sc.noDedupeMs} ms = ${sc.noDedupeCustomersPerSecond} customers/s`],
  );
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = process.argv.slice(2).map(Number).filter((v) => v > 0);
  const result = await runModelBench(sizes.length > 0 ? { sizes } : {});
  printTable(result);
}
