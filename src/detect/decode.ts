import { InputError } from "../errors.js";
import { imageBox2D, intersectBox2D, iou2d, validateImageSize } from "../geometry/index.js";
import type { Box2D, ImageSize } from "../geometry/index.js";
import { COCO80_LABELS } from "./coco-labels.js";
import { networkBoxToImage, networkToImageScale } from "./preprocess.js";
import type { Detection } from "./types.js";

/**
 * The CenterNet's raw outputs for one image, batch axis dropped, NHWC row-major.
 *
 * With the shipped model the grid is 128 x 128 for the 512 x 512 input (stride 4), 80 classes.
 */
export interface CenterNetOutputs {
  /** Heat-map grid size (cells). */
  readonly gridSize: ImageSize;
  /**
   * `tower_0/keypoints`: probability (after the graph's sigmoid) that a box of class k is centred
   * on the cell, [gridH, gridW, classes].
   */
  readonly heatmap: Float32Array;
  /**
   * `tower_0/wh`: distances from the cell's anchor point to the box's left, top, right and bottom
   * edges, in network-input pixels, [gridH, gridW, 4]. The anchor of cell (col, row) is the
   * network-input pixel (col * strideX, row * strideY), stride = input size / grid size: exactly
   * what the graph's own decoding (`tower_0/detections`) uses.
   */
  readonly ltrbPx: Float32Array;
}

/** Options of {@link decodeCenterNet}. */
export interface CenterNetDecodeOptions {
  /** Keep peaks with score >= minScore; in (0, 1]. */
  readonly minScore: number;
  /** Keep at most this many detections after NMS (best first); a positive integer. */
  readonly maxDetections: number;
  /**
   * Class-wise NMS: a box is dropped when its IoU with a better kept box of the same class is
   * > iouThreshold; in [0, 1] (1 keeps everything the peak extraction found).
   */
  readonly iouThreshold: number;
  /** Class names, one per heat-map channel (default {@link COCO80_LABELS}). */
  readonly labels?: readonly string[];
}

/**
 * CenterNet post-processing: heat-map peaks -> boxes in image pixels -> class-wise NMS.
 *
 * 1. Peaks: a heat-map value v of class k is a candidate when v >= minScore and no cell of its 3x3
 *    neighbourhood (inside the grid) has a larger value of the same class, the graph's own
 *    `MaxPool(3x3, SAME) == keypoints` test (equal neighbours are both peaks).
 * 2. Box in network-input pixels: anchor (col * strideX, row * strideY) minus left/top, plus
 *    right/bottom; then scaled to image pixels by {@link networkToImageScale} (the resize of
 *    preprocess.ts) and clipped to the image region (`imageBox2D`). Boxes with no area (negative
 *    predicted extents, or nothing left after clipping) are dropped.
 * 3. Candidates best first (ties: lower cell index, then lower class), greedy NMS per class, stop
 *    at maxDetections.
 *
 * Pure: no tensors, no state. Throws an InputError on mismatched lengths, bad options, a heat-map
 * value above 1, or a non-finite box distance at a peak.
 *
 * @param outputs   the two raw outputs of one image
 * @param inputSize network input size in pixels (512 x 512 for the shipped model)
 * @param imageSize the original image's size in pixels; boxes are returned in its pixels
 * @returns detections, scores in [minScore, 1], best first
 */
export function decodeCenterNet(
  outputs: CenterNetOutputs,
  inputSize: ImageSize,
  imageSize: ImageSize,
  options: CenterNetDecodeOptions,
): Detection[] {
  const where = "decodeCenterNet";
  const labels = options.labels ?? COCO80_LABELS;
  validateCenterNetDecodeOptions(options, where);
  validateImageSize(outputs.gridSize, `${where}: gridSize`);
  const scale = networkToImageScale(inputSize, imageSize);
  const { width: gw, height: gh } = outputs.gridSize;
  const nc = labels.length;
  if (outputs.heatmap.length !== gw * gh * nc) {
    throw new InputError(where, "heatmap.length", outputs.heatmap.length, `must be gridH * gridW * classes = ${gh} * ${gw} * ${nc}`);
  }
  if (outputs.ltrbPx.length !== gw * gh * 4) {
    throw new InputError(where, "ltrbPx.length", outputs.ltrbPx.length, `must be gridH * gridW * 4 = ${gh} * ${gw} * 4`);
  }
  const strideX = inputSize.width / gw;
  const strideY = inputSize.height / gh;
  const peaks = findPeaks(outputs.heatmap, gw, gh, nc, options.minScore);
  peaks.sort((a, b) => b.score - a.score || a.index - b.index);

  const imageRegion = imageBox2D(imageSize);
  const keptByClass = new Map<number, Box2D[]>();
  const detections: Detection[] = [];
  for (const peak of peaks) {
    if (detections.length >= options.maxDetections) break;
    const cell = Math.floor(peak.index / nc);
    const classIndex = peak.index - cell * nc;
    const row = Math.floor(cell / gw);
    const col = cell - row * gw;
    const ltrb = outputs.ltrbPx.subarray(cell * 4, cell * 4 + 4);
    if (!ltrb.every(Number.isFinite)) {
      throw new InputError(where, `ltrbPx[row ${row}, col ${col}]`, Array.from(ltrb), "must be finite at a peak");
    }
    const ax = col * strideX;
    const ay = row * strideY;
    const boxNet = { x1: ax - ltrb[0]!, y1: ay - ltrb[1]!, x2: ax + ltrb[2]!, y2: ay + ltrb[3]! };
    if (!(boxNet.x2 > boxNet.x1 && boxNet.y2 > boxNet.y1)) continue;
    const box = intersectBox2D(networkBoxToImage(boxNet, scale), imageRegion);
    if (box === null) continue;
    const kept = keptByClass.get(classIndex) ?? [];
    if (kept.some((other) => iou2d(box, other) > options.iouThreshold)) continue;
    kept.push(box);
    keptByClass.set(classIndex, kept);
    detections.push({ label: labels[classIndex]!, score: peak.score, box });
  }
  return detections;
}

interface Peak {
  /** Flat heat-map index: (row * gridW + col) * classes + class. */
  readonly index: number;
  readonly score: number;
}

function findPeaks(heat: Float32Array, gw: number, gh: number, nc: number, minScore: number): Peak[] {
  const peaks: Peak[] = [];
  for (let row = 0; row < gh; row++) {
    for (let col = 0; col < gw; col++) {
      const base = (row * gw + col) * nc;
      for (let k = 0; k < nc; k++) {
        const v = heat[base + k]!;
        if (!(v >= minScore)) continue;
        if (v > 1) throw new InputError("decodeCenterNet", `heatmap[row ${row}, col ${col}, class ${k}]`, v, "must be a probability in [0, 1]");
        if (isLocalMax(heat, gw, gh, nc, row, col, k, v)) peaks.push({ index: base + k, score: v });
      }
    }
  }
  return peaks;
}

function isLocalMax(heat: Float32Array, gw: number, gh: number, nc: number, row: number, col: number, k: number, v: number): boolean {
  for (let r = Math.max(0, row - 1); r <= Math.min(gh - 1, row + 1); r++) {
    for (let c = Math.max(0, col - 1); c <= Math.min(gw - 1, col + 1); c++) {
      if (heat[(r * gw + c) * nc + k]! > v) return false;
    }
  }
  return true;
}

/** Check {@link CenterNetDecodeOptions}; throws an InputError naming `where` and the bad field. */
export function validateCenterNetDecodeOptions(options: CenterNetDecodeOptions, where: string): void {
  const { minScore, maxDetections, iouThreshold, labels } = options;
  if (typeof minScore !== "number" || !(minScore > 0 && minScore <= 1)) throw new InputError(where, "minScore", minScore, "must be in (0, 1]");
  if (!Number.isInteger(maxDetections) || maxDetections < 1) throw new InputError(where, "maxDetections", maxDetections, "must be a positive integer");
  if (typeof iouThreshold !== "number" || !(iouThreshold >= 0 && iouThreshold <= 1)) throw new InputError(where, "iouThreshold", iouThreshold, "must be in [0, 1]");
  if (labels !== undefined && labels.length === 0) throw new InputError(where, "labels", labels, "must name at least one class");
}
