import type { Box2D, ImageSize } from "../geometry/index.js";

/**
 * 2D detectors for images without annotations (issue 4). The shipped one is the COCO-80 CenterNet
 * inside @vladmandic/human; other detectors (e.g. ONNX) plug in through this interface.
 */
export interface Detection {
  /** Category name (COCO-80 names for the CenterNet). */
  readonly label: string;
  readonly score: number;
  /** Pixels of the input image (not the network's input resolution). */
  readonly box: Box2D;
}

export interface DetectorImage {
  /** 8-bit RGB interleaved, H * W * 3. */
  readonly rgb: Uint8Array;
  readonly size: ImageSize;
}

export interface Detector {
  readonly name: string;
  /** The category names this detector can output. */
  readonly labels: readonly string[];
  /** Detections with score >= minScore (default per detector), best first. */
  detect(image: DetectorImage, options?: { readonly minScore?: number; readonly maxDetections?: number }): Promise<Detection[]>;
  dispose(): Promise<void>;
}
