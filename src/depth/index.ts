// depth/: where depth comes from (issue 4). A registry of back ends behind one contract
// (types.ts): "sensor" (depth files), "npz" (official point maps), "onnx:MODEL_DIR" (a local
// depth model). The lift runner and the CLI use only createDepthBackend and the types.
import { InputError } from "../errors.js";
import { validateIntrinsics } from "../geometry/index.js";
import type { Intrinsics } from "../geometry/index.js";
import { validateFovXDeg } from "./intrinsics.js";
import { createNpzBackend } from "./npz.js";
import { createOnnxBackend } from "./onnx.js";
import { createSensorBackend } from "./sensor.js";
import type { DepthBackend } from "./types.js";

export type * from "./types.js";
export { DEFAULT_MODEL_FOV_X_DEG, resolveIntrinsics, type IntrinsicsFallback, type ResolvedIntrinsics } from "./intrinsics.js";
export { DEFAULT_RELATIVE_MEDIAN_DEPTH_M, METRIC3D_CANONICAL_FOCAL_PX, RELATIVE_MAX_DEPTH_RATIO } from "./prediction.js";
export {
  DEPTH_MODEL_FAMILIES,
  DEPTH_MODEL_FILES,
  inspectDepthModelFolder,
  type DepthModelFamily,
  type DepthModelFolder,
  type DepthOutputRule,
} from "./model-folder.js";
export { readSensorDepth } from "./sensor.js";
export { NETWORK_REFUSED } from "./transformers-offline.js";

/** Options shared by every depth back end; each uses the ones that apply to it. */
export interface DepthBackendOptions {
  /** Intrinsics given on the command line (used when the dataset has none). Pixels. */
  readonly intrinsics?: Intrinsics;
  /** Where `intrinsics` came from, as recorded: "flag" (default) or "file" (an intrinsics JSON). */
  readonly intrinsicsSource?: "flag" | "file";
  /** Assumed horizontal FOV in degrees, (0, 180), when neither dataset nor flag give intrinsics. */
  readonly fovXDeg?: number;
  /** onnxruntime intra-op threads for model back ends (positive integer). */
  readonly threads?: number;
  /**
   * Relative-depth models only: the depth in metres given to each image's median disparity
   * (default 3). Lifting with a relative model is NOT metric whatever this is set to.
   */
  readonly depthScaleHintM?: number;
  /** Refuse images (onnx) and PNG depth maps (sensor) with more pixels than this (default: rgbd's 100 MP). */
  readonly maxPixels?: number;
}

/** The depth source kinds, as written in a spec ("onnx" takes ":MODEL_DIR"). */
export const DEPTH_SOURCES = ["sensor", "npz", "onnx:MODEL_DIR"] as const;

type Factory = (argument: string | undefined, options: DepthBackendOptions) => Promise<DepthBackend>;

const REGISTRY: Readonly<Record<string, Factory>> = {
  sensor: async (argument, options) => {
    noArgument("sensor", argument);
    return createSensorBackend(options);
  },
  npz: async (argument) => {
    noArgument("npz", argument);
    return createNpzBackend();
  },
  onnx: async (argument, options) => {
    if (argument === undefined || argument === "") {
      throw new InputError("createDepthBackend", "depth", "onnx", "give the model folder: onnx:MODEL_DIR (config.json, preprocessor_config.json, onnx/model.onnx)");
    }
    return createOnnxBackend(argument, options);
  },
};

/**
 * A depth back end from its spec: "sensor", "npz" or "onnx:MODEL_DIR" (MODEL_DIR may itself
 * contain colons; everything after the first one is the path). Options are checked here, once.
 * Throws an InputError for an unknown spec, bad options, or a bad model folder.
 *
 * Safe to call inside a worker_threads Worker; each worker should make its own back end (model
 * sessions are not shared across threads) and dispose it when done.
 */
export async function createDepthBackend(spec: string, options: DepthBackendOptions = {}): Promise<DepthBackend> {
  const colon = typeof spec === "string" ? spec.indexOf(":") : -1;
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const factory = typeof kind === "string" && Object.hasOwn(REGISTRY, kind) ? REGISTRY[kind] : undefined;
  if (factory === undefined) {
    throw new InputError("createDepthBackend", "depth", spec, `is not a supported depth source; choose one of ${DEPTH_SOURCES.join(", ")}`);
  }
  return factory(colon < 0 ? undefined : spec.slice(colon + 1), validateOptions(options));
}

function noArgument(kind: string, argument: string | undefined): void {
  if (argument !== undefined) throw new InputError("createDepthBackend", "depth", `${kind}:${argument}`, `the ${kind} source takes no argument; write "${kind}"`);
}

function validateOptions(options: DepthBackendOptions): DepthBackendOptions {
  const where = "depth options";
  if (options.intrinsics !== undefined) validateIntrinsics(options.intrinsics, `${where}: intrinsics`);
  if (options.intrinsicsSource !== undefined && options.intrinsicsSource !== "flag" && options.intrinsicsSource !== "file") {
    throw new InputError(where, "intrinsicsSource", options.intrinsicsSource, 'must be "flag" or "file"');
  }
  if (options.fovXDeg !== undefined) validateFovXDeg(options.fovXDeg, where);
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads > 0)) {
    throw new InputError(where, "threads", options.threads, "must be a positive integer");
  }
  const hint = options.depthScaleHintM;
  if (hint !== undefined && !(typeof hint === "number" && Number.isFinite(hint) && hint > 0)) {
    throw new InputError(where, "depthScaleHintM", hint, "must be a finite number of metres > 0");
  }
  const maxPixels = options.maxPixels;
  if (maxPixels !== undefined && !(Number.isInteger(maxPixels) && maxPixels > 0)) {
    throw new InputError(where, "maxPixels", maxPixels, "must be a positive integer");
  }
  return options;
}
