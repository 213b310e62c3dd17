/**
 * detect/: 2D detectors for images without annotations. The shipped one is the COCO-80 CenterNet
 * inside @vladmandic/human (MIT), run offline on tfjs's wasm backend (see centernet.ts).
 */
export type * from "./types.js";
export { COCO80_LABELS } from "./coco-labels.js";
export {
  DEFAULT_CENTERNET_IOU_THRESHOLD,
  DEFAULT_CENTERNET_MAX_DETECTIONS,
  DEFAULT_CENTERNET_MIN_SCORE,
  createCenterNetDetector,
  loadCenterNet,
} from "./centernet.js";
export type { CenterNetDetectOptions, CenterNetDetector, CenterNetOptions } from "./centernet.js";
export { decodeCenterNet, validateCenterNetDecodeOptions } from "./decode.js";
export type { CenterNetDecodeOptions, CenterNetOutputs } from "./decode.js";
export {
  imageToNetworkPx,
  networkBoxToImage,
  networkToImagePx,
  networkToImageScale,
  resizeToNetworkInput,
  validateDetectorImage,
} from "./preprocess.js";
export type { NetworkToImageScale } from "./preprocess.js";
export { CENTERNET_PACKAGE, centerNetModelPath, fileModelHandler, loadGraphModelFromFile } from "./model-io.js";
export { initWasmBackend } from "./tfjs-wasm.js";
export type { WasmBackendInfo } from "./tfjs-wasm.js";
