/**
 * A minimal training-step runner for tests (the real one lives in runtime/): one onnxruntime
 * session, state kept as plain arrays, outputs fed back as the next step's inputs.
 */
import * as ort from "onnxruntime-node";
import { LR_INPUT, STEP_INPUT, stateInputNames, stateOutputNames, type TrainStep } from "../train-step.js";
import type { HostArray } from "./harness.js";

/** A session running one training step at a time, with its state. */
export interface TestTrainer {
  /** Parameter and moment arrays by input name (P, P/m, P/v). */
  readonly state: Map<string, Float32Array>;
  /** Run one step (1-based `step`); returns every output of the step. */
  step(data: Record<string, HostArray>, lr: number, step: number): Promise<Record<string, HostArray>>;
  release(): Promise<void>;
}

/** A trainer for `ts` starting from `params` and zero moments. */
export async function createTestTrainer(ts: TrainStep, params: ReadonlyMap<string, Float32Array>, threads = 1): Promise<TestTrainer> {
  const session = await ort.InferenceSession.create(ts.bytes(), { intraOpNumThreads: threads, graphOptimizationLevel: "all" });
  const state = new Map<string, Float32Array>();
  for (const p of ts.paramNames) {
    const [v, m, s] = stateInputNames(p);
    const value = params.get(p)!;
    state.set(v, Float32Array.from(value));
    state.set(m, new Float32Array(value.length));
    state.set(s, new Float32Array(value.length));
  }
  const types = { float32: "float32", int64: "int64", int32: "int32", bool: "bool" } as const;
  return {
    state,
    async step(data, lr, step) {
      const feeds: Record<string, ort.Tensor> = {
        [LR_INPUT]: new ort.Tensor("float32", new Float32Array([lr]), []),
        [STEP_INPUT]: new ort.Tensor("float32", new Float32Array([step]), []),
      };
      for (const input of ts.dataInputs) feeds[input.name] = new ort.Tensor(types[input.dtype], data[input.name]!, input.shape);
      for (const p of ts.paramNames) for (const n of stateInputNames(p)) feeds[n] = new ort.Tensor("float32", state.get(n)!, ts.paramShapes.get(p)!);
      const out = await session.run(feeds);
      for (const p of ts.paramNames) {
        const outs = stateOutputNames(p);
        stateInputNames(p).forEach((n, i) => state.set(n, out[outs[i]!]!.data as Float32Array));
      }
      return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as HostArray]));
    },
    release: () => session.release(),
  };
}
