import type { Box2D } from "../geometry/index.js";
import type { LiftBuffers } from "./buffers.js";
import { countRingColours, dropBackgroundColours, objectColouredSamples, type ColourOptions } from "./colour.js";
import { isDepthGap, nearestSubstantialCluster, percentileSorted, percentileUnsorted, type SortedRun } from "./outliers.js";
import type { LiftFrame, LiftTarget, PixelSource } from "./types.js";

/**
 * Pixel selection: which pixels of the frame belong to the object. With a mask, the mask's pixels
 * inside the 2D box (optionally without the mask's boundary, whose pixels straddle depth edges);
 * without one, the pixels of the box whose depth lies in the box's foreground depth band.
 *
 * Every selected pixel with valid depth is counted at full resolution; the indices written to
 * `buffers.pixelIndex` are those on a regular grid of stride s (every s-th column of every s-th
 * row, s chosen from the box area so at most about `maxPoints` are kept): a spatially uniform
 * subsample, so the inner loops stay short for large objects while the statistics stay the same.
 *
 * Selection reads the frame's planar depth `depthM` (for a point-map frame, its z channel, which
 * the LiftFrame contract keeps in depthM too); the point map is used only by back-projection.
 * Membership of a pixel in the object is one inlined test everywhere: in the mask (when there is
 * one) and its depth inside the band [lo, hi] (valid depth for a mask; the foreground band for a
 * box), so the hot loops call no closures.
 */

/** The depth filters; see {@link SelectOptions.depthFilter}. */
export type DepthFilter = "none" | "median3" | "median5";
export const DEPTH_FILTERS: readonly DepthFilter[] = ["none", "median3", "median5"];

/** Selection parameters (fields of LiftOptions; defaults and reasons in lift.ts). */
export interface SelectOptions extends ColourOptions {
  /** "keep" every mask pixel, or "erode": drop mask pixels with a 4-neighbour outside the mask. */
  readonly maskBoundary: "keep" | "erode";
  /**
   * Depth denoising before back-projection: each selected pixel's depth becomes the median of the
   * valid depths of the object's own pixels (mask, or the box's foreground band) in its 3x3
   * ("median3") or 5x5 ("median5") neighbourhood, or stays as measured ("none"). Only the object's
   * pixels take part, so no background is mixed in; a median rather than a mean so a flying pixel
   * on the object's boundary takes its neighbours' depth instead of spreading its own.
   */
  readonly depthFilter: DepthFilter;
  /**
   * The estimated depth noise ({@link Selection.depthNoiseM}, metres) from which an object's depth
   * counts as noisy. Noisy depth is median-filtered (depthFilter) and its box extents trimmed
   * (extentPercent); clean depth (a calibrated sensor at short range, a rendered or model-predicted
   * map) keeps its measured values, whose extremes a median would pull inwards at corners and
   * silhouettes, and its extents use cleanExtentPercent. 0 treats every object as noisy.
   */
  readonly noisyDepthM: number;
  /** Points kept for the fit at most (about): larger selections are subsampled on a pixel grid. */
  readonly maxPoints: number;
  /** Box only: share of the box's width and height, centred, whose depths decide the foreground. */
  readonly boxCoreShare: number;
  /** The same when the frame has RGB and the colour cue (boxColourCoreRatio) picks the object's samples in it. */
  readonly boxColourCoreShare: number;
  /** Box only: smallest share of the core's depths a depth cluster needs to count as the object. */
  readonly boxMinClusterShare: number;
  /**
   * Box only: the foreground band is the chosen cluster's depth range widened by this multiple of
   * the object's lateral size at that depth (box width in pixels * z / fx), on each side: an object
   * reaches as far in depth as it is wide, roughly, and its core shows only part of that.
   */
  readonly boxGateSizeShare: number;
  /** The same for a box whose core's depth is clean (noise estimate below noisyDepthM). */
  readonly boxCleanGateSizeShare: number;
  /**
   * Box only: the nearest depth cluster of the core holding at least this share of its depths whose
   * band reaches all four sides of the box is the object (a tight box touches the object on every
   * side; an occluder in front rarely does); boxMinClusterShare's rule when none does. 0: that rule only.
   */
  readonly boxTouchShare: number;
  /** Box only: a cluster touches a side of the box when it shows within this share of the box's size from it (a loose box leaves a margin). */
  readonly boxTouchMargin: number;
  /** Gap clustering (shared with the "cluster" outlier method): smallest gap, metres, and relative to z. */
  readonly clusterGapM: number;
  readonly clusterGapRel: number;
}

/**
 * What {@link selectPixels} found. The sampled pixels' indices are in buffers.pixelIndex[0 ..
 * sampled) and their (filtered) depths, metres, in buffers.z[0 .. sampled).
 */
export interface Selection {
  readonly source: PixelSource;
  /** Mask pixels inside the box (with a mask), or the box's pixel count (without one). */
  readonly areaPx: number;
  /** Selected pixels with valid depth, full resolution. */
  readonly validPx: number;
  /** Pixels written to buffers.pixelIndex (the subsample). */
  readonly sampled: number;
  /** Grid stride of the subsample (1 = every pixel). */
  readonly stride: number;
  /**
   * Estimated depth noise (one sigma, metres) of the object's pixels: the median absolute second
   * difference z(u-1) - 2 z(u) + z(u+1) along rows, over sampled pixels whose two row neighbours
   * belong to the object, divided by 0.6745 sqrt(6) (white noise of sigma s gives second
   * differences of sigma s sqrt(6); a plane gives ~0). 0 when fewer than 8 such triples exist.
   */
  readonly depthNoiseM: number;
  /**
   * How much of the object the image border cuts: for each image side the 2D box touches, the
   * share of the box's rows (left / right side) or columns (top / bottom) where a selected pixel
   * lies on that border line; the largest over the touched sides, 0 when none is touched.
   */
  readonly borderCutShare: number;
}

/** Integer pixel rectangle [u0, u1] x [v0, v1] (inclusive) of pixel centres inside the box and the image. */
export interface PixelRect {
  readonly u0: number;
  readonly u1: number;
  readonly v0: number;
  readonly v1: number;
}

/**
 * The pixel centres a continuous box covers (DESIGN.md: pixel centres at integers, so the box
 * [x1, x2] holds the centres ceil(x1) ... floor(x2)), clipped to the image; null when empty.
 */
export function pixelRect(box: Box2D, width: number, height: number): PixelRect | null {
  const u0 = Math.max(0, Math.ceil(box.x1));
  const u1 = Math.min(width - 1, Math.floor(box.x2));
  const v0 = Math.max(0, Math.ceil(box.y1));
  const v1 = Math.min(height - 1, Math.floor(box.y2));
  return u1 < u0 || v1 < v0 ? null : { u0, u1, v0, v1 };
}

/** Stride s >= 1 so that about `maxPoints` pixels of an area are kept on an s x s grid. */
export function gridStride(areaPx: number, maxPoints: number): number {
  return Math.max(1, Math.ceil(Math.sqrt(areaPx / maxPoints)));
}

const EMPTY = (source: PixelSource): Selection => ({ source, areaPx: 0, validPx: 0, sampled: 0, stride: 1, borderCutShare: 0, depthNoiseM: 0 });

/** Select the object's pixels (see the file comment). Inputs are trusted (liftObject validates). */
export function selectPixels(frame: LiftFrame, target: LiftTarget, options: SelectOptions, buffers: LiftBuffers): Selection {
  return target.mask ? selectMask(frame, target.mask, target.bbox2d, options, buffers) : selectBoxForeground(frame, target.bbox2d, options, buffers);
}

/** The smallest and largest depth counted as valid for a mask: anything finite and > 0. */
const VALID_LO = Number.MIN_VALUE;
const VALID_HI = Number.MAX_VALUE;

function selectMask(frame: LiftFrame, mask: Uint8Array, box: Box2D, options: SelectOptions, buffers: LiftBuffers): Selection {
  const { width, height } = frame.size;
  const rect = pixelRect(box, width, height);
  if (rect === null) return EMPTY("mask");
  const { u0, u1, v0, v1 } = rect;
  const stride = gridStride((u1 - u0 + 1) * (v1 - v0 + 1), options.maxPoints);
  buffers.ensure(Math.ceil((u1 - u0 + 1) / stride) * Math.ceil((v1 - v0 + 1) / stride));
  const depth = frame.depthM;
  const { pixelIndex, interior } = buffers;
  const erode = options.maskBoundary === "erode";
  let area = 0;
  let valid = 0;
  let validInterior = 0;
  let sampled = 0;
  for (let v = v0; v <= v1; v++) {
    const onRow = (v - v0) % stride === 0;
    const row = v * width;
    for (let u = u0; u <= u1; u++) {
      const i = row + u;
      if (mask[i] === 0) continue;
      area++;
      const z = depth[i]!;
      if (!(z > 0 && z < Infinity)) continue;
      valid++;
      // Interior: every 4-neighbour inside the image is in the mask (the image border is no depth edge).
      const inside =
        erode &&
        (u === 0 || mask[i - 1] !== 0) &&
        (u === width - 1 || mask[i + 1] !== 0) &&
        (v === 0 || mask[i - width] !== 0) &&
        (v === height - 1 || mask[i + width] !== 0);
      if (inside) validInterior++;
      if (onRow && (u - u0) % stride === 0) {
        pixelIndex[sampled] = i;
        interior[sampled] = inside ? 1 : 0;
        sampled++;
      }
    }
  }
  let used = valid;
  // Keep the boundary of thin or tiny masks, which would lose most of themselves otherwise.
  if (erode && validInterior > 0 && validInterior * 2 >= valid) {
    let k = 0;
    for (let j = 0; j < sampled; j++) if (interior[j] === 1) pixelIndex[k++] = pixelIndex[j]!;
    sampled = k;
    used = validInterior;
  }
  const cut = borderCutShare(rect, frame, mask, VALID_LO, VALID_HI, false);
  const noise = filterDepths(frame, sampled, buffers, options, mask, VALID_LO, VALID_HI);
  return { source: "mask", areaPx: area, validPx: used, sampled, stride, borderCutShare: cut, depthNoiseM: noise };
}

/**
 * Box only: the depths of the box's central region are clustered (gap clustering). The object is
 * the nearest cluster with at least boxTouchShare of them whose band reaches all four sides of the
 * box (a tight 2D box touches its object on every side; an occluder in front of the object's
 * middle does not, and a thin object such as a table shows in little of the core), else the
 * nearest cluster holding at least boxMinClusterShare of them (the object is normally the nearest
 * substantial surface in its own box; the floor, walls and farther objects lie behind it). The
 * box's pixels on the sampling grid whose depth lies in that cluster's range, widened by
 * boxGateSizeShare (noisy core) or boxCleanGateSizeShare (clean core) of the object's lateral size,
 * are selected; validPx is their count times stride^2 (exact at stride 1). The support plane inside
 * the band is removed later, on the points (outliers.ts, dropSupportPlane).
 *
 * When the frame has RGB (colour.ts): the depths are sampled over boxColourCoreShare of the box
 * instead of boxCoreShare, only the samples of the object's colours (rare in a ring around the box)
 * are clustered, and the band's pixels whose colour is the ring's rather than the core's are dropped.
 */
function selectBoxForeground(frame: LiftFrame, box: Box2D, options: SelectOptions, buffers: LiftBuffers): Selection {
  const { width, height } = frame.size;
  const rect = pixelRect(box, width, height);
  if (rect === null) return EMPTY("box");
  const { u0, u1, v0, v1 } = rect;
  const boxW = u1 - u0 + 1;
  const boxH = v1 - v0 + 1;
  const area = boxW * boxH;
  const depth = frame.depthM;

  // 1. Depths of the core, subsampled, sorted.
  // With RGB the colour cue finds the object's samples anywhere in the box (a thin object such as a
  // table or a lamp shows in little of its box's centre): the sampled region is then wider.
  const rgb = options.boxColourRatio > 0 || options.boxColourCoreRatio > 0 ? frame.rgb : undefined;
  const sampledShare = rgb !== undefined && options.boxColourCoreRatio > 0 ? options.boxColourCoreShare : options.boxCoreShare;
  const cu0 = u0 + Math.floor((boxW * (1 - sampledShare)) / 2);
  const cu1 = Math.max(cu0, u1 - Math.floor((boxW * (1 - sampledShare)) / 2));
  const cv0 = v0 + Math.floor((boxH * (1 - sampledShare)) / 2);
  const cv1 = Math.max(cv0, v1 - Math.floor((boxH * (1 - sampledShare)) / 2));
  const stride = gridStride(area, options.maxPoints);
  // The core only has to show where the foreground is: a quarter of maxPoints is plenty, and sorting
  // them is the box path's largest cost.
  const coreStride = gridStride((cu1 - cu0 + 1) * (cv1 - cv0 + 1), Math.max(16, options.maxPoints / 4));
  buffers.ensure(
    Math.max(Math.ceil(boxW / stride) * Math.ceil(boxH / stride), Math.ceil((cu1 - cu0 + 1) / coreStride) * Math.ceil((cv1 - cv0 + 1) / coreStride)),
  );
  const zs = buffers.a;
  const { pixelIndex } = buffers;
  let n = 0;
  for (let v = cv0; v <= cv1; v += coreStride) {
    for (let u = cu0; u <= cu1; u += coreStride) {
      const z = depth[v * width + u]!;
      if (z > 0 && z < Infinity) {
        pixelIndex[n] = v * width + u;
        zs[n++] = z;
      }
    }
  }
  // With RGB: the ring around the box is the background's colour sample; the core's samples of the
  // object's colours decide the depth (a thin object's core is mostly the wall behind it).
  const ring = rgb !== undefined ? countRingColours(rgb, width, height, rect, stride, options) : null;
  if (rgb !== undefined && ring !== null && n > 0) n = objectColouredSamples(rgb, ring, pixelIndex, zs, n, options);
  if (n === 0) {
    // Nothing valid in the core: let the whole box decide.
    for (let v = v0; v <= v1; v += stride) {
      for (let u = u0; u <= u1; u += stride) {
        const z = depth[v * width + u]!;
        if (z > 0 && z < Infinity) zs[n++] = z;
      }
    }
  }
  if (n === 0) return { ...EMPTY("box"), areaPx: area };
  // Clean depth shows the object's full depth extent and no noise for the band to let in: a wider band.
  const gateShare = coreNoise(frame, cu0, cu1, cv0, cv1, coreStride, buffers) >= options.noisyDepthM ? options.boxGateSizeShare : options.boxCleanGateSizeShare;
  const sorted = zs.subarray(0, n).sort();
  const lateralPerM = Math.max(boxW / frame.intrinsics.fx, boxH / frame.intrinsics.fy);
  // A cluster's band: its depth range widened by the gate share of the object's lateral size at its median depth.
  const bandOf = (r: SortedRun): { lo: number; hi: number } => {
    const margin = gateShare * lateralPerM * percentileSorted(sorted.subarray(r.start, r.end), r.end - r.start, 50);
    return { lo: Math.max(VALID_LO, sorted[r.start]! - margin), hi: sorted[r.end - 1]! + margin };
  };
  let band: { lo: number; hi: number } | null = null;
  if (options.boxTouchShare > 0) {
    // The 2D box is tight: the object reaches all four of its sides. The nearest cluster that does is
    // taken, even when it shows in little of the core (a table, a lamp's pole, an occluded object).
    const need = Math.max(1, Math.ceil(options.boxTouchShare * n));
    let start = 0;
    for (let i = 1; i <= n && band === null; i++) {
      if (i < n && !isDepthGap(sorted[i - 1]!, sorted[i]!, options.clusterGapM, options.clusterGapRel)) continue;
      if (i - start >= need) {
        const b = bandOf({ start, end: i });
        if (touchesAllSides(frame, rect, b.lo, b.hi, options.boxTouchMargin, stride)) band = b;
      }
      start = i;
    }
  }
  band ??= bandOf(nearestSubstantialCluster(sorted, n, options.clusterGapM, options.clusterGapRel, options.boxMinClusterShare));
  const { lo, hi } = band;

  // 2. The band's pixels on the sampling grid.
  let sampled = 0;
  for (let v = v0; v <= v1; v += stride) {
    const row = v * width;
    for (let u = u0; u <= u1; u += stride) {
      const z = depth[row + u]!;
      if (z >= lo && z <= hi) pixelIndex[sampled++] = row + u;
    }
  }
  // 3. With RGB, the band's pixels whose colour is the surroundings' rather than the core's go.
  if (rgb !== undefined && ring !== null) {
    // The object's colour model: the band's pixels in the central boxCoreShare of the box.
    const share = options.boxCoreShare;
    const core = {
      u0: u0 + Math.floor((boxW * (1 - share)) / 2),
      u1: Math.max(u0, u1 - Math.floor((boxW * (1 - share)) / 2)),
      v0: v0 + Math.floor((boxH * (1 - share)) / 2),
      v1: Math.max(v0, v1 - Math.floor((boxH * (1 - share)) / 2)),
    };
    sampled = dropBackgroundColours(rgb, ring, width, core, pixelIndex, sampled, options);
  }
  // Full-resolution count estimated from the grid (exact at stride 1): a second full scan of the box would cost more than the rest of the selection.
  const valid = stride === 1 ? sampled : Math.min(area, sampled * stride * stride);
  const cut = borderCutShare(rect, frame, null, lo, hi, true);
  const noise = filterDepths(frame, sampled, buffers, options, null, lo, hi);
  return { source: "box", areaPx: area, validPx: valid, sampled, stride, borderCutShare: cut, depthNoiseM: noise };
}

/**
 * Depth noise (one sigma, metres) estimated on the core's sample grid as in
 * {@link Selection.depthNoiseM}, from all pixels whose row neighbours have valid depth (before any
 * foreground is known; the median ignores the few second differences that straddle an edge).
 * Uses buffers.b.
 */
function coreNoise(frame: LiftFrame, cu0: number, cu1: number, cv0: number, cv1: number, step: number, buffers: LiftBuffers): number {
  const width = frame.size.width;
  const depth = frame.depthM;
  const d = buffers.b;
  let m = 0;
  for (let v = cv0; v <= cv1; v += step) {
    for (let u = Math.max(1, cu0); u <= Math.min(width - 2, cu1); u += step) {
      const i = v * width + u;
      const l = depth[i - 1]!;
      const c = depth[i]!;
      const r = depth[i + 1]!;
      if (l > 0 && c > 0 && r > 0 && l < Infinity && c < Infinity && r < Infinity) d[m++] = Math.abs(l - 2 * c + r);
    }
  }
  if (m < MIN_NOISE_SAMPLES) return 0;
  return percentileUnsorted(d, m, 50) / (0.6745 * Math.sqrt(6));
}

/**
 * Whether each side of `rect` has a pixel with depth in [lo, hi] within `marginShare` of the box's
 * size from it (at least its outermost line), looked at on a grid of `step` pixels along the side.
 */
function touchesAllSides(frame: LiftFrame, rect: PixelRect, lo: number, hi: number, marginShare: number, step: number): boolean {
  const { u0, u1, v0, v1 } = rect;
  const width = frame.size.width;
  const depth = frame.depthM;
  const du = Math.max(1, Math.round(marginShare * (u1 - u0 + 1)));
  const dv = Math.max(1, Math.round(marginShare * (v1 - v0 + 1)));
  const hit = (ua: number, ub: number, va: number, vb: number): boolean => {
    for (let v = va; v <= vb; v++) {
      for (let i = v * width + ua, end = v * width + ub; i <= end; i += step) if (depth[i]! >= lo && depth[i]! <= hi) return true;
    }
    return false;
  };
  return hit(u0, u1, v0, v0 + dv - 1) && hit(u0, u1, v1 - dv + 1, v1) && hit(u0, u0 + du - 1, v0, v1) && hit(u1 - du + 1, u1, v0, v1);
}

/** Neighbourhood radius of a filter. */
function filterRadius(filter: DepthFilter): number {
  return filter === "median5" ? 2 : filter === "median3" ? 1 : 0;
}

/** Scratch for one neighbourhood's depths (at most 5 x 5). */
const NEIGHBOURHOOD = new Float64Array(25);

/**
 * Write the depth of each of the first `count` selected pixels to buffers.z: its own depth, or,
 * when options.depthFilter asks for it and the estimated noise reaches options.noisyDepthM, the
 * median of the depths of the object's pixels (in `mask` when given, depth in [lo, hi]) in its
 * (2r + 1)^2 neighbourhood (the pixel itself is one, so the median exists). Returns the noise
 * estimate (see {@link Selection.depthNoiseM}).
 */
function filterDepths(
  frame: LiftFrame,
  count: number,
  buffers: LiftBuffers,
  options: SelectOptions,
  mask: Uint8Array | null,
  lo: number,
  hi: number,
): number {
  const { pixelIndex, z } = buffers;
  const { width, height } = frame.size;
  const depth = frame.depthM;
  for (let j = 0; j < count; j++) z[j] = depth[pixelIndex[j]!]!;
  const noise = estimateNoise(count, buffers, frame, mask, lo, hi);
  const r = filterRadius(options.depthFilter);
  if (r === 0 || noise < options.noisyDepthM) return noise;
  const values = NEIGHBOURHOOD;
  for (let j = 0; j < count; j++) {
    const i = pixelIndex[j]!;
    const v = Math.floor(i / width);
    const u = i - v * width;
    const uFrom = Math.max(0, u - r);
    const uTo = Math.min(width - 1, u + r);
    let n = 0;
    for (let vv = Math.max(0, v - r); vv <= Math.min(height - 1, v + r); vv++) {
      for (let k = vv * width + uFrom, kEnd = vv * width + uTo; k <= kEnd; k++) {
        const d = depth[k]!;
        if (!(d >= lo && d <= hi) || (mask !== null && mask[k] === 0)) continue;
        // Insertion into the sorted prefix.
        let p = n++;
        while (p > 0 && values[p - 1]! > d) {
          values[p] = values[p - 1]!;
          p--;
        }
        values[p] = d;
      }
    }
    z[j] = n % 2 === 1 ? values[n >> 1]! : (values[(n >> 1) - 1]! + values[n >> 1]!) / 2;
  }
  return noise;
}

/** Fewest second differences behind a noise estimate. */
const MIN_NOISE_SAMPLES = 8;

/** See {@link Selection.depthNoiseM}; buffers.z holds the sampled pixels' raw depths. Uses buffers.c. */
function estimateNoise(count: number, buffers: LiftBuffers, frame: LiftFrame, mask: Uint8Array | null, lo: number, hi: number): number {
  const { pixelIndex, z, c } = buffers;
  const width = frame.size.width;
  const depth = frame.depthM;
  let m = 0;
  for (let j = 0; j < count; j++) {
    const i = pixelIndex[j]!;
    const u = i % width;
    if (u === 0 || u === width - 1) continue;
    const left = depth[i - 1]!;
    const right = depth[i + 1]!;
    if (!(left >= lo && left <= hi && right >= lo && right <= hi)) continue;
    if (mask !== null && (mask[i - 1] === 0 || mask[i + 1] === 0)) continue;
    c[m++] = Math.abs(left - 2 * z[j]! + right);
  }
  if (m < MIN_NOISE_SAMPLES) return 0;
  return percentileUnsorted(c, m, 50) / (0.6745 * Math.sqrt(6));
}

/**
 * See {@link Selection.borderCutShare}. A pixel belongs to the object when it is in `mask` (when
 * given) and, if `checkDepth`, its depth lies in [lo, hi]; a mask's cut does not need valid depth.
 */
function borderCutShare(rect: PixelRect, frame: LiftFrame, mask: Uint8Array | null, lo: number, hi: number, checkDepth: boolean): number {
  const { u0, u1, v0, v1 } = rect;
  const { width, height } = frame.size;
  const depth = frame.depthM;
  const member = (i: number): boolean => (mask === null || mask[i] !== 0) && (!checkDepth || (depth[i]! >= lo && depth[i]! <= hi));
  let share = 0;
  if (u0 === 0 || u1 === width - 1) {
    for (const u of u0 === 0 && u1 === width - 1 ? [0, width - 1] : [u0 === 0 ? 0 : width - 1]) {
      let hits = 0;
      for (let v = v0; v <= v1; v++) if (member(v * width + u)) hits++;
      share = Math.max(share, hits / (v1 - v0 + 1));
    }
  }
  if (v0 === 0 || v1 === height - 1) {
    for (const v of v0 === 0 && v1 === height - 1 ? [0, height - 1] : [v0 === 0 ? 0 : height - 1]) {
      let hits = 0;
      for (let u = u0; u <= u1; u++) if (member(v * width + u)) hits++;
      share = Math.max(share, hits / (u1 - u0 + 1));
    }
  }
  return share;
}

/**
 * Camera-frame points (metres, OpenCV frame) of the first `count` selected pixels into buffers.x/y/z,
 * from their (filtered) depths in buffers.z: pinhole back-projection of planar depth,
 * x = (u - cx) / fx * z, y = (v - cy) / fy * z (geometry's backProject, inlined for speed; the test
 * checks the two agree), or, when the frame has a point map, its point scaled along its ray to the
 * filtered depth. A point-map pixel without a finite point (z > 0) is dropped. Returns the number of
 * points written (the selected pixels are compacted to match).
 */
export function backProjectSelection(frame: LiftFrame, count: number, buffers: LiftBuffers): number {
  const { x, y, z, pixelIndex } = buffers;
  const width = frame.size.width;
  const points = frame.pointsM;
  if (points) {
    let k = 0;
    for (let j = 0; j < count; j++) {
      const i = pixelIndex[j]!;
      const px = points[3 * i]!;
      const py = points[3 * i + 1]!;
      const pz = points[3 * i + 2]!;
      if (!Number.isFinite(px) || !Number.isFinite(py) || !(pz > 0 && pz < Infinity)) continue;
      const scale = z[j]! / pz;
      x[k] = px * scale;
      y[k] = py * scale;
      z[k] = z[j]!;
      pixelIndex[k++] = i;
    }
    return k;
  }
  const { fx, fy, cx, cy } = frame.intrinsics;
  for (let j = 0; j < count; j++) {
    const i = pixelIndex[j]!;
    const v = Math.floor(i / width);
    const u = i - v * width;
    const d = z[j]!;
    x[j] = ((u - cx) / fx) * d;
    y[j] = ((v - cy) / fy) * d;
  }
  return count;
}
