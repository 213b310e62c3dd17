// `npm run bench -- graph`: how fast the tensor engine trains, against baselines measured in the
// same run on the same machine:
// - the ceiling: a float32 1024 x 1024 @ 1024 x 1024 MatMul in onnxruntime-node, 1 and 2 threads;
// - the reference transformer (4 layers, d_model 256, 4 heads, FFN 1024, vocab 1024, seq 128,
//   batch 16): ms per training step with both state strategies (sampled in turns), achieved
//   GFLOP/s (matmul FLOPs from transformerTrainFlops), and the forward-only inference graph;
// - the same training step in @tensorflow/tfjs-core on the wasm backend (a child process, see
//   graph-tfjs.ts), as shipped and with explicitly transposed matmul gradients;
// - the process's peak RSS during the onnxruntime training steps;
// - where the step's time goes: onnxruntime's profiler, kernel time by op type (graph-profile.ts).
// `quick` shrinks everything to a smoke test of a few seconds: MatMul 256, a 1-layer transformer
// (d_model 64, 2 heads, FFN 256, vocab 256, seq 32, batch 4), few samples. Not for quoting.
import { cpus, loadavg } from "node:os";
import { encodeOnnxModel } from "../../src/onnx-proto.js";
import { transformerForwardFlops, transformerTrainFlops, type TransformerConfig } from "../../src/graph/reference-transformer.js";
import { Session } from "../../src/graph/runtime/session.js";
import { tokenBatch, transformerFixture } from "../../src/graph/runtime/testing.js";
import { DEFAULT_STATE_STRATEGY, Trainer, type StateStrategy } from "../../src/graph/runtime/trainer.js";
import { measureMatMulPeak, type MatMulPeak } from "./graph-matmul.js";
import { profileTrainStep } from "./graph-profile.js";
import { measureTfjsInChild, type TfjsBenchResult, type TfjsVariant } from "./graph-tfjs.js";

/** The reference transformer of the targets. */
export const REFERENCE_CONFIG: TransformerConfig = { layers: 4, dModel: 256, heads: 4, ffn: 1024, vocab: 1024, seq: 128, batch: 16 };
/** The smoke-test transformer of `quick`. */
export const QUICK_CONFIG: TransformerConfig = { layers: 1, dModel: 64, heads: 2, ffn: 256, vocab: 256, seq: 32, batch: 4 };

/** PyTorch 1.13's CPU training step for the reference transformer on this machine class, ms (the brief's number). */
const PYTORCH_STEP_MS = 250;
const PEAK_RSS_LIMIT_BYTES = 2e9;

interface Plan {
  readonly cfg: TransformerConfig;
  readonly matmulN: number;
  readonly matmulRuns: number;
  readonly warmupSteps: number;
  readonly timedSteps: number;
  readonly forwardRuns: number;
  readonly tfjsWarmup: Readonly<Record<TfjsVariant, number>>;
  readonly tfjsTimed: Readonly<Record<TfjsVariant, number>>;
}

const PLANS: Readonly<Record<"full" | "quick", Plan>> = {
  full: {
    cfg: REFERENCE_CONFIG, matmulN: 1024, matmulRuns: 21, warmupSteps: 3, timedSteps: 15, forwardRuns: 15,
    // The as-shipped tfjs step takes ~20 s here: a few samples are all it can afford.
    tfjsWarmup: { "as-shipped": 1, "explicit-transpose": 1 }, tfjsTimed: { "as-shipped": 3, "explicit-transpose": 5 },
  },
  quick: {
    cfg: QUICK_CONFIG, matmulN: 256, matmulRuns: 5, warmupSteps: 2, timedSteps: 5, forwardRuns: 5,
    tfjsWarmup: { "as-shipped": 1, "explicit-transpose": 1 }, tfjsTimed: { "as-shipped": 2, "explicit-transpose": 2 },
  },
};

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Time the training step with both strategies, in turns, 2 threads; also the peak RSS. */
async function measureTraining(plan: Plan): Promise<{ ms: Record<StateStrategy, number[]>; loss: number; peakRssBytes: number; sampledRssBytes: number; baseRssBytes: number }> {
  const { graph, trainStep } = transformerFixture(plan.cfg);
  const baseRssBytes = process.memoryUsage().rss;
  const strategies: StateStrategy[] = ["feed", "bound"];
  const trainers = await Promise.all(strategies.map((strategy) => Trainer.create(trainStep, graph.initialParams(1), { strategy, session: { threads: 2 } })));
  const ms: Record<StateStrategy, number[]> = { feed: [], bound: [] };
  let sampledRssBytes = 0;
  let loss = Number.NaN;
  try {
    for (let s = 1; s <= plan.warmupSteps + plan.timedSteps; s++) {
      const batch = tokenBatch(plan.cfg, 1, s);
      for (const trainer of s % 2 === 0 ? [...trainers].reverse() : trainers) {
        const t0 = performance.now();
        const r = await trainer.step(batch, 1e-3);
        const elapsed = performance.now() - t0;
        sampledRssBytes = Math.max(sampledRssBytes, process.memoryUsage().rss);
        if (!Number.isFinite(r.loss)) throw new Error(`bench: ${trainer.strategy} step ${s}: loss ${r.loss}`);
        if (s > plan.warmupSteps) ms[trainer.strategy].push(elapsed);
        loss = r.loss;
      }
    }
  } finally {
    for (const t of trainers) await t.release();
  }
  return { ms, loss, peakRssBytes: process.resourceUsage().maxRSS * 1024, sampledRssBytes, baseRssBytes };
}

/** Median ms of the forward-only inference graph (logits) at the same batch, 2 threads. */
async function measureForward(plan: Plan): Promise<number> {
  const { graph } = transformerFixture(plan.cfg);
  const session = await Session.create(encodeOnnxModel(graph.toInferenceModel({ outputs: ["logits"], params: graph.initialParams(1) })), { threads: 2 });
  const logits = new Float32Array(plan.cfg.batch * plan.cfg.seq * plan.cfg.vocab);
  const times: number[] = [];
  try {
    for (let i = 0; i < 2 + plan.forwardRuns; i++) {
      const { tokens } = tokenBatch(plan.cfg, 2, i + 1);
      const t0 = performance.now();
      await session.run({ tokens: tokens! }, { into: { logits } });
      if (i >= 2) times.push(performance.now() - t0);
    }
  } finally {
    await session.release();
  }
  return median(times);
}

const fmt = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");
const pass = (ok: boolean): string => (ok ? "PASS" : "FAIL");

/**
 * Run the tensor-engine benchmark. Returns a Markdown-ish table and flat figures (numbers in ms,
 * GFLOP/s, bytes; strings for what ran and pass/fail).
 */
export async function runGraphBench(options: { quick: boolean }): Promise<{ table: string; figures: Record<string, number | string> }> {
  const plan = PLANS[options.quick ? "quick" : "full"];
  const cfg = plan.cfg;
  const loadBefore = loadavg()[0]!;

  const peaks: MatMulPeak[] = [];
  for (const threads of [1, 2]) peaks.push(await measureMatMulPeak(plan.matmulN, threads, plan.matmulRuns));
  const [peak1, peak2] = peaks as [MatMulPeak, MatMulPeak];

  const training = await measureTraining(plan);
  const trainFlops = transformerTrainFlops(cfg);
  const stepMs = { feed: median(training.ms.feed), bound: median(training.ms.bound) };
  const best: StateStrategy = stepMs.feed <= stepMs.bound ? "feed" : "bound";
  const ortMs = stepMs[DEFAULT_STATE_STRATEGY];
  const gflops = (ms: number): number => trainFlops / (ms * 1e6);
  const forwardMs = await measureForward(plan);
  const fixture = transformerFixture(cfg);
  const profile = await profileTrainStep(fixture.trainStep, fixture.graph.initialParams(1), tokenBatch(cfg, 1, 1), options.quick ? 2 : 3, 2);
  const topOps = profile.ops.slice(0, 8).map((o) => `${o.op} ${fmt(o.msPerStep)} ms (${fmt(100 * o.share, 0)}%)`).join(", ");

  const tfjs: Partial<Record<TfjsVariant, TfjsBenchResult>> = {};
  const tfjsErrors: string[] = [];
  for (const variant of ["explicit-transpose", "as-shipped"] as const) {
    try {
      tfjs[variant] = await measureTfjsInChild({ config: cfg, variant, threads: 2, warmupSteps: plan.tfjsWarmup[variant], timedSteps: plan.tfjsTimed[variant], lr: 1e-3, seed: 1 });
    } catch (err) {
      tfjsErrors.push(`${variant}: ${(err as Error).message}`);
    }
  }
  const tfjsMs = (v: TfjsVariant): number => median(tfjs[v]?.stepMs ?? []);
  const tfjsBestMs = Math.min(tfjsMs("explicit-transpose"), tfjsMs("as-shipped"));
  const tfjsInfo = tfjs["explicit-transpose"] ?? tfjs["as-shipped"];

  const targets = {
    gflopsVsPeak: gflops(ortMs) >= 0.4 * peak2.gflops,
    speedupVsTfjs: tfjsBestMs / ortMs >= 5,
    fasterThanPytorch: ortMs < PYTORCH_STEP_MS,
    peakMemory: training.peakRssBytes < PEAK_RSS_LIMIT_BYTES,
  };

  const cfgText = `${cfg.layers} layers, d_model ${cfg.dModel}, ${cfg.heads} heads, FFN ${cfg.ffn}, vocab ${cfg.vocab}, seq ${cfg.seq}, batch ${cfg.batch}`;
  const mb = (bytes: number): string => `${fmt(bytes / 2 ** 20, 0)} MiB`;
  const lines = [
    `## Tensor engine (${options.quick ? "quick smoke run, not for quoting" : "reference transformer"})`,
    `${cpus()[0]?.model.trim() ?? "cpu"} x ${cpus().length}; load average ${fmt(loadBefore, 2)} before, ${fmt(loadavg()[0]!, 2)} after. Model: ${cfgText}; ` +
      `${fmt(trainFlops / 1e9, 2)} GFLOP per training step (matmuls, 3x forward).`,
    "",
    "| what | median | GFLOP/s | notes |",
    "|---|---:|---:|---|",
    `| MatMul ${plan.matmulN}² ort, 1 thread | ${fmt(peak1.medianMs, 2)} ms | ${fmt(peak1.gflops)} | ${peak1.runs} runs |`,
    `| MatMul ${plan.matmulN}² ort, 2 threads | ${fmt(peak2.medianMs, 2)} ms | ${fmt(peak2.gflops)} | the ceiling the step is held to |`,
    ...(["feed", "bound"] as const).map((s) =>
      `| train step ort, state "${s}", 2 threads | ${fmt(stepMs[s])} ms | ${fmt(gflops(stepMs[s]))} | ${training.ms[s].length} steps${s === DEFAULT_STATE_STRATEGY ? ", default" : ""}${s === best ? ", faster here" : ""} |`),
    `| forward only (inference graph), 2 threads | ${fmt(forwardMs)} ms | ${fmt(transformerForwardFlops(cfg) / (forwardMs * 1e6))} | logits [${cfg.batch * cfg.seq}, ${cfg.vocab}] |`,
    ...(["explicit-transpose", "as-shipped"] as const).map((v) =>
      `| train step tfjs-wasm (${tfjs[v]?.binary ?? "did not run"}, ${tfjs[v]?.threads ?? 0} thread), ${v} | ${fmt(tfjsMs(v))} ms | ${fmt(gflops(tfjsMs(v)))} | ${tfjs[v]?.stepMs.length ?? 0} steps; ort is ${fmt(tfjsMs(v) / ortMs)}x faster |`),
    "",
    `Kernel time by op type (onnxruntime profiler, ${fmt(profile.kernelMsPerStep)} ms/step in all): ${topOps}.`,
    `Peak RSS during the ort training steps (two trainers alive): ${mb(training.peakRssBytes)} (maxRSS), sampled max ${mb(training.sampledRssBytes)}, ${mb(training.baseRssBytes)} before the trainers.`,
    `tfjs: threaded-simd ${tfjsInfo?.threadedError === "" ? "ran" : `did not start (${tfjsInfo?.threadedError ?? "n/a"})`}; ${(tfjsInfo?.notes ?? []).join("; ")}.`,
    ...(tfjsErrors.length > 0 ? [`tfjs failures: ${tfjsErrors.join(" | ")}`] : []),
    "",
    "Targets (default strategy):",
    `- ${pass(targets.gflopsVsPeak)} step ${fmt(gflops(ortMs))} GFLOP/s >= 40% of the 2-thread MatMul peak (${fmt(0.4 * peak2.gflops)})`,
    `- ${pass(targets.speedupVsTfjs)} ${fmt(tfjsBestMs / ortMs)}x faster than the faster tfjs-wasm step (target 5x)`,
    `- ${pass(targets.fasterThanPytorch)} ${fmt(ortMs)} ms/step < ${PYTORCH_STEP_MS} ms (PyTorch 1.13 CPU)`,
    `- ${pass(targets.peakMemory)} peak RSS ${mb(training.peakRssBytes)} < 2 GB`,
  ];

  const figures: Record<string, number | string> = {
    config: JSON.stringify(cfg),
    quick: options.quick ? "yes" : "no",
    loadAverageBefore: loadBefore,
    matmulN: plan.matmulN,
    matmul1tMs: peak1.medianMs,
    matmul1tGflops: peak1.gflops,
    matmul2tMs: peak2.medianMs,
    matmul2tGflops: peak2.gflops,
    trainFlops,
    stepFeedMs: stepMs.feed,
    stepBoundMs: stepMs.bound,
    stepFeedGflops: gflops(stepMs.feed),
    stepBoundGflops: gflops(stepMs.bound),
    defaultStrategy: DEFAULT_STATE_STRATEGY,
    fasterStrategyThisRun: best,
    forwardMs,
    forwardGflops: transformerForwardFlops(cfg) / (forwardMs * 1e6),
    tfjsBinary: tfjsInfo?.binary ?? "none",
    tfjsThreadedError: tfjsInfo?.threadedError ?? "",
    tfjsExplicitTransposeMs: tfjsMs("explicit-transpose"),
    tfjsAsShippedMs: tfjsMs("as-shipped"),
    speedupVsTfjsBest: tfjsBestMs / ortMs,
    speedupVsTfjsAsShipped: tfjsMs("as-shipped") / ortMs,
    profileKernelMsPerStep: profile.kernelMsPerStep,
    profileTopOps: topOps,
    peakRssBytes: training.peakRssBytes,
    sampledRssBytes: training.sampledRssBytes,
    targetGflopsVsPeak: pass(targets.gflopsVsPeak),
    targetSpeedupVsTfjs: pass(targets.speedupVsTfjs),
    targetFasterThanPytorch: pass(targets.fasterThanPytorch),
    targetPeakMemory: pass(targets.peakMemory),
  };
  return { table: lines.join("\n"), figures };
}
