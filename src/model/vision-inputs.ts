import { InputError } from "../errors.js";
import {
  intrinsicsFromNormalized,
  intrinsicsToNormalized,
  isValidDepth,
  validateImageSize,
  validateIntrinsics,
  type ImageSize,
  type Intrinsics,
  type Vec3,
} from "../geometry/index.js";
import type { RGBDFrame } from "../rgbd/index.js";
import { patchGrid, type ModelConfig, type PatchGrid } from "./config.js";

/**
 * Frame -> the vision half of the model's input: image patches and the depth-aware positional
 * encoding. Pure TypeScript, no tensors; the model turns these arrays into tensors.
 *
 * Resize: the frame is resampled to the config's input size by area averaging (each output pixel
 * is the mean of the source area it covers, exact for any scale factor, up or down), stretching
 * when the aspect ratios differ. The stretch is exact geometry, not an approximation: the
 * intrinsics are rescaled per axis ({@link resizedIntrinsics}) and box targets use normalized
 * image coordinates, which a resize does not change.
 *
 * Depth-aware positional encoding (the paper's): per patch, the mean 3D point of the source
 * pixels it covers (area-weighted; invalid pixels take the mean of the valid ones, i.e. they are
 * left out), minus the scene mean (mean of all valid points of the frame), in millimetres,
 * encoded per axis with a parameter-free sine code: d_model is split into three equal parts of
 * n = floor(d_model / 6) sine/cosine pairs, pair k of axis a being
 *   [sin(p_a * w_k), cos(p_a * w_k)],   w_k = T^(-k / n)  (radians per millimetre)
 * and any d_model - 6n leftover channels are 0. Millimetres, as the official release: with
 * T = 10000 the wavelengths 2 pi / w_k run from 6.3 mm to ~60 m, object detail to whole scenes;
 * in metres the same code would start at 6.3 m and waste most channels on near-constant values.
 * A patch with no valid pixel takes the scene mean, so its centred position is 0 (code
 * sin 0 = 0, cos 0 = 1): "somewhere in the scene, depth unknown".
 */

/** What the model sees of a frame. */
export interface VisionInputs {
  readonly grid: PatchGrid;
  /** The model input size (cfg.inputWidth x cfg.inputHeight). */
  readonly inputSize: ImageSize;
  /** The frame's intrinsics adjusted to the input size, pixels. */
  readonly intrinsics: Intrinsics;
  /**
   * [P, patchDim] image patches, patches row-major over the grid (p = row * cols + col), each
   * patch (dy, dx, channel) row-major: value = rgb / 127.5 - 1, in [-1, 1].
   */
  readonly patches: Float32Array;
  /** [P, 3] per-patch mean point minus the scene mean, metres, camera frame (OpenCV). */
  readonly patchPointsM: Float32Array;
  /** [P] share of the patch's source area with valid depth; 0 means it took the scene mean. */
  readonly patchValidFraction: Float32Array;
  /** Mean of the frame's valid points, metres, camera frame; [0, 0, 0] when none is valid. */
  readonly sceneMeanM: Vec3;
  /** [P, dModel] depth-aware positional encoding; all zeros when cfg.depthPE is false. */
  readonly depthPE: Float32Array;
  /** [P] mean planar depth (z) of each patch's valid pixels, metres; 0 where none is valid. */
  readonly patchDepthM: Float32Array;
}

/** Intrinsics of an image resampled from `from` to `to` (per-axis scale, half-pixel convention). */
export function resizedIntrinsics(K: Intrinsics, from: ImageSize, to: ImageSize): Intrinsics {
  return intrinsicsFromNormalized(intrinsicsToNormalized(K, from), to);
}

/**
 * Area-resampling weights from `srcLength` cells to `dstLength` cells along one axis: cell i of
 * the destination covers source interval [i s, (i + 1) s), s = srcLength / dstLength, and source
 * cell j gets weight |[j, j + 1) ∩ that interval| / s (weights of each destination cell sum to 1).
 */
export interface AreaWeights {
  /** [dstLength] first source cell of each destination cell. */
  readonly start: Int32Array;
  /** [dstLength + 1] offsets into `weights`: destination i uses weights[offset[i] ... offset[i + 1]). */
  readonly offset: Int32Array;
  readonly weights: Float64Array;
}

/** {@link AreaWeights} for resampling `srcLength` cells to `dstLength`. */
export function areaWeights(srcLength: number, dstLength: number): AreaWeights {
  const s = srcLength / dstLength;
  const start = new Int32Array(dstLength);
  const offset = new Int32Array(dstLength + 1);
  const weights: number[] = [];
  for (let i = 0; i < dstLength; i++) {
    const a = i * s;
    const b = Math.min((i + 1) * s, srcLength);
    const j0 = Math.floor(a);
    start[i] = j0;
    for (let j = j0; j < b; j++) weights.push((Math.min(b, j + 1) - Math.max(a, j)) / s);
    offset[i + 1] = weights.length;
  }
  return { start, offset, weights: Float64Array.from(weights) };
}

/**
 * The parameter-free 3D sine code (see the file comment) of `pointsMm`, [N, 3] millimetres:
 * [N, dModel], pairs (sin, cos) of frequency w_k = temperature^(-k / n) per axis, n = floor(dModel / 6).
 */
export function sineEncoding3D(pointsMm: Float32Array | Float64Array, dModel: number, temperature: number): Float32Array {
  if (pointsMm.length % 3 !== 0) throw new InputError("sineEncoding3D", "points length", pointsMm.length, "must be a multiple of 3 ([N, 3])");
  if (!Number.isInteger(dModel) || dModel < 6) throw new InputError("sineEncoding3D", "dModel", dModel, "must be an integer >= 6");
  if (!(temperature > 1) || !Number.isFinite(temperature)) throw new InputError("sineEncoding3D", "temperature", temperature, "must be a finite number > 1");
  const n = Math.floor(dModel / 6);
  const freqs = Float64Array.from({ length: n }, (_, k) => temperature ** (-k / n));
  const count = pointsMm.length / 3;
  const out = new Float32Array(count * dModel);
  for (let p = 0; p < count; p++) {
    for (let a = 0; a < 3; a++) {
      const x = pointsMm[3 * p + a]!;
      const base = p * dModel + a * 2 * n;
      for (let k = 0; k < n; k++) {
        const t = x * freqs[k]!;
        out[base + 2 * k] = Math.sin(t);
        out[base + 2 * k + 1] = Math.cos(t);
      }
    }
  }
  return out;
}

/**
 * The model's vision inputs for `frame` under `cfg` (see the file comment). Uses the frame's point
 * map when it has one, else back-projects its depth; a pixel is valid when its depth (or point) is
 * finite with z > 0 and, if the frame has a validity mask, the mask is set. Throws an InputError
 * for a malformed frame, or when cfg.depthPE is on and no pixel has valid depth.
 */
export function visionInputs(frame: RGBDFrame, cfg: ModelConfig, where = "visionInputs"): VisionInputs {
  const { size } = frame;
  validateImageSize(size, where);
  validateIntrinsics(frame.intrinsics, where);
  const n = size.width * size.height;
  if (frame.rgb.length !== 3 * n) throw new InputError(where, "rgb length", frame.rgb.length, `expected ${size.width}x${size.height}x3 = ${3 * n}`);
  if (frame.depthM.length !== n) throw new InputError(where, "depth length", frame.depthM.length, `expected ${size.width}x${size.height} = ${n}`);
  if (frame.validMask !== undefined && frame.validMask.length !== n) throw new InputError(where, "validMask length", frame.validMask.length, `expected ${n}`);
  if (frame.pointsM !== undefined && frame.pointsM.length !== 3 * n) throw new InputError(where, "pointsM length", frame.pointsM.length, `expected ${3 * n}`);

  const grid = patchGrid(cfg);
  const inputSize = { width: cfg.inputWidth, height: cfg.inputHeight };
  const patches = patchify(frame.rgb, size, cfg.patchSize, grid);
  const points = framePoints(frame);
  const { means, validFraction, sceneMean, validCount } = patchMeans(points, size, grid);
  if (cfg.depthPE && validCount === 0) throw new InputError(where, "depth", `0 valid of ${n} pixels`, "the depth encoding needs at least one pixel with valid depth");
  const depthPE = cfg.depthPE ? sineEncoding3D(Float64Array.from(means, (x) => x * 1000), cfg.dModel, cfg.peTemperature) : new Float32Array(grid.count * cfg.dModel);
  return {
    grid,
    inputSize,
    intrinsics: resizedIntrinsics(frame.intrinsics, size, inputSize),
    patches,
    patchPointsM: means,
    patchValidFraction: validFraction,
    sceneMeanM: sceneMean,
    depthPE,
    patchDepthM: Float32Array.from({ length: grid.count }, (_, p) => (validFraction[p]! > 0 ? means[3 * p + 2]! + sceneMean[2] : 0)),
  };
}

/** Area-resample the RGB to the input size and lay it out as normalized patches. */
function patchify(rgb: Uint8Array, size: ImageSize, patch: number, grid: PatchGrid): Float32Array {
  const outW = grid.cols * patch;
  const outH = grid.rows * patch;
  const wx = areaWeights(size.width, outW);
  const wy = areaWeights(size.height, outH);
  // Horizontal pass: [H, outW, 3].
  const rows = new Float64Array(size.height * outW * 3);
  for (let y = 0; y < size.height; y++) {
    for (let x = 0; x < outW; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = wx.offset[x]!, j = wx.start[x]!; k < wx.offset[x + 1]!; k++, j++) {
        const w = wx.weights[k]!;
        const i = 3 * (y * size.width + j);
        r += w * rgb[i]!;
        g += w * rgb[i + 1]!;
        b += w * rgb[i + 2]!;
      }
      const o = 3 * (y * outW + x);
      rows[o] = r;
      rows[o + 1] = g;
      rows[o + 2] = b;
    }
  }
  // Vertical pass straight into the patch layout.
  const out = new Float32Array(grid.count * grid.patchDim);
  for (let y = 0; y < outH; y++) {
    const pr = Math.floor(y / patch);
    const dy = y - pr * patch;
    for (let x = 0; x < outW; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = wy.offset[y]!, j = wy.start[y]!; k < wy.offset[y + 1]!; k++, j++) {
        const w = wy.weights[k]!;
        const i = 3 * (j * outW + x);
        r += w * rows[i]!;
        g += w * rows[i + 1]!;
        b += w * rows[i + 2]!;
      }
      const pc = Math.floor(x / patch);
      const o = (pr * grid.cols + pc) * grid.patchDim + 3 * (dy * patch + (x - pc * patch));
      out[o] = r / 127.5 - 1;
      out[o + 1] = g / 127.5 - 1;
      out[o + 2] = b / 127.5 - 1;
    }
  }
  return out;
}

/** The frame's points, [H * W * 3] metres, NaN where invalid. */
function framePoints(frame: RGBDFrame): Float32Array {
  const { width, height } = frame.size;
  const K = frame.intrinsics;
  const out = new Float32Array(width * height * 3);
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const i = v * width + u;
      let x: number;
      let y: number;
      let z: number;
      if (frame.pointsM !== undefined) {
        x = frame.pointsM[3 * i]!;
        y = frame.pointsM[3 * i + 1]!;
        z = frame.pointsM[3 * i + 2]!;
      } else {
        z = frame.depthM[i]!;
        x = ((u - K.cx) / K.fx) * z;
        y = ((v - K.cy) / K.fy) * z;
      }
      const valid = isValidDepth(z) && Number.isFinite(x) && Number.isFinite(y) && (frame.validMask === undefined || frame.validMask[i] !== 0);
      out[3 * i] = valid ? x : NaN;
      out[3 * i + 1] = valid ? y : NaN;
      out[3 * i + 2] = valid ? z : NaN;
    }
  }
  return out;
}

/** Per-patch area-weighted mean of valid points, centred on the scene mean. */
function patchMeans(points: Float32Array, size: ImageSize, grid: PatchGrid): { means: Float32Array; validFraction: Float32Array; sceneMean: Vec3; validCount: number } {
  let sx = 0;
  let sy = 0;
  let sz = 0;
  let count = 0;
  for (let i = 0; i < points.length; i += 3) {
    const z = points[i + 2]!;
    if (Number.isNaN(z)) continue;
    sx += points[i]!;
    sy += points[i + 1]!;
    sz += z;
    count++;
  }
  const mean: Vec3 = count === 0 ? [0, 0, 0] : [sx / count, sy / count, sz / count];
  const wx = areaWeights(size.width, grid.cols);
  const wy = areaWeights(size.height, grid.rows);
  const means = new Float32Array(grid.count * 3);
  const validFraction = new Float32Array(grid.count);
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.cols; c++) {
      let ax = 0;
      let ay = 0;
      let az = 0;
      let wValid = 0;
      for (let ky = wy.offset[r]!, y = wy.start[r]!; ky < wy.offset[r + 1]!; ky++, y++) {
        const wr = wy.weights[ky]!;
        for (let kx = wx.offset[c]!, x = wx.start[c]!; kx < wx.offset[c + 1]!; kx++, x++) {
          const i = 3 * (y * size.width + x);
          const z = points[i + 2]!;
          if (Number.isNaN(z)) continue;
          const w = wr * wx.weights[kx]!;
          ax += w * points[i]!;
          ay += w * points[i + 1]!;
          az += w * z;
          wValid += w;
        }
      }
      const p = r * grid.cols + c;
      validFraction[p] = wValid;
      if (wValid > 0) {
        means[3 * p] = ax / wValid - mean[0];
        means[3 * p + 1] = ay / wValid - mean[1];
        means[3 * p + 2] = az / wValid - mean[2];
      } // else: the scene mean, which is 0 once centred
    }
  }
  return { means, validFraction, sceneMean: mean, validCount: count };
}
