export * from "./logistic.ts";
export * from "./calibration.ts";
export * from "./metrics.ts";
export * from "./risk-model.ts";
export * from "./holdout.ts";
export * from "./evaluation-predictions.ts";
