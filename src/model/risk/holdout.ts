/**
 * The learned churn model on a transaction log, judged the way FHL 2005 judge BG/NBD: trained
 * only on the calibration period, predicting "no purchase over the holdout" for every
 * customer of the cohort, compared with what happened.
 *
 * Inside the calibration period there is no window as long as the holdout (CDNOW: 39 weeks
 * each), so the training rows are as-of dates t inside it with the outcome "no purchase in
 * (t, calibration end]", horizons h of 8–24 weeks. The horizon is an input (ln h), and so is
 * the BG/NBD churn probability for that horizon (fitted as of t), whose dependence on h comes
 * from the theory; the logistic regression learns how far to correct it by recency, frequency
 * and spend. Validation is out of time: trained on the earlier as-of dates, judged on the last;
 * the model that predicts the holdout is then refitted on every as-of date. Its log-loss keeps
 * it calibrated; an isotonic map fitted at one inner horizon would not carry to the holdout's.
 */
import { fitBgNbd, probabilityNoPurchase, type BgNbdParams } from "../bgnbd.ts";
import { DEFAULT_MODEL_SETTINGS } from "../defaults.ts";
import { buildSummary } from "../summary.ts";
import { formatDay, isTransactionTable, parseDay, toTransactionTable, type TransactionRecord, type TransactionTable } from "../transactions.ts";
import { fitLogistic, fitStandardizer, linearPredictor, logit, sigmoid, standardize, type Matrix } from "./logistic.ts";
import { probabilityReport, type ProbabilityReport } from "./metrics.ts";

export const HOLDOUT_INPUTS = [
  "BG/NBD log-odds of no purchase in h",
  "ln(1 + repeat purchases)",
  "ln(1 + weeks since the last purchase)",
  "weeks since the first purchase",
  "ln(1 + mean repeat order value)",
  "ln(1 + total spend)",
  "ln h (weeks)",
  "has a repeat purchase",
  "ln h × BG/NBD log-odds",
] as const;

export interface LearnedHoldoutOptions {
  transactions: TransactionTable | readonly TransactionRecord[];
  calibrationEnd: string | Date;
  holdoutEnd: string | Date;
  /** As-of dates for training rows (default: every 15 days from calibration end − 168 days to − 56 days). */
  innerDates?: (string | Date)[];
  /** L2 penalty on standardised inputs (default 1e-3). */
  l2?: number;
}

export interface LearnedHoldoutEvaluation {
  calibrationEnd: string;
  holdoutEnd: string;
  customers: number;
  churned: number;
  innerDates: string[];
  trainingRows: number;
  l2: number;
  inputs: readonly string[];
  /** Trained on the inner dates but the last, judged on the last (its own, shorter horizon). */
  innerValidation: ProbabilityReport;
  /** The holdout: the learned model, BG/NBD alone and recency alone (AUC only). */
  holdout: { learned: ProbabilityReport; bgnbd: ProbabilityReport; recencyAuc: number };
  bgnbd: BgNbdParams;
  /** Coefficients on standardised inputs, by input. */
  coefficients: Record<string, number>;
  /** Per customer: id, learned churn probability, BG/NBD churn probability, holdout purchases. */
  predictions: { ids: string[]; learned: Float64Array; bgnbd: Float64Array; holdoutPurchases: Float64Array };
  fitMs: number;
}

const DAY = 1;
const clipP = (p: number) => Math.min(1 - 1e-9, Math.max(1e-9, p));

/** Per customer, the days they bought (same-day purchases merged) and what they spent each day. */
function purchaseDays(tbl: TransactionTable): Map<string, { days: number[]; spend: number[] }> {
  const byId = new Map<string, Map<number, number>>();
  for (let i = 0; i < tbl.day.length; i++) {
    const id = tbl.customerId[i]!;
    let m = byId.get(id);
    if (!m) byId.set(id, (m = new Map()));
    m.set(tbl.day[i]!, (m.get(tbl.day[i]!) ?? 0) + tbl.amount[i]!);
  }
  const out = new Map<string, { days: number[]; spend: number[] }>();
  for (const [id, m] of byId) {
    const days = [...m.keys()].sort((a, b) => a - b);
    out.set(id, { days, spend: days.map((d) => m.get(d)!) });
  }
  return out;
}

/** Inputs as of `asOf` for the horizon up to `end`, and the outcome "no purchase in (asOf, end]". */
function rowsAsOf(tbl: TransactionTable, days: ReturnType<typeof purchaseDays>, asOf: number, end: number) {
  const s = buildSummary(tbl, { calibrationEnd: asOf, holdoutEnd: end });
  // The workspace fits' penaliser, so the figures describe what ships.
  const bg = fitBgNbd({ x: s.x, tx: s.tx, T: s.T }, { penalizer: DEFAULT_MODEL_SETTINGS.penalizer });
  const h = (end - asOf) / 7;
  const lnH = Math.log(h);
  const X = new Float64Array(s.size * HOLDOUT_INPUTS.length);
  const y = new Uint8Array(s.size);
  const bgnbd = new Float64Array(s.size);
  const recency = new Float64Array(s.size);
  for (let i = 0; i < s.size; i++) {
    const c = days.get(s.ids[i]!)!;
    let spend = 0;
    let last = c.days[0]!;
    for (let k = 0; k < c.days.length && c.days[k]! <= asOf; k++) {
      spend += c.spend[k]!;
      last = c.days[k]!;
    }
    const p = probabilityNoPurchase(bg.params, h, s.x[i]!, s.tx[i]!, s.T[i]!);
    const lo = logit(clipP(p));
    const weeksSince = (asOf - last) / 7;
    X.set([lo, Math.log1p(s.x[i]!), Math.log1p(weeksSince), s.T[i]!, Math.log1p(s.zbar[i]!), Math.log1p(Math.max(0, spend)), lnH, s.x[i]! > 0 ? 1 : 0, lnH * lo], i * HOLDOUT_INPUTS.length);
    y[i] = s.holdoutX[i] === 0 ? 1 : 0;
    bgnbd[i] = p;
    recency[i] = weeksSince;
  }
  return { ids: s.ids, X: { rows: s.size, cols: HOLDOUT_INPUTS.length, data: X } as Matrix, y, bgnbd, recency, params: bg.params };
}

function concat(parts: Matrix[]): Matrix {
  const rows = parts.reduce((n, m) => n + m.rows, 0);
  const cols = parts[0]!.cols;
  const data = new Float64Array(rows * cols);
  let off = 0;
  for (const m of parts) {
    data.set(m.data, off);
    off += m.data.length;
  }
  return { rows, cols, data };
}

function fitAndPredict(train: { X: Matrix; y: Uint8Array }, test: Matrix, l2: number) {
  const st = fitStandardizer(train.X);
  const model = fitLogistic(standardize(train.X, st), train.y, { l2 });
  return { model, p: linearPredictor(model, standardize(test, st)).map(sigmoid) };
}

export function evaluateLearnedChurn(opts: LearnedHoldoutOptions): LearnedHoldoutEvaluation {
  const t0 = performance.now();
  const tbl = isTransactionTable(opts.transactions) ? opts.transactions : toTransactionTable(opts.transactions as readonly TransactionRecord[]);
  const calEnd = parseDay(opts.calibrationEnd);
  const holdEnd = parseDay(opts.holdoutEnd);
  const l2 = opts.l2 ?? 1e-3;
  const inner = opts.innerDates
    ? opts.innerDates.map(parseDay)
    : Array.from({ length: Math.floor((168 - 56) / 15) + 1 }, (_, k) => calEnd - 168 * DAY + 15 * k);
  if (inner.length < 2) throw new Error("evaluateLearnedChurn: needs at least 2 inner as-of dates");
  if (inner.some((d) => d >= calEnd)) throw new Error("evaluateLearnedChurn: inner as-of dates must be before the calibration end");
  const days = purchaseDays(tbl);
  const rows = inner.map((d) => rowsAsOf(tbl, days, d, calEnd));
  const y = (rs: typeof rows) => Uint8Array.from(rs.flatMap((r) => Array.from(r.y)));

  // Out of time inside the calibration period: the earlier dates predict the last one.
  const earlier = rows.slice(0, -1);
  const last = rows.at(-1)!;
  const inside = fitAndPredict({ X: concat(earlier.map((r) => r.X)), y: y(earlier) }, last.X, l2);

  // The model that predicts the holdout: every inner date.
  const final = rowsAsOf(tbl, days, calEnd, holdEnd);
  const fitted = fitAndPredict({ X: concat(rows.map((r) => r.X)), y: y(rows) }, final.X, l2);
  let churned = 0;
  for (const v of final.y) churned += v;
  const s = buildSummary(tbl, { calibrationEnd: calEnd, holdoutEnd: holdEnd });
  return {
    calibrationEnd: formatDay(calEnd),
    holdoutEnd: formatDay(holdEnd),
    customers: final.ids.length,
    churned,
    innerDates: inner.map(formatDay),
    trainingRows: rows.reduce((n, r) => n + r.ids.length, 0),
    l2,
    inputs: HOLDOUT_INPUTS,
    innerValidation: probabilityReport(inside.p, last.y),
    holdout: {
      learned: probabilityReport(fitted.p, final.y),
      bgnbd: probabilityReport(final.bgnbd, final.y),
      recencyAuc: probabilityReport(final.recency, final.y).auc,
    },
    bgnbd: final.params,
    coefficients: Object.fromEntries(HOLDOUT_INPUTS.map((name, j) => [name, fitted.model.coefficients[j]!])),
    predictions: { ids: final.ids, learned: fitted.p, bgnbd: final.bgnbd, holdoutPurchases: s.holdoutX },
    fitMs: performance.now() - t0,
  };
}
