import { InputError } from "../errors.js";
import type { ImageSize, Intrinsics, Vec2, Vec3 } from "./types.js";

/**
 * The pinhole camera. Frame: OpenCV (+x right, +y down, +z forward, metres); pixels (u, v) with
 * centres at integer coordinates; depth is planar z, not ray length.
 */

/** Throw an InputError unless K has finite, positive focal lengths and finite principal point. */
export function validateIntrinsics(K: Intrinsics, where = "intrinsics"): Intrinsics {
  for (const field of ["fx", "fy"] as const) {
    const v = K[field];
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
      throw new InputError(where, field, v, "focal length must be a finite number > 0 (pixels)");
    }
  }
  for (const field of ["cx", "cy"] as const) {
    const v = K[field];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new InputError(where, field, v, "principal point must be a finite number (pixels)");
    }
  }
  return K;
}

/** Throw an InputError unless the size is two positive integers. */
export function validateImageSize(size: ImageSize, where = "size"): ImageSize {
  for (const field of ["width", "height"] as const) {
    const v = size[field];
    if (!Number.isInteger(v) || v <= 0) throw new InputError(where, field, v, "must be a positive integer (pixels)");
  }
  return size;
}

/**
 * Project a camera-frame point to pixels: u = fx x / z + cx, v = fy y / z + cy.
 * Returns null when the point is not in front of the camera (z <= 0), where no pixel exists.
 */
export function project(K: Intrinsics, pointM: Vec3): Vec2 | null {
  const [x, y, z] = pointM;
  if (!(z > 0)) return null;
  return [(K.fx * x) / z + K.cx, (K.fy * y) / z + K.cy];
}

/** Back-project pixel (u, v) with planar depth z (metres) to the camera-frame point. */
export function backProject(K: Intrinsics, uvPx: Vec2, depthM: number): Vec3 {
  const [u, v] = uvPx;
  return [((u - K.cx) / K.fx) * depthM, ((v - K.cy) / K.fy) * depthM, depthM];
}

/** True when a depth value is usable: finite and > 0 (0 and NaN mean invalid). */
export function isValidDepth(depthM: number): boolean {
  return depthM > 0 && Number.isFinite(depthM);
}

/**
 * Depth map -> point map. depthM is row-major H x W; the result is H x W x 3 (x, y, z interleaved),
 * with NaN in all three channels where the depth is invalid.
 */
export function depthToPointMap(depthM: Float32Array, size: ImageSize, K: Intrinsics): Float32Array {
  const { width, height } = size;
  if (depthM.length !== width * height) {
    throw new InputError("depthToPointMap", "depth length", depthM.length, `expected ${width}x${height} = ${width * height}`);
  }
  const out = new Float32Array(width * height * 3);
  for (let v = 0; v < height; v++) {
    const yPerZ = (v - K.cy) / K.fy;
    for (let u = 0; u < width; u++) {
      const i = v * width + u;
      const z = depthM[i]!;
      if (isValidDepth(z)) {
        out[3 * i] = ((u - K.cx) / K.fx) * z;
        out[3 * i + 1] = yPerZ * z;
        out[3 * i + 2] = z;
      } else {
        out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = NaN;
      }
    }
  }
  return out;
}

/**
 * Point map (H x W x 3, camera frame) -> planar depth map (H x W): the z channel, with 0 where the
 * point is invalid (non-finite or z <= 0).
 */
export function pointMapToDepth(pointsM: Float32Array, size: ImageSize): Float32Array {
  const n = size.width * size.height;
  if (pointsM.length !== n * 3) {
    throw new InputError("pointMapToDepth", "points length", pointsM.length, `expected ${size.width}x${size.height}x3 = ${n * 3}`);
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = pointsM[3 * i]!;
    const y = pointsM[3 * i + 1]!;
    const z = pointsM[3 * i + 2]!;
    out[i] = Number.isFinite(x) && Number.isFinite(y) && isValidDepth(z) ? z : 0;
  }
  return out;
}

/**
 * Normalized intrinsics (fx, fy relative to width and height; cx = cy = 0.5 for a centred
 * principal point), as MoGe and the official N3D-VLM release store them. Their normalized
 * coordinates put pixel i's centre at (i + 0.5) / W, so converting to our integer-centred pixels
 * subtracts half a pixel: u_px = u_n W - 0.5.
 */
export interface NormalizedIntrinsics {
  readonly fx: number;
  readonly fy: number;
  readonly cx: number;
  readonly cy: number;
}

/** Normalized -> pixel intrinsics for an image of the given size. */
export function intrinsicsFromNormalized(Kn: NormalizedIntrinsics, size: ImageSize): Intrinsics {
  return {
    fx: Kn.fx * size.width,
    fy: Kn.fy * size.height,
    cx: Kn.cx * size.width - 0.5,
    cy: Kn.cy * size.height - 0.5,
  };
}

/** Pixel -> normalized intrinsics; inverse of {@link intrinsicsFromNormalized}. */
export function intrinsicsToNormalized(K: Intrinsics, size: ImageSize): NormalizedIntrinsics {
  return {
    fx: K.fx / size.width,
    fy: K.fy / size.height,
    cx: (K.cx + 0.5) / size.width,
    cy: (K.cy + 0.5) / size.height,
  };
}

/** Normalized image coordinate -> pixel coordinate (half-pixel convention above). */
export function pixelFromNormalized(uvN: Vec2, size: ImageSize): Vec2 {
  return [uvN[0] * size.width - 0.5, uvN[1] * size.height - 0.5];
}

/** Pixel coordinate -> normalized image coordinate. */
export function normalizedFromPixel(uvPx: Vec2, size: ImageSize): Vec2 {
  return [(uvPx[0] + 0.5) / size.width, (uvPx[1] + 0.5) / size.height];
}

/**
 * Intrinsics from a horizontal field of view (radians), square pixels, principal point at the
 * image centre ((W - 1) / 2, (H - 1) / 2).
 */
export function intrinsicsFromFov(fovXRad: number, size: ImageSize): Intrinsics {
  if (!Number.isFinite(fovXRad) || fovXRad <= 0 || fovXRad >= Math.PI) {
    throw new InputError("intrinsicsFromFov", "fovX", fovXRad, "horizontal field of view must be in (0, pi) radians");
  }
  validateImageSize(size);
  const f = size.width / 2 / Math.tan(fovXRad / 2);
  return { fx: f, fy: f, cx: (size.width - 1) / 2, cy: (size.height - 1) / 2 };
}
