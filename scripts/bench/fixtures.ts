// Benchmark fixtures, made by code from a seed: the same seed gives the same bytes, so timings
// from two runs are of the same work.
import type { Rng } from "../../src/random.js";
import type { Box3D, ImageSize, Intrinsics } from "../../src/geometry/index.js";
import type { BboxRecord } from "../../src/formats/index.js";

/**
 * `count` boxes spread over a room in front of the camera (camera frame, metres), each with a
 * random yaw in [-pi, pi). Dense enough that most pairs overlap in y and many in the footprint,
 * so the yawed path really clips polygons instead of leaving early.
 */
export function randomBoxes(rng: Rng, count: number): Box3D[] {
  return Array.from({ length: count }, (): Box3D => ({
    center: [rng.uniform(-2, 2), rng.uniform(-0.5, 0.5), rng.uniform(2, 6)],
    size: [rng.uniform(0.3, 1.5), rng.uniform(0.3, 1.5), rng.uniform(0.3, 1.5)],
    yaw: rng.uniform(-Math.PI, Math.PI),
  }));
}

/** The same boxes with yaw 0 (the axis-aligned case). */
export function withoutYaw(boxes: readonly Box3D[]): Box3D[] {
  return boxes.map((b) => ({ ...b, yaw: 0 }));
}

/**
 * Planar depth in metres (row-major H x W) of a level camera `cameraHeightM` above a floor and
 * facing a wall `wallDepthM` away, with a little sensor noise and `holeFraction` of pixels
 * invalid (0), like a real RGB-D frame: smooth, so PNG and deflate compress it as they would a
 * sensor's depth, not like white noise.
 */
export function sceneDepthM(
  rng: Rng,
  size: ImageSize,
  K: Intrinsics,
  { cameraHeightM = 1.2, wallDepthM = 6, holeFraction = 0.03 } = {},
): Float32Array {
  const out = new Float32Array(size.width * size.height);
  for (let v = 0; v < size.height; v++) {
    const yPerZ = (v - K.cy) / K.fy; // ray y per unit of depth; > 0 looks down at the floor
    const floorZ = yPerZ > 0 ? cameraHeightM / yPerZ : Infinity;
    for (let u = 0; u < size.width; u++) {
      const i = v * size.width + u;
      if (rng.next() < holeFraction) continue; // 0 = invalid
      const z = Math.min(floorZ, wallDepthM);
      out[i] = z * (1 + 0.002 * (rng.next() - 0.5)); // about +-0.1 % noise, a few millimetres
    }
  }
  return out;
}

/** 8-bit RGB (H x W x 3) shaded from a depth map plus a little noise: photo-like for PNG. */
export function sceneRgb(rng: Rng, size: ImageSize, depthM: Float32Array): Uint8Array {
  const out = new Uint8Array(size.width * size.height * 3);
  for (let i = 0; i < depthM.length; i++) {
    const z = depthM[i]!;
    const shade = z > 0 ? 230 - 25 * z : 40;
    for (let c = 0; c < 3; c++) {
      const tint = c === 0 ? 10 : c === 2 ? -10 : 0;
      out[3 * i + c] = Math.max(0, Math.min(255, Math.round(shade + tint + 8 * (rng.next() - 0.5))));
    }
  }
  return out;
}

const LABELS = ["chair", "table", "potted plant", "tv monitor", "sofa", "bed", "cabinet", "lamp", "book shelf", "door"];

/** Round to `digits` decimal places, as a model writes its numbers. */
function roundTo(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** `count` official float-form records with model-like numbers (4 decimals). */
export function randomBboxRecords(rng: Rng, count: number): BboxRecord[] {
  return Array.from({ length: count }, (_, id): BboxRecord => ({
    id,
    label: LABELS[rng.int(LABELS.length)]!,
    u: roundTo(rng.uniform(0.05, 0.95), 4),
    v: roundTo(rng.uniform(0.05, 0.95), 4),
    z: roundTo(rng.uniform(0.5, 8), 4),
    angle: roundTo(rng.uniform(-Math.PI, Math.PI), 4),
    sx: roundTo(rng.uniform(0.1, 2), 4),
    sy: roundTo(rng.uniform(0.1, 2), 4),
    sz: roundTo(rng.uniform(0.1, 2), 4),
  }));
}
