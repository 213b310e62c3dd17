import { InputError } from "../errors.js";
import { isValidDepth, validateImageSize } from "../geometry/index.js";
import type { ImageSize } from "../geometry/index.js";

/**
 * A depth map in n3d's convention (DESIGN.md): planar z in metres, row-major H x W,
 * 0 or NaN = invalid.
 */
export interface DepthMap {
  readonly size: ImageSize;
  /** Length H * W, metres. */
  readonly depthM: Float32Array;
}

/**
 * Default scale for integer depth (16-bit PNG, uint16 .npy): 1000 units per metre, i.e.
 * millimetres. TUM RGB-D uses 5000.
 */
export const DEFAULT_DEPTH_SCALE = 1000;

/** Throw an InputError unless the integer-depth scale (units per metre) is finite and > 0. */
export function validateDepthScale(scale: number, where: string): number {
  if (typeof scale !== "number" || !Number.isFinite(scale) || scale <= 0) {
    throw new InputError(where, "scale", scale, "depth scale must be a finite number > 0 (stored units per metre; 1000 for millimetres)");
  }
  return scale;
}

/**
 * Check a depth map's values: negative depth (including -Infinity) is an InputError naming the
 * first bad pixel (u, v) in row-major order; 0, NaN and +Infinity count as invalid. Returns the
 * number of valid pixels.
 */
export function countValidDepth(depthM: Float32Array, size: ImageSize, where: string): number {
  const { width, height } = validateImageSize(size, where);
  if (depthM.length !== width * height) {
    throw new InputError(where, "depth length", depthM.length, `expected ${width}x${height} = ${width * height}`);
  }
  let valid = 0;
  for (let i = 0; i < depthM.length; i++) {
    const z = depthM[i]!;
    if (z < 0) {
      const u = i % width;
      const v = (i - u) / width;
      throw new InputError(where, `depth[u=${u}, v=${v}]`, z, "negative depth; depth must be >= 0 metres (0 or NaN = invalid)");
    }
    if (isValidDepth(z)) valid++;
  }
  return valid;
}
