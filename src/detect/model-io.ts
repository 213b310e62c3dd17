import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { loadGraphModel } from "@tensorflow/tfjs-converter";
import type { GraphModel } from "@tensorflow/tfjs-converter";
import { InputError } from "../errors.js";
import { resolvePackageDir } from "./tfjs-wasm.js";

/** The npm package that ships the CenterNet weights. */
export const CENTERNET_PACKAGE = "@vladmandic/human";

/** Absolute path of `models/centernet.json` inside the installed {@link CENTERNET_PACKAGE}. */
export function centerNetModelPath(): string {
  return join(resolvePackageDir(CENTERNET_PACKAGE, "loadCenterNet"), "models", "centernet.json");
}

/**
 * A tfjs `io.IOHandler` that reads a graph model (model.json + its weight shards) from local
 * files with `fs`: no fetch, no URL, so loading can never touch the network. Shard paths are
 * taken relative to the JSON's folder, as tfjs's converter writes them. A missing file, bad JSON,
 * or a shard whose size disagrees with the manifest gives a one-line InputError naming the path
 * (and `packageName`, when given, as the place the files come from).
 */
export function fileModelHandler(modelJsonPath: string, packageName?: string): tf.io.IOHandler {
  const jsonPath = resolve(modelJsonPath);
  const origin = packageName === undefined ? "" : `; it ships in the npm package ${packageName} (reinstall it)`;
  const readOrThrow = (path: string): Buffer => {
    if (!existsSync(path)) throw new InputError("loadGraphModel", "model file", path, `does not exist${origin}`);
    return readFileSync(path);
  };
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(readOrThrow(jsonPath).toString("utf8")) as tf.io.ModelJSON;
      } catch (err) {
        if (err instanceof InputError) throw err;
        throw new InputError(jsonPath, "json", (err as Error).message, "is not valid JSON");
      }
      if (modelJson === null || typeof modelJson !== "object" || modelJson.modelTopology == null || !Array.isArray(modelJson.weightsManifest)) {
        throw new InputError(jsonPath, "modelTopology / weightsManifest", "missing", "is not a tfjs graph model JSON");
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          let groupBytes = 0;
          const groupPaths: string[] = [];
          for (const shard of group.paths) {
            const path = join(dirname(jsonPath), shard);
            const bytes = readOrThrow(path);
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
            groupBytes += bytes.byteLength;
            groupPaths.push(path);
          }
          const expected = manifestGroupBytes(group.weights);
          if (expected !== undefined && expected !== groupBytes) {
            throw new InputError(groupPaths.join(" + "), "size", `${groupBytes} bytes`, `the weights manifest of ${jsonPath} needs ${expected} bytes${origin}`);
          }
          specs.push(...group.weights);
        }
        return [specs, buffers];
      });
    },
  };
}

/** Load a tfjs graph model from local files through {@link fileModelHandler}. */
export async function loadGraphModelFromFile(modelJsonPath: string, packageName?: string): Promise<GraphModel> {
  return loadGraphModel(fileModelHandler(modelJsonPath, packageName));
}

const BYTES_PER_ELEMENT: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };

/** Bytes the manifest entries occupy (quantised entries by their stored dtype); undefined for string weights. */
function manifestGroupBytes(weights: readonly tf.io.WeightsManifestEntry[]): number | undefined {
  let total = 0;
  for (const w of weights) {
    const dtype = w.quantization?.dtype ?? w.dtype;
    const bytes = BYTES_PER_ELEMENT[dtype];
    if (bytes === undefined) return undefined;
    total += w.shape.reduce((a, b) => a * b, 1) * bytes;
  }
  return total;
}
