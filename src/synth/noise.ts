import { InputError } from "../errors.js";
import { isValidDepth, validateImageSize, validateIntrinsics, type ImageSize, type Intrinsics } from "../geometry/index.js";
import type { Rng } from "../random.js";

/**
 * Sensor realism for synthetic depth: what a real RGB-D sensor does to the exact depth the renderer
 * produces, and how a real pipeline gets the intrinsics wrong. Everything is off by default (the
 * `none` preset) so the synthetic world's truth stays exact unless noise is asked for; every random
 * choice uses the given seeded generator.
 *
 * The effects, in the order they are applied (all decided from the CLEAN depth, so they do not
 * feed into one another except as listed):
 * 1. flying pixels at depth edges (mixed pixels between two surfaces);
 * 2. dropouts (random, specular surfaces, dark surfaces) -> 0, n3d's "no depth";
 * 3. axial noise with sigma = k z^2;
 * 4. a global scale bias on every depth;
 * and, separately, a focal-length error in the RECORDED intrinsics.
 */
export interface SensorNoiseParams {
  /**
   * k in the axial noise sigma_z = k z^2 (1/metre; sigma and z in metres). Structured-light and
   * stereo sensors triangulate, so their depth error grows with the square of the distance
   * (Khoshelham and Elberink 2012; Nguyen et al. 2012 measure about 1.2 mm at 1 m for Kinect v1).
   * 0 disables it.
   */
  readonly depthNoisePerM: number;
  /** Probability that any valid pixel reads nothing (speckle, interference, weak return), 0 ... 1. */
  readonly dropoutFraction: number;
  /** Probability that a pixel on a specular surface (screen, glass, metal) reads nothing, 0 ... 1. */
  readonly specularDropout: number;
  /** Probability that a dark pixel (luma below {@link darkLuminance}) reads nothing, 0 ... 1. */
  readonly darkDropout: number;
  /**
   * Luma threshold for "dark" (Rec. 601 luma of the sRGB bytes, 0 ... 255): dark surfaces absorb the
   * sensor's infrared pattern and return too little signal.
   */
  readonly darkLuminance: number;
  /**
   * Probability that a pixel next to a depth edge becomes a flying (mixed) pixel, 0 ... 1: its depth
   * is replaced by a uniformly random depth between its own and the farthest-off 4-neighbour's, as
   * a footprint straddling two surfaces averages them.
   */
  readonly flyingPixelProbability: number;
  /** The depth difference (metres, > 0) between 4-neighbours that counts as an edge. */
  readonly flyingPixelJumpM: number;
  /** Every depth is multiplied by this (> 0; 1 = none): a calibration or baseline error. */
  readonly depthScale: number;
  /**
   * The recorded fx and fy are multiplied by this (> 0; 1 = none) while the depth stays right: the
   * intrinsics a pipeline states (EXIF focal length, a default FOV) are often a few percent off.
   */
  readonly focalScale: number;
}

/** Names of the shipped presets, mildest first. */
export const NOISE_PRESET_NAMES = ["none", "light", "default", "heavy"] as const;
export type NoisePresetName = (typeof NOISE_PRESET_NAMES)[number];

/** The presets. Values are what a sensor of that quality does, not tuned to any result. */
export const NOISE_PRESETS: Readonly<Record<NoisePresetName, SensorNoiseParams>> = {
  /** Exact depth and intrinsics: the identity. */
  none: {
    depthNoisePerM: 0,
    dropoutFraction: 0,
    specularDropout: 0,
    darkDropout: 0,
    darkLuminance: 0,
    flyingPixelProbability: 0,
    flyingPixelJumpM: 0.1,
    depthScale: 1,
    focalScale: 1,
  },
  /** A good, calibrated structured-light / time-of-flight sensor at short range. */
  light: {
    depthNoisePerM: 0.0012, // Kinect v1's measured ~1.2 mm at 1 m
    dropoutFraction: 0.002, // rare isolated holes
    specularDropout: 0.5, // half of mirror-like pixels still return something
    darkDropout: 0.1,
    darkLuminance: 20, // near black only (~8 % of full scale)
    flyingPixelProbability: 0.2,
    flyingPixelJumpM: 0.1, // a 10 cm step is a real edge at room scale, not noise
    depthScale: 1, // factory-calibrated
    focalScale: 1, // intrinsics read from the device
  },
  /** A typical consumer RGB-D frame (Kinect / RealSense class) with ordinary calibration. */
  default: {
    depthNoisePerM: 0.0025, // between Kinect v1 and active stereo: 1 cm at 2 m, 6 cm at 5 m
    dropoutFraction: 0.01, // about 1 % holes in valid regions
    specularDropout: 0.8, // screens and glass mostly read nothing
    darkDropout: 0.3,
    darkLuminance: 25, // ~10 % of full scale
    flyingPixelProbability: 0.5, // about half the edge pixels mix (footprint overlaps the edge)
    flyingPixelJumpM: 0.1,
    depthScale: 1.01, // 1 % scale bias: a typical residual of consumer stereo calibration
    focalScale: 1.02, // 2 %: focal length taken from metadata rather than calibrated
  },
  /** A poor sensor or a far scene: long-range stereo, missing data, and wrong metadata. */
  heavy: {
    depthNoisePerM: 0.005, // active stereo at range: 2 cm at 2 m, 12.5 cm at 5 m
    dropoutFraction: 0.03,
    specularDropout: 0.95,
    darkDropout: 0.6,
    darkLuminance: 40,
    flyingPixelProbability: 0.9,
    flyingPixelJumpM: 0.05, // smaller steps smear too
    depthScale: 1.03, // 3 %: an uncalibrated baseline
    focalScale: 1.05, // 5 %: a guessed field of view
  },
};

/**
 * The parameters of a named preset. An unknown name throws an InputError
 * `noisePreset: noise = "X": is not a supported noise preset; choose one of none, light, default, heavy`.
 */
export function noisePreset(name: string): SensorNoiseParams {
  if (!Object.hasOwn(NOISE_PRESETS, name)) {
    throw new InputError("noisePreset", "noise", name, `is not a supported noise preset; choose one of ${NOISE_PRESET_NAMES.join(", ")}`);
  }
  return NOISE_PRESETS[name as NoisePresetName];
}

/**
 * Throw an InputError unless every parameter is a finite number in its range (probabilities in
 * [0, 1], k >= 0, luma in [0, 255], jump and scales > 0); returns the parameters unchanged.
 */
export function validateSensorNoise(params: SensorNoiseParams, where = "SensorNoiseParams"): SensorNoiseParams {
  const check = (field: keyof SensorNoiseParams, ok: (v: number) => boolean, rule: string) => {
    const v = params[field];
    if (typeof v !== "number" || !Number.isFinite(v) || !ok(v)) throw new InputError(where, field, v, rule);
  };
  check("depthNoisePerM", (v) => v >= 0, "must be a finite number >= 0 (1/metre)");
  for (const p of ["dropoutFraction", "specularDropout", "darkDropout", "flyingPixelProbability"] as const) {
    check(p, (v) => v >= 0 && v <= 1, "must be a probability in [0, 1]");
  }
  check("darkLuminance", (v) => v >= 0 && v <= 255, "must be a luma in [0, 255]");
  check("flyingPixelJumpM", (v) => v > 0, "must be a finite number > 0 (metres)");
  check("depthScale", (v) => v > 0, "must be a finite number > 0 (1 = no bias)");
  check("focalScale", (v) => v > 0, "must be a finite number > 0 (1 = no error)");
  return params;
}

/** What the simulated sensor reports: its depth map and the intrinsics it states. */
export interface SensorReading {
  /** Planar depth, metres, row-major H x W; 0 where the sensor returned nothing. */
  readonly depthM: Float32Array;
  /** The RECORDED intrinsics (fx, fy scaled by focalScale; cx, cy unchanged). */
  readonly intrinsics: Intrinsics;
}

/**
 * Apply sensor noise to a rendered depth map (planar metres, row-major H x W, 0 / NaN = none),
 * given its RGB (H x W x 3 sRGB bytes, for dark dropouts), its specular flags (H x W, 1 = specular)
 * and its true intrinsics. Pure: the inputs are not modified; the result is new. Pixels without
 * depth stay as they are; a depth that noise would push to <= 0 becomes 0 (a reading behind the
 * sensor is no reading). With all effects off (preset `none`) the output equals the input byte for
 * byte and no random number is drawn.
 */
export function applySensorNoise(
  depthM: Float32Array,
  rgb: Uint8Array,
  specular: Uint8Array,
  size: ImageSize,
  K: Intrinsics,
  params: SensorNoiseParams,
  rng: Rng,
): SensorReading {
  const where = "applySensorNoise";
  validateImageSize(size, where);
  validateIntrinsics(K, where);
  validateSensorNoise(params, where);
  const { width, height } = size;
  const n = width * height;
  if (depthM.length !== n) throw new InputError(where, "depth length", depthM.length, `expected ${width}x${height} = ${n}`);
  if (rgb.length !== 3 * n) throw new InputError(where, "rgb length", rgb.length, `expected ${width}x${height}x3 = ${3 * n}`);
  if (specular.length !== n) throw new InputError(where, "specular length", specular.length, `expected ${width}x${height} = ${n}`);

  const out = new Float32Array(depthM);
  if (params.flyingPixelProbability > 0) addFlyingPixels(out, depthM, size, params, rng);
  if (params.dropoutFraction > 0 || params.specularDropout > 0 || params.darkDropout > 0) addDropouts(out, rgb, specular, params, rng);
  const gaussian = params.depthNoisePerM > 0 ? normalSampler(rng) : null;
  if (gaussian !== null || params.depthScale !== 1) {
    const k = params.depthNoisePerM;
    for (let i = 0; i < n; i++) {
      const z = out[i]!;
      if (!isValidDepth(z)) continue;
      const noisy = (gaussian === null ? z : z + k * z * z * gaussian()) * params.depthScale;
      out[i] = noisy > 0 ? noisy : 0;
    }
  }
  return {
    depthM: out,
    intrinsics: { fx: K.fx * params.focalScale, fy: K.fy * params.focalScale, cx: K.cx, cy: K.cy },
  };
}

/**
 * Mixed pixels: a valid pixel whose valid 4-neighbour differs by more than the jump takes, with the
 * given probability, a depth uniformly between its own and that neighbour's (the neighbour with the
 * largest difference). Edges are found on the clean depth, so one flying pixel does not make another.
 */
function addFlyingPixels(out: Float32Array, clean: Float32Array, size: ImageSize, params: SensorNoiseParams, rng: Rng): void {
  const { width, height } = size;
  const threshold = params.flyingPixelJumpM;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const z = clean[i]!;
      if (!isValidDepth(z)) continue;
      // The valid 4-neighbour farthest off in depth, if that is more than the threshold.
      let other = z;
      let jump = threshold;
      for (let k = 0; k < 4; k++) {
        const j = k === 0 ? (x > 0 ? i - 1 : -1) : k === 1 ? (x + 1 < width ? i + 1 : -1) : k === 2 ? (y > 0 ? i - width : -1) : y + 1 < height ? i + width : -1;
        if (j < 0) continue;
        const zn = clean[j]!;
        const d = Math.abs(zn - z);
        if (d > jump && isValidDepth(zn)) {
          jump = d;
          other = zn;
        }
      }
      if (other !== z && rng.next() < params.flyingPixelProbability) out[i] = z + rng.next() * (other - z);
    }
  }
}

/** Random, specular and dark dropouts: the pixel reads 0. One draw per enabled cause per valid pixel. */
function addDropouts(out: Float32Array, rgb: Uint8Array, specular: Uint8Array, params: SensorNoiseParams, rng: Rng): void {
  for (let i = 0; i < out.length; i++) {
    if (!isValidDepth(out[i]!)) continue;
    let drop = params.dropoutFraction > 0 && rng.next() < params.dropoutFraction;
    if (params.specularDropout > 0 && specular[i]! !== 0 && rng.next() < params.specularDropout) drop = true;
    if (params.darkDropout > 0) {
      const luma = 0.299 * rgb[3 * i]! + 0.587 * rgb[3 * i + 1]! + 0.114 * rgb[3 * i + 2]!;
      if (luma < params.darkLuminance && rng.next() < params.darkDropout) drop = true;
    }
    if (drop) out[i] = 0;
  }
}

/** Standard normal samples (Box-Muller, both values of each pair used). */
function normalSampler(rng: Rng): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - rng.next())); // 1 - u in (0, 1]: log stays finite
    const t = 2 * Math.PI * rng.next();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
}
