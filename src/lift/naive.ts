import { InputError } from "../errors.js";
import { validateBox2D, validateImageSize, validateIntrinsics } from "../geometry/index.js";
import { percentileSorted } from "./outliers.js";
import { gridStride, pixelRect } from "./select.js";
import type { LiftFrame, LiftOutcome, LiftTarget } from "./types.js";

/**
 * The naive baseline that scripts/lift-accuracy.ts compares liftObject against: what one gets
 * from a 2D box and a depth map with no modelling at all.
 *
 * - depth: the median of the valid depths in the 2D box (mask ignored; background included);
 * - x and y: the 2D box back-projected at that depth, so the box's front face spans exactly the 2D
 *   box (pinhole: x = (u - cx) / fx * z);
 * - depth extent: the 10th to 90th percentile of the box's depths, centred on the median (not zero
 *   thickness: a zero-thickness box has 3D IoU 0 with anything);
 * - no yaw, no gravity, no filters (every object with valid depth is kept).
 *
 * Depths are read on a grid of at most about 4096 pixels (a spatially uniform subsample, as in
 * select.ts). An object without a single valid depth in its box gets box null and is rejected as
 * too_few_pixels.
 */
export function liftNaive(frame: LiftFrame, target: LiftTarget): LiftOutcome {
  const where = "liftNaive";
  validateImageSize(frame.size, where);
  const { width, height } = frame.size;
  if (frame.depthM.length !== width * height) {
    throw new InputError(where, "frame.depthM", frame.depthM, `must hold ${width}x${height} = ${width * height} depths (metres)`);
  }
  validateIntrinsics(frame.intrinsics, where);
  const box2d = validateBox2D(target.bbox2d, where, "target.bbox2d.");
  const base = { pixelSource: "box" as const, extentMethod: "visible" as const };
  const rect = pixelRect(box2d, width, height);
  const depths: number[] = [];
  let valid = 0;
  if (rect !== null) {
    const stride = gridStride((rect.u1 - rect.u0 + 1) * (rect.v1 - rect.v0 + 1), NAIVE_MAX_SAMPLES);
    for (let v = rect.v0; v <= rect.v1; v += stride) {
      for (let u = rect.u0; u <= rect.u1; u += stride) {
        const z = frame.depthM[v * width + u]!;
        if (z > 0 && z < Infinity) depths.push(z);
      }
    }
    valid = depths.length;
  }
  if (valid === 0) {
    return { ...base, box: null, verdict: "rejected", reason: "too_few_pixels", detail: "0 valid depth pixels in the 2D box", pixelsSelected: 0, pointsUsed: 0 };
  }
  const sorted = Float64Array.from(depths).sort();
  const z = percentileSorted(sorted, valid, 50);
  const depthExtent = percentileSorted(sorted, valid, 90) - percentileSorted(sorted, valid, 10);
  const { fx, fy, cx, cy } = frame.intrinsics;
  const uMid = (box2d.x1 + box2d.x2) / 2;
  const vMid = (box2d.y1 + box2d.y2) / 2;
  return {
    ...base,
    box: {
      center: [((uMid - cx) / fx) * z, ((vMid - cy) / fy) * z, z],
      size: [((box2d.x2 - box2d.x1) / fx) * z, ((box2d.y2 - box2d.y1) / fy) * z, depthExtent],
      yaw: 0,
    },
    verdict: "kept",
    pixelsSelected: valid,
    pointsUsed: valid,
  };
}

/** Most depths the baseline reads per box. */
export const NAIVE_MAX_SAMPLES = 4096;
