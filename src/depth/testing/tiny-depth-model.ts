// Test helper for src/depth: a tiny random-weight depth model folder in the layout
// @huggingface/transformers loads (config.json, preprocessor_config.json, onnx/model.onnx).
// Not part of the build.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { encodeOnnxModel, OnnxDataType } from "../../onnx-proto.js";
import type { OnnxNode, OnnxValueInfo } from "../../onnx-proto.js";
import { createRng } from "../../random.js";

/** Depth Anything's real preprocessor, scaled down: keep aspect, multiple of 14, ImageNet stats. */
export const TINY_DEPTH_ANYTHING_PREPROCESSOR = {
  image_processor_type: "DPTImageProcessor",
  do_resize: true,
  size: { height: 28, width: 28 },
  keep_aspect_ratio: true,
  ensure_multiple_of: 14,
  resample: 3,
  do_rescale: true,
  rescale_factor: 1 / 255,
  do_normalize: true,
  image_mean: [0.485, 0.456, 0.406],
  image_std: [0.229, 0.224, 0.225],
  do_pad: false,
} as const;

/** A processor that only rescales to [0, 1]: pixel_values = rgb / 255, so outputs can be computed by hand. */
export const IDENTITY_PREPROCESSOR = {
  image_processor_type: "DPTImageProcessor",
  do_resize: false,
  do_rescale: true,
  rescale_factor: 1 / 255,
  do_normalize: false,
  do_pad: false,
} as const;

export interface TinyDepthModelOptions {
  /** config.json's model_type (default "depth_anything"). */
  readonly modelType?: string;
  /** Extra config.json keys (e.g. depth_estimation_type). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** preprocessor_config.json (default {@link TINY_DEPTH_ANYTHING_PREPROCESSOR}). */
  readonly preprocessor?: Readonly<Record<string, unknown>>;
  /** Seed of the random weights (default 7). */
  readonly seed?: number;
  /** Average-pool 2 x 2 so the prediction has half the input's resolution (default false). */
  readonly halfResolution?: boolean;
  /** Also output focallength_px = [this] (Depth Pro's extra output). */
  readonly focalLengthPx?: number;
  /** Leave these files out (to test the folder check). */
  readonly omit?: readonly string[];
}

/** The weights of the tiny model: raw(u, v) = softplus(sum_c weights[c] * x_c(u, v) + bias). */
export interface TinyDepthModel {
  readonly dir: string;
  readonly weights: readonly [number, number, number];
  readonly bias: number;
}

/**
 * Write a tiny depth model to `dir`: pixel_values [1, 3, H, W] -> 1x1 Conv (3 -> 1, seeded random
 * weights) -> Softplus (positive) -> optional 2x2 average pool -> predicted_depth [1, h, w].
 */
export async function writeTinyDepthModel(dir: string, options: TinyDepthModelOptions = {}): Promise<TinyDepthModel> {
  const rng = createRng(options.seed ?? 7);
  const weights = [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)] as const;
  const bias = rng.uniform(0, 1);
  const nodes: OnnxNode[] = [
    { opType: "Conv", inputs: ["pixel_values", "w", "b"], outputs: ["conv"] },
    { opType: "Softplus", inputs: ["conv"], outputs: ["positive"] },
  ];
  let last = "positive";
  if (options.halfResolution === true) {
    nodes.push({
      opType: "AveragePool",
      inputs: [last],
      outputs: ["pooled"],
      attributes: { kernel_shape: { kind: "ints", value: [2, 2] }, strides: { kind: "ints", value: [2, 2] } },
    });
    last = "pooled";
  }
  nodes.push({ opType: "Squeeze", inputs: [last, "axis1"], outputs: ["predicted_depth"] });
  const outputs: OnnxValueInfo[] = [{ name: "predicted_depth", dataType: OnnxDataType.FLOAT, shape: [1, "h", "w"] }];
  if (options.focalLengthPx !== undefined) {
    nodes.push({
      opType: "Constant",
      inputs: [],
      outputs: ["focallength_px"],
      attributes: { value: { kind: "tensor", value: { dataType: OnnxDataType.FLOAT, dims: [1], data: new Float32Array([options.focalLengthPx]) } } },
    });
    outputs.push({ name: "focallength_px", dataType: OnnxDataType.FLOAT, shape: [1] });
  }
  const onnx = encodeOnnxModel({
    graph: {
      name: "tiny_depth",
      nodes,
      inputs: [{ name: "pixel_values", dataType: OnnxDataType.FLOAT, shape: ["batch", 3, "height", "width"] }],
      outputs,
      initializers: [
        { name: "w", dataType: OnnxDataType.FLOAT, dims: [1, 3, 1, 1], data: Float32Array.from(weights) },
        { name: "b", dataType: OnnxDataType.FLOAT, dims: [1], data: Float32Array.of(bias) },
        { name: "axis1", dataType: OnnxDataType.INT64, dims: [1], data: BigInt64Array.of(1n) },
      ],
    },
  });
  const omit = new Set(options.omit ?? []);
  await mkdir(join(dir, "onnx"), { recursive: true });
  const config = { model_type: options.modelType ?? "depth_anything", ...options.config };
  const files: Record<string, string | Uint8Array> = {
    "config.json": JSON.stringify(config, null, 2),
    "preprocessor_config.json": JSON.stringify(options.preprocessor ?? TINY_DEPTH_ANYTHING_PREPROCESSOR, null, 2),
    "onnx/model.onnx": onnx,
  };
  for (const [name, content] of Object.entries(files)) if (!omit.has(name)) await writeFile(join(dir, name), content);
  return { dir, weights: [Float32Array.of(weights[0])[0]!, Float32Array.of(weights[1])[0]!, Float32Array.of(weights[2])[0]!], bias: Float32Array.of(bias)[0]! };
}

/** The tiny model's raw output at one pixel for pixel_values x (3 channels). */
export function tinyRaw(model: TinyDepthModel, x: readonly [number, number, number]): number {
  const s = model.weights[0] * x[0] + model.weights[1] * x[1] + model.weights[2] * x[2] + model.bias;
  return Math.log1p(Math.exp(s));
}
