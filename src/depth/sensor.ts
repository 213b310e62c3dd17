import { InputError } from "../errors.js";
import { countValidDepth, depthFromArray, readDepth, readNpy, readNpz } from "../rgbd/index.js";
import type { DepthMap, NpyArray } from "../rgbd/index.js";
import { resolveIntrinsics } from "./intrinsics.js";
import type { IntrinsicsFallback } from "./intrinsics.js";
import { checkSameSize, requireDepthPath, validateRequest } from "./request.js";
import type { DepthBackend, DepthRequest, DepthResult } from "./types.js";

/** Options of the sensor source. */
export interface SensorDepthOptions extends IntrinsicsFallback {
  /** Refuse PNG depth with more pixels than this (checked on the header); rgbd's default otherwise. */
  readonly maxPixels?: number;
}

/**
 * The "sensor" source: depth measured by a camera (or rendered by `n3d synth`), one file per
 * image, read with rgbd's readers: 16-bit PNG (value / depth_scale metres), .npy or .npz (`depth`
 * array; float = metres, uint16 = value / depth_scale). The depth must have the image's size and
 * at least one valid pixel. Intrinsics: dataset, else the given intrinsics, else the given field of
 * view; there is no default camera for measured depth.
 */
export function createSensorBackend(options: SensorDepthOptions = {}): DepthBackend {
  return {
    name: "sensor",
    depthFor: (request) => sensorDepth(request, options),
    dispose: async () => {},
  };
}

async function sensorDepth(request: DepthRequest, options: SensorDepthOptions): Promise<DepthResult> {
  validateRequest(request, "sensor");
  const depthPath = requireDepthPath(request, "sensor", "a depth file (depth_file)");
  const map = await readSensorDepth(depthPath, request.depthScale, options.maxPixels);
  checkSameSize(map.size, request, depthPath);
  if (countValidDepth(map.depthM, map.size, depthPath) === 0) {
    throw new InputError(depthPath, "depth", `${map.size.width}x${map.size.height}, 0 valid pixels`, "no valid depth: every pixel is 0, NaN or infinite");
  }
  const { intrinsics, source } = resolveIntrinsics(request, options);
  return {
    size: map.size,
    depthM: map.depthM,
    intrinsics,
    intrinsicsSource: source,
    ...(request.gravity === undefined ? {} : { gravity: request.gravity }),
    source: "sensor",
    metric: true,
  };
}

const FLOAT_DTYPES = new Set(["<f2", "<f4", "<f8"]);

/**
 * Read one depth file as metres (rgbd's readDepth; `scale` in stored units per metre, `maxPixels`
 * checked on a PNG header). A dataset scale of exactly 1 (units per metre) on a float array means
 * "metres", which is what float depth is, so it is accepted; `n3d synth` writes depth_scale 1 for
 * its float .npy depth. Any other scale on float depth stays an error (rgbd's rule): dividing
 * metres by it would be a silent unit change.
 */
export async function readSensorDepth(path: string, scale: number | undefined, maxPixels?: number): Promise<DepthMap> {
  const ext = path.slice(path.lastIndexOf(".")).toLowerCase();
  if (scale !== 1 || (ext !== ".npy" && ext !== ".npz")) {
    return readDepth(path, { ...(scale === undefined ? {} : { scale }), ...(maxPixels === undefined ? {} : { maxPixels }) });
  }
  let array: NpyArray;
  let where = path;
  if (ext === ".npy") {
    array = await readNpy(path);
  } else {
    const arrays = await readNpz(path);
    const depth = arrays.get("depth");
    if (depth === undefined) {
      throw new InputError(path, "depth", undefined, `no 'depth' array in the .npz (arrays: ${[...arrays.keys()].join(", ") || "none"})`);
    }
    array = depth;
    where = `${path}:depth.npy`;
  }
  return depthFromArray(array, where, FLOAT_DTYPES.has(array.dtype) ? undefined : scale);
}
