import { InputError } from "../errors.js";
import type { ImageSize, Intrinsics, Vec3 } from "../geometry/index.js";
import { intrinsicsFromFov, invertPose, mulMat3, mulMat3Vec, rotationX, rotationZ, validateImageSize } from "../geometry/index.js";
import type { Mat3, Pose } from "../geometry/index.js";
import type { Rng } from "../random.js";
import type { SynthCamera } from "./types.js";

/**
 * Random pinhole cameras for synthetic scenes.
 *
 * Placement: the camera centre is at WORLD (0, heightM, 0). With zero pitch and roll it looks
 * along world +z with its image "up" along world +y; since the camera frame is OpenCV (+x right,
 * +y down, +z forward), that is camera +x = world -x, camera +y = world -y, camera +z = world +z
 * (a rotation by pi about z, so the frame stays right-handed). Then, in the camera's own frame:
 * - pitch tilts the optical axis down: positive pitch moves camera +z towards camera +y (down);
 * - roll turns the camera about its optical axis: positive roll moves camera +x towards camera +y
 *   (the right side of the camera dips, so the scene appears turned counter-clockwise).
 *
 *   worldFromCamera.rotation = Rz_world(pi) * Rx(-pitch) * Rz(roll)
 *
 * Gravity (world -y) in the camera frame is cameraFromWorld.rotation * (0, -1, 0): (0, 1, 0) for
 * a level camera, (0, cos p, sin p) for pitch p (looking down, "down" leans forward).
 */

/** Sampling ranges of {@link sampleCamera}. Every field has a default; see {@link DEFAULT_CAMERA_SAMPLER_CONFIG}. */
export interface CameraSamplerConfig {
  /** Horizontal field of view [min, max], degrees, sampled uniformly. */
  readonly fovXDeg: readonly [number, number];
  /** Largest principal-point offset from the image centre, as a fraction of width (cx) and height (cy). */
  readonly principalJitter: number;
  /** Camera height above the floor [min, max], metres. */
  readonly heightM: readonly [number, number];
  /** Downward pitch of the optical axis [min, max], degrees (positive looks down). */
  readonly pitchDeg: readonly [number, number];
  /** Largest roll about the optical axis, degrees; roll is uniform in [-rollDeg, rollDeg]. */
  readonly rollDeg: number;
}

/**
 * Defaults, and why:
 * - fovXDeg 45-90: from a phone's tele-ish main camera to a wide RGB-D sensor (Kinect ~70,
 *   RealSense D435 ~87);
 * - principalJitter 0.02: factory calibrations put the principal point within a few per cent of
 *   the centre, so a model must not assume it sits exactly there;
 * - heightM 0.4-2.0: a small robot's base camera to a hand-held camera raised high;
 * - pitchDeg 0-25: cameras in indoor datasets mostly look slightly down at the scene;
 * - rollDeg 5: hand-held frames are rarely perfectly level, and gravity-aware code must cope.
 */
export const DEFAULT_CAMERA_SAMPLER_CONFIG: CameraSamplerConfig = {
  fovXDeg: [45, 90],
  principalJitter: 0.02,
  heightM: [0.4, 2.0],
  pitchDeg: [0, 25],
  rollDeg: 5,
};

const CONFIG_KEYS = Object.keys(DEFAULT_CAMERA_SAMPLER_CONFIG);

/**
 * Defaults overridden by `overrides`, validated: throws an InputError naming the field for an
 * unknown key or a bad value (ranges must be [min, max] with min <= max inside their limits).
 */
export function resolveCameraSamplerConfig(overrides: Partial<CameraSamplerConfig> = {}, where = "camera"): CameraSamplerConfig {
  for (const key of Object.keys(overrides)) {
    if (!CONFIG_KEYS.includes(key)) throw new InputError(where, key, (overrides as Record<string, unknown>)[key], `is not a camera option; choose one of ${CONFIG_KEYS.join(", ")}`);
  }
  const c: CameraSamplerConfig = { ...DEFAULT_CAMERA_SAMPLER_CONFIG, ...stripUndefined(overrides) };
  checkRange(where, "fovXDeg", c.fovXDeg, 0, 180, "degrees, inside (0, 180)", true);
  checkNumber(where, "principalJitter", c.principalJitter, 0, 0.5, "a fraction of the image size in [0, 0.5)");
  checkRange(where, "heightM", c.heightM, 0, Infinity, "metres above the floor, > 0", true);
  checkRange(where, "pitchDeg", c.pitchDeg, -90, 90, "degrees, inside (-90, 90)", true);
  checkNumber(where, "rollDeg", c.rollDeg, 0, 90, "degrees in [0, 90)");
  return c;
}

/**
 * Draw a camera for an image of `size`: FOV, principal point, height, pitch and roll, in that
 * order, each uniform in its configured range.
 */
export function sampleCamera(rng: Rng, size: ImageSize, config: Partial<CameraSamplerConfig> = {}): SynthCamera {
  validateImageSize(size, "sampleCamera: size");
  const c = resolveCameraSamplerConfig(config);
  const fovXRad = deg(rng.uniform(c.fovXDeg[0], c.fovXDeg[1]));
  const K0 = intrinsicsFromFov(fovXRad, size);
  const intrinsics: Intrinsics = {
    fx: K0.fx,
    fy: K0.fy,
    cx: K0.cx + rng.uniform(-c.principalJitter, c.principalJitter) * size.width,
    cy: K0.cy + rng.uniform(-c.principalJitter, c.principalJitter) * size.height,
  };
  const heightM = rng.uniform(c.heightM[0], c.heightM[1]);
  const pitchRad = deg(rng.uniform(c.pitchDeg[0], c.pitchDeg[1]));
  const rollRad = deg(rng.uniform(-c.rollDeg, c.rollDeg));
  return makeSynthCamera(size, intrinsics, heightM, pitchRad, rollRad);
}

/** The world rotation of a level camera looking along world +z: camera (x, y, z) = world (-x, -y, z). */
const LEVEL_WORLD_FROM_CAMERA: Mat3 = [-1, 0, 0, 0, -1, 0, 0, 0, 1];

/** worldFromCamera for a camera at (0, heightM, 0) with the given pitch and roll (radians); see the file comment. */
export function worldFromCameraPose(heightM: number, pitchRad: number, rollRad: number): Pose {
  const rotation = mulMat3(mulMat3(LEVEL_WORLD_FROM_CAMERA, rotationX(-pitchRad)), rotationZ(rollRad));
  return { rotation, translation: [0, heightM, 0] };
}

/** A SynthCamera at (0, heightM, 0) with the given pitch and roll (radians), with its gravity direction. */
export function makeSynthCamera(size: ImageSize, intrinsics: Intrinsics, heightM: number, pitchRad: number, rollRad: number): SynthCamera {
  const cameraFromWorld = invertPose(worldFromCameraPose(heightM, pitchRad, rollRad));
  const gravity: Vec3 = mulMat3Vec(cameraFromWorld.rotation, [0, -1, 0]);
  return { size, intrinsics, cameraFromWorld, heightM, pitchRad, rollRad, gravity };
}

function deg(d: number): number {
  return (d * Math.PI) / 180;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function checkNumber(where: string, field: string, v: unknown, lo: number, hiExclusive: number, what: string): void {
  if (typeof v !== "number" || !Number.isFinite(v) || v < lo || v >= hiExclusive) throw new InputError(where, field, v, `must be ${what}`);
}

/** A [min, max] pair with lo < min <= max < hi (lo itself allowed when `openLow` is false). */
function checkRange(where: string, field: string, v: unknown, lo: number, hi: number, what: string, openLow: boolean): void {
  const ok =
    Array.isArray(v) &&
    v.length === 2 &&
    v.every((x) => typeof x === "number" && Number.isFinite(x) && (openLow ? x > lo : x >= lo) && x < hi) &&
    (v[0] as number) <= (v[1] as number);
  if (!ok) throw new InputError(where, field, v, `must be [min, max] with min <= max, ${what}`);
}
