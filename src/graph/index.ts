/**
 * The tensor engine: an ONNX graph builder with static shapes, reverse-mode autodiff, AdamW, and
 * training-step emission, run by onnxruntime-node. One model definition gives the inference graph
 * (`g.toInferenceModel`, `g.toModel`) and the training-step graph (`buildTrainStep`).
 */
export { DTYPES, Graph, GraphError, ONNX_DTYPE, Tensor } from "./graph.js";
export type { DType, GradContext, GradRule, GraphOutput, InputSpec, OpNode, OpSpec, TensorKind, ToInferenceOptions, ToModelOptions } from "./graph.js";
export { IR_VERSION, OPSET } from "./emit.js";
export { normal, ones, sampleInit, uniform, xavier, zeros } from "./init.js";
export type { Init } from "./init.js";
export { broadcastShapes, formatShape, shapeSize } from "./shape.js";
export {
  add, addN, and, cast, cos, div, equal, exp, greater, greaterOrEqual, identity, less, lessOrEqual, log,
  maximum, minimum, mul, neg, not, pow, relu, sigmoid, sin, sqrt, sub, tanh, unbroadcast, where,
} from "./ops-elementwise.js";
export type { Operand } from "./ops-elementwise.js";
export { concat, expand, gather, reshape, slice, split, transpose, zerosOf } from "./ops-shape.js";
export type { SliceSpec } from "./ops-shape.js";
export { matmul } from "./ops-matmul.js";
export type { MatMulOptions } from "./ops-matmul.js";
export { reduceMax, reduceMean, reduceSum, reduceSumSquare } from "./ops-reduce.js";
export {
  MASK_NEGATIVE, additiveMask, causalMask, crossEntropy, gelu, layerNorm, logSoftmax, prefixCausalMask, softmax,
} from "./ops-nn.js";
export type { CrossEntropyOptions, LayerNormOptions } from "./ops-nn.js";
export { gradients, paramsWithoutGradient } from "./autodiff.js";
export type { ParamSelection } from "./autodiff.js";
export { adamW, decayMatricesOnly } from "./optim.js";
export type { AdamWConfig, DecayFilter } from "./optim.js";
export {
  GRAD_NORM_OUTPUT, LOSS_OUTPUT, LR_INPUT, STEP_INPUT, buildTrainStep, stateInputNames, stateOutputNames,
} from "./train-step.js";
export type { TrainStep, TrainStepOptions } from "./train-step.js";
export { warmupCosineLr } from "./lr-schedule.js";
export type { WarmupCosineOptions } from "./lr-schedule.js";
export { buildReferenceTransformer, transformerForwardFlops, transformerTrainFlops } from "./reference-transformer.js";
export type { ReferenceTransformer, TransformerConfig } from "./reference-transformer.js";
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  canonicalJson,
  configHash,
  decodeCheckpoint,
  decodeSafetensors,
  dtypeOf,
  encodeCheckpoint,
  encodeSafetensors,
  loadCheckpoint,
  saveCheckpoint,
} from "./checkpoint.js";
export type {
  CheckpointExpectation,
  JsonValue,
  ParamState,
  SafetensorsData,
  SafetensorsDtype,
  SafetensorsFile,
  SafetensorsTensor,
  TrainingCheckpoint,
} from "./checkpoint.js";
export { exportInferenceModel } from "./export.js";
export type { ExportOptions, ExportResult } from "./export.js";
export { layoutWeights, WEIGHTS_ALIGNMENT_BYTES, writeWeightsFile } from "./weights-file.js";
export type { WeightsEntry, WeightsFile, WeightsLayout } from "./weights-file.js";
export { DEFAULT_SESSION_CONFIG, Session } from "./runtime/session.js";
export type { Feed, RunOptions, RunOutput, SessionConfig, ShapedArray, TensorArray, ValueSpec } from "./runtime/session.js";
export { DEFAULT_STATE_STRATEGY, Trainer } from "./runtime/trainer.js";
export type { Batch, StateStrategy, StepResult, TrainerOptions, TrainerState } from "./runtime/trainer.js";
export { resumeFromCheckpoint, trainLoop } from "./runtime/train-loop.js";
export type { LogEntry, TrainLoopOptions, TrainLoopResult } from "./runtime/train-loop.js";
