// Test fixtures for ground/, made by code: a small rendered synth frame with its exact objects, and
// an oracle lifter that returns the true box of the object a 2D box points at. Not part of the build.
import { fromN3dJson } from "../../formats/index.js";
import { iou2d, type Box2D, type Box3D, type ImageSize } from "../../geometry/index.js";
import type { RGBDFrame } from "../../rgbd/index.js";
import { annotateScene, renderScene, sampleScenePlan } from "../../synth/index.js";
import type { LiftFn } from "../lifting.js";

/** One visible object of a fixture frame, with its exact truth. */
export interface TruthObject {
  readonly label: string;
  readonly box: Box3D;
  /** Modal 2D box, n3d pixel coordinates. */
  readonly box2d: Box2D;
  /** Visible pixels, H * W, 1 = the object. */
  readonly mask: Uint8Array;
  readonly pixels: number;
  readonly attributes: { readonly color?: string; readonly size?: string };
}

/** A rendered frame (exact depth) and its visible objects. */
export interface TruthFrame {
  readonly frame: RGBDFrame;
  readonly objects: readonly TruthObject[];
  readonly seed: number;
}

/** Render scene `seed` at `size` with exact depth; objects seen by at least `minPixels` pixels. */
export function renderTruthFrame(seed: number, size: ImageSize, minPixels = 40): TruthFrame {
  const plan = sampleScenePlan(seed, { size, minObjects: 3, maxObjects: 6, indoorRatio: 1 });
  const rendered = renderScene(plan);
  const annotations = annotateScene(plan, rendered);
  const objects: TruthObject[] = [];
  for (const a of annotations) {
    if (a.bbox3d === null || a.visiblePixels < minPixels || a.truncated) continue;
    const mask = new Uint8Array(size.width * size.height);
    for (let i = 0; i < mask.length; i++) mask[i] = rendered.objectIndex[i] === a.id ? 1 : 0;
    const [x, y, w, h] = a.bbox2d;
    objects.push({
      label: a.label,
      box: fromN3dJson(a.bbox3d, "fixture").box,
      box2d: { x1: x - 0.5, y1: y - 0.5, x2: x + w - 0.5, y2: y + h - 0.5 },
      mask,
      pixels: a.visiblePixels,
      attributes: { ...(a.attributes.color ? { color: a.attributes.color } : {}), ...(a.attributes.size ? { size: a.attributes.size } : {}) },
    });
  }
  const frame: RGBDFrame = { size, rgb: rendered.rgb, depthM: rendered.depthM, intrinsics: plan.camera.intrinsics, gravity: plan.camera.gravity };
  return { frame, objects, seed };
}

/**
 * The first scene from `seed` on with at least `count` well-visible objects of distinct labels
 * (so names are plain labels). Deterministic.
 */
export function truthFrameWith(count: number, size: ImageSize = { width: 96, height: 72 }, seed = 1): TruthFrame {
  for (let s = seed; s < seed + 500; s++) {
    const t = renderTruthFrame(s, size);
    if (t.objects.length >= count && new Set(t.objects.map((o) => o.label)).size === t.objects.length) return t;
  }
  throw new Error(`no scene with ${count} visible distinct objects in 500 seeds from ${seed}`);
}

/** A lifter that answers with the true box of the fixture object whose 2D box overlaps the target most. */
export function oracleLift(objects: readonly TruthObject[]): LiftFn {
  return (_frame, target) => {
    let best: TruthObject | null = null;
    let bestIou = 0;
    for (const o of objects) {
      const iou = iou2d(o.box2d, target.bbox2d);
      if (iou > bestIou) [best, bestIou] = [o, iou];
    }
    return best === null
      ? { box: null, verdict: "rejected", reason: "too_few_pixels", detail: "no fixture object there", pixelSource: target.mask ? "mask" : "box", pixelsSelected: 0, pointsUsed: 0, extentMethod: "visible" }
      : { box: best.box, verdict: "kept", pixelSource: target.mask ? "mask" : "box", pixelsSelected: best.pixels, pointsUsed: best.pixels, extentMethod: "visible" };
  };
}
