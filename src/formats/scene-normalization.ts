import { InputError } from "../errors.js";
import type { Vec3 } from "../geometry/index.js";

/**
 * The official release's per-scene normalization and its 1000-bin quantization
 * (reference/FORMATS.md §1), reproduced operation for operation.
 *
 * Before the model sees a point map, the release shifts it by shift0 (per-axis minimum over valid
 * points) and multiplies by scaling = 1 / mean |p - shift0| (Euclidean norm of each shifted valid
 * point, averaged). Box depths and sizes in the integer form live in that normalized space; u, v
 * do not (they are image coordinates). The release also subtracts and re-adds `shift1`, the
 * minimum of the shifted points, which is exactly 0 (the minimising point gives x - x = 0), so it
 * is left out here.
 *
 * Everything is computed in the OFFICIAL frame (x-left, y-up, z-forward), like the release. Only
 * shift0's z and the scaling enter the box maths, and z is shared by both frames, but shift0's x
 * and y are the official-frame minima.
 */

/** Number of bins of every integer-form field (u, v, z, angle, sizes): bins 0 ... 999. */
export const OFFICIAL_NUM_BINS = 1000;
/** Upper end of the normalized depth range the z bins cover: z_n in [0, 2.0) (world_max). */
export const OFFICIAL_WORLD_MAX = 2.0;
/** Upper end of the normalized size range the size bins cover: s_n in [0, 0.625) (scale_max). */
export const OFFICIAL_SCALE_MAX = 0.625;
/** Angle range the angle bins cover, radians: [-2 pi, 2 pi). */
export const OFFICIAL_ANGLE_MIN = -2 * Math.PI;
export const OFFICIAL_ANGLE_MAX = 2 * Math.PI;

/** Per-scene normalization, official frame: p_n = (p - shift0) * scaling. */
export interface SceneNormalization {
  /** Per-axis minimum over valid points, metres, official frame. */
  readonly shift0: Vec3;
  /** 1 / mean distance of the shifted valid points from the origin, 1/metres. */
  readonly scaling: number;
}

/** A quantized value and whether it fell outside the bins and was clipped to 0 or 999. */
export interface Quantized {
  readonly value: number;
  readonly clipped: boolean;
}

/**
 * Per-scene normalization of a point map in the official frame. `pointsOfficialM` is H x W x 3
 * (x, y, z interleaved, metres); `valid` is H x W, nonzero = valid, or null to take every point
 * with finite coordinates. Sums are in float64 (the release works in float32, so its numbers
 * differ in about the 7th significant digit).
 */
export function computeSceneNormalization(
  pointsOfficialM: Float32Array,
  valid: Uint8Array | null,
  where = "computeSceneNormalization",
): SceneNormalization {
  if (pointsOfficialM.length % 3 !== 0) {
    throw new InputError(where, "points length", pointsOfficialM.length, "a point map is H x W x 3; length must be a multiple of 3");
  }
  const n = pointsOfficialM.length / 3;
  if (valid !== null && valid.length !== n) {
    throw new InputError(where, "valid length", valid.length, `expected one flag per point (${n})`);
  }
  const isValid = (i: number): boolean => {
    const finite = Number.isFinite(pointsOfficialM[3 * i]!) && Number.isFinite(pointsOfficialM[3 * i + 1]!) && Number.isFinite(pointsOfficialM[3 * i + 2]!);
    if (valid === null) return finite;
    if (valid[i] === 0) return false;
    if (!finite) throw new InputError(where, `point ${i}`, [pointsOfficialM[3 * i], pointsOfficialM[3 * i + 1], pointsOfficialM[3 * i + 2]], "is flagged valid but is not finite");
    return true;
  };

  const min = [Infinity, Infinity, Infinity];
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (!isValid(i)) continue;
    count++;
    for (let a = 0; a < 3; a++) min[a] = Math.min(min[a]!, pointsOfficialM[3 * i + a]!);
  }
  if (count === 0) throw new InputError(where, "valid points", 0, "the point map has no valid point to normalize by");
  const shift0: Vec3 = [min[0]!, min[1]!, min[2]!];

  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (!isValid(i)) continue;
    const dx = pointsOfficialM[3 * i]! - shift0[0];
    const dy = pointsOfficialM[3 * i + 1]! - shift0[1];
    const dz = pointsOfficialM[3 * i + 2]! - shift0[2];
    sum += Math.sqrt(dx * dx + dy * dy + dz * dz); // Math.hypot is ~15x slower here and metre-scale values cannot overflow
  }
  const meanDistance = sum / count;
  if (!(meanDistance > 0)) {
    throw new InputError(where, "mean distance", meanDistance, "all valid points coincide; the scene scale is undefined");
  }
  return { shift0, scaling: 1 / meanDistance };
}

function requireFinite(x: number, field: string): void {
  if (!Number.isFinite(x)) throw new InputError("quantize", field, x, "must be a finite number");
}

function requireNorm(norm: SceneNormalization): void {
  if (!(norm.scaling > 0) || !Number.isFinite(norm.scaling)) throw new InputError("quantize", "scaling", norm.scaling, "scene scaling must be a finite number > 0");
  if (!norm.shift0.every(Number.isFinite)) throw new InputError("quantize", "shift0", norm.shift0, "scene shift must be finite");
}

function clipBin(raw: number): Quantized {
  if (raw < 0) return { value: 0, clipped: true };
  if (raw > OFFICIAL_NUM_BINS - 1) return { value: OFFICIAL_NUM_BINS - 1, clipped: true };
  return { value: raw, clipped: false };
}

function requireBin(bin: number, field: string): void {
  if (!Number.isInteger(bin) || bin < 0 || bin > OFFICIAL_NUM_BINS - 1) {
    throw new InputError("dequantize", field, bin, `integer-form bin must be an integer in [0, ${OFFICIAL_NUM_BINS - 1}]`);
  }
}

/** Python/numpy round(): to nearest, ties to even (np.round(490.5) = 490). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Normalized image coordinate (u or v in [0, 1]) -> bin: clip(round(u * 1000), 0, 999), rounding
 * ties to even as numpy does. u = 1.0 (the far image edge) is clipped to 999.
 */
export function quantizeUV(uvN: number): Quantized {
  requireFinite(uvN, "u/v");
  return clipBin(roundHalfEven(uvN * OFFICIAL_NUM_BINS));
}

/** Bin -> normalized image coordinate: bin / 1000 (no half-bin offset, as the release). */
export function dequantizeUV(bin: number): number {
  requireBin(bin, "u/v");
  return bin / OFFICIAL_NUM_BINS;
}

/**
 * Metric depth of a box centre -> bin: z_n = (z - shift0_z) * scaling, then
 * clip(floor(z_n / 2.0 * 1000), 0, 999).
 */
export function quantizeDepth(zM: number, norm: SceneNormalization): Quantized {
  requireNorm(norm);
  requireFinite(zM, "z");
  const zN = (zM - norm.shift0[2]) * norm.scaling;
  return clipBin(Math.floor((zN / OFFICIAL_WORLD_MAX) * OFFICIAL_NUM_BINS));
}

/**
 * Bin -> metric depth: z_n = bin / 1000 * 2.0, z = z_n * (1 / scaling) + shift0_z (the release
 * multiplies by the reciprocal; the bin's lower edge, no half-bin offset).
 */
export function dequantizeDepth(bin: number, norm: SceneNormalization): number {
  requireNorm(norm);
  requireBin(bin, "z");
  const zN = (bin / OFFICIAL_NUM_BINS) * OFFICIAL_WORLD_MAX;
  return zN * (1 / norm.scaling) + norm.shift0[2];
}

/** Metric size -> bin: s_n = s * scaling, clip(floor(s_n / 0.625 * 1000), 0, 999). */
export function quantizeSize(sizeM: number, norm: SceneNormalization): Quantized {
  requireNorm(norm);
  requireFinite(sizeM, "size");
  const sN = sizeM * norm.scaling;
  return clipBin(Math.floor((sN / OFFICIAL_SCALE_MAX) * OFFICIAL_NUM_BINS));
}

/** Bin -> metric size: s = bin / 1000 * 0.625 * (1 / scaling). */
export function dequantizeSize(bin: number, norm: SceneNormalization): number {
  requireNorm(norm);
  requireBin(bin, "size");
  return ((bin / OFFICIAL_NUM_BINS) * OFFICIAL_SCALE_MAX) * (1 / norm.scaling);
}

/** angle_y (radians, official frame) -> bin: clip(floor((a + 2 pi) / (4 pi) * 1000), 0, 999). */
export function quantizeAngle(angleRad: number): Quantized {
  requireFinite(angleRad, "angle");
  const raw = ((angleRad - OFFICIAL_ANGLE_MIN) / (OFFICIAL_ANGLE_MAX - OFFICIAL_ANGLE_MIN)) * OFFICIAL_NUM_BINS;
  return clipBin(Math.floor(raw));
}

/** Bin -> angle_y (radians): bin / 1000 * 4 pi - 2 pi. Bin 500 is 0. */
export function dequantizeAngle(bin: number): number {
  requireBin(bin, "angle");
  return (bin / OFFICIAL_NUM_BINS) * (OFFICIAL_ANGLE_MAX - OFFICIAL_ANGLE_MIN) + OFFICIAL_ANGLE_MIN;
}
