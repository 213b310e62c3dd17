import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCheckpoint } from "../graph/checkpoint.js";
import { MODEL_FILES, readModelFolder } from "./model-folder.js";
import { TINY, tinySource } from "./testing/tiny-model.js";
import { fitToLength, readTrainingCurve, resolveTrainSettings, trainModel, type TrainOptions } from "./train.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "n3d-train-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base = (outDir: string, steps = 6): TrainOptions => ({
  stage: 1,
  cfg: TINY,
  data: { source: tinySource(3, 8), description: "synth:8 (64x48)" },
  steps,
  outDir,
  settings: { batchSize: 2, warmupSteps: 2, checkpointEvery: 4, textLength: 70 },
  threads: 2,
});

const bytesOf = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe("trainModel", () => {
  it("writes a model folder with its curve, and resumes a killed run to identical weights", async () => {
    const straightDir = join(dir, "straight");
    const straight = await trainModel(base(straightDir));
    expect(straight).toMatchObject({ stepsCompleted: 6, stepsRun: 6, reason: "done" });
    const folder = await readModelFolder(straightDir);
    expect(folder.cfg).toEqual(TINY);
    expect((await readTrainingCurve(straightDir)).map((l) => l.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await readFile(join(straightDir, MODEL_FILES.plot), "utf8")).toMatch(/^<svg[^]*polyline[^]*<\/svg>\n$/);

    // Killed after step 5 (a checkpoint was written at 4 by the cadence, and at 5 on abort).
    const killedDir = join(dir, "killed");
    const controller = new AbortController();
    const first = await trainModel({ ...base(killedDir), signal: controller.signal, onProgress: (p) => p.step === 5 && controller.abort() });
    expect(first).toMatchObject({ stepsCompleted: 5, reason: "aborted" });
    const resumed = await trainModel({ ...base(killedDir), resume: true });
    expect(resumed).toMatchObject({ stepsCompleted: 6, stepsRun: 1, reason: "done" });

    const a = await loadCheckpoint(join(straightDir, MODEL_FILES.checkpoint));
    const b = await loadCheckpoint(join(killedDir, MODEL_FILES.checkpoint));
    expect(b.step).toBe(6);
    for (const [name, p] of a.params) {
      expect(bytesOf(b.params.get(name)!.value), name).toEqual(bytesOf(p.value));
      expect(bytesOf(b.params.get(name)!.v), name).toEqual(bytesOf(p.v));
    }
    const curveA = await readTrainingCurve(straightDir);
    const curveB = await readTrainingCurve(killedDir);
    expect(curveB.map((l) => [l.step, l.loss])).toEqual(curveA.map((l) => [l.step, l.loss]));
  });

  it("refuses to overwrite a run, to resume nothing, and to resume with other settings", async () => {
    const runDir = join(dir, "guard");
    await trainModel(base(runDir, 2));
    await expect(trainModel(base(runDir, 2))).rejects.toThrow(/already holds a training run.*--resume/);
    await expect(trainModel({ ...base(join(dir, "empty")), resume: true })).rejects.toThrow(/nothing to resume/);
    await expect(trainModel({ ...base(runDir, 4), resume: true, settings: { ...base(runDir).settings, batchSize: 3 } })).rejects.toThrow(/settings.*the run being resumed/);
  });

  it("starts stage 2 from a stage-1 folder, and refuses an init folder of another config", async () => {
    const stage1 = join(dir, "s1");
    await trainModel(base(stage1, 2));
    const s2 = await trainModel({ ...base(join(dir, "s2"), 2), stage: 2, init: stage1 });
    expect(s2.stepsCompleted).toBe(2);
    expect((await readModelFolder(join(dir, "s2"))).tokenizer.json).toEqual((await readModelFolder(stage1)).tokenizer.json);
    await expect(trainModel({ ...base(join(dir, "s2b"), 2), stage: 2, init: stage1, cfg: { ...TINY, ffn: 64 } })).rejects.toThrow(/init ffn = 96: the --init model has this/);
  });

  it("validates settings and cuts over-long answers without touching ones that fit", () => {
    expect(() => resolveTrainSettings({ batchsize: 4 })).toThrow(/batchsize = 4: is not a training setting; choose one of batchSize/);
    expect(() => resolveTrainSettings({ minLr: 1 })).toThrow(/minLr = 1: must be in \[0, peakLr = 0.001\]/);
    const sample = { pixels: new Float32Array(0), depthPE: new Float32Array(0), patchDepth: new Float32Array(0), promptIds: new Int32Array(10), answerIds: Int32Array.from({ length: 30 }, (_, i) => i), meta: {} as never };
    expect(fitToLength(sample, 40)).toBe(sample);
    expect(Array.from(fitToLength(sample, 25).answerIds)).toEqual(Array.from({ length: 15 }, (_, i) => i));
  });
});
