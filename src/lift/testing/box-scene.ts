// Test fixtures for the lifting core, made by code: a tiny ray caster that draws boxes (any
// orientation) in front of an optional wall, giving exact planar depth and per-box masks. Not part
// of the build.
import { mulMat3Vec, transposeMat3, type Box2D, type ImageSize, type Intrinsics, type Mat3, type Vec3 } from "../../geometry/index.js";
import type { LiftFrame } from "../types.js";

/** A box to draw: centre (camera frame, metres), full sizes along its axes, rotation cameraFromBox. */
export interface DrawnBox {
  readonly center: Vec3;
  readonly size: Vec3;
  readonly rotation: Mat3;
}

/** The drawn frame and, per box, its visible mask and the continuous 2D box around that mask. */
export interface BoxScene {
  readonly frame: LiftFrame;
  readonly masks: Uint8Array[];
  readonly boxes2d: (Box2D | null)[];
}

/** A 96x72 camera with a 70-ish degree horizontal field of view, principal point at the centre. */
export const TEST_SIZE: ImageSize = { width: 96, height: 72 };
export const TEST_K: Intrinsics = { fx: 70, fy: 70, cx: 47.5, cy: 35.5 };

/**
 * Ray-cast the boxes (nearest hit wins) in front of a fronto-parallel wall at `wallM` (metres;
 * null for none: those pixels have depth 0). Depth is planar z: rays are (x/z, y/z, 1).
 */
export function drawBoxes(boxes: readonly DrawnBox[], options: { size?: ImageSize; K?: Intrinsics; wallM?: number | null; gravity?: Vec3 } = {}): BoxScene {
  const size = options.size ?? TEST_SIZE;
  const K = options.K ?? TEST_K;
  const wall = options.wallM === undefined ? 6 : options.wallM;
  const { width, height } = size;
  const depthM = new Float32Array(width * height);
  const masks = boxes.map(() => new Uint8Array(width * height));
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const ray: Vec3 = [(u - K.cx) / K.fx, (v - K.cy) / K.fy, 1];
      let best = wall ?? Infinity;
      let hit = -1;
      boxes.forEach((b, k) => {
        const t = rayBox(ray, b);
        if (t !== null && t < best) {
          best = t;
          hit = k;
        }
      });
      const i = v * width + u;
      depthM[i] = Number.isFinite(best) ? best : 0;
      if (hit >= 0) masks[hit]![i] = 1;
    }
  }
  const boxes2d = masks.map((m) => maskBox(m, width, height));
  return { frame: { size, depthM, intrinsics: K, ...(options.gravity ? { gravity: options.gravity } : {}) }, masks, boxes2d };
}

/** Entry distance t (= planar depth, since ray z = 1) of the ray into the box, or null (slab method in box coordinates). */
function rayBox(ray: Vec3, box: DrawnBox): number | null {
  const toBox = transposeMat3(box.rotation);
  const o = mulMat3Vec(toBox, [-box.center[0], -box.center[1], -box.center[2]]);
  const d = mulMat3Vec(toBox, ray);
  let tMin = -Infinity;
  let tMax = Infinity;
  for (let a = 0; a < 3; a++) {
    const half = box.size[a]! / 2;
    if (Math.abs(d[a]!) < 1e-12) {
      if (Math.abs(o[a]!) > half) return null;
      continue;
    }
    const t1 = (-half - o[a]!) / d[a]!;
    const t2 = (half - o[a]!) / d[a]!;
    tMin = Math.max(tMin, Math.min(t1, t2));
    tMax = Math.min(tMax, Math.max(t1, t2));
  }
  return tMax >= tMin && tMin > 0 ? tMin : null;
}

/** The continuous box around a mask's pixels (pixel centres at integers, so +-0.5), or null when empty. */
export function maskBox(mask: Uint8Array, width: number, height: number): Box2D | null {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      if (mask[v * width + u] === 0) continue;
      x1 = Math.min(x1, u);
      x2 = Math.max(x2, u);
      y1 = Math.min(y1, v);
      y2 = Math.max(y2, v);
    }
  }
  return Number.isFinite(x1) ? { x1: x1 - 0.5, y1: y1 - 0.5, x2: x2 + 0.5, y2: y2 + 0.5 } : null;
}
