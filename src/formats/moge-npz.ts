import { InputError } from "../errors.js";
import {
  intrinsicsFromNormalized,
  intrinsicsToNormalized,
  validateImageSize,
  validateIntrinsics,
  type ImageSize,
  type Intrinsics,
  type NormalizedIntrinsics,
} from "../geometry/index.js";
import type { NpyArray } from "../rgbd/npy.js";
import { readNpz, writeNpz, type WriteNpzOptions } from "../rgbd/npz.js";
import { pointMapFromOfficial, pointMapToOfficial } from "./official-frame.js";
import { computeSceneNormalization, type SceneNormalization } from "./scene-normalization.js";

/**
 * The official release's input point map (reference/FORMATS.md §2), a MoGe output saved as .npz:
 *
 *   pcd    float16 (float32 accepted), H x W x 4: x, y, z in the official frame (x-left, y-up,
 *          z-forward, metres; MoGe's x and y negated), then a validity channel (> 0 = valid)
 *   intr   float32 (float64 accepted), 3 x 3, normalized: fx, cx relative to the width, fy, cy to
 *          the height, pixel i's centre at (i + 0.5) / W
 *   depth  float32 H x W, optional; mask  bool H x W, optional. The reader ignores both: `pcd`
 *          carries the same information and is what the release reads.
 *
 * A pixel is valid when its validity channel is > 0 AND its x, y, z are finite with z > 0. The
 * release trusts the channel alone; a point it flags valid but cannot be a camera point (NaN, or
 * behind the camera) is counted in {@link OfficialPointMap.unusableFlaggedPoints} instead of being
 * allowed to poison the scene normalization.
 */

/** An official point map, converted to n3d's conventions. */
export interface OfficialPointMap {
  /** Image size of the point map (pcd is H x W x 4). */
  readonly size: ImageSize;
  /** Points in OUR camera frame (x-right, y-down, z-forward), metres, H x W x 3; NaN where invalid. */
  readonly pointsM: Float32Array;
  /** Planar depth (the z channel), metres, H x W; 0 where invalid. */
  readonly depthM: Float32Array;
  /** H x W, 1 = valid, 0 = invalid. */
  readonly valid: Uint8Array;
  /** Pixel intrinsics (integer pixel centres), from `intr` via intrinsicsFromNormalized. */
  readonly intrinsics: Intrinsics;
  /** `intr` as stored: normalized intrinsics. */
  readonly intrinsicsNormalized: NormalizedIntrinsics;
  /** The release's per-scene normalization, computed in the OFFICIAL frame over valid points. */
  readonly normalization: SceneNormalization;
  /** Points whose validity channel was > 0 but whose coordinates were non-finite or had z <= 0. */
  readonly unusableFlaggedPoints: number;
}

function shapeText(shape: readonly number[]): string {
  return shape.join("x");
}

function requireKey(arrays: Map<string, NpyArray>, key: string, what: string, where: string): NpyArray {
  const a = arrays.get(key);
  if (a === undefined) {
    const present = [...arrays.keys()];
    throw new InputError(where, key, "missing", `an official point map needs '${key}' (${what}); keys present: ${present.length > 0 ? present.join(", ") : "none"}`);
  }
  return a;
}

/** The normalized 3 x 3 `intr` -> normalized intrinsics, checking its form and values. */
function parseIntr(intr: NpyArray, where: string): NormalizedIntrinsics {
  if (intr.dtype !== "<f4" && intr.dtype !== "<f8") {
    throw new InputError(where, "intr.dtype", intr.dtype, "intrinsics must be float32 or float64");
  }
  if (intr.shape.length !== 2 || intr.shape[0] !== 3 || intr.shape[1] !== 3) {
    throw new InputError(where, "intr.shape", shapeText(intr.shape), "intrinsics must be a 3x3 matrix [[fx, 0, cx], [0, fy, cy], [0, 0, 1]]");
  }
  const m = intr.data as Float32Array | Float64Array;
  const fixed: readonly [number, number][] = [[1, 0], [3, 0], [6, 0], [7, 0], [8, 1]];
  for (const [i, want] of fixed) {
    if (m[i] !== want) {
      throw new InputError(where, `intr[${Math.floor(i / 3)}][${i % 3}]`, m[i], `must be ${want}: intrinsics must be [[fx, 0, cx], [0, fy, cy], [0, 0, 1]] (no skew)`);
    }
  }
  const Kn: NormalizedIntrinsics = { fx: m[0]!, fy: m[4]!, cx: m[2]!, cy: m[5]! };
  for (const field of ["fx", "fy"] as const) {
    if (!(Kn[field] > 0) || !Number.isFinite(Kn[field])) {
      throw new InputError(where, `intr.${field}`, Kn[field], "normalized focal length must be a finite number > 0");
    }
  }
  for (const field of ["cx", "cy"] as const) {
    if (!Number.isFinite(Kn[field])) throw new InputError(where, `intr.${field}`, Kn[field], "normalized principal point must be finite");
  }
  return Kn;
}

/**
 * Read an official point-map .npz (a path, or the archive's bytes with `where` naming it) and
 * convert it: points to our frame, depth, validity, pixel intrinsics, and the release's scene
 * normalization (official frame). Throws an InputError naming the file and the array for a
 * missing `pcd` or `intr` (listing the keys present), a wrong dtype or shape, intrinsics that are
 * not [[fx, 0, cx], [0, fy, cy], [0, 0, 1]] with fx, fy > 0, or a point map with no valid point.
 */
export async function readOfficialPointMapNpz(source: string | Uint8Array, where?: string): Promise<OfficialPointMap> {
  const name = where ?? (typeof source === "string" ? source : "npz");
  const arrays = await readNpz(source, name);
  const pcd = requireKey(arrays, "pcd", "H x W x 4 float16 points + validity", name);
  if (pcd.dtype !== "<f2" && pcd.dtype !== "<f4") {
    throw new InputError(name, "pcd.dtype", pcd.dtype, "point map must be float16 or float32");
  }
  const [height, width, channels] = pcd.shape;
  if (pcd.shape.length !== 3 || channels !== 4 || !(height! > 0) || !(width! > 0)) {
    throw new InputError(name, "pcd.shape", shapeText(pcd.shape), "point map must be H x W x 4 (x, y, z, validity) with H, W > 0");
  }
  const size: ImageSize = { width: width!, height: height! };
  const intrinsicsNormalized = parseIntr(requireKey(arrays, "intr", "3x3 normalized intrinsics", name), name);

  const src = pcd.data as Float32Array; // '<f2' is widened to float32 by parseNpy
  const n = width! * height!;
  const pointsOfficial = new Float32Array(n * 3); // official frame, NaN where invalid
  const depthM = new Float32Array(n);
  const valid = new Uint8Array(n);
  let unusableFlaggedPoints = 0;
  let validCount = 0;
  for (let i = 0; i < n; i++) {
    const x = src[4 * i]!;
    const y = src[4 * i + 1]!;
    const z = src[4 * i + 2]!;
    const flagged = src[4 * i + 3]! > 0;
    const usable = Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z) && z > 0;
    if (flagged && usable) {
      valid[i] = 1;
      validCount++;
      pointsOfficial[3 * i] = x;
      pointsOfficial[3 * i + 1] = y;
      pointsOfficial[3 * i + 2] = z;
      depthM[i] = z;
    } else {
      if (flagged) unusableFlaggedPoints++;
      pointsOfficial[3 * i] = pointsOfficial[3 * i + 1] = pointsOfficial[3 * i + 2] = NaN;
    }
  }
  if (validCount === 0) {
    throw new InputError(name, "pcd", `${shapeText(pcd.shape)}, ${unusableFlaggedPoints} flagged valid but unusable`, "point map has no valid point (validity channel > 0 with finite x, y, z and z > 0)");
  }
  return {
    size,
    pointsM: pointMapFromOfficial(pointsOfficial),
    depthM,
    valid,
    intrinsics: intrinsicsFromNormalized(intrinsicsNormalized, size),
    intrinsicsNormalized,
    normalization: computeSceneNormalization(pointsOfficial, valid, name),
    unusableFlaggedPoints,
  };
}

/** What {@link writeOfficialPointMapNpz} writes, in n3d's conventions. */
export interface OfficialPointMapInput {
  /** Points in OUR camera frame, metres, H x W x 3. */
  readonly pointsM: Float32Array;
  /** H x W, nonzero = valid; null takes every point with finite x, y, z and z > 0. */
  readonly valid: Uint8Array | null;
  /** Pixel intrinsics. */
  readonly intrinsics: Intrinsics;
  readonly size: ImageSize;
}

/** Largest finite float16 magnitude. */
const HALF_MAX = 65504;

/**
 * The release's arrays for a point map: `pcd` float16 H x W x 4 (x, y negated into the official
 * frame, validity 1 / 0; invalid pixels are all zeros, so no NaN reaches the model), `intr`
 * float32 3x3 normalized, `depth` float32 H x W (0 invalid), `mask` bool H x W.
 */
export function officialPointMapArrays(input: OfficialPointMapInput, where = "officialPointMapArrays"): Record<string, NpyArray> {
  const { pointsM, valid, size } = input;
  validateImageSize(size, where);
  validateIntrinsics(input.intrinsics, where);
  const n = size.width * size.height;
  if (pointsM.length !== n * 3) {
    throw new InputError(where, "points length", pointsM.length, `expected ${size.width}x${size.height}x3 = ${n * 3}`);
  }
  if (valid !== null && valid.length !== n) {
    throw new InputError(where, "valid length", valid.length, `expected ${size.width}x${size.height} = ${n}`);
  }
  const pointsOfficial = pointMapToOfficial(pointsM);
  const pcd = new Float32Array(n * 4);
  const depth = new Float32Array(n);
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = pointsM[3 * i]!;
    const y = pointsM[3 * i + 1]!;
    const z = pointsM[3 * i + 2]!;
    const usable = Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z) && z > 0;
    if (valid === null ? !usable : valid[i] === 0) continue;
    if (!usable) throw new InputError(where, `point ${i}`, [x, y, z], "is flagged valid but is not a finite point with z > 0");
    if (Math.max(Math.abs(x), Math.abs(y), z) > HALF_MAX) {
      throw new InputError(where, `point ${i}`, [x, y, z], `does not fit float16 (|coordinate| <= ${HALF_MAX} m)`);
    }
    pcd.set(pointsOfficial.subarray(3 * i, 3 * i + 3), 4 * i);
    pcd[4 * i + 3] = 1;
    depth[i] = z;
    mask[i] = 1;
  }
  const Kn = intrinsicsToNormalized(input.intrinsics, size);
  const intr = new Float32Array([Kn.fx, 0, Kn.cx, 0, Kn.fy, Kn.cy, 0, 0, 1]);
  const hw = [size.height, size.width];
  return {
    pcd: { dtype: "<f2", shape: [...hw, 4], data: pcd },
    intr: { dtype: "<f4", shape: [3, 3], data: intr },
    depth: { dtype: "<f4", shape: [...hw], data: depth },
    mask: { dtype: "|b1", shape: [...hw], data: mask },
  };
}

/**
 * Write a point map in the release's .npz layout (see {@link officialPointMapArrays}), atomically.
 * Coordinates are rounded to float16 as the release stores them, and intr to float32.
 */
export async function writeOfficialPointMapNpz(path: string, input: OfficialPointMapInput, opts: WriteNpzOptions = {}): Promise<void> {
  await writeNpz(path, officialPointMapArrays(input, path), opts);
}
