// The compact model's speed and size: `npm run bench -- model [--quick]`, or on its own
// `npx tsx scripts/bench/model.ts [--quick] [--threads N] [--batch B]`.
// - training: ms per optimizer step and samples/s of the small preset at batch B (default 8),
//   text length 240 (every answer the config allows) and 160 (synth scenes up to 12 objects),
//   stage-1 batches from synth scenes; the step alone, and the step with its batch made in turn;
// - grounding: one 320x240 synth frame with 8 objects, vision inputs + prefill + 81 decoded tokens
//   (the 8 boxes' answer, teacher-forced so untrained weights decode the full length) through the
//   model folder's ONNX files with the key/value cache, then the boxes decoded and checked for depth
//   support as ModelGrounder.ground does; median and spread over repeated frames;
// - size: weights.bin, prefill.onnx and step.onnx of the small preset.
// `--quick` uses the tiny preset and few repetitions (a smoke run, not for quoting).
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Trainer } from "../../src/graph/runtime/trainer.js";
import {
  CachedLogits,
  collate,
  countSupport,
  decodeBox,
  DEFAULT_TRAIN_SETTINGS,
  buildNetworkTrainStep,
  createTokenizer,
  greedyDecode,
  initialNetworkParams,
  readModelFolder,
  resolveModelConfig,
  sampleStream,
  softTargets,
  supportPoints,
  synthSource,
  trainingFeeds,
  visionInputs,
  writeModelFolder,
  type ModelConfig,
} from "../../src/model/index.js";

/** Options of {@link runModelBench}. */
export interface ModelBenchOptions {
  /** Tiny preset and few repetitions: a smoke run, not for quoting. */
  readonly quick: boolean;
  /** onnxruntime threads (default 2). */
  readonly threads?: number;
  /** Training batch size (default the training default, 8). */
  readonly batch?: number;
}

interface Flags {
  readonly quick: boolean;
  readonly threads: number;
  readonly batch: number;
}

function parseFlags(argv: readonly string[]): Flags {
  let quick = false;
  let threads = 2;
  let batch = DEFAULT_TRAIN_SETTINGS.batchSize;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--quick") quick = true;
    else if (a === "--threads") threads = Number(argv[++i]);
    else if (a === "--batch") batch = Number(argv[++i]);
    else throw new Error(`bench model: unknown flag ${a}; usage: [--quick] [--threads N] [--batch B]`);
  }
  if (!(Number.isInteger(threads) && threads >= 1 && Number.isInteger(batch) && batch >= 1)) throw new Error("bench model: --threads and --batch take integers >= 1");
  return { quick, threads, batch };
}

function stats(xs: readonly number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s.at(-1)! };
}

const fmt = (x: number, digits = 1): string => x.toFixed(digits);

async function benchTraining(cfg: ModelConfig, flags: Flags, textLength: number): Promise<{ stepMs: ReturnType<typeof stats>; withDataMs: ReturnType<typeof stats>; samplesPerSecond: number }> {
  const source = synthSource({ seed: 1 });
  const tokenizer = createTokenizer(cfg);
  const stream = sampleStream(0, cfg, { stage: 1, source, tokenizer });
  const targets = softTargets(tokenizer, cfg, DEFAULT_TRAIN_SETTINGS.binSmoothing);
  const { trainStep } = buildNetworkTrainStep(cfg, tokenizer.size, { batch: flags.batch, textLength }, DEFAULT_TRAIN_SETTINGS, targets.support);
  const trainer = await Trainer.create(trainStep, initialNetworkParams(cfg, tokenizer.size, 0), { session: { threads: flags.threads } });
  const fit = (n: number) => Math.min(n, textLength);
  const feedsOf = async (step: number) => {
    const samples = (await stream.batch(step * flags.batch, flags.batch)).map((s) => (s.promptIds.length + s.answerIds.length <= textLength ? s : { ...s, answerIds: s.answerIds.slice(0, fit(textLength - s.promptIds.length)) }));
    return trainingFeeds(collate(samples, cfg, { padTo: textLength }), cfg, targets);
  };
  const warmup = flags.quick ? 2 : 3;
  const timed = flags.quick ? 4 : 12;
  const stepMs: number[] = [];
  const withDataMs: number[] = [];
  try {
    for (let s = 0; s < warmup + timed; s++) {
      const t0 = performance.now();
      const feeds = await feedsOf(s);
      const t1 = performance.now();
      await trainer.step(feeds, 1e-4);
      const t2 = performance.now();
      if (s >= warmup) {
        stepMs.push(t2 - t1);
        withDataMs.push(t2 - t0);
      }
    }
  } finally {
    await trainer.release();
  }
  const w = stats(withDataMs);
  return { stepMs: stats(stepMs), withDataMs: w, samplesPerSecond: (flags.batch * 1000) / w.median };
}

async function benchGrounding(cfg: ModelConfig, flags: Flags, dir: string): Promise<{ objects: number; totalMs: ReturnType<typeof stats>; visionMs: number; prefillMs: number; decodeMs: number; boxesMs: number; tokens: number; prefillBytes: number; stepBytes: number; weightsBytes: number }> {
  const tokenizer = createTokenizer(cfg);
  const written = await writeModelFolder(dir, { cfg, tokenizer, params: initialNetworkParams(cfg, tokenizer.size, 0) });
  const folder = await readModelFolder(dir);
  const objects = flags.quick ? 4 : 8; // tiny's 64 answer tokens hold 5 boxes
  const source = synthSource({ seed: 2, minObjects: objects, maxObjects: objects });
  const stream = sampleStream(0, cfg, { stage: 1, source, tokenizer, groundShare: 0 });
  let sample = await stream.sample(0);
  for (let i = 1; sample.meta.objects.length !== objects; i++) sample = await stream.sample(i);
  const { frame } = await source.load(Number(sample.meta.sceneId.split("#")[1]));
  const cached = await CachedLogits.create(folder.cfg, tokenizer.size, folder.prefillPath, folder.stepPath, { threads: flags.threads });
  const runs = flags.quick ? 3 : 15;
  const totals: number[] = [];
  const parts: { v: number; p: number; d: number; b: number }[] = [];
  try {
    for (let r = 0; r < runs + 2; r++) {
      const t0 = performance.now();
      const vision = visionInputs(frame, cfg);
      const t1 = performance.now();
      const d = await greedyDecode(cached, { pixels: vision.patches, depthPE: vision.depthPE, patchDepth: vision.patchDepthM, promptIds: sample.promptIds }, tokenizer, cfg, { mode: "boxes", force: Array.from(sample.answerIds) });
      const t2 = performance.now();
      // What ModelGrounder.ground does after decoding: boxes from bins, depth support per box.
      const points = supportPoints(frame);
      for (const o of d.answer.objects) countSupport(points, decodeBox(o.bins, frame.intrinsics, frame.size, cfg));
      const t3 = performance.now();
      if (r >= 2) {
        totals.push(t3 - t0);
        parts.push({ v: t1 - t0, p: d.prefillMs, d: d.decodeMs, b: t3 - t2 });
      }
    }
  } finally {
    await cached.release();
  }
  const mid = (key: "v" | "p" | "d" | "b") => stats(parts.map((x) => x[key])).median;
  return { objects, totalMs: stats(totals), visionMs: mid("v"), prefillMs: mid("p"), decodeMs: mid("d"), boxesMs: mid("b"), tokens: sample.answerIds.length, ...written };
}

/**
 * Run the model benchmark (see the file comment). Returns a Markdown-ish table and flat figures
 * (times in ms, rates per second, sizes in bytes; strings for what ran).
 */
export async function runModelBench(options: ModelBenchOptions): Promise<{ table: string; figures: Record<string, number | string> }> {
  const flags: Flags = { quick: options.quick, threads: options.threads ?? 2, batch: options.batch ?? DEFAULT_TRAIN_SETTINGS.batchSize };
  if (!(Number.isInteger(flags.threads) && flags.threads >= 1 && Number.isInteger(flags.batch) && flags.batch >= 1)) {
    throw new Error(`bench model: threads = ${flags.threads}, batch = ${flags.batch}: both must be integers >= 1`);
  }
  const preset = flags.quick ? "tiny" : "small";
  const cfg = resolveModelConfig(preset);
  const textMax = cfg.maxPromptTokens + cfg.maxAnswerTokens;
  const cpu = cpus();
  const loadBefore = loadavg()[0]!;
  const figures: Record<string, number | string> = { preset, quick: flags.quick ? "yes" : "no", threads: flags.threads, batch: flags.batch, loadAverageBefore: loadBefore };
  const rows: string[] = [];
  for (const T of flags.quick ? [textMax] : [textMax, 160]) {
    const r = await benchTraining(cfg, flags, T);
    rows.push(`| train step, T=${T} | ${fmt(r.stepMs.median)} ms | ${fmt(r.stepMs.min)} .. ${fmt(r.stepMs.max)} ms | the optimizer step alone |`);
    rows.push(`| train step with its batch made, T=${T} | ${fmt(r.withDataMs.median)} ms | ${fmt(r.withDataMs.min)} .. ${fmt(r.withDataMs.max)} ms | ${fmt(r.samplesPerSecond, 2)} samples/s |`);
    Object.assign(figures, {
      [`trainT${T}StepMs`]: r.stepMs.median,
      [`trainT${T}StepMinMs`]: r.stepMs.min,
      [`trainT${T}StepMaxMs`]: r.stepMs.max,
      [`trainT${T}WithBatchMs`]: r.withDataMs.median,
      [`trainT${T}SamplesPerS`]: r.samplesPerSecond,
    });
  }
  const dir = await mkdtemp(join(tmpdir(), "n3d-bench-model-"));
  try {
    const g = await benchGrounding(cfg, flags, dir);
    rows.push(
      `| ground one frame, ${g.objects} objects | ${fmt(g.totalMs.median)} ms | ${fmt(g.totalMs.min)} .. ${fmt(g.totalMs.max)} ms | ` +
        `${g.tokens} answer tokens: vision ${fmt(g.visionMs)} + prefill ${fmt(g.prefillMs)} + decode ${fmt(g.decodeMs)} + boxes and depth support ${fmt(g.boxesMs)} ms |`,
    );
    rows.push(`| size | ${fmt((g.weightsBytes + g.prefillBytes + g.stepBytes) / 1e6, 2)} MB | | weights.bin ${fmt(g.weightsBytes / 1e6, 2)} MB, prefill.onnx ${fmt(g.prefillBytes / 1e6, 2)} MB, step.onnx ${fmt(g.stepBytes / 1e6, 2)} MB |`);
    Object.assign(figures, {
      groundObjects: g.objects,
      groundAnswerTokens: g.tokens,
      groundMs: g.totalMs.median,
      groundMinMs: g.totalMs.min,
      groundMaxMs: g.totalMs.max,
      groundVisionMs: g.visionMs,
      groundPrefillMs: g.prefillMs,
      groundDecodeMs: g.decodeMs,
      groundBoxesMs: g.boxesMs,
      prefillOnnxBytes: g.prefillBytes,
      stepOnnxBytes: g.stepBytes,
      weightsBinBytes: g.weightsBytes,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const table = [
    `## Compact model (${flags.quick ? "tiny preset, quick smoke run, not for quoting" : "small preset"})`,
    `${cpu[0]?.model.trim() ?? "cpu"} x ${cpu.length}; ${flags.threads} onnxruntime threads, batch ${flags.batch}; load average ${fmt(loadBefore, 2)} before, ${fmt(loadavg()[0]!, 2)} after.`,
    "",
    "| what | median | min .. max | notes |",
    "|---|---:|---:|---|",
    ...rows,
  ].join("\n");
  return { table, figures };
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const { table } = await runModelBench(flags);
  process.stdout.write(`${table}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
