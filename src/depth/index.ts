// PLACEHOLDER (issue 4 contract): the depth helper replaces this file.
import type { Intrinsics } from "../geometry/index.js";
import type { DepthBackend } from "./types.js";
export type * from "./types.js";

export interface DepthBackendOptions {
  /** Intrinsics given on the command line (used when the dataset has none). */
  readonly intrinsics?: Intrinsics;
  /** Assumed horizontal FOV in degrees when neither dataset nor flag give intrinsics. */
  readonly fovXDeg?: number;
  /** onnxruntime intra-op threads for model back ends. */
  readonly threads?: number;
}

/** "sensor" | "npz" | "onnx:MODEL_DIR" -> a back end. Throws an InputError for an unknown spec or a bad model folder. */
export async function createDepthBackend(_spec: string, _options: DepthBackendOptions = {}): Promise<DepthBackend> {
  throw new Error("createDepthBackend: not implemented yet");
}
