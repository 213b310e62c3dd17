export type { EvalResults, Evaluator, SkippedInput } from "./types.js";
export * from "./report.js";
export * from "./grounding/index.js";
export * from "./qa/index.js";
