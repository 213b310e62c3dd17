// eval/qa: spatial-QA scoring by each benchmark's own rules. Loaders turn SpatialRGPT-Bench,
// CV-Bench and N3D-Bench files into items with a parsed truth and a rule name; free-text answers
// are read by rule-based extractors (or, optionally, an LLM judge) and scored by the rule.
export type { AnswerUnit, QaBenchmarkName, QaInput, QaItem, QaLoadResult, QaTruth, QaReading } from "./types.js";
export {
  CHOICE_LETTERS,
  cvBenchAnswerText,
  cvBenchLetter,
  extractChoice,
  extractClock,
  extractCount,
  extractLength,
  extractOrder,
  extractYesNo,
  finalAnswer,
  firstMentions,
  lengthMentions,
  METRES_PER_ANSWER_UNIT,
  readAnswer,
  unitFromName,
} from "./extract.js";
export type { ExtractChoiceOptions, ExtractLengthOptions, LengthMention } from "./extract.js";
export {
  getQaScoringRule,
  isClockWithinOne,
  isQaScoringRule,
  isWithin25Percent,
  QA_SCORING_RULE_NAMES,
  QA_SCORING_RULES,
  relativeError,
  RULE_TRUTH_KINDS,
  ruleMismatch,
  scoreLetterChoice,
  WITHIN_25PCT_SLACK,
} from "./rules.js";
export type { QaOutcome, QaScore, QaScoringRule, ScorableItem } from "./rules.js";
export { getQaBenchmark, loadQaBenchmarkFile, QA_BENCHMARK_NAMES, QA_BENCHMARKS } from "./loaders.js";
export type { QaBenchmark } from "./loaders.js";
export { loadN3dBench } from "./load-n3d.js";
export { loadSpatialRgptBench, SPATIALRGPT_QUALITATIVE, SPATIALRGPT_QUANTITATIVE, spatialRgptCategory } from "./load-spatialrgpt.js";
export { CVBENCH_3D_TASKS, loadCvBench } from "./load-cvbench.js";
export type { CvBenchOptions } from "./load-cvbench.js";
export { PREDICTION_ANSWER_FIELDS, PREDICTION_ID_FIELDS, pairQaPredictions, parseQaPredictions, readQaPredictionsFile } from "./predictions.js";
export type { PairedQaPredictions, QaPredictionsRead } from "./predictions.js";
export { QaEvaluator, scoreQaInput } from "./evaluator.js";
export type { QaEvaluatorOptions, QaItemOutcome, QaItemResult } from "./evaluator.js";
export { judgeInputs, parseJudgeReply, QaJudge } from "./judge.js";
export type { JudgeStats, QaJudgeOptions } from "./judge.js";
