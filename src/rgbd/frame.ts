import type { ImageSize, Intrinsics, Vec3 } from "../geometry/index.js";

/**
 * One RGB-D frame, everything in n3d's conventions (DESIGN.md): OpenCV camera frame, metres,
 * row-major pixels.
 */
export interface RGBDFrame {
  /** Image size in pixels; every per-pixel array below is laid out for it, row-major. */
  readonly size: ImageSize;
  /** Colour, 8-bit RGB interleaved, length H * W * 3. */
  readonly rgb: Uint8Array;
  /** Planar depth in metres, length H * W; 0 or NaN means invalid. */
  readonly depthM: Float32Array;
  /** Pinhole intrinsics in pixels. */
  readonly intrinsics: Intrinsics;
  /** Optional validity mask, length H * W, 1 = valid. When present it is ANDed with depth validity. */
  readonly validMask?: Uint8Array;
  /** Optional gravity direction in the camera frame (unit vector pointing down, towards the ground). */
  readonly gravity?: Vec3;
  /**
   * Optional point map in the camera frame, H x W x 3, NaN where invalid: kept when the source was
   * a point map (its x, y need not equal the pinhole back-projection exactly).
   */
  readonly pointsM?: Float32Array;
}
