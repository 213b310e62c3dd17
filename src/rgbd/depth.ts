import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fsutil.js";
import { validateImageSize } from "../geometry/index.js";
import type { ImageSize } from "../geometry/index.js";
import { DEFAULT_DEPTH_SCALE, validateDepthScale } from "./depth-map.js";
import type { DepthMap } from "./depth-map.js";
import { readDepthPng16 } from "./depth-png.js";
import { parseNpy, serializeNpy, toFloat32 } from "./npy.js";
import type { NpyArray } from "./npy.js";
import { parseNpz } from "./npz.js";
import { extensionOf, readInputBytes } from "./read-input.js";

/** Options for {@link readDepth}. */
export interface ReadDepthOptions {
  /**
   * Stored units per metre for integer depth (16-bit PNG, uint16 arrays): depthM = value / scale.
   * Default 1000 (millimetres); TUM RGB-D uses 5000. Float arrays are metres already, so giving a
   * scale for them is an error rather than silently ignored.
   */
  readonly scale?: number;
  /** Pixel limit for PNG depth, checked on the header (default 100 megapixels). */
  readonly maxPixels?: number;
}

/** Extensions {@link readDepth} understands. */
export const DEPTH_EXTENSIONS = [".png", ".npy", ".npz"] as const;

/**
 * Read a depth map in metres, choosing the format by extension:
 * - `.png`: 16-bit single-channel, depthM = value / scale (default scale 1000);
 * - `.npy`: H x W (or H x W x 1) float32 / float16 / float64 metres as stored, or uint16 divided
 *   by scale;
 * - `.npz`: the member `depth`, with the same rules as `.npy`.
 * Values are not range-checked here; 0 stays 0 (invalid). Use countValidDepth or loadFrame for that.
 */
export async function readDepth(path: string, options: ReadDepthOptions = {}): Promise<DepthMap> {
  const ext = extensionOf(path);
  if (ext === ".png") return readDepthPng16(path, options);
  if (ext === ".npy") return depthFromArray(parseNpy(await readInputBytes(path), path), path, options.scale);
  if (ext === ".npz") {
    const arrays = parseNpz(await readInputBytes(path), path);
    const depth = arrays.get("depth");
    if (!depth) {
      const keys = [...arrays.keys()].join(", ") || "none";
      throw new InputError(path, "depth", undefined, `no 'depth' array in the .npz (arrays: ${keys})`);
    }
    return depthFromArray(depth, `${path}:depth.npy`, options.scale);
  }
  throw new InputError(path, "extension", ext || "(none)", `depth must be one of ${DEPTH_EXTENSIONS.join(", ")}`);
}

/**
 * An NpyArray as a depth map: shape (H, W) or (H, W, 1); float dtypes are metres, uint16 is
 * divided by scale (default 1000).
 */
export function depthFromArray(array: NpyArray, where: string, scale?: number): DepthMap {
  const { shape, dtype } = array;
  const [height, width] = shape;
  const rankOk = shape.length === 2 || (shape.length === 3 && shape[2] === 1);
  if (!rankOk || height === undefined || width === undefined || height === 0 || width === 0) {
    throw new InputError(where, "shape", `(${shape.join(", ")})`, "depth must be H x W or H x W x 1");
  }
  const size = { width, height };
  if (dtype === "<f4" || dtype === "<f2" || dtype === "<f8") {
    if (scale !== undefined) {
      throw new InputError(where, "scale", scale, `depth stored as ${dtype} is metres already; scale applies only to integer depth`);
    }
    const depthM = toFloat32(array);
    return { size, depthM: depthM === array.data ? depthM.slice() : depthM };
  }
  if (dtype === "<u2") {
    const s = validateDepthScale(scale ?? DEFAULT_DEPTH_SCALE, where);
    const values = array.data as Uint16Array;
    const depthM = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) depthM[i] = values[i]! / s;
    return { size, depthM };
  }
  throw new InputError(where, "dtype", dtype, "depth arrays must be float32, float16 or float64 metres, or uint16 with a scale");
}

/** Options for {@link writeDepthNpy}. */
export interface WriteDepthNpyOptions {
  /** '<f4' (default, exact) or '<f2' (half the size, about 3 significant digits). */
  readonly dtype?: "<f4" | "<f2";
}

/** Write depth in metres as an H x W .npy (float32 by default), atomically. */
export async function writeDepthNpy(
  path: string,
  depthM: Float32Array,
  size: ImageSize,
  options: WriteDepthNpyOptions = {},
): Promise<void> {
  const { width, height } = validateImageSize(size, path);
  if (!(depthM instanceof Float32Array) || depthM.length !== width * height) {
    throw new InputError(path, "depth length", depthM?.length, `expected ${width}x${height} = ${width * height}`);
  }
  const dtype = options.dtype ?? "<f4";
  if (dtype !== "<f4" && dtype !== "<f2") throw new InputError(path, "dtype", dtype, "depth .npy is written as '<f4' or '<f2'");
  await writeFileAtomic(path, serializeNpy({ dtype, shape: [height, width], data: depthM }, path));
}
