import { InputError } from "../errors.js";
import { validateBox2D, validateImageSize, validateIntrinsics, box2dArea } from "../geometry/index.js";
import { LiftBuffers } from "./buffers.js";
import { COLOUR_BINS } from "./colour.js";
import { COVER_MODES, COVER_SIDES, coverBox2d, type CoverOptions } from "./cover.js";
import { runFilters, type FilterOptions } from "./filters.js";
import { fitBox, type FitOptions } from "./fit.js";
import { depthInlierRange, dropSupportPlane, OUTLIER_METHODS, type OutlierOptions } from "./outliers.js";
import { footprintPriorFor } from "./priors.js";
import { backProjectSelection, DEPTH_FILTERS, selectPixels, type SelectOptions } from "./select.js";
import type { LiftFrame, LiftOutcome, LiftTarget, LiftTimings } from "./types.js";

/**
 * Lifting one 2D annotation into a metric 3D box: select the object's pixels (select.ts), turn them
 * into camera-frame points, drop depth outliers (outliers.ts), fit a gravity-aligned, yawed box and
 * complete its hidden depth from a category prior (fit.ts, priors.ts), and run the rule-based
 * filters (filters.ts).
 */

/**
 * Every tunable of lifting. Each field's default is in {@link DEFAULT_LIFT_OPTIONS} with the
 * reason for it; the measured comparisons come from `npx tsx scripts/lift-accuracy.ts` (synth
 * scenes, evaluation seeds disjoint from the priors' training seeds).
 */
export interface LiftOptions extends SelectOptions, OutlierOptions, FitOptions, CoverOptions, FilterOptions {}

/**
 * The defaults, and why. Numbers are median 3D IoU of the kept objects against the amodal truth,
 * from `npx tsx scripts/lift-accuracy.ts --compare` (200 synth scenes, 320x240, evaluation seed 7,
 * 1369 visible objects per condition), written as "exact depth + masks / default noise + masks"
 * unless another condition is named; box-only options are written "exact depth + boxes only /
 * default noise + boxes only". With these defaults: 0.733 / 0.541 (boxes only 0.672 / 0.511 on
 * frames with RGB, 0.656 / 0.472 without; heavy noise 0.339); the naive baseline: 0.228 / 0.194.
 * The box-only numbers of boxCoreShare ... boxTouchMargin and the box fit options were measured on
 * frames without RGB, before the colour cue and the 2D-box cover existed (0.653 / 0.464 then); the
 * colour and cover options' numbers are on frames with RGB. For `n3d ask` with 2D-box region
 * prompts (`npx tsx scripts/ask-accuracy.ts --scenes 40 --per-type 10 --noise default,none`) the
 * colour cue and the cover take regions/box from 82.7 % to 88.1 % on default noise and from 88.8 %
 * to 91.3 % on exact depth (masks: 89.0 % / 90.8 %).
 */
export const DEFAULT_LIFT_OPTIONS: LiftOptions = Object.freeze({
  // Selection.
  /** Eroding the mask costs thin and small objects their extent: 0.616 / 0.474 vs 0.733 / 0.541 (heavy 0.344 vs 0.339). */
  maskBoundary: "keep",
  /** A 3x3 median of the object's own pixels takes noise and flying pixels out: none 0.456 default, median5 0.545 but slower. */
  depthFilter: "median3",
  /** Filter and trim only measurably noisy depth: always (0) costs exact depth 0.673; 2 mm 0.724; 4 mm 0.733, noise unchanged. */
  noisyDepthM: 0.004,
  /** 2048 points: 512 gives 0.705 / 0.531, 8192 0.739 / 0.545 at four times the fit cost. */
  maxPoints: 2048,
  /** Box only: the central half of the box decides the foreground (0.3: 0.647 / 0.463; 0.7: 0.652 / 0.462 on fewer kept). */
  boxCoreShare: 0.5,
  /**
   * With RGB the colour cue picks the object's samples anywhere in the box, so the whole box is
   * sampled: a thin object (lamp, table, bench) shows in little of its box's centre (0.5: 0.665 /
   * 0.499; 0.8: 0.672 / 0.513, a tie).
   */
  boxColourCoreShare: 1,
  /** Box only, when no cluster touches all sides: the nearest cluster with a third of the core's depths (0.2 and 0.5: 0.653 / 0.465). */
  boxMinClusterShare: 0.35,
  /** Box only, noisy core: band of a quarter of the object's width around that cluster (0.1: 0.458, 0.5: 0.451, 1.0: 0.411 default noise). */
  boxGateSizeShare: 0.25,
  /**
   * Box only, with gravity: the floor or table top beside and under the object is in its box at its
   * depth (56 % of the wrongly selected pixels on exact depth are at or below the object's bottom).
   * Dropping the points within 2 cm of the lowest one and extending the box down to it: off 0.534 /
   * 0.450; 1 cm 0.654 / 0.463; 3 cm 0.648; 5 cm 0.644.
   */
  boxSupportTolM: 0.02,
  /** The same band for noisy depth, whose lowest point is noise: 2 cm 0.453, 3 cm 0.464, 5 cm 0.468 on fewer kept (all 0.405 vs 0.409). */
  boxNoisySupportTolM: 0.03,
  /** Clean core: the band can be wider, the cluster outlier stage splits off what lies behind (0.25: 0.645, 0.75: 0.646, 1.0: 0.645 exact). */
  boxCleanGateSizeShare: 0.5,
  /**
   * Box only: the nearest cluster with 5 % of the core that reaches all four sides of the box is the
   * object; it finds tables, benches and poles the core mostly sees through, and skips occluders
   * (off: 0.636 / 0.452; 0.03: 0.653 / 0.463; 0.2: 0.645 / 0.459).
   */
  boxTouchShare: 0.05,
  /** A side counts as touched within 10 % of the box from it: the same on tight boxes (0: 0.653 / 0.465; 0.2: 0.650 / 0.463), and a loose box (a detector's) still finds its object. */
  boxTouchMargin: 0.1,
  /**
   * Box only, frame with RGB: the band's pixels whose colour is 1.5 times likelier in the ring around
   * the box than in its core go (with boxColourCoreRatio, the selection's mean precision against
   * the visible mask goes from 0.843 to 0.950 on exact depth, 0.775 to 0.923 under default noise);
   * off: 0.657 / 0.477; 1: 0.673 / 0.511; 2: 0.672 / 0.507; 3: 0.669 / 0.507.
   */
  boxColourRatio: 1.5,
  /** 8 x 8 x 8 colour cells (4: 0.665 / 0.502; 16: 0.669 / 0.511, eight times the cells to clear per object). */
  boxColourBins: 8,
  /** A ring a tenth of the box wide around it is the background's colour sample (0.05: 0.673 / 0.513; 0.2: 0.673 / 0.508). */
  boxColourRingShare: 0.1,
  /** Colour that would drop over 60 % of the pixels does not separate the object: none are dropped (0.4: 0.668 / 0.502; 0.8: 0.673 / 0.512). */
  boxColourMaxDrop: 0.6,
  /**
   * Box only, frame with RGB: the depth clusters are found among the samples whose colour is twice
   * as likely in the box as in the ring around it. Under sensor noise a thin object's flying pixels
   * bridge it to the wall behind and the depth rule picks the wall (floor lamps, tables, benches;
   * the script's selection diagnostic, default noise: objects with precision and recall both below
   * 0.8 lost 38.6 IoU against their masks in all, 9.3 with the colour cues);
   * off: 0.665 / 0.493 and ask regions/box 83.1 % default noise; 1: 0.670 / 0.510 on fewer kept;
   * 1.5: 0.670 / 0.512; 3: 0.670 / 0.510; 5: 0.669 / 0.505.
   */
  boxColourCoreRatio: 2,
  // Outliers.
  /**
   * Largest depth cluster: the best on the median IoU of ALL objects for exact, light and default
   * noise (0.683 / 0.593 / 0.484), against percentile 2 % (0.677 / 0.587 / 0.473), MAD k = 3
   * (0.666 / 0.573 / 0.476) and none (0.688 / 0.547 / 0.379); MAD is best only for heavy noise
   * (0.265 vs 0.262).
   */
  outlierMethod: "cluster",
  /** Used by "percentile" only. */
  trimPercent: 2,
  /** Used by "mad" only. */
  madK: 3,
  /** 5 cm or 2 % of depth splits an object from what is behind it; 10 cm / 4 % lets flying pixels bridge (0.528 default). */
  clusterGapM: 0.05,
  clusterGapRel: 0.02,
  // Fit.
  /** Noisy depth: 1 % trimmed at each end (0 %: 0.497 default; 2 %: 0.526; 5 %: 0.440). */
  extentPercent: 1,
  /** Clean depth: the extremes are the object's (1 %: 0.687 exact). */
  cleanExtentPercent: 0,
  /** Box only, noisy depth: 2 % (0.5 %: 0.446, 3 %: 0.460, 5 %: 0.431 default noise). */
  boxExtentPercent: 2,
  /** Box only, clean depth: with the support plane gone the extremes are the object's (2 %: 0.628 exact). */
  boxCleanExtentPercent: 0,
  /** Boxes along gravity, as the truth is (off: 0.537 / 0.420). */
  useGravity: true,
  /** Complete the unseen depth from the learned priors (visible only: 0.638 / 0.512, boxes only 0.537 / 0.418). */
  hiddenExtent: "prior",
  /** Closeness beats the minimum-area rectangle on clean depth (0.699 / 0.550) and ties under noise. */
  yawMethod: "closeness",
  /** 1 cm (3 cm: 0.724 / 0.549; 3 mm: 0.731 / 0.537). */
  closenessFloorM: 0.01,
  /**
   * Box only: the amodal box's projection covers the tight 2D box, so faces that fall short (edge
   * pixels lost to noise and trimming: boxes were 6 % too narrow under default noise) move out to
   * its edges; off: 0.664 / 0.496. "match" (clamping both ways) costs 0.462 / 0.334: a box's
   * corners project outside its object's silhouette, so pulling faces in to the 2D box is wrong.
   */
  boxCover: "extend",
  /** All four sides (lateral only: 0.668 / 0.503). */
  boxCoverSides: "all",
  /** A face moves by at most half the box's size (0.2: 0.669 / 0.511; 1: 0.672 / 0.511). */
  boxCoverMaxShare: 0.5,
  // Filters.
  /**
   * 20 px: below it the mask is a few pixels of a far object whose fit is noise (rejected median
   * IoU 0.279 exact, 0.029 default). 40 px raises kept IoU to 0.754 / 0.566 but keeps only 72 %.
   */
  minMaskAreaPx: 20,
  /** A 2D box over 80 % of the image is a wall-like region or an object cut on all sides (not seen in synth). */
  maxImageShare: 0.8,
  /** Fewer than 10 depth pixels cannot place three extents. */
  minValidPixels: 10,
  /** Closer than 10 cm is inside a sensor's minimum range. */
  minDepthM: 0.1,
  /** Farther than 40 m a depth error of a per cent is metres (synth's outdoor scenes end at 40 m). */
  maxDepthM: 40,
  /** Cut on over 70 % of a side: rejected median IoU 0.476 vs 0.733 kept; 0.5 rejects more good boxes, 0.9 keeps worse ones (0.725). */
  maxBorderCutShare: 0.7,
  /** Sizes outside the category's plausible range are wrong fits (rejected median IoU 0.108 default; off: 0.526 default, 0.303 heavy). */
  checkSize: true,
} satisfies LiftOptions);

type Check = (value: unknown) => string | null;
const number = (lo: number, hi: number, loOpen = false, hiOpen = false): Check => (v) =>
  typeof v === "number" && Number.isFinite(v) && (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi)
    ? null
    : `must be a number in ${loOpen ? "(" : "["}${lo}, ${hi}${hiOpen ? ")" : "]"}`;
const integer = (lo: number): Check => (v) => (Number.isInteger(v) && (v as number) >= lo ? null : `must be an integer >= ${lo}`);
const oneOf = (choices: readonly string[]): Check => (v) =>
  typeof v === "string" && choices.includes(v) ? null : `is not a supported choice; choose one of ${choices.join(", ")}`;
const boolean: Check = (v) => (typeof v === "boolean" ? null : "must be true or false");

const CHECKS: Readonly<Record<keyof LiftOptions, Check>> = {
  maskBoundary: oneOf(["keep", "erode"]),
  depthFilter: oneOf(DEPTH_FILTERS),
  noisyDepthM: number(0, Infinity, false, true),
  maxPoints: integer(16),
  boxCoreShare: number(0, 1, true),
  boxColourCoreShare: number(0, 1, true),
  boxMinClusterShare: number(0, 1, true),
  boxGateSizeShare: number(0, 10),
  boxSupportTolM: number(0, 10),
  boxTouchShare: number(0, 1),
  boxTouchMargin: number(0, 0.5),
  boxNoisySupportTolM: number(0, 10),
  boxColourRatio: number(0, 1e6),
  boxColourBins: (v) => (typeof v === "number" && COLOUR_BINS.includes(v) ? null : `must be one of ${COLOUR_BINS.join(", ")} (bins per channel)`),
  boxColourRingShare: number(0, 1),
  boxColourMaxDrop: number(0, 1),
  boxColourCoreRatio: number(0, 1e6),
  boxCleanGateSizeShare: number(0, 10),
  boxExtentPercent: number(0, 50, false, true),
  boxCleanExtentPercent: number(0, 50, false, true),
  outlierMethod: oneOf(OUTLIER_METHODS),
  trimPercent: number(0, 50, false, true),
  madK: number(0, 100, true),
  clusterGapM: number(0, 100, true),
  clusterGapRel: number(0, 10),
  extentPercent: number(0, 50, false, true),
  cleanExtentPercent: number(0, 50, false, true),
  useGravity: boolean,
  hiddenExtent: oneOf(["prior", "visible"]),
  yawMethod: oneOf(["closeness", "min-area"]),
  closenessFloorM: number(0, 10, true),
  boxCover: oneOf(COVER_MODES),
  boxCoverSides: oneOf(COVER_SIDES),
  boxCoverMaxShare: number(0, 10),
  minMaskAreaPx: number(0, Infinity, false, true),
  maxImageShare: number(0, 1, true),
  minValidPixels: number(0, Infinity, false, true),
  minDepthM: number(0, Infinity, false, true),
  maxDepthM: number(0, Infinity, true, true),
  maxBorderCutShare: number(0, 1),
  checkSize: boolean,
};
const OPTION_NAMES = Object.keys(CHECKS) as (keyof LiftOptions)[];

/** Options objects that passed {@link resolveLiftOptions} (so liftObject checks each object once). */
const resolved = new WeakSet<object>([DEFAULT_LIFT_OPTIONS]);

/**
 * Defaults overridden by `partial`, validated: an unknown key or a bad value throws an InputError
 * naming it ("resolveLiftOptions: outlierMethod = "median": is not a supported choice; choose one
 * of ..."). The result is frozen.
 */
export function resolveLiftOptions(partial: Partial<LiftOptions> = {}, where = "resolveLiftOptions"): LiftOptions {
  if (typeof partial !== "object" || partial === null || Array.isArray(partial)) {
    throw new InputError(where, "options", partial, "must be an object of lift options");
  }
  for (const [key, value] of Object.entries(partial)) {
    if (!Object.hasOwn(CHECKS, key)) throw new InputError(where, key, value, `is not a lift option; choose one of ${OPTION_NAMES.join(", ")}`);
    if (value === undefined) continue;
    const problem = CHECKS[key as keyof LiftOptions](value);
    if (problem !== null) throw new InputError(where, key, value, problem);
  }
  const merged = { ...DEFAULT_LIFT_OPTIONS } as Record<string, unknown>;
  for (const [key, value] of Object.entries(partial)) if (value !== undefined) merged[key] = value;
  const out = merged as unknown as LiftOptions;
  if (out.maxDepthM <= out.minDepthM) throw new InputError(where, "maxDepthM", out.maxDepthM, `must be > minDepthM = ${out.minDepthM}`);
  Object.freeze(out);
  resolved.add(out);
  return out;
}

/** Fewest points that can span a 3D box; below this no box is fitted (LiftOutcome.box = null). */
export const MIN_FIT_POINTS = 4;

/** The process's buffers: lifting is synchronous, so one set serves every call. */
const BUFFERS = new LiftBuffers();

/**
 * Lift one 2D annotation of one frame into a 3D box in the camera frame (OpenCV, metres, yaw about
 * camera +y), with the filters' verdict. Pure in its result and synchronous; `timings`, when
 * given, accumulates milliseconds per stage. Throws an InputError when the frame or the target is
 * malformed (array lengths, intrinsics, box) or the options are invalid.
 */
export function liftObject(frame: LiftFrame, target: LiftTarget, options: LiftOptions = DEFAULT_LIFT_OPTIONS, timings?: LiftTimings): LiftOutcome {
  const o = resolved.has(options) ? options : resolveLiftOptions(options, "liftObject");
  validateInputs(frame, target);
  const t0 = timings ? performance.now() : 0;
  const buffers = BUFFERS;

  const selection = selectPixels(frame, target, o, buffers);
  const t1 = timings ? performance.now() : 0;

  let n = backProjectSelection(frame, selection.sampled, buffers);
  const t2 = timings ? performance.now() : 0;

  let box = null;
  let extentMethod: LiftOutcome["extentMethod"] = "visible";
  const sampledPoints = n;
  if (n > 0) {
    const { x, y, z, a } = buffers;
    const { lo, hi } = inlierRange(z, n, a, o);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const zi = z[i]!;
      if (zi < lo || zi > hi) continue;
      x[k] = x[i]!;
      y[k] = y[i]!;
      z[k++] = zi;
    }
    n = k;
  }
  let supportHeightM: number | null = null;
  if (selection.source === "box" && o.boxSupportTolM > 0 && o.useGravity && frame.gravity !== undefined && n >= MIN_FIT_POINTS) {
    const dropped = dropSupportPlane(n, buffers.x, buffers.y, buffers.z, frame.gravity, selection.depthNoiseM >= o.noisyDepthM ? o.boxNoisySupportTolM : o.boxSupportTolM, MIN_FIT_POINTS);
    n = dropped.n;
    supportHeightM = dropped.supportHeightM;
  }
  if (n >= MIN_FIT_POINTS) {
    const noisy = selection.depthNoiseM >= o.noisyDepthM;
    const p = selection.source === "box" ? (noisy ? o.boxExtentPercent : o.boxCleanExtentPercent) : noisy ? o.extentPercent : o.cleanExtentPercent;
    const fit = fitBox(n, buffers, frame.gravity, footprintPriorFor(target.label).prior, p, o, supportHeightM);
    box = selection.source === "box" ? coverBox2d(fit.box, target.bbox2d, frame.intrinsics, o) : fit.box;
    extentMethod = fit.extentMethod;
  }
  const t3 = timings ? performance.now() : 0;

  // Full-resolution pixels left after outlier rejection, estimated from the subsample's share.
  const validPx = sampledPoints > 0 ? Math.round((selection.validPx * n) / sampledPoints) : 0;
  const failure = runFilters(
    {
      label: target.label,
      box,
      areaPx: selection.areaPx,
      boxAreaPx: box2dArea(target.bbox2d),
      imageAreaPx: frame.size.width * frame.size.height,
      validPx,
      borderCutShare: selection.borderCutShare,
    },
    o,
  );
  if (timings) {
    const t4 = performance.now();
    timings.select += t1 - t0;
    timings.backProject += t2 - t1;
    timings.fit += t3 - t2;
    timings.filter += t4 - t3;
  }
  const common = { box, pixelSource: selection.source, pixelsSelected: selection.validPx, pointsUsed: validPx, extentMethod };
  return failure === null ? { ...common, verdict: "kept" } : { ...common, verdict: "rejected", reason: failure.reason, detail: failure.detail };
}

/** Depths the outlier stage sorts at most (a regular subsample of the points). */
export const OUTLIER_SAMPLES = 512;

/**
 * The depth interval to keep (outliers.ts), decided on a regular subsample of at most
 * OUTLIER_SAMPLES depths: sorting is the stage's cost and the statistics need no more. For
 * "cluster" the interval is widened by one gap at each end, so points of the full set that sit
 * within a gap of the subsample's cluster (and so belong to it) are kept. `scratch` receives the
 * sorted subsample.
 */
function inlierRange(z: Float64Array, n: number, scratch: Float64Array, o: LiftOptions): { lo: number; hi: number } {
  const step = Math.max(1, Math.ceil(n / OUTLIER_SAMPLES));
  let m = 0;
  for (let i = 0; i < n; i += step) scratch[m++] = z[i]!;
  const range = depthInlierRange(scratch.subarray(0, m).sort(), m, o);
  if (o.outlierMethod !== "cluster" || step === 1) return range;
  const gap = (d: number): number => Math.max(o.clusterGapM, o.clusterGapRel * d);
  return { lo: range.lo - gap(range.lo), hi: range.hi + gap(range.hi) };
}

/** Cheap structural checks (lengths, intrinsics, box, gravity); pixel values are not scanned. */
function validateInputs(frame: LiftFrame, target: LiftTarget): void {
  const where = "liftObject";
  validateImageSize(frame.size, where);
  const n = frame.size.width * frame.size.height;
  if (!(frame.depthM instanceof Float32Array) || frame.depthM.length !== n) {
    throw new InputError(where, "frame.depthM", frame.depthM, `must be a Float32Array of ${frame.size.width}x${frame.size.height} = ${n} depths (metres)`);
  }
  validateIntrinsics(frame.intrinsics, where);
  if (frame.pointsM !== undefined && (!(frame.pointsM instanceof Float32Array) || frame.pointsM.length !== 3 * n)) {
    throw new InputError(where, "frame.pointsM", frame.pointsM, `must be a Float32Array of ${frame.size.width}x${frame.size.height}x3 = ${3 * n} values`);
  }
  if (frame.rgb !== undefined && (!(frame.rgb instanceof Uint8Array) || frame.rgb.length !== 3 * n)) {
    throw new InputError(where, "frame.rgb", frame.rgb, `must be a Uint8Array of ${frame.size.width}x${frame.size.height}x3 = ${3 * n} values (8-bit RGB)`);
  }
  if (frame.gravity !== undefined) {
    const g = frame.gravity;
    const norm = Array.isArray(g) && g.length === 3 ? Math.hypot(g[0], g[1], g[2]) : NaN;
    if (!(Math.abs(norm - 1) < 0.01)) throw new InputError(where, "frame.gravity", g, "must be a unit 3-vector (camera frame, pointing down)");
  }
  if (typeof target.label !== "string") throw new InputError(where, "target.label", target.label, "must be a string");
  validateBox2D(target.bbox2d, where, "target.bbox2d.");
  if (target.mask !== undefined && (!(target.mask instanceof Uint8Array) || target.mask.length !== n)) {
    throw new InputError(where, "target.mask", target.mask, `must be a Uint8Array of ${frame.size.width}x${frame.size.height} = ${n} (1 = object)`);
  }
}
