import { InputError } from "../errors.js";
import { box2dArea, imageBox2D, iou2d, isValidDepth, validateBox2D, type Box2D, type ImageSize } from "../geometry/index.js";
import type { LiftOptions } from "../lift/lift.js";
import type { RGBDFrame } from "../rgbd/index.js";
import { defaultLift, liftFrameOf, type LiftFn } from "./lifting.js";
import type { GroundedBox, Grounder, GroundRequest, RegionPrompt } from "./types.js";

/**
 * The `regions` back end: objects given by the user as 2D boxes or masks (SpatialRGPT-Bench's
 * region prompts) are lifted with the frame's depth, one 3D box per region, in the order given.
 * The user asked about every region, so a box the lifting filters would drop (truncated, an odd
 * size) is still returned, with the filter's verdict as its `note`; an unlabelled region with no
 * box at all (no valid depth, too few points) is an error. A LABELLED region is a detector's
 * output handed over (the objects of a named question), and like a detection in detect-lift it is
 * left out when no box can be fitted, so one unliftable object does not stop questions about the
 * others.
 */

/** Two regions whose 2D overlap (IoU) exceeds this are taken to be one object given twice. */
export const SAME_OBJECT_IOU = 0.9;

/** Options of {@link createRegionsGrounder}. */
export interface RegionsGrounderOptions {
  /** The lifter (default src/lift's liftObject). */
  readonly lift?: LiftFn;
  /** Options passed to the lifter (default its own). */
  readonly liftOptions?: LiftOptions;
}

/** A region with its 2D box settled (from the mask when only a mask was given). */
export interface CheckedRegion extends RegionPrompt {
  readonly box: Box2D;
}

/** The tight n3d-pixel box around a mask's pixels, or null for an empty mask. */
export function maskBox(mask: Uint8Array, size: ImageSize): Box2D | null {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (let v = 0; v < size.height; v++) {
    for (let u = 0; u < size.width; u++) {
      if (mask[v * size.width + u] === 0) continue;
      if (u < x1) x1 = u;
      if (u > x2) x2 = u;
      if (v < y1) y1 = v;
      if (v > y2) y2 = v;
    }
  }
  return x1 === Infinity ? null : { x1: x1 - 0.5, y1: y1 - 0.5, x2: x2 + 0.5, y2: y2 + 0.5 };
}

const fmtBox = (b: Box2D): string => [b.x1, b.y1, b.x2, b.y2].map((x) => String(Math.round(x * 100) / 100)).join(",");

function maskIou(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] !== 0;
    const y = b[i] !== 0;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union === 0 ? 0 : inter / union;
}

/** Valid depth pixels inside a region: its mask's pixels, or the pixels whose centres lie in its box. */
export function validDepthPixels(region: CheckedRegion, frame: RGBDFrame): number {
  const { width, height } = frame.size;
  let count = 0;
  const valid = (i: number): boolean => isValidDepth(frame.depthM[i]!) && (frame.validMask === undefined || frame.validMask[i] !== 0);
  if (region.mask !== undefined) {
    for (let i = 0; i < width * height; i++) if (region.mask[i] !== 0 && valid(i)) count++;
    return count;
  }
  const b = region.box;
  for (let v = Math.max(0, Math.ceil(b.y1)); v <= Math.min(height - 1, Math.floor(b.y2)); v++) {
    for (let u = Math.max(0, Math.ceil(b.x1)); u <= Math.min(width - 1, Math.floor(b.x2)); u++) if (valid(v * width + u)) count++;
  }
  return count;
}

/**
 * Check region prompts against a frame and settle each one's 2D box. Throws an InputError naming
 * the region for: no regions; a region with neither box nor mask; a mask of the wrong size or with
 * no pixel; a box that is not finite, has no area, or reaches outside the image; two regions that
 * are one object (2D IoU above {@link SAME_OBJECT_IOU}, of the masks when both have one); an
 * unlabelled region with no valid depth pixel.
 */
export function checkRegions(regions: readonly RegionPrompt[], frame: RGBDFrame, where = "regions"): CheckedRegion[] {
  if (!Array.isArray(regions) || regions.length === 0) throw new InputError(where, "regions", regions, "give at least one region (a 2D box or a mask)");
  const { width, height } = frame.size;
  const image = imageBox2D(frame.size);
  const checked = regions.map((r, k): CheckedRegion => {
    const field = `region ${k}`;
    if (r === null || typeof r !== "object" || (r.box === undefined && r.mask === undefined)) throw new InputError(where, field, r, "needs a 2D box or a mask");
    let fromMask: Box2D | null = null;
    if (r.mask !== undefined) {
      if (!(r.mask instanceof Uint8Array) || r.mask.length !== width * height) {
        throw new InputError(where, `${field} mask`, r.mask, `must be a ${width}x${height} mask (${width * height} values), like the image`);
      }
      fromMask = maskBox(r.mask, frame.size);
      if (fromMask === null) throw new InputError(where, `${field} mask`, "0 pixels", "is empty: it marks no pixel of the object");
    }
    const box = r.box === undefined ? fromMask! : validateBox2D(r.box, where, `${field}.`);
    if (box2dArea(box) <= 0) throw new InputError(where, field, fmtBox(box), "has no area");
    const eps = 1e-6;
    if (box.x1 < image.x1 - eps || box.y1 < image.y1 - eps || box.x2 > image.x2 + eps || box.y2 > image.y2 + eps) {
      throw new InputError(where, field, fmtBox(box), `reaches outside the ${width}x${height} image (pixel centres 0..${width - 1}, 0..${height - 1}; the image spans ${fmtBox(image)})`);
    }
    return { ...r, box };
  });
  for (let a = 0; a < checked.length; a++) {
    for (let b = a + 1; b < checked.length; b++) {
      const ra = checked[a]!;
      const rb = checked[b]!;
      const both = ra.mask !== undefined && rb.mask !== undefined;
      const iou = both ? maskIou(ra.mask!, rb.mask!) : iou2d(ra.box, rb.box);
      if (iou > SAME_OBJECT_IOU) {
        throw new InputError(
          where,
          `regions ${a} and ${b}`,
          `${fmtBox(ra.box)} and ${fmtBox(rb.box)}`,
          `are the same object (${both ? "mask" : "box"} IoU ${iou.toFixed(3)} > ${SAME_OBJECT_IOU}); give each object once`,
        );
      }
    }
  }
  checked.forEach((r, k) => {
    if (r.label === undefined && validDepthPixels(r, frame) === 0) throw new InputError(where, `region ${k}`, fmtBox(r.box), `has no valid depth: every depth pixel in its ${r.mask ? "mask" : "box"} is 0 or NaN`);
  });
  return checked;
}

/**
 * Lift checked regions into grounded boxes, in region order, each carrying its region index (see
 * the file comment). Throws an InputError naming the region when lifting finds no box for an
 * unlabelled region; a labelled one is left out.
 */
export function liftRegions(frame: RGBDFrame, regions: readonly CheckedRegion[], lift: LiftFn = defaultLift, liftOptions?: LiftOptions, where = "regions"): GroundedBox[] {
  const liftFrame = liftFrameOf(frame);
  return regions.flatMap((r, k): GroundedBox[] => {
    const label = r.label ?? "region";
    const outcome = lift(liftFrame, { label, bbox2d: r.box, ...(r.mask !== undefined ? { mask: r.mask } : {}) }, liftOptions);
    if (outcome.box === null) {
      if (r.label !== undefined) return [];
      throw new InputError(where, `region ${k}`, fmtBox(r.box), `lifting found no 3D box (${outcome.reason ?? "no box"}${outcome.detail ? `: ${outcome.detail}` : ""}; ${outcome.pixelsSelected} depth pixels selected)`);
    }
    return [
      {
        label,
        box: outcome.box,
        score: 1,
        box2d: r.box,
        region: k,
        ...(r.attributes !== undefined ? { attributes: r.attributes } : {}),
        ...(outcome.verdict === "rejected" ? { note: `${outcome.reason ?? "rejected"}${outcome.detail ? `: ${outcome.detail}` : ""}` } : {}),
      },
    ];
  });
}

/** The `regions` back end. It answers region requests only. */
export function createRegionsGrounder(options: RegionsGrounderOptions = {}): Grounder {
  const lift = options.lift ?? defaultLift;
  return {
    name: "regions",
    accepts: ["regions"],
    async ground(frame: RGBDFrame, request: GroundRequest): Promise<GroundedBox[]> {
      if (request.kind !== "regions") {
        throw new InputError("regions", "request", request.kind, "the regions back end grounds region prompts only; give the objects as 2D boxes or masks, or use the detect-lift back end");
      }
      return liftRegions(frame, checkRegions(request.regions, frame), lift, options.liftOptions);
    },
    async dispose() {},
  };
}
