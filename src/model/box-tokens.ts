// Box quantization: the bins of each axis, quantize / dequantize, bin token names, canonical yaw,
// and one 3D box as seven bin tokens and back (encodeBox / decodeBox). The answer grammar that
// wraps these tokens is answer-grammar.ts.
import { InputError } from "../errors.js";
import {
  backProject,
  normalizedFromPixel,
  pixelFromNormalized,
  project,
  validateBox3D,
  validateImageSize,
  validateIntrinsics,
  type Box3D,
  type ImageSize,
  type Intrinsics,
  type Vec3,
} from "../geometry/index.js";
import type { BoxTarget, ModelConfig } from "./config.js";

/**
 * One 3D box as seven bin tokens, and back. The model writes a box as
 *
 *   UVZ (the paper's form):  <u_i> <v_j> <z_k> <s_a> <s_b> <s_c> <yaw_m>
 *   XYZ (ablation):          <x_i> <y_j> <z_k> <s_a> <s_b> <s_c> <yaw_m>
 *
 * where every token is one bin of one axis. Each axis has bins centred at
 *   linear axes: value(k) = origin + k * step
 *   log axes:    value(k) = exp(origin + k * step)
 * and a value is written as the bin whose centre is nearest (k = round((t(value) - origin) /
 * step), t = identity or ln). A value outside the bins' span is an error, never clamped.
 *
 *   axis  scale   value                                        bins
 *   u     linear  (u_px + 0.5) / width  (normalized image x)   k = -margin ... uvBins - 1 + margin,
 *   v     linear  (v_px + 0.5) / height                        step 1 / uvBins, origin 0: bin k in
 *                                                             [0, 999] is the official u_int k
 *   z     log     centre depth (planar z), metres              zBins from zMinM to zMaxM (centres)
 *   s     log     sx, sy, sz, metres (one shared set)          sizeBins from sizeMinM to sizeMaxM
 *   yaw   linear  yaw about camera +y, radians                 yawBins over [-pi/4, pi/4), step pi/2 / yawBins
 *   x, y  linear  centre x, y in the camera frame, metres      xyBins from -xyMaxM to xyMaxM (centres)
 *
 * (u, v) are the projection of the box centre with the frame's intrinsics K, normalized by the
 * frame's size, so they do not change when the image is resized. Yaw is canonical: a box turned by
 * pi/2 about y is the same solid with sx and sz swapped, so every yaw is first brought into
 * [-pi/4, pi/4) that way (the synth truth is already there) — the box is unchanged, only its
 * numbers are. Sizes share one bin set because a size token means the same length on every axis,
 * which triples the training signal per token.
 */

/** An axis a bin token quantizes. */
export type BinAxis = "u" | "v" | "x" | "y" | "z" | "s" | "yaw";

/** The bins of one axis (see the file comment for the formulas). */
export interface AxisBins {
  readonly axis: BinAxis;
  readonly scale: "linear" | "log";
  /** Lowest bin index (negative for u, v with a margin). */
  readonly first: number;
  /** Number of bins: indices first ... first + count - 1. */
  readonly count: number;
  /** Centre of bin 0: the value (linear) or its natural log (log). */
  readonly origin: number;
  /** Distance between bin centres: in value units (linear) or in ln units (log). */
  readonly step: number;
  /** What the value is, for tokenizer.json. */
  readonly unit: string;
}

const QUARTER_TURN = Math.PI / 2;
const YAW_MIN = -Math.PI / 4;

/** The bins of `axis` under `cfg`. */
export function axisBins(cfg: ModelConfig, axis: BinAxis): AxisBins {
  switch (axis) {
    case "u":
    case "v":
      return {
        axis,
        scale: "linear",
        first: -cfg.uvMarginBins,
        count: cfg.uvBins + 2 * cfg.uvMarginBins,
        origin: 0,
        step: 1 / cfg.uvBins,
        unit: axis === "u" ? "normalized image x: (u_px + 0.5) / width" : "normalized image y: (v_px + 0.5) / height",
      };
    case "z":
      return logBins(axis, cfg.zBins, cfg.zMinM, cfg.zMaxM, "planar depth of the box centre, metres");
    case "s":
      return logBins(axis, cfg.sizeBins, cfg.sizeMinM, cfg.sizeMaxM, "box size along one of its axes, metres");
    case "yaw":
      return { axis, scale: "linear", first: 0, count: cfg.yawBins, origin: YAW_MIN, step: QUARTER_TURN / cfg.yawBins, unit: "yaw about camera +y, radians, canonical in [-pi/4, pi/4)" };
    case "x":
    case "y":
      return {
        axis,
        scale: "linear",
        first: 0,
        count: cfg.xyBins,
        origin: -cfg.xyMaxM,
        step: (2 * cfg.xyMaxM) / (cfg.xyBins - 1),
        unit: `box centre ${axis} in the camera frame (OpenCV), metres`,
      };
  }
}

function logBins(axis: BinAxis, count: number, min: number, max: number, unit: string): AxisBins {
  const origin = Math.log(min);
  return { axis, scale: "log", first: 0, count, origin, step: (Math.log(max) - origin) / (count - 1), unit };
}

/** The axes of the seven tokens of a box, in order. */
export function boxAxes(target: BoxTarget): readonly BinAxis[] {
  return target === "uvz" ? ["u", "v", "z", "s", "s", "s", "yaw"] : ["x", "y", "z", "s", "s", "s", "yaw"];
}

/** The distinct axes a target uses, in vocabulary order. */
export function targetAxes(target: BoxTarget): readonly BinAxis[] {
  return target === "uvz" ? ["u", "v", "z", "s", "yaw"] : ["x", "y", "z", "s", "yaw"];
}

/** Centre value of bin `k` (no range check; see {@link dequantize}). */
function binCentre(bins: AxisBins, k: number): number {
  const t = bins.origin + k * bins.step;
  return bins.scale === "log" ? Math.exp(t) : t;
}

/**
 * The bin of `value` on `bins`: the nearest bin centre. Throws an InputError naming the axis when
 * the value is not finite (or not > 0 on a log axis) or lies outside the bins' span.
 */
export function quantize(bins: AxisBins, value: number, where = "quantize"): number {
  if (!Number.isFinite(value) || (bins.scale === "log" && !(value > 0))) {
    throw new InputError(where, bins.axis, value, bins.scale === "log" ? "must be a finite number > 0 (log bins)" : "must be a finite number");
  }
  const t = bins.scale === "log" ? Math.log(value) : value;
  const k = Math.round((t - bins.origin) / bins.step) + 0; // + 0 turns -0 into 0
  if (k < bins.first || k > bins.first + bins.count - 1) {
    const lo = binCentre(bins, bins.first - 0.5);
    const hi = binCentre(bins, bins.first + bins.count - 0.5);
    throw new InputError(where, bins.axis, value, `is outside the token range [${round4(lo)}, ${round4(hi)}) (${bins.unit})`);
  }
  return k;
}

/** Centre value of bin `k`; throws an InputError for an index outside the axis's bins. */
export function dequantize(bins: AxisBins, k: number, where = "dequantize"): number {
  if (!Number.isInteger(k) || k < bins.first || k > bins.first + bins.count - 1) {
    throw new InputError(where, `${bins.axis} bin`, k, `must be an integer in [${bins.first}, ${bins.first + bins.count - 1}]`);
  }
  return binCentre(bins, k);
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** The token of bin `k` on `axis`: `<u_417>`, `<u_-3>`, `<z_12>`, `<s_100>`, `<yaw_5>`. */
export function binToken(axis: BinAxis, k: number): string {
  return `<${axis}_${k}>`;
}

const BIN_TOKEN = /^<(u|v|x|y|z|s|yaw)_(-?\d+)>$/;

/** The axis and bin of a bin token, or null when `token` is not one. */
export function parseBinToken(token: string): { readonly axis: BinAxis; readonly bin: number } | null {
  const m = BIN_TOKEN.exec(token);
  return m === null ? null : { axis: m[1] as BinAxis, bin: Number(m[2]) };
}

/** Every bin token of a config's target, axis by axis (the vocabulary's order). */
export function boxTokenNames(cfg: ModelConfig): string[] {
  const out: string[] = [];
  for (const axis of targetAxes(cfg.target)) {
    const bins = axisBins(cfg, axis);
    for (let k = bins.first; k < bins.first + bins.count; k++) out.push(binToken(axis, k));
  }
  return out;
}

/**
 * The same solid with its yaw in [-pi/4, pi/4): turned back by whole quarter turns, swapping sx
 * and sz for each odd one. Exact, not an approximation.
 */
export function canonicalizeYaw(box: Box3D): Box3D {
  const turns = Math.round(box.yaw / QUARTER_TURN);
  let yaw = box.yaw - turns * QUARTER_TURN; // in [-pi/4, pi/4]
  let odd = Math.abs(turns) % 2 === 1;
  if (yaw >= Math.PI / 4) {
    yaw -= QUARTER_TURN;
    odd = !odd;
  }
  const [sx, sy, sz] = box.size;
  return { center: box.center, size: odd ? [sz, sy, sx] : [sx, sy, sz], yaw };
}

/**
 * A camera-frame box (OpenCV, metres) of a frame with intrinsics `K` and `size` -> its seven bin
 * tokens under `cfg` (see the file comment). Throws an InputError naming the field when the box is
 * invalid, its centre is not in front of the camera, or a value is outside the token range.
 */
export function encodeBox(box: Box3D, K: Intrinsics, size: ImageSize, cfg: ModelConfig, where = "encodeBox"): string[] {
  validateBox3D(box, where);
  validateIntrinsics(K, where);
  validateImageSize(size, where);
  let canonical = canonicalizeYaw(box);
  const yawBins = axisBins(cfg, "yaw");
  let yawBin = Math.round((canonical.yaw - yawBins.origin) / yawBins.step);
  if (yawBin === yawBins.count) {
    // Rounds up to +pi/4: the same box as -pi/4 with sx and sz swapped.
    yawBin = 0;
    canonical = { ...canonical, size: [canonical.size[2], canonical.size[1], canonical.size[0]] };
  }
  let first: [number, number];
  if (cfg.target === "uvz") {
    const uv = project(K, box.center);
    if (uv === null) throw new InputError(where, "center[2]", box.center[2], "box centre must be in front of the camera (z > 0) for UVZ tokens");
    const uvN = normalizedFromPixel(uv, size);
    first = [quantize(axisBins(cfg, "u"), uvN[0], where), quantize(axisBins(cfg, "v"), uvN[1], where)];
  } else {
    first = [quantize(axisBins(cfg, "x"), box.center[0], where), quantize(axisBins(cfg, "y"), box.center[1], where)];
  }
  const [a, b] = cfg.target === "uvz" ? (["u", "v"] as const) : (["x", "y"] as const);
  const sBins = axisBins(cfg, "s");
  return [
    binToken(a, first[0]),
    binToken(b, first[1]),
    binToken("z", quantize(axisBins(cfg, "z"), box.center[2], where)),
    ...canonical.size.map((s) => binToken("s", quantize(sBins, s, where))),
    binToken("yaw", yawBin),
  ];
}

/**
 * Seven bin tokens -> the camera-frame box (bin centres). UVZ tokens are back-projected with the
 * frame's `K` and `size` (any resolution: u, v are normalized); XYZ tokens ignore them. Throws an
 * InputError naming the position when a token is missing, of the wrong axis, or out of range.
 */
export function decodeBox(tokens: readonly string[], K: Intrinsics, size: ImageSize, cfg: ModelConfig, where = "decodeBox"): Box3D {
  const axes = boxAxes(cfg.target);
  if (tokens.length !== axes.length) throw new InputError(where, "tokens", tokens, `a box is ${axes.length} bin tokens (${axes.join(" ")})`);
  const values = axes.map((axis, i) => {
    const parsed = parseBinToken(tokens[i]!);
    if (parsed === null || parsed.axis !== axis) throw new InputError(where, `tokens[${i}]`, tokens[i], `expected a <${axis}_k> bin token`);
    return dequantize(axisBins(cfg, axis), parsed.bin, where);
  }) as [number, number, number, number, number, number, number];
  const [a, b, z, sx, sy, sz, yaw] = values;
  let center: Vec3;
  if (cfg.target === "uvz") {
    validateIntrinsics(K, where);
    validateImageSize(size, where);
    center = backProject(K, pixelFromNormalized([a, b], size), z);
  } else {
    center = [a, b, z];
  }
  return { center, size: [sx, sy, sz], yaw };
}
