// Where a training step's time goes: onnxruntime's own profiler (enableProfiling) over a few
// steps of the train-step model, kernel time summed by op type. Profiling adds a little overhead
// per node, so these shares explain the step time; they are not a second measurement of it.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { LR_INPUT, STEP_INPUT, stateInputNames, type TrainStep } from "../../src/graph/train-step.js";
import type { Batch } from "../../src/graph/runtime/trainer.js";

/** Kernel time of one op type, per step. */
export interface OpShare {
  readonly op: string;
  readonly msPerStep: number;
  readonly share: number;
}

interface ProfileEvent {
  readonly cat?: string;
  readonly name?: string;
  readonly dur?: number;
  readonly args?: { readonly op_name?: string };
}

/**
 * Run `steps` profiled steps (after one unprofiled-in-spirit warm-up that is discarded) of the
 * training step from `params` with zero moments, and sum kernel microseconds by op type.
 */
export async function profileTrainStep(trainStep: TrainStep, params: ReadonlyMap<string, Float32Array>, batch: Batch, steps: number, threads: number): Promise<{ ops: OpShare[]; kernelMsPerStep: number }> {
  const dir = await mkdtemp(join(tmpdir(), "n3d-ortprof-"));
  try {
    const session = await ort.InferenceSession.create(trainStep.bytes(), {
      intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: "all", executionMode: "sequential",
      enableProfiling: true, profileFilePrefix: join(dir, "profile"), logSeverityLevel: 3,
    });
    const feeds: Record<string, ort.Tensor> = {};
    for (const d of trainStep.dataInputs) {
      const data = batch[d.name]!;
      feeds[d.name] = data instanceof BigInt64Array ? new ort.Tensor("int64", data, d.shape) : new ort.Tensor("float32", data, d.shape);
    }
    feeds[LR_INPUT] = new ort.Tensor("float32", Float32Array.of(1e-3), []);
    feeds[STEP_INPUT] = new ort.Tensor("float32", Float32Array.of(1), []);
    for (const p of trainStep.paramNames) {
      const shape = trainStep.paramShapes.get(p)!;
      const value = params.get(p)!;
      const [pName, mName, vName] = stateInputNames(p);
      feeds[pName] = new ort.Tensor("float32", value, shape);
      feeds[mName] = new ort.Tensor("float32", new Float32Array(value.length), shape);
      feeds[vName] = new ort.Tensor("float32", new Float32Array(value.length), shape);
    }
    for (let i = 0; i < 1 + steps; i++) await session.run(feeds);
    session.endProfiling();
    await session.release();
    const file = (await readdir(dir)).find((f) => f.endsWith(".json"));
    if (file === undefined) throw new Error("onnxruntime wrote no profile");
    const events = JSON.parse(await readFile(join(dir, file), "utf8")) as ProfileEvent[];
    // Kernel events in run order; drop the first run's (warm-up) by counting per-run node totals.
    const kernels = events.filter((e) => e.cat === "Node" && e.name?.endsWith("_kernel_time") === true);
    const perRun = kernels.length / (1 + steps);
    const byOp = new Map<string, number>();
    let totalUs = 0;
    kernels.slice(Math.round(perRun)).forEach((e) => {
      const op = e.args?.op_name ?? "?";
      byOp.set(op, (byOp.get(op) ?? 0) + (e.dur ?? 0));
      totalUs += e.dur ?? 0;
    });
    const ops = [...byOp].map(([op, us]) => ({ op, msPerStep: us / 1000 / steps, share: us / totalUs })).sort((a, b) => b.msPerStep - a.msPerStep);
    return { ops, kernelMsPerStep: totalUs / 1000 / steps };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
