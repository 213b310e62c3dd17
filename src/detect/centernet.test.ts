import { join } from "node:path";
import sharp from "sharp";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { imageBox2D } from "../geometry/index.js";
import { COCO80_LABELS } from "./coco-labels.js";
import { DEFAULT_CENTERNET_MIN_SCORE, loadCenterNet } from "./centernet.js";
import type { CenterNetDetector } from "./centernet.js";
import { CENTERNET_PACKAGE } from "./model-io.js";
import { resolvePackageDir } from "./tfjs-wasm.js";
import type { Detection, DetectorImage } from "./types.js";

// The only real photographs in node_modules: human's assets/samples.jpg, a 1280 x 1158 collage of
// its sample images (a row of thumbnails over a group photo with human's overlays drawn on it).
const SAMPLES = join(resolvePackageDir(CENTERNET_PACKAGE, "test"), "assets", "samples.jpg");

async function crop(region: { left: number; top: number; width: number; height: number }, size?: { width: number; height: number }): Promise<DetectorImage> {
  let pipeline = sharp(SAMPLES).extract(region);
  if (size) pipeline = pipeline.resize(size.width, size.height, { fit: "fill" });
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.length), size: { width: info.width, height: info.height } };
}

function expectWellFormed(dets: readonly Detection[], image: DetectorImage, minScore: number): void {
  const region = imageBox2D(image.size);
  for (const [i, d] of dets.entries()) {
    expect(COCO80_LABELS).toContain(d.label);
    expect(d.score).toBeGreaterThanOrEqual(minScore);
    expect(d.score).toBeLessThanOrEqual(1);
    for (const v of [d.box.x1, d.box.y1, d.box.x2, d.box.y2]) expect(Number.isFinite(v)).toBe(true);
    expect(d.box.x1).toBeGreaterThanOrEqual(region.x1);
    expect(d.box.y1).toBeGreaterThanOrEqual(region.y1);
    expect(d.box.x2).toBeLessThanOrEqual(region.x2);
    expect(d.box.y2).toBeLessThanOrEqual(region.y2);
    expect(d.box.x2).toBeGreaterThan(d.box.x1);
    expect(d.box.y2).toBeGreaterThan(d.box.y1);
    if (i > 0) expect(d.score).toBeLessThanOrEqual(dets[i - 1]!.score);
  }
}

let detector: CenterNetDetector;
let loadMs: number;
let groupPhoto: DetectorImage; // 640 x 480

beforeAll(async () => {
  const start = performance.now();
  detector = await loadCenterNet();
  loadMs = performance.now() - start;
  groupPhoto = await crop({ left: 0, top: 200, width: 1280, height: 958 }, { width: 640, height: 480 });
});

afterAll(async () => {
  await detector.dispose();
});

describe("loadCenterNet", () => {
  it("loads the shipped model offline on the wasm backend", () => {
    expect(loadMs).toBeLessThan(5000);
    expect(detector.name).toBe("centernet");
    expect(detector.labels).toBe(COCO80_LABELS);
    expect(detector.inputSize).toEqual({ width: 512, height: 512 });
    expect(detector.backend.backend).toBe("wasm");
    expect(detector.backend.threads).toBe(1);
  });

  it("refuses more than one wasm thread instead of ignoring it", async () => {
    await expect(loadCenterNet({ threads: 4 })).rejects.toThrow("loadCenterNet: threads = 4: must be 1");
    await expect(loadCenterNet({ iouThreshold: -1 })).rejects.toThrow(/iouThreshold = -1/);
  });
});

describe("CenterNetDetector.detect", () => {
  it("returns well-formed detections on a 640x480 photo within a few seconds, without leaking tensors", async () => {
    const before = tf.memory().numTensors;
    const start = performance.now();
    const dets = await detector.detect(groupPhoto, { minScore: 0.1 });
    expect(performance.now() - start).toBeLessThan(5000);
    expect(tf.memory().numTensors).toBe(before);
    expect(dets.length).toBeGreaterThan(3);
    expectWellFormed(dets, groupPhoto, 0.1);
    expect(dets.filter((d) => d.label === "person").length).toBeGreaterThan(3); // a group photo of people

    const capped = await detector.detect(groupPhoto, { minScore: 0.1, maxDetections: 2 });
    expect(capped).toEqual(dets.slice(0, 2));
    const strict = await detector.detect(groupPhoto);
    expectWellFormed(strict, groupPhoto, DEFAULT_CENTERNET_MIN_SCORE);
    expect(strict).toEqual(dets.filter((d) => d.score >= DEFAULT_CENTERNET_MIN_SCORE));
  });

  it("finds the person and the glass in a real photo", async () => {
    // Thumbnail of a man at a restaurant table: his face is near (122, 32), a water glass near (42, 107).
    const image = await crop({ left: 324, top: 0, width: 212, height: 156 });
    const dets = await detector.detect(image);
    expectWellFormed(dets, image, DEFAULT_CENTERNET_MIN_SCORE);
    const contains = (d: Detection, u: number, v: number) => d.box.x1 <= u && u <= d.box.x2 && d.box.y1 <= v && v <= d.box.y2;
    const person = dets.find((d) => d.label === "person");
    expect(person?.score).toBeGreaterThan(0.5);
    expect(contains(person!, 122, 32)).toBe(true);
    expect(person!.box.y2 - person!.box.y1).toBeGreaterThan(0.5 * image.size.height);
    expect(dets.some((d) => d.label === "cup" && contains(d, 42, 107))).toBe(true);
  });

  it("gives the raw outputs of the graph without leaking tensors", async () => {
    const before = tf.memory().numTensors;
    const out = await detector.infer(groupPhoto);
    expect(tf.memory().numTensors).toBe(before);
    expect(out.gridSize).toEqual({ width: 128, height: 128 });
    expect(out.heatmap.length).toBe(128 * 128 * 80);
    expect(out.ltrbPx.length).toBe(128 * 128 * 4);
    expect(out.heatmap.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it("rejects malformed images and options before running the network", async () => {
    const before = tf.memory().numTensors;
    await expect(detector.detect({ rgb: new Uint8Array(10), size: { width: 4, height: 4 } })).rejects.toThrow(InputError);
    await expect(detector.detect(groupPhoto, { minScore: 0 })).rejects.toThrow("CenterNetDetector.detect: minScore = 0: must be in (0, 1]");
    await expect(detector.detect(groupPhoto, { maxDetections: 1.5 })).rejects.toThrow(/maxDetections = 1.5/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

// Runs last (vitest runs a file's tests in order): it disposes the file's one detector.
describe("CenterNetDetector.dispose", () => {
  it("frees the weights once and refuses to detect afterwards", async () => {
    const loaded = tf.memory().numTensors;
    await detector.dispose();
    expect(tf.memory().numTensors).toBeLessThan(loaded);
    await detector.dispose();
    await expect(detector.detect(groupPhoto)).rejects.toThrow("the detector was disposed");
  });
});
