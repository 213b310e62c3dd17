import { selectKth } from "../select-kth.js";
import { InputError } from "../errors.js";
import type { ImageSize } from "../geometry/index.js";

/**
 * From a depth model's raw output to n3d depth: resampling the prediction grid back onto the image
 * and turning the values into planar metres. Pure functions over Float32Arrays (row-major H x W).
 */

/**
 * Relative (affine-invariant disparity) models only: the depth, metres, given to the scene's
 * median disparity when the caller gives no hint. 3 m is room scale. A relative model's lifted
 * boxes are NOT metric: every distance and size is off by one unknown factor per image.
 */
export const DEFAULT_RELATIVE_MEDIAN_DEPTH_M = 3;

/**
 * Relative models: pixels whose disparity is below median / this ratio (depth beyond this many
 * times the median depth, e.g. sky) are marked invalid instead of being given huge depths.
 */
export const RELATIVE_MAX_DEPTH_RATIO = 100;

/**
 * Metric3D predicts depth for a canonical camera with this focal length, pixels, on its input
 * grid; the real depth is prediction * fx_input / 1000 (the de-canonical transform of Metric3D).
 */
export const METRIC3D_CANONICAL_FOCAL_PX = 1000;

/** A model's prediction grid: values row-major, `size` its width and height. */
export interface PredictionGrid {
  readonly values: Float32Array;
  readonly size: ImageSize;
}

/**
 * Resample a prediction onto the image grid with bilinear interpolation, pixel centres at
 * integers and edges clamped (PyTorch's `interpolate(..., mode="bilinear", align_corners=False)`).
 * `coveredSize` is the part of the prediction grid (from its top-left corner, in prediction
 * pixels, may be fractional) that shows the image: the whole grid unless the processor padded
 * the model input on the right / bottom. Image pixel u maps to prediction x = (u + 0.5) *
 * covered.width / image.width - 0.5, likewise v; samples never reach past the last covered
 * column / row (ceil(covered) - 1), so padding never leaks into the image's edge.
 */
export function resamplePrediction(prediction: PredictionGrid, imageSize: ImageSize, coveredSize: ImageSize = prediction.size): Float32Array {
  const { values, size } = prediction;
  const { width: wp, height: hp } = size;
  if (values.length !== wp * hp) {
    throw new InputError("resamplePrediction", "values length", values.length, `expected ${wp}x${hp} = ${wp * hp}`);
  }
  const { width, height } = imageSize;
  const sx = coveredSize.width / width;
  const sy = coveredSize.height / height;
  const lastX = Math.min(Math.ceil(coveredSize.width), wp) - 1;
  const lastY = Math.min(Math.ceil(coveredSize.height), hp) - 1;
  if (!(lastX >= 0 && lastY >= 0)) {
    throw new InputError("resamplePrediction", "covered size", `${coveredSize.width}x${coveredSize.height}`, "must be > 0 and cover part of the prediction");
  }
  const out = new Float32Array(width * height);
  // Column taps are the same for every row: compute them once.
  const x0s = new Int32Array(width);
  const x1s = new Int32Array(width);
  const fxs = new Float32Array(width);
  for (let u = 0; u < width; u++) {
    const x = Math.min(Math.max((u + 0.5) * sx - 0.5, 0), lastX);
    const x0 = Math.floor(x);
    x0s[u] = x0;
    x1s[u] = Math.min(x0 + 1, lastX);
    fxs[u] = x - x0;
  }
  for (let v = 0; v < height; v++) {
    const y = Math.min(Math.max((v + 0.5) * sy - 0.5, 0), lastY);
    const y0 = Math.floor(y);
    const y1 = Math.min(y0 + 1, lastY);
    const fy = y - y0;
    const row0 = y0 * wp;
    const row1 = y1 * wp;
    const o = v * width;
    for (let u = 0; u < width; u++) {
      const x0 = x0s[u]!;
      const x1 = x1s[u]!;
      const fx = fxs[u]!;
      const top = values[row0 + x0]! + (values[row0 + x1]! - values[row0 + x0]!) * fx;
      const bottom = values[row1 + x0]! + (values[row1 + x1]! - values[row1 + x0]!) * fx;
      out[o + u] = top + (bottom - top) * fy;
    }
  }
  return out;
}

/**
 * Metric model output -> depth in metres: value * scale, in place. Non-finite or non-positive
 * results are marked invalid (0), never clamped to a depth. Returns the number of valid pixels.
 */
export function scaleMetricDepth_(values: Float32Array, scale: number): number {
  let valid = 0;
  for (let i = 0; i < values.length; i++) {
    const z = values[i]! * scale;
    if (z > 0 && Number.isFinite(z)) {
      values[i] = z;
      valid++;
    } else {
      values[i] = 0;
    }
  }
  return valid;
}

/**
 * Relative model output (disparity-like: larger = nearer, up to an unknown scale and shift) ->
 * depth by the documented rule
 *
 *   depth = medianDepthM * median(d) / d
 *
 * over pixels with finite d > 0; pixels with d <= 0, non-finite d, or d < median(d) /
 * {@link RELATIVE_MAX_DEPTH_RATIO} are invalid (0). The result orders pixels correctly and puts
 * the median pixel at `medianDepthM`, but it is not metric, and because the unknown shift is
 * ignored it is not even exactly proportional to true depth. In place; returns the valid count.
 * `where` names the image in the error thrown when no pixel has positive disparity.
 */
export function relativeDisparityToDepth_(values: Float32Array, medianDepthM: number, where: string): number {
  const positive = new Float32Array(values.length);
  let count = 0;
  for (const d of values) if (d > 0 && Number.isFinite(d)) positive[count++] = d;
  if (count === 0) {
    throw new InputError(where, "predicted_depth", `${values.length} values`, "the relative depth model gave no positive disparity; no depth can be made from it");
  }
  const median = medianOf_(positive.subarray(0, count));
  const minDisparity = median / RELATIVE_MAX_DEPTH_RATIO;
  const numerator = medianDepthM * median;
  let valid = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i]!;
    if (d >= minDisparity && Number.isFinite(d)) {
      values[i] = numerator / d;
      valid++;
    } else {
      values[i] = 0;
    }
  }
  return valid;
}

/**
 * Median of a non-empty array (mean of the two middle values for even length), in O(n) by
 * quickselect; reorders `xs`. A full sort of a 640 x 480 map costs ~100 ms, this ~3 ms.
 */
export function medianOf_(xs: Float32Array): number {
  const n = xs.length;
  const upper = selectKth(xs, n, n >> 1);
  if (n % 2 === 1) return upper;
  // After selection everything left of n/2 is <= xs[n/2]; the lower middle is their maximum.
  let lower = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (xs[i]! > lower) lower = xs[i]!;
  return (lower + upper) / 2;
}

