// eval/grounding: 3D grounding scored by the paper's rules (FORMATS.md §6) and Omni3D's AP3D.
export {
  GROUNDING_RECORD_FIELDS,
  groundingBoxFromJson,
  groundingRecordFromJson,
  joinGroundingRecords,
  readGroundingJsonl,
  type GroundingBox,
  type GroundingReadResult,
  type GroundingRecord,
} from "./records.js";
export { groundingRecordsFromSynth, readGroundingText } from "./synth-truth.js";
export { maxWeightAssignment, minCostAssignment, type AssignmentPair } from "./hungarian.js";
export {
  groupByLabel,
  matchGroundingBoxes,
  type GroundingCamera,
  type ImageMatching,
  type LabelGroup,
  type MatchedBoxPair,
} from "./match.js";
export { DEFAULT_DEPTH_BAND_EDGES_M, DEPTH_BAND_NAMES, depthBandOf, type DepthBand } from "./depth-bands.js";
export {
  AP_BANDS,
  Ap3dAccumulator,
  COCO_RECALL_POINTS,
  compareImageIds,
  DEFAULT_MAX_DETECTIONS,
  greedyMatchImage,
  interpolatedAp,
  OMNI3D_IOU_THRESHOLDS,
  OUTCOME_FALSE_POSITIVE,
  OUTCOME_IGNORED,
  OUTCOME_TRUE_POSITIVE,
  type ApBand,
  type GreedyMatchInput,
  type ScoredOutcome,
} from "./ap3d.js";
export { GroundingTally } from "./tally.js";
export {
  GROUNDING_TASK,
  GroundingEvaluator,
  groundingCategoryTask,
  groundingDepthTask,
  type GroundingEvaluatorConfig,
  type GroundingEvaluatorOptions,
  type GroundingInput,
} from "./evaluator.js";
