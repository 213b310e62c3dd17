/**
 * Export a trained model as one standalone inference `.onnx` file: the graph's forward nodes with
 * the parameter values baked in as initializers (the builder's `toInferenceModel`), so any
 * onnxruntime (Node, Python, C++, web) runs it with no n3d code: `InferenceSession.create(path)`.
 */
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fsutil.js";
import { encodeOnnxModel } from "../onnx-proto.js";
import { canonicalJson, configHash, type JsonValue } from "./checkpoint.js";
import type { Graph } from "./graph.js";

/** Options of {@link exportInferenceModel}. */
export interface ExportOptions {
  /** Value of every parameter the outputs depend on (e.g. `trainer.paramValues()`). */
  readonly params: ReadonlyMap<string, Float32Array>;
  /** Declared outputs to include (default: all the graph declares). */
  readonly outputs?: readonly string[];
  /** The resolved model config, stored in the file's metadata as `n3d.config` (+ `n3d.config_hash`). */
  readonly config?: JsonValue;
  /** Extra metadata_props, string to string (e.g. the training step reached). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** What was written. */
export interface ExportResult {
  readonly path: string;
  /** File size, bytes. */
  readonly bytes: number;
  /** The model's data inputs (what a caller feeds) and outputs, by name. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

/**
 * Write the inference model of `graph` with `options.params` baked in to `path`, atomically
 * (readers see the old file or the whole new one). Throws an InputError for a missing parameter or
 * an unknown output (from the builder) and for metadata that is not string to string.
 */
export async function exportInferenceModel(graph: Graph, path: string, options: ExportOptions): Promise<ExportResult> {
  const model = graph.toInferenceModel({ params: options.params, ...(options.outputs !== undefined ? { outputs: options.outputs } : {}) });
  const metadata: Record<string, string> = { ...(model.metadata ?? {}) };
  for (const [key, value] of Object.entries(options.metadata ?? {})) {
    if (typeof value !== "string") throw new InputError("exportInferenceModel", `metadata.${key}`, value, "is not a string");
    metadata[key] = value;
  }
  if (options.config !== undefined) {
    metadata["n3d.config"] = canonicalJson(options.config);
    metadata["n3d.config_hash"] = configHash(options.config);
  }
  const bytes = encodeOnnxModel({ ...model, metadata });
  await writeFileAtomic(path, bytes);
  return {
    path,
    bytes: bytes.length,
    inputs: model.graph.inputs.map((i) => i.name),
    outputs: model.graph.outputs.map((o) => o.name),
  };
}
