// model/: the compact N3D-VLM. Config presets; a closed tokenizer whose bins make every box seven
// tokens and whose grammar constrains decoding; vision inputs with the depth-aware positional
// encoding; deterministic stage-1/2 training data; the network on src/graph (training step,
// prefill and step graphs with a key/value cache); greedy constrained generation; training stages
// with exact resume; model folders; a frame + prompt -> boxes grounder.
export {
  ANSWER_MODES,
  BOX_TARGETS,
  DEFAULT_MODEL_CONFIG,
  MODEL_CONFIG_FIELDS,
  MODEL_CONFIG_REASONS,
  MODEL_PRESET_NAMES,
  MODEL_PRESETS,
  parseConfigOverride,
  patchGrid,
  resolveModelConfig,
  validateModelConfig,
} from "./config.js";
export type { AnswerMode, BoxTarget, ModelConfig, PatchGrid } from "./config.js";
export {
  createTokenizer,
  IGNORE_INDEX,
  parseTokenizerJson,
  PRETOKENIZER_PATTERN,
  readTokenizer,
  serializeTokenizer,
  SPECIAL_TOKENS,
  Tokenizer,
  writeTokenizer,
} from "./tokenizer.js";
export type { AllowedOptions, ConstrainedDecoder, TokenizerJson, TokenizerOptions } from "./tokenizer.js";
export {
  axisBins,
  binToken,
  boxAxes,
  boxTokenNames,
  canonicalizeYaw,
  decodeBox,
  dequantize,
  encodeBox,
  parseBinToken,
  quantize,
  targetAxes,
} from "./box-tokens.js";
export type { AxisBins, BinAxis } from "./box-tokens.js";
export {
  ANSWER_MARK,
  AnswerScanner,
  EOS,
  instanceToken,
  MAX_FRAC_DIGITS,
  MAX_INT_DIGITS,
  nameTokens,
  normalizeLabel,
  numberTokens,
  OBJ_CLOSE,
  OBJ_OPEN,
  objectTokens,
  PROGRAM_MARK,
  programTailTokens,
  programToken,
  SEP,
  unitToken,
  valueTailTokens,
} from "./answer-grammar.js";
export type { AllowedItem, GrammarMode, ParsedAnswer, ParsedObject, ParsedValue, ProgramArgs, TokenClass } from "./answer-grammar.js";
export { areaWeights, resizedIntrinsics, sineEncoding3D, visionInputs } from "./vision-inputs.js";
export type { AreaWeights, VisionInputs } from "./vision-inputs.js";
export { detectSample, groundSample, prepareScene, reasoningSample } from "./samples.js";
export type { PreparedScene, SampleContext, SampleMeta, SampleTask, TrainingSample } from "./samples.js";
export {
  collate,
  DEFAULT_MIN_VISIBLE_PIXELS,
  DEFAULT_STREAM_OPTIONS,
  prefixAttentionMask,
  repositorySource,
  sampleStream,
  STREAM_OPTION_REASONS,
  synthSource,
} from "./stage-data.js";
export type { Batch, SampleStream, SceneSource, StreamOptions, SynthSourceOptions } from "./stage-data.js";
export {
  answerRowsPerSample,
  buildFullGraph,
  buildNetworkTrainStep,
  buildPrefillGraph,
  buildStepGraph,
  buildTrainingGraph,
  initialNetworkParams,
  NET,
  networkDims,
  pastKeyName,
  pastValueName,
  presentKeyName,
  presentValueName,
  sequenceFeeds,
  tokenKeyName,
  tokenValueName,
  trainingFeeds,
} from "./network.js";
export type { NetworkDims, NetworkFeeds, OptimizerSettings, SequenceShape, TrainingGraph } from "./network.js";
export { softTargets } from "./soft-targets.js";
export type { SoftTargets } from "./soft-targets.js";
export { CachedLogits, FullRecomputeLogits, greedyDecode } from "./generate.js";
export type { Decoded, DecodeOptions, GenerationPrefix, GraphSignature, LogitsSource } from "./generate.js";
export {
  checkGraphShapes,
  MODEL_FILES,
  MODEL_FOLDER_FORMAT,
  MODEL_FOLDER_VERSION,
  readFolderParams,
  readModelFolder,
  TRAIN_HINT,
  writeModelFolder,
} from "./model-folder.js";
export type { ModelFolder, ModelFolderJson, WrittenModel } from "./model-folder.js";
export {
  DEFAULT_TRAIN_SETTINGS,
  fitToLength,
  readTrainingCurve,
  resolveTrainSettings,
  TRAIN_SETTING_FIELDS,
  TRAIN_SETTING_REASONS,
  trainModel,
} from "./train.js";
export type { TrainData, TrainOptions, TrainProgress, TrainResult, TrainSettings } from "./train.js";
export { appendTrainingLog, lossCurveSvg, readTrainingLog, truncateTrainingLog } from "./training-log.js";
export type { TrainingLogLine } from "./training-log.js";
export { countSupport, DEFAULT_GROUND_PROMPT, MIN_SUPPORT_POINTS, ModelGrounder, SUPPORT_MARGIN, SUPPORT_PAD_M, supportPoints, unknownWords } from "./grounder.js";
export type { GroundedObject, GroundingAnswer, GroundOptions } from "./grounder.js";
