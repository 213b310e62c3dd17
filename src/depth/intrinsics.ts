import { InputError } from "../errors.js";
import { intrinsicsFromFov, validateIntrinsics } from "../geometry/index.js";
import type { Intrinsics } from "../geometry/index.js";
import type { DepthRequest, IntrinsicsSource } from "./types.js";

/**
 * Which camera intrinsics a depth result uses, in one fixed order of trust:
 *
 *   1. the dataset record (`request.intrinsics`)             -> "dataset"
 *   2. intrinsics given to the back end (a flag or a file)   -> "flag" | "file"
 *   3. a horizontal field of view given to the back end      -> "fov"
 *   4. a model back end's assumed field of view (below)      -> "fov"
 *
 * Sensor and point-map sources have no step 4: inventing a camera for measured depth would turn
 * correct depth into wrong 3D, so they refuse instead.
 */

/**
 * Horizontal field of view, degrees, that model back ends assume when neither the dataset nor the
 * caller gives intrinsics. 60 degrees is a middle-of-the-road phone / webcam lens; with it the
 * lifted boxes are only as right as that guess.
 */
export const DEFAULT_MODEL_FOV_X_DEG = 60;

/** Intrinsics as given to a back end, with where they came from. */
export interface IntrinsicsFallback {
  /** Pixel intrinsics for every image that has none in the dataset. */
  readonly intrinsics?: Intrinsics;
  /** What `intrinsics` came from: "flag" (the default) or "file". */
  readonly intrinsicsSource?: "flag" | "file";
  /** Horizontal field of view in degrees, (0, 180), used when no intrinsics are given. */
  readonly fovXDeg?: number;
}

/** Intrinsics chosen for one image. */
export interface ResolvedIntrinsics {
  readonly intrinsics: Intrinsics;
  readonly source: IntrinsicsSource;
}

/**
 * Choose the intrinsics for one request by the order above. `modelFovXDeg` is the model back
 * end's assumed FOV (step 4), or undefined for sources that must not guess. Throws an InputError
 * naming the image when nothing gives intrinsics, or when the dataset's are not valid.
 */
export function resolveIntrinsics(request: DepthRequest, fallback: IntrinsicsFallback, modelFovXDeg?: number): ResolvedIntrinsics {
  if (request.intrinsics !== undefined) {
    return { intrinsics: validateIntrinsics(request.intrinsics, `${request.imagePath}: dataset intrinsics`), source: "dataset" };
  }
  if (fallback.intrinsics !== undefined) return { intrinsics: fallback.intrinsics, source: fallback.intrinsicsSource ?? "flag" };
  const fovXDeg = fallback.fovXDeg ?? modelFovXDeg;
  if (fovXDeg !== undefined) return { intrinsics: intrinsicsFromFov((fovXDeg * Math.PI) / 180, request.size), source: "fov" };
  throw new InputError(
    request.imagePath,
    "intrinsics",
    undefined,
    "no camera intrinsics for this image: add intrinsics {fx, fy, cx, cy} to the dataset image, or give intrinsics or a horizontal field of view (degrees) for all images",
  );
}

/** Check a field of view in degrees: finite and in (0, 180). */
export function validateFovXDeg(fovXDeg: number, where: string): number {
  if (typeof fovXDeg !== "number" || !Number.isFinite(fovXDeg) || fovXDeg <= 0 || fovXDeg >= 180) {
    throw new InputError(where, "fovXDeg", fovXDeg, "horizontal field of view must be a number of degrees in (0, 180)");
  }
  return fovXDeg;
}
