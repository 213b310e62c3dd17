import { join, resolve } from "node:path";
import { Worker } from "node:worker_threads";
import { env as transformersEnv } from "@huggingface/transformers";
import { AutoConfig } from "@huggingface/transformers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { InputError } from "../errors.js";
import { intrinsicsFromFov } from "../geometry/index.js";
import type { ImageSize } from "../geometry/index.js";
import { createRng } from "../random.js";
import { writeDepthPng16, writeImagePng } from "../rgbd/index.js";
import { makeTempDir } from "../rgbd/testing/fixtures.js";
import { createDepthBackend, DEFAULT_MODEL_FOV_X_DEG, METRIC3D_CANONICAL_FOCAL_PX } from "./index.js";
import { IDENTITY_PREPROCESSOR, tinyRaw, writeTinyDepthModel } from "./testing/tiny-depth-model.js";
import type { TinyDepthModel, TinyDepthModelOptions } from "./testing/tiny-depth-model.js";
import { NETWORK_REFUSED } from "./transformers-offline.js";
import type { DepthBackend, DepthRequest, DepthResult } from "./types.js";

const SIZE: ImageSize = { width: 12, height: 9 };
const K = { fx: 500, fy: 500, cx: 5.5, cy: 4 };

let root: string;
let cleanup: () => Promise<void>;
let imagePath: string;
let rgb: Uint8Array;
const opened: DepthBackend[] = [];

beforeAll(async () => {
  ({ dir: root, cleanup } = await makeTempDir());
  const rng = createRng(11);
  rgb = Uint8Array.from({ length: SIZE.width * SIZE.height * 3 }, () => rng.int(256));
  imagePath = join(root, "image.png");
  await writeImagePng(imagePath, { size: SIZE, rgb });
});
afterAll(async () => {
  for (const b of opened) await b.dispose();
  await cleanup();
});

let count = 0;
async function model(options: TinyDepthModelOptions): Promise<TinyDepthModel> {
  return writeTinyDepthModel(join(root, `tiny-${options.modelType ?? "depth_anything"}-${count++}`), options);
}

async function backend(m: TinyDepthModel, options: Parameters<typeof createDepthBackend>[1] = {}): Promise<DepthBackend> {
  const b = await createDepthBackend(`onnx:${m.dir}`, { threads: 1, ...options });
  opened.push(b);
  return b;
}

function request(extra: Partial<DepthRequest> = {}): DepthRequest {
  return { imagePath, size: SIZE, ...extra };
}

/** The tiny model's raw output at every image pixel when pixel_values = rgb / 255. */
function rawAtPixels(m: TinyDepthModel): number[] {
  const out: number[] = [];
  for (let i = 0; i < SIZE.width * SIZE.height; i++) out.push(tinyRaw(m, [rgb[3 * i]! / 255, rgb[3 * i + 1]! / 255, rgb[3 * i + 2]! / 255]));
  return out;
}

function expectClose(actual: Float32Array, expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!), `pixel ${i}`).toBeLessThan(1e-5 * Math.max(1, expected[i]!));
}

function expectUsableDepth(r: DepthResult): void {
  expect(r.size).toEqual(SIZE);
  expect(r.depthM).toHaveLength(SIZE.width * SIZE.height);
  for (const z of r.depthM) expect(Number.isFinite(z) && z > 0).toBe(true);
}

describe("onnx depth source (tiny random-weight model through transformers)", () => {
  it("runs a Depth-Anything-style folder end to end: image size out, finite positive depth, relative recorded", async () => {
    const m = await model({ halfResolution: true }); // 28 px keep-aspect resize, multiple of 14, ImageNet stats
    const b = await backend(m);
    expect(b.name).toBe(`onnx:${m.dir.slice(root.length + 1)}`);
    const r = await b.depthFor(request({ gravity: [0, 1, 0] }));
    expectUsableDepth(r);
    expect(r).toMatchObject({ source: b.name, metric: false, intrinsicsSource: "fov", gravity: [0, 1, 0] });
    expect(r.intrinsics).toEqual(intrinsicsFromFov((DEFAULT_MODEL_FOV_X_DEG * Math.PI) / 180, SIZE));
    expect(r.pointsM).toBeUndefined();
  });

  it("gives a metric model's output unchanged, pixel for pixel (slow reference through the weights)", async () => {
    const m = await model({ config: { depth_estimation_type: "metric" }, preprocessor: IDENTITY_PREPROCESSOR });
    const r = await (await backend(m)).depthFor(request({ intrinsics: K }));
    expect(r).toMatchObject({ metric: true, intrinsics: K, intrinsicsSource: "dataset" });
    expectClose(r.depthM, rawAtPixels(m));
  });

  it("turns relative disparity into depth = hint * median / d (not metric)", async () => {
    const m = await model({ preprocessor: IDENTITY_PREPROCESSOR });
    const raw = rawAtPixels(m);
    const sorted = [...raw].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1]!; // 108 pixels: even count, mean of the middle two
    const medianEven = (sorted[(sorted.length >> 1) - 1]! + median) / 2;
    const r = await (await backend(m, { depthScaleHintM: 2 })).depthFor(request());
    expect(r.metric).toBe(false);
    expectClose(r.depthM, raw.map((d) => (2 * medianEven) / d));
  });

  it("rescales Metric3D's canonical-camera depth by fx / 1000 and Depth Pro's by fx / its own focal", async () => {
    const m3d = await model({ modelType: "metric3d", preprocessor: IDENTITY_PREPROCESSOR });
    const r3d = await (await backend(m3d)).depthFor(request({ intrinsics: K }));
    expect(r3d.metric).toBe(true);
    expectClose(r3d.depthM, rawAtPixels(m3d).map((z) => (z * K.fx) / METRIC3D_CANONICAL_FOCAL_PX));

    const pro = await model({ modelType: "depth_pro", preprocessor: IDENTITY_PREPROCESSOR, focalLengthPx: 250 });
    const flagK = { fx: 1000, fy: 1000, cx: 5.5, cy: 4 };
    const rPro = await (await backend(pro, { intrinsics: flagK })).depthFor(request());
    expect(rPro).toMatchObject({ metric: true, intrinsicsSource: "flag" });
    expectClose(rPro.depthM, rawAtPixels(pro).map((z) => (z * flagK.fx) / 250));
  });

  it("undoes right/bottom padding of the model input", async () => {
    const m = await model({
      config: { depth_estimation_type: "metric" },
      preprocessor: { ...IDENTITY_PREPROCESSOR, do_pad: true, pad_size: { width: 20, height: 16 } },
    });
    const r = await (await backend(m)).depthFor(request());
    expectClose(r.depthM, rawAtPixels(m));
  });

  it("never reaches the network: transformers is local-only and its fetch refuses", async () => {
    const b = await backend(await model({}));
    expect(transformersEnv.allowRemoteModels).toBe(false);
    expect(transformersEnv.useFSCache).toBe(false);
    await expect(transformersEnv.fetch("https://huggingface.co/x/y/resolve/main/config.json")).rejects.toThrow(NETWORK_REFUSED);
    const envFetch = vi.spyOn(transformersEnv, "fetch");
    const globalFetch = vi.spyOn(globalThis, "fetch");
    await b.depthFor(request());
    // A hub id is not downloaded: the lookup fails locally without any fetch.
    await expect(AutoConfig.from_pretrained("n3d-tests/not-a-local-model")).rejects.toThrow(/local/);
    expect(envFetch).not.toHaveBeenCalled();
    expect(globalFetch).not.toHaveBeenCalled();
  });

  it("rejects what it cannot run with one line naming the thing", async () => {
    await expect(createDepthBackend(`onnx:${join(root, "absent")}`)).rejects.toThrow(/absent: model folder = .*does not exist/);
    const noModel = await model({ omit: ["onnx/model.onnx"] });
    await expect(createDepthBackend(`onnx:${noModel.dir}`)).rejects.toThrow(`${resolve(noModel.dir)}: onnx/model.onnx = "missing"`);
    const oddProcessor = await model({ preprocessor: { ...IDENTITY_PREPROCESSOR, image_processor_type: "FancyImageProcessor" } });
    await expect(createDepthBackend(`onnx:${oddProcessor.dir}`)).rejects.toThrow(/image_processor_type = "FancyImageProcessor": is not an image processor/);
    const proWithoutFocal = await model({ modelType: "depth_pro", preprocessor: IDENTITY_PREPROCESSOR });
    await expect(createDepthBackend(`onnx:${proWithoutFocal.dir}`)).rejects.toThrow(/outputs = "predicted_depth": a depth_pro model must also output focallength_px/);

    const b = await backend(await model({}));
    const wrongSize = b.depthFor(request({ size: { width: 10, height: 9 } }));
    await expect(wrongSize).rejects.toThrow(/image\.png: size = "12x9": does not match the dataset's 10x9/);
    await expect(wrongSize).rejects.toBeInstanceOf(InputError);
    await b.dispose();
    await expect(b.depthFor(request())).rejects.toThrow(/was disposed/);
  });

  it("can be created and run inside worker threads, one back end per worker", async () => {
    const m = await model({ halfResolution: true });
    const depthPath = join(root, "depth.png");
    await writeDepthPng16(depthPath, new Float32Array(SIZE.width * SIZE.height).fill(2), SIZE, 1000);
    const code = `
      const { parentPort, workerData } = await import("node:worker_threads");
      const { tsImport } = await import("tsx/esm/api");
      const depth = await tsImport(workerData.index, import.meta.url);
      const model = await depth.createDepthBackend("onnx:" + workerData.dir, { threads: 1 });
      const sensor = await depth.createDepthBackend("sensor", { fovXDeg: 60 });
      const request = { imagePath: workerData.imagePath, size: workerData.size, depthPath: workerData.depthPath };
      const a = await model.depthFor(request);
      const b = await sensor.depthFor(request);
      await model.dispose();
      parentPort.postMessage({ model: Array.from(a.depthM), sensor: b.depthM[0] });
    `;
    const data = { index: resolve("src/depth/index.ts"), dir: m.dir, imagePath, depthPath, size: SIZE };
    const runOne = () =>
      new Promise<{ model: number[]; sensor: number }>((done, fail) => {
        const worker = new Worker(code, { eval: true, workerData: data });
        worker.once("message", done);
        worker.once("error", fail);
        worker.once("exit", (code) => fail(new Error(`depth worker exited with code ${code} before answering`)));
      });
    const [first, second] = await Promise.all([runOne(), runOne()]);
    const here = await (await backend(m)).depthFor(request());
    expect(first!.model).toEqual(Array.from(here.depthM));
    expect(second!.model).toEqual(first!.model);
    expect(first!.sensor).toBe(2);
  });
});
