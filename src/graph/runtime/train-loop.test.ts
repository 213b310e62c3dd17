import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCheckpoint } from "../checkpoint.js";
import { warmupCosineLr } from "../lr-schedule.js";
import { TINY_TRANSFORMER, tokenBatch, transformerFixture } from "./testing.js";
import { resumeFromCheckpoint, trainLoop, type LogEntry } from "./train-loop.js";
import { Trainer } from "./trainer.js";

const fixture = transformerFixture();
const init = fixture.graph.initialParams(3);
const config = { ...TINY_TRANSFORMER, seed: 3 };
const DATA_SEED = 77;
const batches = (step: number) => tokenBatch(TINY_TRANSFORMER, DATA_SEED, step);
const schedule = (step: number) => warmupCosineLr(step, { peakLr: 1e-2, warmupSteps: 2, totalSteps: 6, minLr: 1e-3 });

const bytesOf = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "n3d-loop-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("trainLoop", () => {
  it("resumes bit-exactly: 6 steps straight = 3 steps, checkpoint, new trainer, 3 steps", async () => {
    // Two threads, as the default: resume must be exact with the threading the loop really uses.
    const straight = await Trainer.create(fixture.trainStep, init, { session: { threads: 2 } });
    await trainLoop({ trainer: straight, batches, totalSteps: 6, schedule });

    const path = join(dir, "half.safetensors");
    const first = await Trainer.create(fixture.trainStep, init, { session: { threads: 2 } });
    const half = await trainLoop({ trainer: first, batches, totalSteps: 3, schedule, checkpointPath: path, config, dataSeed: DATA_SEED });
    expect(half).toMatchObject({ stepsCompleted: 3, stepsRun: 3, reason: "done" });
    await first.release();

    const second = await Trainer.create(fixture.trainStep, fixture.graph.initialParams(999), { session: { threads: 2 } });
    const resumed = await resumeFromCheckpoint(second, path, config);
    expect(resumed).toEqual({ step: 3, dataSeed: DATA_SEED });
    const rest = await trainLoop({ trainer: second, batches: (s) => tokenBatch(TINY_TRANSFORMER, resumed.dataSeed, s), totalSteps: 6, schedule });
    expect(rest).toMatchObject({ stepsCompleted: 6, stepsRun: 3 });

    const a = straight.snapshot();
    const b = second.snapshot();
    for (const [name, p] of a.params) {
      expect(bytesOf(b.params.get(name)!.value), name).toEqual(bytesOf(p.value));
      expect(bytesOf(b.params.get(name)!.m), name).toEqual(bytesOf(p.m));
      expect(bytesOf(b.params.get(name)!.v), name).toEqual(bytesOf(p.v));
    }
    await straight.release();
    await second.release();
  });

  it("logs every step with the scheduled rate, evaluates and checkpoints on their cadence", async () => {
    const trainer = await Trainer.create(fixture.trainStep, init, { session: { threads: 1 } });
    const log: LogEntry[] = [];
    let evals = 0;
    const path = join(dir, "cadence.safetensors");
    await trainLoop({
      trainer, batches, totalSteps: 5, schedule, config, checkpointPath: path, checkpointEvery: 2,
      evalEvery: 2, evalLoss: async () => ++evals, onLog: (e) => log.push(e),
    });
    expect(log.map((e) => e.step)).toEqual([1, 2, 3, 4, 5]);
    expect(log.map((e) => e.lr)).toEqual([1, 2, 3, 4, 5].map(schedule));
    expect(log.every((e) => e.ms > 0 && Number.isFinite(e.loss) && e.gradNorm > 0)).toBe(true);
    expect(log.map((e) => e.evalLoss)).toEqual([undefined, 1, undefined, 2, 3]);
    expect(log.map((e) => e.checkpoint !== undefined)).toEqual([false, true, false, true, true]);
    expect((await loadCheckpoint(path)).step).toBe(5);
    await trainer.release();
  });

  it("stops on abort after the current step and checkpoints where it stopped", async () => {
    const trainer = await Trainer.create(fixture.trainStep, init, { session: { threads: 1 } });
    const controller = new AbortController();
    const path = join(dir, "aborted.safetensors");
    const result = await trainLoop({
      trainer, batches, totalSteps: 6, schedule, config, checkpointPath: path, signal: controller.signal,
      onLog: (e) => e.step === 2 && controller.abort(),
    });
    expect(result).toMatchObject({ stepsCompleted: 2, stepsRun: 2, reason: "aborted" });
    expect((await loadCheckpoint(path)).step).toBe(2);
    await trainer.release();
  });

  it("refuses a checkpoint of another config when resuming, naming the key", async () => {
    const trainer = await Trainer.create(fixture.trainStep, init, { session: { threads: 1 } });
    const path = join(dir, "other.safetensors");
    await trainLoop({ trainer, batches, totalSteps: 1, schedule, config, checkpointPath: path });
    await expect(resumeFromCheckpoint(trainer, path, { ...config, ffn: 64 })).rejects.toThrow(
      `${path}: config.ffn = 32: checkpoint is of another model config: this model has config.ffn = 64`,
    );
    await trainer.release();
  });

  it("stops with a one-line error when the loss is not finite or the schedule is bad", async () => {
    const trainer = await Trainer.create(fixture.trainStep, init, { session: { threads: 1 } });
    await expect(trainLoop({ trainer, batches, totalSteps: 2, schedule: () => Number.NaN })).rejects.toThrow("trainLoop: schedule(1) = NaN: must be a finite learning rate >= 0");
    // A huge rate blows the parameters up; the loop must stop instead of logging NaN.
    await expect(trainLoop({ trainer, batches, totalSteps: 50, schedule: () => 1e30 })).rejects.toThrow(/trainLoop: loss at step \d+ = (NaN|Infinity): training diverged/);
    await expect(trainLoop({ trainer, batches, totalSteps: 2, schedule, checkpointPath: join(dir, "x") })).rejects.toThrow("trainLoop: config = undefined: is required with checkpointPath");
    await trainer.release();
  });
});
