import { mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeOnnxModel } from "../onnx-proto.js";
import { configHash } from "./checkpoint.js";
import { exportInferenceModel } from "./export.js";
import { Session } from "./runtime/session.js";
import { TINY_TRANSFORMER, tokenBatch, transformerFixture } from "./runtime/testing.js";
import { Trainer } from "./runtime/trainer.js";
import type { Graph } from "./graph.js";
import type { TransformerConfig } from "./reference-transformer.js";
import { writeWeightsFile } from "./weights-file.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "n3d-export-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("exportInferenceModel", () => {
  it("writes a file plain onnxruntime runs, matching the in-process forward of the trained params", async () => {
    const { graph, trainStep } = transformerFixture();
    const trainer = await Trainer.create(trainStep, graph.initialParams(5), { session: { threads: 1 } });
    for (let s = 1; s <= 3; s++) await trainer.step(tokenBatch(TINY_TRANSFORMER, 1, s), 1e-2);
    const params = trainer.paramValues();
    await trainer.release();

    const path = join(dir, "model.onnx");
    const result = await exportInferenceModel(graph, path, { params, outputs: ["logits"], config: TINY_TRANSFORMER, metadata: { "n3d.step": "3" } });
    expect(result).toMatchObject({ path, inputs: ["tokens"], outputs: ["logits"] });
    expect(result.bytes).toBeGreaterThan(4 * params.get("wte")!.length); // the weights are in the file

    const { tokens } = tokenBatch(TINY_TRANSFORMER, 9, 1);
    // The exported file, run by onnxruntime alone.
    const plain = await ort.InferenceSession.create(path);
    const dims = [TINY_TRANSFORMER.batch, TINY_TRANSFORMER.seq];
    const exported = (await plain.run({ tokens: new ort.Tensor("int64", tokens!, dims) })).logits!.data as Float32Array;
    await plain.release();

    // The in-process forward: the same graph with the parameters fed as inputs.
    const live = await Session.create(encodeOnnxModel(graph.toModel({ paramsAsInputs: true, outputs: ["logits"] })), { threads: 1 });
    const reference = (await live.run({ tokens: tokens!, ...Object.fromEntries(params) })).logits!.data as Float32Array;
    await live.release();

    expect(exported.length).toBe(TINY_TRANSFORMER.batch * TINY_TRANSFORMER.seq * TINY_TRANSFORMER.vocab);
    let maxDiff = 0;
    for (let i = 0; i < exported.length; i++) maxDiff = Math.max(maxDiff, Math.abs(exported[i]! - reference[i]!));
    expect(maxDiff).toBeLessThan(1e-5);
    // And the trained weights are what got baked in: the untrained model answers differently.
    const initPath = join(dir, "init.onnx");
    await exportInferenceModel(graph, initPath, { params: graph.initialParams(5), outputs: ["logits"] });
    const initSession = await ort.InferenceSession.create(initPath);
    const untrained = (await initSession.run({ tokens: new ort.Tensor("int64", tokens!, dims) })).logits!.data as Float32Array;
    await initSession.release();
    expect(Math.abs(untrained[0]! - exported[0]!)).toBeGreaterThan(1e-4);
  });

  it("stores the config and its hash in the model metadata", async () => {
    const { graph } = transformerFixture();
    const path = join(dir, "meta.onnx");
    await exportInferenceModel(graph, path, { params: graph.initialParams(1), config: TINY_TRANSFORMER });
    const bytes = new Uint8Array(await readFile(path));
    const text = new TextDecoder("latin1").decode(bytes);
    expect(text).toContain("n3d.config_hash");
    expect(text).toContain(configHash(TINY_TRANSFORMER));
  });

  it("names a missing parameter and leaves no file behind", async () => {
    const { graph } = transformerFixture();
    const params = graph.initialParams(1);
    params.delete("wpe");
    const path = join(dir, "broken.onnx");
    await expect(exportInferenceModel(graph, path, { params })).rejects.toThrow(/wpe/);
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
  });

  it("with a shared weights file, two graphs hold no weights, reference one copy, and run in plain onnxruntime", async () => {
    // Two different graphs over the same parameters: batch 2 and batch 1.
    const wide = transformerFixture();
    const narrowCfg: TransformerConfig = { ...TINY_TRANSFORMER, batch: 1 };
    const narrow = transformerFixture(narrowCfg);
    const params = wide.graph.initialParams(7);
    const shared = join(dir, "shared");
    await mkdir(shared);
    const weights = await writeWeightsFile(join(shared, "weights.bin"), params);
    const paramBytes = [...params.values()].reduce((n, v) => n + v.byteLength, 0);
    expect(weights.bytes).toBeGreaterThanOrEqual(paramBytes);
    expect(weights.bytes).toBeLessThan(paramBytes + 64 * params.size);

    const wte = params.get("wte")!;
    const wteBytes = Buffer.from(wte.buffer, wte.byteOffset, wte.byteLength);
    const runs: { graph: Graph; cfg: TransformerConfig; file: string }[] = [
      { graph: wide.graph, cfg: TINY_TRANSFORMER, file: "wide.onnx" },
      { graph: narrow.graph, cfg: narrowCfg, file: "narrow.onnx" },
    ];
    for (const { graph, cfg, file } of runs) {
      const path = join(shared, file);
      const result = await exportInferenceModel(graph, path, { params, weights, outputs: ["logits"] });
      const onnx = await readFile(path);
      expect(result.bytes).toBe(onnx.length);
      expect(result.bytes).toBeLessThan(paramBytes / 2); // the weights are not in the file
      expect(onnx.indexOf(wteBytes)).toBe(-1);
      expect(onnx.includes("weights.bin")).toBe(true);

      const { tokens } = tokenBatch(cfg, 9, 1);
      const plain = await ort.InferenceSession.create(path);
      const exported = (await plain.run({ tokens: new ort.Tensor("int64", tokens!, [cfg.batch, cfg.seq]) })).logits!.data as Float32Array;
      await plain.release();
      const live = await Session.create(encodeOnnxModel(graph.toModel({ paramsAsInputs: true, outputs: ["logits"] })), { threads: 1 });
      const reference = (await live.run({ tokens: tokens!, ...Object.fromEntries(params) })).logits!.data as Float32Array;
      await live.release();

      expect(exported.length).toBe(cfg.batch * cfg.seq * cfg.vocab);
      let maxDiff = 0;
      for (let i = 0; i < exported.length; i++) maxDiff = Math.max(maxDiff, Math.abs(exported[i]! - reference[i]!));
      expect(maxDiff).toBeLessThan(1e-5);
    }
  });

  it("refuses a weights file in another folder or written from other values, leaving no model file", async () => {
    const { graph } = transformerFixture();
    const params = graph.initialParams(2);
    const weights = await writeWeightsFile(join(dir, "weights.bin"), params);
    const elsewhere = join(dir, "elsewhere");
    await mkdir(elsewhere);
    await expect(exportInferenceModel(graph, join(elsewhere, "m.onnx"), { params, weights })).rejects.toThrow(/weights\.path = ".*weights\.bin": is not in the model's folder/);
    await expect(stat(join(elsewhere, "m.onnx"))).rejects.toThrow(/ENOENT/);

    const other = graph.initialParams(3);
    await expect(exportInferenceModel(graph, join(dir, "other.onnx"), { params: other, weights })).rejects.toThrow(/params = ".*": is not in .*weights\.bin with these values/);
    await expect(stat(join(dir, "other.onnx"))).rejects.toThrow(/ENOENT/);
  });
});
