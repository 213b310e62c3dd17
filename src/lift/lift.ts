import { InputError } from "../errors.js";
import { validateBox2D, validateImageSize, validateIntrinsics, box2dArea } from "../geometry/index.js";
import { LiftBuffers } from "./buffers.js";
import { runFilters, type FilterOptions } from "./filters.js";
import { fitBox, type FitOptions } from "./fit.js";
import { depthInlierRange, OUTLIER_METHODS, type OutlierOptions } from "./outliers.js";
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
export interface LiftOptions extends SelectOptions, OutlierOptions, FitOptions, FilterOptions {}

/**
 * The defaults, and why.
 */
export const DEFAULT_LIFT_OPTIONS: LiftOptions = Object.freeze({
  // Selection.
  maskBoundary: "keep", // TODO(measure)
  depthFilter: "median3",
  noisyDepthM: 0.002,
  maxPoints: 2048, // TODO(measure)
  boxCoreShare: 0.5,
  boxMinClusterShare: 0.2,
  boxGateSizeShare: 0.5,
  // Outliers.
  outlierMethod: "cluster",
  trimPercent: 2,
  madK: 3,
  clusterGapM: 0.05,
  clusterGapRel: 0.02,
  // Fit.
  extentPercent: 1,
  cleanExtentPercent: 0,
  useGravity: true,
  hiddenExtent: "prior",
  // Filters.
  minMaskAreaPx: 20,
  maxImageShare: 0.8,
  minValidPixels: 10,
  minDepthM: 0.1,
  maxDepthM: 40,
  maxBorderCutShare: 0.7,
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
  boxMinClusterShare: number(0, 1, true),
  boxGateSizeShare: number(0, 10),
  outlierMethod: oneOf(OUTLIER_METHODS),
  trimPercent: number(0, 50, false, true),
  madK: number(0, 100, true),
  clusterGapM: number(0, 100, true),
  clusterGapRel: number(0, 10),
  extentPercent: number(0, 50, false, true),
  cleanExtentPercent: number(0, 50, false, true),
  useGravity: boolean,
  hiddenExtent: oneOf(["prior", "visible"]),
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
    a.set(z.subarray(0, n));
    const sorted = a.subarray(0, n).sort();
    const { lo, hi } = depthInlierRange(sorted, n, o);
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
  if (n >= MIN_FIT_POINTS) {
    // A box-only selection counts as noisy: its depth band holds floor and background pixels at the object's depth.
    const noisy = selection.source === "box" || selection.depthNoiseM >= o.noisyDepthM;
    const fit = fitBox(n, buffers, frame.gravity, footprintPriorFor(target.label).prior, noisy, o);
    box = fit.box;
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
