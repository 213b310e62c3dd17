/**
 * Export a trained model as a standalone inference `.onnx` file: the graph's forward nodes with
 * the parameter values baked in as initializers (the builder's `toInferenceModel`), so any
 * onnxruntime (Node, Python, C++, web) runs it with no n3d code: `InferenceSession.create(path)`.
 *
 * With `weights` (a shared weights file, weights-file.ts) the parameters are not copied into the
 * `.onnx` file: each is an external-data initializer pointing at its bytes in that file, so
 * several graphs of one model share one copy. Small constants stay embedded. Such a file must be
 * loaded from its path (onnxruntime finds the weights file beside it).
 */
import { Buffer } from "node:buffer";
import { basename, dirname, resolve } from "node:path";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fsutil.js";
import { encodeOnnxModel, type OnnxInitializer, type OnnxModel } from "../onnx-proto.js";
import { canonicalJson, configHash, type JsonValue } from "./checkpoint.js";
import type { Graph } from "./graph.js";
import type { WeightsFile } from "./weights-file.js";

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
  /**
   * A weights file written from the same parameter values, in the same folder as the model
   * (`writeWeightsFile`): parameters become references into it instead of embedded bytes.
   */
  readonly weights?: WeightsFile;
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
 * Write the inference model of `graph` with `options.params` baked in (or referenced in
 * `options.weights`) to `path`, atomically (readers see the old file or the whole new one). Throws
 * an InputError for a missing parameter or an unknown output (from the builder), for metadata that
 * is not string to string, and for a weights file in another folder or without a parameter's values.
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
  const stored = options.weights === undefined ? model : referenceWeights(model, options.params, options.weights, path);
  const bytes = encodeOnnxModel({ ...stored, metadata });
  await writeFileAtomic(path, bytes);
  return {
    path,
    bytes: bytes.length,
    inputs: model.graph.inputs.map((i) => i.name),
    outputs: model.graph.outputs.map((o) => o.name),
  };
}

/**
 * `model` with every parameter initializer (named as in `params`) replaced by a reference into
 * `weights`; constants stay embedded.
 */
function referenceWeights(model: OnnxModel, params: ReadonlyMap<string, Float32Array>, weights: WeightsFile, path: string): OnnxModel {
  const where = "exportInferenceModel";
  if (resolve(dirname(weights.path)) !== resolve(dirname(path))) {
    throw new InputError(where, "weights.path", weights.path, `is not in the model's folder ${dirname(resolve(path))}; onnxruntime looks for it beside the model`);
  }
  const location = basename(weights.path);
  const initializers = (model.graph.initializers ?? []).map((t): OnnxInitializer => {
    if ("external" in t || !params.has(t.name)) return t;
    const entry = weights.index.get(t.name);
    const written = weights.params.get(t.name);
    if (entry === undefined || written === undefined || !sameBytes(written, t.data)) {
      throw new InputError(where, "params", t.name, `is not in ${weights.path} with these values; write the weights file from the same parameters`);
    }
    return { name: t.name, dataType: t.dataType, dims: t.dims, external: { location, offset: entry.offset, length: entry.length } };
  });
  return { ...model, graph: { ...model.graph, initializers } };
}

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a === b) return true;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
