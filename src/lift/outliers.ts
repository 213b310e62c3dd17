/**
 * Robust rejection of depth outliers among an object's points. The points of one object are mostly
 * its own surface; the rest are flying pixels between it and the background, background seen
 * through gaps, and noise. All methods work on the sorted depths (planar z, metres) and return the
 * depth interval whose points are kept, so the caller compacts once whatever the method.
 *
 * Methods compared by scripts/lift-accuracy.ts (the measured numbers are in lift.ts, at
 * DEFAULT_LIFT_OPTIONS.outlierMethod):
 * - "percentile": drop the lowest and highest `trimPercent` % of depths;
 * - "mad": keep depths within `madK` scaled median absolute deviations of the median;
 * - "cluster": split the sorted depths where consecutive values differ by more than
 *   max(clusterGapM, clusterGapRel * z) and keep the largest cluster (1-D gap clustering);
 * - "none": keep everything.
 */
import { selectKth } from "../select-kth.js";

export { selectKth };

/** The outlier methods; see the file comment. */
export type OutlierMethod = "none" | "percentile" | "mad" | "cluster";
export const OUTLIER_METHODS: readonly OutlierMethod[] = ["none", "percentile", "mad", "cluster"];

/** Parameters of the outlier methods (fields of LiftOptions). */
export interface OutlierOptions {
  readonly outlierMethod: OutlierMethod;
  /** "percentile": share dropped at EACH end, percent in [0, 50). */
  readonly trimPercent: number;
  /** "mad": half-width of the kept band in scaled MADs (1.4826 MAD ~ one sigma for Gaussian noise). */
  readonly madK: number;
  /** "cluster" (and box-only foreground separation): smallest depth gap that splits clusters, metres. */
  readonly clusterGapM: number;
  /** The same gap relative to depth (sensor noise grows with depth), unitless. */
  readonly clusterGapRel: number;
  /**
   * Box only, with gravity: points within this height (metres) of the lowest point along gravity
   * are the support plane's and are dropped ({@link dropSupportPlane}); 0 turns it off.
   */
  readonly boxSupportTolM: number;
  /** The same band for noisy depth (the selection's noise estimate at least noisyDepthM). */
  readonly boxNoisySupportTolM: number;
}

/** A closed depth interval [lo, hi], metres. */
export interface DepthRange {
  readonly lo: number;
  readonly hi: number;
}

/** A run of sorted values, indices [start, end) into the sorted array. */
export interface SortedRun {
  readonly start: number;
  readonly end: number;
}

/**
 * The p-th percentile (p in [0, 100]) of the first n values of an ascending array, interpolating
 * linearly between neighbours (p = 0 is the minimum, 100 the maximum). n must be >= 1.
 */
export function percentileSorted(sorted: Float64Array, n: number, p: number): number {
  const pos = (p / 100) * (n - 1);
  const i = Math.floor(pos);
  if (i >= n - 1) return sorted[n - 1]!;
  const t = pos - i;
  return sorted[i]! + t * (sorted[i + 1]! - sorted[i]!);
}


/**
 * The p-th percentile (p in [0, 100]) of the first n (>= 1) values of an UNSORTED array, with the
 * same interpolation as {@link percentileSorted}, in O(n) by {@link selectKth} (the values are
 * reordered).
 */
export function percentileUnsorted(values: Float64Array, n: number, p: number): number {
  const pos = (p / 100) * (n - 1);
  const i = Math.floor(pos);
  const below = selectKth(values, n, i);
  const t = pos - i;
  if (t === 0 || i >= n - 1) return below;
  // The next order statistic is the smallest value after position i.
  let next = Infinity;
  for (let j = i + 1; j < n; j++) if (values[j]! < next) next = values[j]!;
  return below + t * (next - below);
}

/** Median of the first n values of an ascending array (n >= 1). */
export function medianSorted(sorted: Float64Array, n: number): number {
  return percentileSorted(sorted, n, 50);
}

/** Whether sorted depths a <= b are far enough apart to split a cluster between them: b - a > max(gapM, gapRel b). */
export function isDepthGap(a: number, b: number, gapM: number, gapRel: number): boolean {
  return b - a > Math.max(gapM, gapRel * b);
}

/**
 * The largest cluster of the first n ascending depths (split at gaps wider than
 * max(gapM, gapRel * z)); ties go to the nearer cluster. n must be >= 1.
 */
export function largestDepthCluster(sorted: Float64Array, n: number, gapM: number, gapRel: number): SortedRun {
  let bestStart = 0;
  let bestEnd = 0;
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i === n || isDepthGap(sorted[i - 1]!, sorted[i]!, gapM, gapRel)) {
      if (i - start > bestEnd - bestStart) {
        bestStart = start;
        bestEnd = i;
      }
      start = i;
    }
  }
  return { start: bestStart, end: bestEnd };
}

/**
 * The nearest cluster holding at least `minShare` of the n ascending depths (gap clustering as in
 * {@link largestDepthCluster}), or the largest cluster when none is that big. Used to find the
 * foreground in a 2D box: the object is usually the nearest substantial surface in its own box,
 * with the floor, walls or farther objects behind it.
 */
export function nearestSubstantialCluster(sorted: Float64Array, n: number, gapM: number, gapRel: number, minShare: number): SortedRun {
  const need = Math.max(1, Math.ceil(minShare * n));
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i === n || isDepthGap(sorted[i - 1]!, sorted[i]!, gapM, gapRel)) {
      if (i - start >= need) return { start, end: i };
      start = i;
    }
  }
  return largestDepthCluster(sorted, n, gapM, gapRel);
}

/**
 * The depth interval kept by the chosen method, from the first n (>= 1) ascending depths of the
 * object's points. The interval always contains the median, so at least one point survives.
 */
export function depthInlierRange(sorted: Float64Array, n: number, options: OutlierOptions): DepthRange {
  switch (options.outlierMethod) {
    case "none":
      return { lo: sorted[0]!, hi: sorted[n - 1]! };
    case "percentile":
      return { lo: percentileSorted(sorted, n, options.trimPercent), hi: percentileSorted(sorted, n, 100 - options.trimPercent) };
    case "mad": {
      const median = medianSorted(sorted, n);
      const mad = medianAbsoluteDeviation(sorted, n, median);
      const half = options.madK * 1.4826 * mad;
      return { lo: median - half, hi: median + half };
    }
    case "cluster": {
      const run = largestDepthCluster(sorted, n, options.clusterGapM, options.clusterGapRel);
      return { lo: sorted[run.start]!, hi: sorted[run.end - 1]! };
    }
  }
}

/**
 * Median of |z - median| over the first n ascending values, without a second sort: the deviations
 * of a sorted array are two sorted runs walking outwards from the median, merged until the middle.
 */
function medianAbsoluteDeviation(sorted: Float64Array, n: number, median: number): number {
  // First index with value >= median: deviations grow going right from it and left from it - 1.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < median) lo = mid + 1;
    else hi = mid;
  }
  let right = lo;
  let left = lo - 1;
  const take = (k: number): number => {
    // The k-th (0-based) smallest deviation.
    let value = 0;
    for (let step = 0; step <= k; step++) {
      const dl = left >= 0 ? median - sorted[left]! : Infinity;
      const dr = right < n ? sorted[right]! - median : Infinity;
      if (dl <= dr) {
        value = dl;
        left--;
      } else {
        value = dr;
        right++;
      }
    }
    return value;
  };
  if (n % 2 === 1) return take((n - 1) / 2);
  const a = take(n / 2 - 1);
  const b = take(0); // the next one after the (n/2 - 1)-th, since the walk continues where it stopped
  return (a + b) / 2;
}

/**
 * Box-only selections hold the surface the object stands on (floor, table top) wherever it shows
 * inside the 2D box at the object's depth: beside legs, under a chair, at a yawed box's corners.
 * That surface is a horizontal plane, so along gravity all of its points share the lowest height.
 * This drops the first n camera-frame points in x/y/z (compacted in place) whose height along the
 * unit `gravity` (camera frame, down) lies within `tolM` of the lowest point's, and returns how many
 * are left and that lowest height (metres along gravity from the camera centre): the object rests
 * on it, so the fit extends the box's bottom down to it. Nothing is dropped (and null returned as
 * the height) when fewer than `minKeep` points would be left.
 */
export function dropSupportPlane(
  n: number,
  x: Float64Array,
  y: Float64Array,
  z: Float64Array,
  gravity: readonly [number, number, number],
  tolM: number,
  minKeep: number,
): { readonly n: number; readonly supportHeightM: number | null } {
  const [gx, gy, gz] = gravity;
  let lowest = -Infinity;
  for (let i = 0; i < n; i++) {
    const h = gx * x[i]! + gy * y[i]! + gz * z[i]!;
    if (h > lowest) lowest = h;
  }
  const cut = lowest - tolM;
  let keep = 0;
  for (let i = 0; i < n; i++) if (gx * x[i]! + gy * y[i]! + gz * z[i]! <= cut) keep++;
  if (keep < minKeep) return { n, supportHeightM: null };
  let k = 0;
  for (let i = 0; i < n; i++) {
    const px = x[i]!;
    const py = y[i]!;
    const pz = z[i]!;
    if (gx * px + gy * py + gz * pz > cut) continue;
    x[k] = px;
    y[k] = py;
    z[k++] = pz;
  }
  return { n: k, supportHeightM: lowest };
}
