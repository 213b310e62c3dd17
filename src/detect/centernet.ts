/**
 * # The COCO-80 CenterNet detector
 *
 * Provenance: the model is MB3-CenterNet (https://github.com/610265158/mobilenetv3_centernet, a
 * CenterNet "objects as points" head on MobileNetV3), trained on COCO 2017 for the 80 detection
 * categories ({@link COCO80_LABELS}), converted to a TensorFlow.js graph model by Vladimir Mandic
 * and shipped as `models/centernet.json` + `models/centernet.bin` (4.0 MB, float16 weights) in
 * the npm package @vladmandic/human (https://github.com/vladmandic/human, MIT license). It is
 * loaded from node_modules; nothing is downloaded.
 *
 * Graph: input `tower_0/images` float32 [1, 512, 512, 3], raw RGB in [0, 255]; outputs
 * `tower_0/keypoints` [1, 128, 128, 80] (per-class centre heat map, sigmoid applied),
 * `tower_0/wh` [1, 128, 128, 4] (left, top, right, bottom distances in input pixels from the
 * cell's anchor at 4 * (col, row)), and `tower_0/detections` [1, 100, 6], the graph's own top-100
 * decoding of the other two (x1, y1, x2, y2, score, class), which human uses. We read the raw
 * heat map and distances and decode them ourselves ({@link decodeCenterNet}): no top-100 cap
 * before NMS, class-wise NMS, boxes mapped exactly into the original image (preprocess.ts).
 *
 * Pipeline (processor / model / post-processing, as transformers.js keeps them apart):
 * resizeToNetworkInput (stretch to 512 x 512, bilinear, human's scheme) -> graph -> decodeCenterNet.
 */
import * as tf from "@tensorflow/tfjs-core";
import type { GraphModel } from "@tensorflow/tfjs-converter";
import { InputError } from "../errors.js";
import type { ImageSize } from "../geometry/index.js";
import { COCO80_LABELS } from "./coco-labels.js";
import { decodeCenterNet, validateCenterNetDecodeOptions } from "./decode.js";
import type { CenterNetOutputs } from "./decode.js";
import { CENTERNET_PACKAGE, centerNetModelPath, loadGraphModelFromFile } from "./model-io.js";
import { resizeToNetworkInput, validateDetectorImage } from "./preprocess.js";
import { initWasmBackend } from "./tfjs-wasm.js";
import type { WasmBackendInfo } from "./tfjs-wasm.js";
import type { Detection, Detector, DetectorImage } from "./types.js";

/**
 * Default minimum score, 0.3: a CenterNet heat-map value is the probability that an object's
 * centre is at the cell. human's own default is 0.2; 0.3 trades a little recall for fewer false
 * boxes, since every detection is lifted to 3D and becomes training data.
 */
export const DEFAULT_CENTERNET_MIN_SCORE = 0.3;
/** Default cap on detections per image: 100, the same as the graph's own top-k decoding. */
export const DEFAULT_CENTERNET_MAX_DETECTIONS = 100;
/**
 * Default class-wise NMS IoU threshold, 0.5: the 3x3 peak test already removes adjacent cells;
 * NMS removes the remaining duplicate peaks of one object (the usual COCO value).
 */
export const DEFAULT_CENTERNET_IOU_THRESHOLD = 0.5;

const INPUT_NAME = "tower_0/images";
const HEATMAP_NAME = "tower_0/keypoints";
const LTRB_NAME = "tower_0/wh";

/** Options of {@link loadCenterNet}. */
export interface CenterNetOptions {
  /**
   * wasm threads. Only 1 is possible under Node (see tfjs-wasm.ts: tfjs's threaded build cannot
   * start workers there); any other value is rejected rather than silently ignored.
   */
  readonly threads?: number;
  /** Default NMS IoU threshold for this detector (default {@link DEFAULT_CENTERNET_IOU_THRESHOLD}). */
  readonly iouThreshold?: number;
}

/** Options of {@link CenterNetDetector.detect}. */
export interface CenterNetDetectOptions {
  /** Keep detections with score >= minScore, in (0, 1] (default {@link DEFAULT_CENTERNET_MIN_SCORE}). */
  readonly minScore?: number;
  /** At most this many detections, best first (default {@link DEFAULT_CENTERNET_MAX_DETECTIONS}). */
  readonly maxDetections?: number;
  /** Class-wise NMS IoU threshold in [0, 1] (default: the detector's). */
  readonly iouThreshold?: number;
}

/** The CenterNet {@link Detector}, plus what it runs on. */
export interface CenterNetDetector extends Detector {
  /** The tfjs backend in use (wasm binary and thread count). */
  readonly backend: WasmBackendInfo;
  /** The network input size (512 x 512). */
  readonly inputSize: ImageSize;
  /**
   * Detections in the image's pixels, score >= minScore, best first. Leaves no tensors behind.
   * Throws an InputError for a malformed image or options, and after {@link dispose}.
   */
  detect(image: DetectorImage, options?: CenterNetDetectOptions): Promise<Detection[]>;
  /** The raw network outputs for an image (the input of {@link decodeCenterNet}). */
  infer(image: DetectorImage): Promise<CenterNetOutputs>;
}

/**
 * Load the COCO-80 CenterNet shipped in @vladmandic/human on tfjs's wasm backend, offline.
 *
 * Side effect, process-wide and idempotent: the first call starts tfjs's wasm backend and makes it
 * the active tfjs backend (tfjs-wasm.ts); n3d's library code uses tfjs for nothing else. Each call
 * loads its own copy of the weights (about 4 MB); `dispose()` frees them.
 *
 * Throws an InputError naming the path and the package when a model or wasm file is missing.
 */
export async function loadCenterNet(options: CenterNetOptions = {}): Promise<CenterNetDetector> {
  const threads = options.threads ?? 1;
  if (threads !== 1) {
    const why = "must be 1: tfjs-backend-wasm runs single-threaded under Node; run several processes for parallelism";
    throw new InputError("loadCenterNet", "threads", options.threads, why);
  }
  const iouThreshold = options.iouThreshold ?? DEFAULT_CENTERNET_IOU_THRESHOLD;
  const defaults = { minScore: DEFAULT_CENTERNET_MIN_SCORE, maxDetections: DEFAULT_CENTERNET_MAX_DETECTIONS, iouThreshold };
  validateCenterNetDecodeOptions(defaults, "loadCenterNet");
  const backend = await initWasmBackend();
  const graph = await loadGraphModelFromFile(centerNetModelPath(), CENTERNET_PACKAGE);
  return createCenterNetDetector(graph, backend, iouThreshold);
}

/**
 * Wrap an already loaded CenterNet graph (see {@link loadCenterNet}, which is the normal entry).
 * Checks the graph has the expected input and outputs; the detector owns the graph from now on
 * and disposes it in `dispose()`.
 */
export function createCenterNetDetector(
  graph: GraphModel,
  backend: WasmBackendInfo,
  iouThreshold = DEFAULT_CENTERNET_IOU_THRESHOLD,
): CenterNetDetector {
  const inputSize = graphInputSize(graph);
  let disposed = false;

  async function infer(image: DetectorImage): Promise<CenterNetOutputs> {
    if (disposed) throw new InputError("CenterNetDetector", "state", "disposed", "the detector was disposed");
    validateDetectorImage(image, "CenterNetDetector");
    const pixels = resizeToNetworkInput(image, inputSize); // [Hin, Win, 3]
    const input = tf.tensor4d(pixels, [1, inputSize.height, inputSize.width, 3]);
    let outputs: tf.Tensor[] = [];
    try {
      outputs = graph.execute({ [INPUT_NAME]: input }, [HEATMAP_NAME, LTRB_NAME]) as tf.Tensor[];
      const [heatmap, ltrb] = outputs as [tf.Tensor, tf.Tensor]; // [1, Hg, Wg, 80], [1, Hg, Wg, 4]
      const gridSize = { width: heatmap.shape[2]!, height: heatmap.shape[1]! };
      const [heatmapData, ltrbData] = await Promise.all([heatmap.data<"float32">(), ltrb.data<"float32">()]);
      return { gridSize, heatmap: heatmapData, ltrbPx: ltrbData };
    } finally {
      input.dispose();
      tf.dispose(outputs);
    }
  }

  return {
    name: "centernet",
    labels: COCO80_LABELS,
    backend,
    inputSize,
    infer,
    async detect(image, options = {}) {
      const minScore = options.minScore ?? DEFAULT_CENTERNET_MIN_SCORE;
      const maxDetections = options.maxDetections ?? DEFAULT_CENTERNET_MAX_DETECTIONS;
      const iou = options.iouThreshold ?? iouThreshold;
      const decodeOptions = { minScore, maxDetections, iouThreshold: iou };
      validateDetectorImage(image, "CenterNetDetector");
      validateCenterNetDecodeOptions(decodeOptions, "CenterNetDetector.detect"); // before paying for the network
      const outputs = await infer(image);
      return decodeCenterNet(outputs, inputSize, image.size, decodeOptions);
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      graph.dispose();
    },
  };
}

function graphInputSize(graph: GraphModel): ImageSize {
  const input = graph.inputs.find((t) => t.name === INPUT_NAME);
  const outputNames = new Set(graph.outputs.map((t) => t.name));
  const shape = input?.shape;
  if (shape === undefined || shape.length !== 4 || !(shape[1]! > 0) || !(shape[2]! > 0) || shape[3] !== 3) {
    throw new InputError("createCenterNetDetector", `input ${INPUT_NAME}`, shape ?? "missing", "must be a [1, H, W, 3] image input");
  }
  for (const name of [HEATMAP_NAME, LTRB_NAME]) {
    if (!outputNames.has(name)) throw new InputError("createCenterNetDetector", "outputs", [...outputNames], `must include ${name}`);
  }
  return { width: shape[2]!, height: shape[1]! };
}
