import { InputError } from "../errors.js";
import type { ImageSize } from "../geometry/index.js";
import { readImage } from "../rgbd/index.js";
import { DEFAULT_MODEL_FOV_X_DEG, resolveIntrinsics } from "./intrinsics.js";
import type { IntrinsicsFallback } from "./intrinsics.js";
import { inspectDepthModelFolder } from "./model-folder.js";
import type { DepthModelFolder } from "./model-folder.js";
import {
  DEFAULT_RELATIVE_MEDIAN_DEPTH_M,
  METRIC3D_CANONICAL_FOCAL_PX,
  relativeDisparityToDepth_,
  resamplePrediction,
  scaleMetricDepth_,
} from "./prediction.js";
import type { PredictionGrid } from "./prediction.js";
import { validateRequest } from "./request.js";
import { loadTransformersOffline } from "./transformers-offline.js";
import type { DepthModelLike, ImageProcessorLike, TensorLike, TransformersModule } from "./transformers-offline.js";
import type { DepthBackend, DepthRequest, DepthResult } from "./types.js";

/** Options of the ONNX model source. */
export interface OnnxDepthOptions extends IntrinsicsFallback {
  /** onnxruntime intra-op threads (session_options.intraOpNumThreads); default: onnxruntime's. */
  readonly threads?: number;
  /** Relative models: metres given to the median pixel; default {@link DEFAULT_RELATIVE_MEDIAN_DEPTH_M}. */
  readonly depthScaleHintM?: number;
  /** Refuse images with more pixels than this (checked on the header); rgbd's default otherwise. */
  readonly maxPixels?: number;
}

/**
 * The "onnx:MODEL_DIR" source: a local depth model (Depth Anything, DPT, Metric3D v1/v2, Depth Pro)
 * run through @huggingface/transformers on onnxruntime-node, CPU, fp32 (onnx/model.onnx).
 * Nothing is downloaded: transformers is set to local files only and its fetch refuses.
 *
 * Per image: decode the RGB (sharp, via rgbd), run the folder's image processor and the model,
 * resample `predicted_depth` back to the image bilinearly (undoing right/bottom padding), and
 * make planar metres by the family's rule (see DepthOutputRule in model-folder.ts):
 * metric families give metres (`metric: true`); relative families give disparity, turned into
 * depth = hint * median(d) / d with hint = depthScaleHintM (default 3 m) — NOT metric: lifted
 * boxes from them are right only up to an unknown scale per image (`metric: false`).
 * Intrinsics: dataset, else the given intrinsics, else the given FOV, else
 * {@link DEFAULT_MODEL_FOV_X_DEG}; Metric3D and Depth Pro depth is rescaled to the chosen fx.
 *
 * One back end holds one onnxruntime session; create one per worker thread and dispose it.
 */
export async function createOnnxBackend(modelDir: string, options: OnnxDepthOptions = {}): Promise<DepthBackend> {
  const folder = await inspectDepthModelFolder(modelDir);
  const tf = await loadTransformersOffline();
  checkProcessorType(tf, folder);
  const sessionOptions = options.threads === undefined ? {} : { intraOpNumThreads: options.threads, interOpNumThreads: 1 };
  let processor: ImageProcessorLike;
  let model: DepthModelLike;
  try {
    processor = await tf.AutoImageProcessor.from_pretrained(folder.dir, { local_files_only: true });
    model = await tf.AutoModelForDepthEstimation.from_pretrained(folder.dir, {
      local_files_only: true,
      device: "cpu",
      dtype: "fp32",
      session_options: sessionOptions,
    });
  } catch (err) {
    throw new InputError(folder.dir, "model", folder.name, `could not be loaded: ${oneLine(err)}`);
  }
  const session = model.sessions["model"];
  if (session === undefined || !session.inputNames.includes("pixel_values") || !session.outputNames.includes("predicted_depth")) {
    await model.dispose();
    throw new InputError(
      `${folder.dir}/onnx/model.onnx`,
      "inputs -> outputs",
      `${session?.inputNames.join(", ")} -> ${session?.outputNames.join(", ")}`,
      "a depth model takes pixel_values and gives predicted_depth",
    );
  }
  if (folder.rule === "model-focal" && !session.outputNames.includes("focallength_px")) {
    await model.dispose();
    throw new InputError(`${folder.dir}/onnx/model.onnx`, "outputs", session.outputNames.join(", "), "a depth_pro model must also output focallength_px");
  }
  const run: ModelRun = { tf, folder, processor, model, options };
  let disposed = false;
  return {
    name: `onnx:${folder.name}`,
    depthFor: async (request) => {
      if (disposed) throw new InputError(`onnx:${folder.name}`, "backend", "disposed", "this depth back end was disposed");
      return onnxDepth(run, request);
    },
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      await model.dispose();
    },
  };
}

interface ModelRun {
  readonly tf: TransformersModule;
  readonly folder: DepthModelFolder;
  readonly processor: ImageProcessorLike;
  readonly model: DepthModelLike;
  readonly options: OnnxDepthOptions;
}

async function onnxDepth(run: ModelRun, request: DepthRequest): Promise<DepthResult> {
  const { tf, folder, processor, model, options } = run;
  validateRequest(request, `onnx:${folder.name}`);
  const image = await readImage(request.imagePath, options.maxPixels === undefined ? {} : { maxPixels: options.maxPixels });
  const size = image.size;
  if (size.width !== request.size.width || size.height !== request.size.height) {
    throw new InputError(request.imagePath, "size", `${size.width}x${size.height}`, `does not match the dataset's ${request.size.width}x${request.size.height}`);
  }
  const { intrinsics, source } = resolveIntrinsics(request, options, DEFAULT_MODEL_FOV_X_DEG);

  const inputs = await processor(new tf.RawImage(image.rgb, size.width, size.height, 3));
  let outputs: Record<string, TensorLike> = {};
  try {
    try {
      outputs = await model({ pixel_values: inputs.pixel_values });
    } catch (err) {
      throw new InputError(`${folder.dir}/onnx/model.onnx`, "run", `pixel_values [${inputs.pixel_values.dims.join(", ")}]`, `the model failed: ${oneLine(err)}`);
    }
    const [, , inputH, inputW] = inputs.pixel_values.dims as [number, number, number, number]; // [1, 3, H, W]
    const [resizedH, resizedW] = inputs.reshaped_input_sizes[0]!; // image inside pixel_values, before padding
    const prediction = predictionGrid(outputs["predicted_depth"]!, `${folder.dir}/onnx/model.onnx`);
    // The image covers resized/input of the model grid (top-left; the rest is padding).
    const covered: ImageSize = {
      width: (prediction.size.width * resizedW) / inputW,
      height: (prediction.size.height * resizedH) / inputH,
    };
    const depthM = resamplePrediction(prediction, size, covered);
    const fxInputPx = (intrinsics.fx * resizedW) / size.width;
    const where = `${request.imagePath} (onnx:${folder.name})`;
    let valid: number;
    switch (folder.rule) {
      case "metres":
        valid = scaleMetricDepth_(depthM, 1);
        break;
      case "canonical-focal":
        valid = scaleMetricDepth_(depthM, fxInputPx / METRIC3D_CANONICAL_FOCAL_PX);
        break;
      case "model-focal":
        valid = scaleMetricDepth_(depthM, fxInputPx / modelFocalPx(outputs["focallength_px"]!, where));
        break;
      case "relative":
        valid = relativeDisparityToDepth_(depthM, options.depthScaleHintM ?? DEFAULT_RELATIVE_MEDIAN_DEPTH_M, where);
        break;
    }
    if (valid === 0) throw new InputError(where, "predicted_depth", `${size.width}x${size.height}`, "the model gave no valid (finite, positive) depth");
    return {
      size,
      depthM,
      intrinsics,
      intrinsicsSource: source,
      ...(request.gravity === undefined ? {} : { gravity: request.gravity }),
      source: `onnx:${folder.name}`,
      metric: folder.metric,
    };
  } finally {
    inputs.pixel_values.dispose?.();
    for (const t of Object.values(outputs)) t.dispose?.();
  }
}

/** predicted_depth [1, h, w] or [1, 1, h, w] (or [h, w]) as a float grid. */
function predictionGrid(tensor: TensorLike, where: string): PredictionGrid {
  const dims = tensor.dims;
  const height = dims[dims.length - 2];
  const width = dims[dims.length - 1];
  const lead = dims.slice(0, -2).reduce((a, b) => a * b, 1);
  if (height === undefined || width === undefined || lead !== 1 || tensor.type !== "float32" || !(tensor.data instanceof Float32Array)) {
    throw new InputError(where, "predicted_depth", `${tensor.type} [${dims.join(", ")}]`, "must be float32 [1, h, w] or [1, 1, h, w] for one image");
  }
  return { values: tensor.data, size: { width, height } };
}

/** Depth Pro's focal length estimate, pixels on the model input grid. */
function modelFocalPx(tensor: TensorLike, where: string): number {
  const data = tensor.data as ArrayLike<number>;
  const f = data.length === 1 ? Number(data[0]) : NaN;
  if (!(f > 0) || !Number.isFinite(f)) throw new InputError(where, "focallength_px", f, "the model's focal length estimate must be one finite number > 0");
  return f;
}

/** transformers silently falls back to a generic processor for an unknown type; refuse instead. */
function checkProcessorType(tf: TransformersModule, folder: DepthModelFolder): void {
  const key = folder.preprocessor["image_processor_type"] ?? folder.preprocessor["feature_extractor_type"];
  if (key === undefined) return;
  const name = typeof key === "string" ? key.replace(/Fast$/, "") : "";
  if (!/(ImageProcessor|FeatureExtractor)$/.test(name) || typeof tf[name] !== "function") {
    throw new InputError(`${folder.dir}/preprocessor_config.json`, "image_processor_type", key, "is not an image processor that @huggingface/transformers 4 knows");
  }
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, " ").slice(0, 300);
}
