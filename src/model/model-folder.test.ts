import { copyFile, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportInferenceModel } from "../graph/export.js";
import { CachedLogits, greedyDecode } from "./generate.js";
import { checkGraphShapes, MODEL_FILES, readFolderParams, readModelFolder, writeModelFolder } from "./model-folder.js";
import { buildStepGraph } from "./network.js";
import { sampleStream } from "./stage-data.js";
import { createTokenizer } from "./tokenizer.js";
import { cachedSource, loudParams, TINY, tinySource, tinyTokenizer } from "./testing/tiny-model.js";

const tokenizer = tinyTokenizer();
const V = tokenizer.size;
const params = loudParams(TINY, V, 4);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "n3d-folder-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("model folder", () => {
  it("gives its weights for --init from weights.bin when it has no checkpoint (a shipped folder)", async () => {
    const out = join(dir, "shipped");
    await writeModelFolder(out, { cfg: TINY, tokenizer, params, training: { stage: 1 } });
    const back = await readFolderParams(await readModelFolder(out));
    expect([...back.keys()].sort()).toEqual([...params.keys()].sort());
    for (const [name, values] of params) expect(back.get(name)).toEqual(values);
    await truncate(join(out, MODEL_FILES.weights), 100);
    await expect(readModelFolder(out)).rejects.toThrow(/weights\.bin: size \(bytes\) = 100: is not the \d+ bytes config\.json records/);
  });

  it("round-trips: the folder's graphs generate what the in-memory graphs generate", async () => {
    const out = join(dir, "m");
    const written = await writeModelFolder(out, { cfg: TINY, tokenizer, params, training: { stage: 1 } });
    const folder = await readModelFolder(out);
    expect(folder.cfg).toEqual(TINY);
    expect(folder.tokenizer.json).toEqual(tokenizer.json);
    expect(folder.json).toMatchObject({ format: "n3d-model", version: 1, vocabSize: V, training: { stage: 1 }, files: { prefillBytes: written.prefillBytes, weightsBytes: written.weightsBytes } });

    const fromDisk = await CachedLogits.create(folder.cfg, folder.tokenizer.size, folder.prefillPath, folder.stepPath, { threads: 1 });
    const inMemory = await cachedSource(TINY, V, params);
    try {
      checkGraphShapes(folder.cfg, V, fromDisk.signatures.prefill, fromDisk.signatures.step, out);
      const samples = await sampleStream(2, TINY, { stage: 2, source: tinySource(), tokenizer }).batch(0, 3);
      for (const s of samples) {
        const prefix = { pixels: s.pixels, depthPE: s.depthPE, patchDepth: s.patchDepth, promptIds: s.promptIds };
        const a = await greedyDecode(fromDisk, prefix, folder.tokenizer, folder.cfg, { mode: "grounding-first" });
        const b = await greedyDecode(inMemory, prefix, tokenizer, TINY, { mode: "grounding-first" });
        expect(a.ids).toEqual(b.ids);
        expect(a.logProbs).toEqual(b.logProbs);
      }
    } finally {
      await fromDisk.release();
      await inMemory.release();
    }
  });

  it("says how to train a model when the folder is missing or is not a model folder", async () => {
    await expect(readModelFolder(join(dir, "nope"))).rejects.toThrow(/model folder = ".*nope": does not exist; train one with `n3d train --stage 1/);
    await writeFile(join(dir, "empty.txt"), "");
    await expect(readModelFolder(dir)).rejects.toThrow(/no config\.json; it is not a model folder/);
  });

  it("refuses a folder of another version, an edited config, a foreign tokenizer, or graphs of another config", async () => {
    const out = join(dir, "v");
    await writeModelFolder(out, { cfg: TINY, tokenizer, params });
    const configPath = join(out, MODEL_FILES.config);
    const original = JSON.parse(await readFile(configPath, "utf8")) as Record<string, unknown>;
    const rewrite = (json: unknown) => writeFile(configPath, JSON.stringify(json));

    await rewrite({ ...original, version: 2 });
    await expect(readModelFolder(out)).rejects.toThrow(/version = 2: is not a supported model folder version; this n3d reads version 1/);
    await rewrite({ ...original, config: { ...TINY, layers: 2 } });
    await expect(readModelFolder(out)).rejects.toThrow(/configHash = ".*": does not match its config/);
    await rewrite({ ...original, config: { ...TINY, heads: 5 } });
    await expect(readModelFolder(out)).rejects.toThrow(/dModel = 48: must be a multiple of heads \(5\)/);
    await rewrite(original);
    await writeFile(join(out, MODEL_FILES.tokenizer), JSON.stringify(createTokenizer(TINY, { extraLabels: ["unicorn"] }).json));
    await expect(readModelFolder(out)).rejects.toThrow(/config\.json says the model has \d+ tokens; the tokenizer is from another model/);

    // Files of a wider model under this config.json, caught before any generation: its weights
    // file by its size, a step graph carrying its own weights by its shapes.
    const other = join(dir, "wide");
    const wide = { ...TINY, dModel: 60, heads: 2 };
    const wideParams = loudParams(wide, V, 4);
    await writeModelFolder(other, { cfg: wide, tokenizer, params: wideParams });
    await writeModelFolder(out, { cfg: TINY, tokenizer, params });
    await copyFile(join(other, MODEL_FILES.weights), join(out, MODEL_FILES.weights));
    await expect(readModelFolder(out)).rejects.toThrow(/weights\.bin: size \(bytes\) = \d+: is not the \d+ bytes config\.json records/);
    await writeModelFolder(out, { cfg: TINY, tokenizer, params });
    await exportInferenceModel(buildStepGraph(wide, V), join(out, MODEL_FILES.step), { params: wideParams });
    const folder = await readModelFolder(out);
    const source = await CachedLogits.create(folder.cfg, V, folder.prefillPath, folder.stepPath, { threads: 1 });
    try {
      expect(() => checkGraphShapes(folder.cfg, V, source.signatures.prefill, source.signatures.step, out)).toThrow(/step\.onnx input past_key_0 shape = "\[1, 2, 124, 30\]": config\.json implies \[1, 2, 124, 24\]/);
    } finally {
      await source.release();
    }
  });

  it("stores the weights once in weights.bin, which both small graphs reference, and plain onnxruntime loads them by path", async () => {
    const out = join(dir, "shared");
    const written = await writeModelFolder(out, { cfg: TINY, tokenizer, params });
    expect((await readdir(out)).sort()).toEqual([MODEL_FILES.config, MODEL_FILES.prefill, MODEL_FILES.step, MODEL_FILES.tokenizer, MODEL_FILES.weights].sort());
    const paramBytes = [...params.values()].reduce((n, v) => n + v.byteLength, 0);
    expect(written.weightsBytes).toBeGreaterThanOrEqual(paramBytes);
    expect(written.weightsBytes).toBeLessThan(paramBytes + 64 * params.size);
    expect((await stat(join(out, MODEL_FILES.weights))).size).toBe(written.weightsBytes);
    for (const [file, bytes] of [[MODEL_FILES.prefill, written.prefillBytes], [MODEL_FILES.step, written.stepBytes]] as const) {
      expect((await stat(join(out, file))).size).toBe(bytes);
      expect(bytes).toBeLessThan(paramBytes / 4); // no weights inside
      const plain = await ort.InferenceSession.create(join(out, file));
      expect(plain.inputNames.length).toBeGreaterThan(0);
      await plain.release();
    }
  });

  it("refuses a folder whose weights.bin is missing or truncated, in one line naming the file and sizes", async () => {
    const out = join(dir, "cut");
    const written = await writeModelFolder(out, { cfg: TINY, tokenizer, params });
    const weightsPath = join(out, MODEL_FILES.weights);
    await truncate(weightsPath, written.weightsBytes - 100);
    const error = await readModelFolder(out).then(
      () => null,
      (err: unknown) => err as Error,
    );
    expect(error?.message).toMatch(new RegExp(`^.*weights\\.bin: size \\(bytes\\) = ${written.weightsBytes - 100}: is not the ${written.weightsBytes} bytes config\\.json records; the file is truncated or from another model$`));
    expect(error?.message).not.toContain("\n");
    await rm(weightsPath);
    await expect(readModelFolder(out)).rejects.toThrow(/weights\.bin: file = ".*weights\.bin": missing; both inference graphs read their weights from it/);
  });
});
