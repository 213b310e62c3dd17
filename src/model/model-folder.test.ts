import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CachedLogits, greedyDecode } from "./generate.js";
import { checkGraphShapes, MODEL_FILES, readModelFolder, writeModelFolder } from "./model-folder.js";
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
  it("round-trips: the folder's graphs generate what the in-memory graphs generate", async () => {
    const out = join(dir, "m");
    const written = await writeModelFolder(out, { cfg: TINY, tokenizer, params, training: { stage: 1 } });
    const folder = await readModelFolder(out);
    expect(folder.cfg).toEqual(TINY);
    expect(folder.tokenizer.json).toEqual(tokenizer.json);
    expect(folder.json).toMatchObject({ format: "n3d-model", version: 1, vocabSize: V, training: { stage: 1 }, files: { prefillBytes: written.prefillBytes } });

    const fromDisk = await CachedLogits.create(folder.cfg, folder.tokenizer.size, folder.prefillPath, folder.stepPath, { threads: 1 });
    const inMemory = await cachedSource(TINY, V, params);
    try {
      checkGraphShapes(folder.cfg, V, fromDisk.signatures.prefill, fromDisk.signatures.step, out);
      const samples = await sampleStream(2, TINY, { stage: 2, source: tinySource(), tokenizer }).batch(0, 3);
      for (const s of samples) {
        const prefix = { pixels: s.pixels, depthPE: s.depthPE, promptIds: s.promptIds };
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

    // Graphs of a wider model under this config.json: caught before any generation.
    const other = join(dir, "wide");
    const wide = { ...TINY, dModel: 60, heads: 2 };
    await writeModelFolder(other, { cfg: wide, tokenizer, params: loudParams(wide, V, 4) });
    await writeModelFolder(out, { cfg: TINY, tokenizer, params });
    await copyFile(join(other, MODEL_FILES.step), join(out, MODEL_FILES.step));
    const folder = await readModelFolder(out);
    const source = await CachedLogits.create(folder.cfg, V, folder.prefillPath, folder.stepPath, { threads: 1 });
    try {
      expect(() => checkGraphShapes(folder.cfg, V, source.signatures.prefill, source.signatures.step, out)).toThrow(/step\.onnx input past_key_0 shape = "\[1, 2, 124, 30\]": config\.json implies \[1, 2, 124, 24\]/);
    } finally {
      await source.release();
    }
  });
});
