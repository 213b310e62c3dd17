// PLACEHOLDER (issue 4 contract): the lift-core helper replaces this file.
import type { LiftFrame, LiftOutcome, LiftTarget, LiftTimings } from "./types.js";

/** Tunable lifting options (pixel selection, outlier rejection, extent completion, filters). */
export interface LiftOptions {
  readonly [key: string]: unknown;
}

export const DEFAULT_LIFT_OPTIONS: LiftOptions = {};

/** Lift one 2D annotation of one frame into a 3D box (see types.ts). Pure and synchronous. */
export function liftObject(_frame: LiftFrame, _target: LiftTarget, _options: LiftOptions = DEFAULT_LIFT_OPTIONS, _timings?: LiftTimings): LiftOutcome {
  throw new Error("liftObject: not implemented yet");
}
