/** Customer-base models: BG/NBD, Gamma-Gamma, CLV, and the data plumbing around them. */
export * from "./special.ts";
export * from "./optimize.ts";
export * from "./aggregate.ts";
export * from "./bgnbd.ts";
export * from "./gamma-gamma.ts";
export * from "./spend.ts";
export * from "./defaults.ts";
export * from "./clv.ts";
export * from "./transactions.ts";
export * from "./summary.ts";
export * from "./cdnow.ts";
export * from "./synthetic.ts";
export { evaluateModel, rocAuc, type EvaluateOptions, type ModelEvaluation } from "./evaluate.ts";
export * from "./pareto-nbd.ts";
export * from "./purchase-model.ts";
