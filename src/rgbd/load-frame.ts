import { InputError } from "../errors.js";
import { intrinsicsFromFov, validateIntrinsics } from "../geometry/index.js";
import type { Intrinsics } from "../geometry/index.js";
import { countValidDepth } from "./depth-map.js";
import { readDepth } from "./depth.js";
import type { RGBDFrame } from "./frame.js";
import { readImage } from "./image.js";
import { readIntrinsics } from "./intrinsics.js";

/** Where a frame comes from. Give exactly one of intrinsics, intrinsicsPath and fovXDeg. */
export interface LoadFrameOptions {
  /** Colour image path (PNG, JPEG, ...). */
  readonly image: string;
  /** Depth path: 16-bit PNG, .npy or .npz (see readDepth). */
  readonly depth: string;
  /** Units per metre for integer depth (default 1000, millimetres); not allowed for float depth. */
  readonly depthScale?: number;
  /** Intrinsics in pixels. */
  readonly intrinsics?: Intrinsics;
  /** Intrinsics JSON file (any form readIntrinsics accepts; the image size is supplied). */
  readonly intrinsicsPath?: string;
  /** Horizontal field of view in degrees: square pixels, principal point at the image centre. */
  readonly fovXDeg?: number;
  /** Pixel limit for both images, checked on the headers (default 100 megapixels). */
  readonly maxPixels?: number;
}

/**
 * Load and validate an RGB-D frame. Throws an InputError when the image and depth sizes differ
 * (naming both files and sizes), when depth is negative anywhere (naming the first pixel (u, v)
 * and its value), when no depth pixel is valid (0, NaN and +Infinity are invalid), or when the
 * intrinsics are missing, ambiguous or invalid.
 */
export async function loadFrame(options: LoadFrameOptions): Promise<RGBDFrame> {
  const given = (["intrinsics", "intrinsicsPath", "fovXDeg"] as const).filter((k) => options[k] !== undefined);
  if (given.length !== 1) {
    throw new InputError("loadFrame", "intrinsics", given.join(", ") || "none", "give exactly one of intrinsics, intrinsicsPath, fovXDeg");
  }
  const readOptions = options.maxPixels === undefined ? {} : { maxPixels: options.maxPixels };
  const depthOptions = options.depthScale === undefined ? readOptions : { ...readOptions, scale: options.depthScale };
  const [image, depth] = await Promise.all([readImage(options.image, readOptions), readDepth(options.depth, depthOptions)]);
  const { size } = image;
  if (depth.size.width !== size.width || depth.size.height !== size.height) {
    throw new InputError(
      options.depth,
      "size",
      `${depth.size.width}x${depth.size.height}`,
      `does not match the image ${options.image} size ${size.width}x${size.height}`,
    );
  }
  const valid = countValidDepth(depth.depthM, size, options.depth);
  if (valid === 0) {
    throw new InputError(options.depth, "depth", `0 valid of ${size.width * size.height} pixels`, "no valid depth: every pixel is 0, NaN or infinite");
  }
  let intrinsics: Intrinsics;
  if (options.intrinsicsPath !== undefined) {
    intrinsics = await readIntrinsics(options.intrinsicsPath, size);
  } else if (options.fovXDeg !== undefined) {
    const fov = options.fovXDeg;
    if (typeof fov !== "number" || !Number.isFinite(fov) || fov <= 0 || fov >= 180) {
      throw new InputError("loadFrame", "fovXDeg", fov, "horizontal field of view must be in (0, 180) degrees");
    }
    intrinsics = intrinsicsFromFov((fov * Math.PI) / 180, size);
  } else {
    intrinsics = validateIntrinsics(options.intrinsics!, "loadFrame intrinsics");
  }
  return { size, rgb: image.rgb, depthM: depth.depthM, intrinsics };
}
