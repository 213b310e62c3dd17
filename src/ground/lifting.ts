import { liftObject, type LiftOptions } from "../lift/lift.js";
import type { LiftFrame, LiftOutcome, LiftTarget } from "../lift/types.js";
import type { RGBDFrame } from "../rgbd/index.js";

/**
 * The lifting step the depth-based back ends share: one 2D box or mask of a frame -> a 3D box
 * (src/lift). Back ends take it as a parameter so tests and studies can swap in another lifter.
 */

/** Lift one object of one frame (the signature of src/lift's `liftObject`). */
export type LiftFn = (frame: LiftFrame, target: LiftTarget, options?: LiftOptions) => LiftOutcome;

/** The default lifter: src/lift's `liftObject`. */
export const defaultLift: LiftFn = (frame, target, options) => liftObject(frame, target, options);

/**
 * An RGB-D frame as lifting reads it: its depth (a validity mask, when the frame has one, is folded
 * into the depth: pixels it marks invalid read 0), intrinsics, point map and gravity, and its RGB,
 * which box-only lifting uses as a colour cue.
 */
export function liftFrameOf(frame: RGBDFrame): LiftFrame {
  let depthM = frame.depthM;
  if (frame.validMask !== undefined) {
    depthM = new Float32Array(frame.depthM);
    for (let i = 0; i < depthM.length; i++) if (frame.validMask[i] === 0) depthM[i] = 0;
  }
  return {
    size: frame.size,
    depthM,
    intrinsics: frame.intrinsics,
    rgb: frame.rgb,
    ...(frame.pointsM !== undefined ? { pointsM: frame.pointsM } : {}),
    ...(frame.gravity !== undefined ? { gravity: frame.gravity } : {}),
  };
}
