import { join } from "node:path";
import sharp from "sharp";
import * as tf from "@tensorflow/tfjs-core";
import type { GraphModel } from "@tensorflow/tfjs-converter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imageBox2D, intersectBox2D } from "../geometry/index.js";
import { COCO80_LABELS } from "./coco-labels.js";
import { decodeCenterNet } from "./decode.js";
import { CENTERNET_PACKAGE, centerNetModelPath, loadGraphModelFromFile } from "./model-io.js";
import { resizeToNetworkInput } from "./preprocess.js";
import { initWasmBackend, resolvePackageDir } from "./tfjs-wasm.js";

// The reference for decodeCenterNet is the model's own decoding baked into the graph:
// `tower_0/detections` [1, 100, 6] = top-100 of (keypoints where MaxPool3x3(keypoints) == keypoints),
// rows (x1, y1, x2, y2, score, class) in network-input pixels. With the image at the network's size
// (scale 1) and NMS off, our decoding must give the same boxes, scores and classes.

const INPUT = { width: 512, height: 512 };
let graph: GraphModel;

beforeAll(async () => {
  await initWasmBackend();
  graph = await loadGraphModelFromFile(centerNetModelPath(), CENTERNET_PACKAGE);
});

afterAll(() => graph.dispose());

describe("decodeCenterNet against the graph's own decoding", () => {
  // One image: the graph's TopK over all 128 * 128 * 80 scores takes about a second on wasm.
  it("agrees on the group photo", async () => {
    const region = { left: 0, top: 200, width: 1280, height: 958 };
    const samples = join(resolvePackageDir(CENTERNET_PACKAGE, "test"), "assets", "samples.jpg");
    const { data, info } = await sharp(samples).extract(region).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const pixels = resizeToNetworkInput({ rgb: new Uint8Array(data), size: { width: info.width, height: info.height } }, INPUT);
    const [heat, ltrb, reference] = tf.tidy(() => {
      const outs = graph.execute({ "tower_0/images": tf.tensor4d(pixels, [1, 512, 512, 3]) }, ["tower_0/keypoints", "tower_0/wh", "tower_0/detections"]) as tf.Tensor[];
      return outs.map((t) => t.dataSync()) as [Float32Array, Float32Array, Float32Array];
    });
    const minScore = 0.1;
    const ours = decodeCenterNet({ gridSize: { width: 128, height: 128 }, heatmap: heat, ltrbPx: ltrb }, INPUT, INPUT, {
      minScore,
      maxDetections: 100,
      iouThreshold: 1,
    });

    const expected = [];
    for (let r = 0; r < 100; r++) {
      const [x1, y1, x2, y2, score, cls] = reference.subarray(r * 6, r * 6 + 6) as unknown as number[];
      if (score! < minScore) break;
      const box = x2! > x1! && y2! > y1! ? intersectBox2D({ x1: x1!, y1: y1!, x2: x2!, y2: y2! }, imageBox2D(INPUT)) : null;
      if (box !== null) expected.push({ label: COCO80_LABELS[cls!], score: score!, box });
    }
    expect(expected.length).toBeGreaterThan(2);
    expect(ours.length).toBe(expected.length);
    for (const [i, e] of expected.entries()) {
      const o = ours[i]!;
      expect(o.label).toBe(e.label);
      expect(o.score).toBeCloseTo(e.score, 6);
      for (const k of ["x1", "y1", "x2", "y2"] as const) expect(o.box[k]).toBeCloseTo(e.box[k], 3);
    }
  });
});
