// lift/: 2D annotations -> metric 3D boxes. liftObject lifts one object of one RGB-D frame
// (lift.ts); the runner applies it to a whole dataset in worker threads and writes a sharded,
// resumable repository (runner.ts, record.ts, manifest.ts, report.ts); merge.ts joins shards.
export type * from "./types.js";
export { LIFT_REJECT_REASONS } from "./types.js";
export { DEFAULT_LIFT_OPTIONS, liftObject, MIN_FIT_POINTS, resolveLiftOptions } from "./lift.js";
export type { LiftOptions } from "./lift.js";
export { DEFAULT_CHUNK_SIZE, DEFAULT_MIN_SCORE, runLift } from "./runner.js";
export type { LiftDatasetSource, LiftProgress, LiftRunResult, RunLiftOptions } from "./runner.js";
export { mergeLift } from "./merge.js";
export type { MergeLiftOptions, MergeLiftResult } from "./merge.js";
export { LIFT_SKIP_REASONS, parseRecordLine, parseRecordLines, recordLine } from "./record.js";
export type { ImageRecord, LiftRecord, LiftSkipReason, ObjectRecord, SkipRecord } from "./record.js";
export { LIFT_FORMAT, LIFT_FORMAT_VERSION, readManifest } from "./manifest.js";
export type { LiftConfig, LiftManifest, ManifestChunk, ManifestCounts, RedoneChunk } from "./manifest.js";
export { ANNOTATIONS_FILE, MANIFEST_FILE, REPORT_FILE } from "./runner-finish.js";
export type { RepositoryFiles } from "./runner-finish.js";
export { chunkFileName, fnv1a32, shardOf, validateShard, WHOLE_DATASET } from "./runner-plan.js";
export type { ShardSpec } from "./runner-plan.js";
export type { LiftStageTimings } from "./worker-image.js";
export type { LiftFunction, LiftParts, LiftPartsModule, LiftWorkerConfig } from "./worker-parts.js";
