import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrainProgress } from "../model/index.js";
import { runCli } from "./testing/run-cli.js";
import { splitOverrides, TrainProgressLine } from "./train.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "n3d-cli-train-"));
  const synth = await runCli(["synth", "--out", join(dir, "data"), "--count", "3", "--size", "64x48", "--objects", "2-4"]);
  expect(synth.code, synth.err).toBe(0);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tiny = ["--config", "tiny", "--set", "batchSize=2", "--set", "textLength=80", "--set", "warmupSteps=1", "--threads", "1"];

describe("n3d train", () => {
  it("trains a tiny stage-1 model on a repository, resumes it, and starts stage 2 from it", async () => {
    const out = join(dir, "m1");
    const first = await runCli(["train", "--stage", "1", "--data", join(dir, "data"), ...tiny, "--steps", "3", "--out", out]);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/^trained stage 1 to step 3, 3 steps this run, last loss \d+\.\d{4}, \d+ ms\/step, [\d.]+ samples\/s; model folder .*m1 \(weights\.bin [\d.]+ MB, prefill\.onnx [\d.]+ MB, step\.onnx [\d.]+ MB\)\n$/);
    expect(first.err).toMatch(/train stage 1 \[#+\.*\] 1\/3 loss \d+\.\d{3} lr 1\.0e-3 [\d.]+ samples\/s \d+ ms\/step ETA/);
    const config = JSON.parse(await readFile(join(out, "config.json"), "utf8")) as { config: { dModel: number }; training: { steps: number } };
    expect(config.config.dModel).toBe(48);
    expect(config.training.steps).toBe(3);

    const again = await runCli(["train", "--stage", "1", "--data", join(dir, "data"), ...tiny, "--steps", "3", "--out", out]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already holds a training run.*pass --resume/);
    const more = await runCli(["train", "--stage", "1", "--data", join(dir, "data"), ...tiny, "--steps", "5", "--out", out, "--resume"]);
    expect(more.code, more.err).toBe(0);
    expect(more.out).toMatch(/^trained stage 1 to step 5, 2 steps this run/);
    expect((await readFile(join(out, "training.jsonl"), "utf8")).trim().split("\n")).toHaveLength(5);

    const noInit = await runCli(["train", "--stage", "2", "--data", "synth:4", ...tiny, "--steps", "2", "--out", join(dir, "m2")]);
    expect(noInit.code).toBe(2);
    expect(noInit.err).toMatch(/--init = "missing": stage 2 starts from a stage-1 model folder/);
    const stage2 = await runCli(["train", "--stage", "2", "--data", join(dir, "data"), ...tiny, "--steps", "2", "--out", join(dir, "m2"), "--init", out]);
    expect(stage2.code, stage2.err).toBe(0);
    expect(stage2.out).toMatch(/^trained stage 2 to step 2/);
  });

  it("rejects unknown --set keys and bad values with the lists of what there is", async () => {
    const bad = await runCli(["train", "--stage", "1", "--data", "synth", "--config", "tiny", "--set", "lyers=2", "--steps", "1", "--out", join(dir, "x")]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--set: lyers = "2": is neither a model config field \(inputWidth.*\) nor a training setting \(batchSize.*\)/);
    expect(() => splitOverrides(["peakLr=fast"])).toThrow(/peakLr = "fast": must be a number/);
    expect(splitOverrides(["layers=2", "batchSize=4", "depthPE=false"])).toEqual({ model: { layers: 2, depthPE: false }, train: { batchSize: 4 } });
    const badData = await runCli(["train", "--stage", "1", "--data", join(dir, "nowhere"), "--config", "tiny", "--steps", "1", "--out", join(dir, "y")]);
    expect(badData.code).toBe(2);
    expect(badData.err).toMatch(/nowhere.*does not exist/);
  });

  it("prints progress every 5% off a terminal, and redraws one line on a terminal", () => {
    const p = (step: number): TrainProgress => ({ step, totalSteps: 100, startStep: 0, loss: 2, lr: 1e-3, gradNorm: 1, stepMs: 500, samplesPerSecond: 16, etaSeconds: 5 * (100 - step) });
    let log = "";
    const plain = new TrainProgressLine(1, (t) => void (log += t), false);
    for (let s = 1; s <= 100; s++) plain.update(p(s));
    expect(log.trim().split("\n")).toHaveLength(21); // step 1, then each 5%
    expect(log).toMatch(/100\/100 loss 2\.000 lr 1\.0e-3 16\.0 samples\/s 500 ms\/step ETA 0s\n$/);
    let tty = "";
    new TrainProgressLine(1, (t) => void (tty += t), true).update(p(100));
    expect(tty).toMatch(/^\r.*\x1b\[K\n$/);
  });
});
