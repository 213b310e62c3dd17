import { mkdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fsutil.js";
import { canonicalJson, type JsonValue } from "../graph/checkpoint.js";
import { warmupCosineLr } from "../graph/lr-schedule.js";
import { resumeFromCheckpoint, trainLoop, type LogEntry } from "../graph/runtime/train-loop.js";
import { Trainer } from "../graph/runtime/trainer.js";
import type { ModelConfig } from "./config.js";
import { MODEL_FILES, readFolderParams, readModelFolder, writeModelFolder, type WrittenModel } from "./model-folder.js";
import { boxTokenSlots, buildNetworkTrainStep, initialNetworkParams, trainingFeeds, type NetworkFeeds, type PatchBoxTargets, type PatchLabelAux } from "./network.js";
import type { TrainingSample } from "./samples.js";
import { softTargets } from "./soft-targets.js";
import { collate, DEFAULT_STREAM_OPTIONS, sampleStream, STREAM_OPTION_REASONS, type SceneSource } from "./stage-data.js";
import { createTokenizer, parseTokenizerJson, serializeTokenizer, type Tokenizer } from "./tokenizer.js";
import { appendTrainingLog, lossCurveSvg, readTrainingLog, truncateTrainingLog, type TrainingLogLine } from "./training-log.js";

/**
 * Training stages, nanoGPT-style and linear: build the training-step graph once, then per step:
 * the batch of that step (a pure function of (seed, step): samples (step - 1) * B ... step * B - 1
 * of the stage's deterministic stream), the learning rate (linear warm-up, cosine to minLr), one
 * optimizer step; every `checkpointEvery` steps: checkpoint (weights, AdamW moments, step, data
 * seed), the log lines since the last one, the inference graphs and the loss plot, all into the
 * model folder. A killed run resumes from its last checkpoint with `resume: true` and reaches
 * bit-identical weights (tested).
 *
 * Stage 1 (localization): detect-all and ground-a-category prompts from scratch. Stage 2 (grounded
 * reasoning): questions mixed with a share of stage-1 samples, starting from a stage-1 folder's
 * weights (`init`), with that folder's tokenizer.
 */

/** Training settings (not part of the model): every field has a default and a reason. */
export interface TrainSettings {
  /** Samples per optimizer step. */
  readonly batchSize: number;
  /** Text positions per sample in the training graph; 0 = maxPromptTokens + maxAnswerTokens. */
  readonly textLength: number;
  /** Learning rate at the end of warm-up. */
  readonly peakLr: number;
  /** Learning rate at the last step. */
  readonly minLr: number;
  readonly warmupSteps: number;
  /** AdamW decoupled weight decay on matrices and embeddings. */
  readonly weightDecay: number;
  readonly beta2: number;
  /** Global gradient-norm clip. */
  readonly clipGradNorm: number;
  /** Steps between checkpoints (and model exports). */
  readonly checkpointEvery: number;
  /** Seed of the initial weights and of the data order. */
  readonly seed: number;
  /** Stage 2: share of stage-1 samples mixed in. */
  readonly stage1Share: number;
  /** Share of a bin token's target spread over neighbouring bins (soft-targets.ts); 0 = plain cross-entropy. */
  readonly binSmoothing: number;
  /** Stage-1 samples: share grounding a named category (the rest detect all). */
  readonly groundShare: number;
  /** Expected samples per scene (stage-data.ts sceneReuse); 1 = a fresh scene per sample. */
  readonly sceneReuse: number;
  /** Weight of the auxiliary patch-label loss (network.ts PatchLabelAux) where scenes have object maps; 0 = off. */
  readonly patchLabelWeight: number;
}

/** The defaults, tuned for the `small` preset on a 2-core CPU. */
export const DEFAULT_TRAIN_SETTINGS: TrainSettings = {
  batchSize: 8,
  textLength: 0,
  peakLr: 1e-3,
  minLr: 1e-4,
  warmupSteps: 200,
  weightDecay: 0.05,
  beta2: 0.99,
  clipGradNorm: 1,
  checkpointEvery: 200,
  seed: 0,
  stage1Share: DEFAULT_STREAM_OPTIONS.stage1Share,
  binSmoothing: 0.5,
  groundShare: DEFAULT_STREAM_OPTIONS.groundShare,
  sceneReuse: DEFAULT_STREAM_OPTIONS.sceneReuse,
  patchLabelWeight: 0,
};

/** Why each default is what it is. */
export const TRAIN_SETTING_REASONS: Readonly<Record<keyof TrainSettings, string>> = {
  batchSize: "8 samples keep a small-preset step under a second on 2 threads while averaging over several scenes",
  textLength: "0 fits every answer the config allows; 160 covers synth scenes of up to 12 objects and is 1.3x faster",
  peakLr: "1e-3 is the usual AdamW rate for a ~5 M parameter transformer with warm-up and clipping",
  minLr: "a tenth of the peak, as nanoGPT decays to",
  warmupSteps: "200 steps let Adam's second moments settle before full-size updates",
  weightDecay: "mild decoupled decay on matrices only (biases and norms are not decayed)",
  beta2: "0.99 rather than 0.999: small batches make gradient scales drift, and a shorter memory follows them",
  clipGradNorm: "1.0 stops the occasional large step early in training",
  checkpointEvery: "200 steps lose at most a few minutes of work to a kill",
  seed: "fixed: the same command gives the same weights",
  stage1Share: "stage 2 keeps practising localization so reasoning does not erode the boxes it reasons on",
  binSmoothing: "a coordinate one bin off is nearly right; spreading half the target over neighbours gives early training a direction (A/B in the report)",
  groundShare: STREAM_OPTION_REASONS.groundShare,
  sceneReuse: STREAM_OPTION_REASONS.sceneReuse,
  patchLabelWeight: "0 trains on answers alone, as the paper; > 0 adds dense supervision of what each patch shows (synth scenes only)",
};

/** Setting names, in declaration order. */
export const TRAIN_SETTING_FIELDS = Object.keys(DEFAULT_TRAIN_SETTINGS) as (keyof TrainSettings)[];

const INTEGER_SETTINGS: ReadonlySet<keyof TrainSettings> = new Set(["batchSize", "textLength", "warmupSteps", "checkpointEvery", "seed", "sceneReuse"]);

/**
 * Defaults with `overrides` applied, validated: integers where counts are meant, rates > 0,
 * minLr <= peakLr, shares in [0, 1]. Unknown keys are rejected naming the fields there are.
 */
export function resolveTrainSettings(overrides: Readonly<Record<string, unknown>> = {}, where = "train settings"): TrainSettings {
  const out: Record<string, unknown> = { ...DEFAULT_TRAIN_SETTINGS };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(TRAIN_SETTING_FIELDS as string[]).includes(key)) throw new InputError(where, key, value, `is not a training setting; choose one of ${TRAIN_SETTING_FIELDS.join(", ")}`);
    out[key] = value;
  }
  for (const key of TRAIN_SETTING_FIELDS) {
    const v = out[key];
    if (typeof v !== "number" || !Number.isFinite(v)) throw new InputError(where, key, v, "must be a finite number");
    if (INTEGER_SETTINGS.has(key) && (!Number.isInteger(v) || v < 0)) throw new InputError(where, key, v, "must be an integer >= 0");
  }
  const s = out as unknown as TrainSettings;
  if (s.batchSize < 1) throw new InputError(where, "batchSize", s.batchSize, "must be an integer >= 1");
  if (s.checkpointEvery < 1) throw new InputError(where, "checkpointEvery", s.checkpointEvery, "must be an integer >= 1");
  if (s.seed > 0xffffffff) throw new InputError(where, "seed", s.seed, "must be an integer in [0, 4294967295]");
  if (!(s.peakLr > 0)) throw new InputError(where, "peakLr", s.peakLr, "must be > 0");
  if (!(s.minLr >= 0 && s.minLr <= s.peakLr)) throw new InputError(where, "minLr", s.minLr, `must be in [0, peakLr = ${s.peakLr}]`);
  if (!(s.weightDecay >= 0)) throw new InputError(where, "weightDecay", s.weightDecay, "must be >= 0");
  if (!(s.beta2 > 0 && s.beta2 < 1)) throw new InputError(where, "beta2", s.beta2, "must be in (0, 1)");
  if (!(s.clipGradNorm > 0)) throw new InputError(where, "clipGradNorm", s.clipGradNorm, "must be > 0");
  if (!(s.stage1Share >= 0 && s.stage1Share <= 1)) throw new InputError(where, "stage1Share", s.stage1Share, "must be in [0, 1]");
  if (!(s.binSmoothing >= 0 && s.binSmoothing < 1)) throw new InputError(where, "binSmoothing", s.binSmoothing, "must be in [0, 1)");
  if (!(s.groundShare >= 0 && s.groundShare <= 1)) throw new InputError(where, "groundShare", s.groundShare, "must be in [0, 1]");
  if (s.sceneReuse < 1) throw new InputError(where, "sceneReuse", s.sceneReuse, "must be an integer >= 1");
  if (!(s.patchLabelWeight >= 0)) throw new InputError(where, "patchLabelWeight", s.patchLabelWeight, "must be >= 0");
  return { ...s };
}

/** Training data: a scene source and how it was asked for (recorded in the model folder). */
export interface TrainData {
  readonly source: SceneSource;
  /** E.g. "synth", "synth:500", "repo/annotations.json". */
  readonly description: string;
}

/** One progress report (after every step). */
export interface TrainProgress {
  readonly step: number;
  readonly totalSteps: number;
  /** Steps done before this process started (a resume), 0 otherwise. */
  readonly startStep: number;
  readonly loss: number;
  readonly lr: number;
  readonly gradNorm: number;
  /** Optimizer step wall time, ms. */
  readonly stepMs: number;
  /** Samples per second over this process's steps, batch making included. */
  readonly samplesPerSecond: number;
  /** Seconds to the last step at that rate. */
  readonly etaSeconds: number;
}

/** Options of {@link trainModel}. */
export interface TrainOptions {
  readonly stage: 1 | 2;
  /** The model config (resolved). With `init` it must equal the init folder's. */
  readonly cfg: ModelConfig;
  readonly data: TrainData;
  /** Train until this many steps are completed. */
  readonly steps: number;
  /** The model folder to write (created). */
  readonly outDir: string;
  readonly settings?: Partial<TrainSettings>;
  /** Continue the run whose checkpoint is in outDir. */
  readonly resume?: boolean;
  /** Start from the weights (and tokenizer) of this model folder (stage 2 from stage 1). */
  readonly init?: string;
  /** onnxruntime intra-op threads (default 2). */
  readonly threads?: number;
  readonly onProgress?: (progress: TrainProgress) => void;
  /** Stop after the current step; a checkpoint and the model are written first. */
  readonly signal?: AbortSignal;
}

/** How a training run ended. */
export interface TrainResult {
  readonly outDir: string;
  readonly stepsCompleted: number;
  /** Steps this call ran. */
  readonly stepsRun: number;
  readonly reason: "done" | "aborted";
  readonly lastLoss: number | null;
  /** Mean optimizer-step time over this call's steps, ms. */
  readonly meanStepMs: number;
  /** Samples per second over this call, batch making included. */
  readonly samplesPerSecond: number;
  /** The last model export, or null when no step ran. */
  readonly model: WrittenModel | null;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}

/** What a run is, for train.json and for refusing to resume a different one. */
function runDescription(options: TrainOptions, settings: TrainSettings, textLength: number): Record<string, JsonValue> {
  return {
    stage: options.stage,
    data: options.data.description,
    dataScenes: options.data.source.count,
    init: options.init === undefined ? null : resolve(options.init),
    model: options.cfg as unknown as JsonValue,
    settings: { ...settings, textLength } as unknown as JsonValue,
  };
}

/** The first top-level field where two run descriptions differ (the init folder aside: the checkpoint has the weights), or null. */
function firstDifference(a: Record<string, JsonValue>, b: Record<string, JsonValue>): string | null {
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (key === "init") continue;
    if (canonicalJson(a[key] ?? null) !== canonicalJson(b[key] ?? null)) return key;
  }
  return null;
}

/**
 * Train a stage into `outDir` (see the file comment). Throws an InputError for bad options, an
 * outDir that already holds a run (without `resume`) or holds none (with it), a resume whose
 * stage, data, model config or data-shaping settings differ from the stored run, and an `init`
 * folder of another model config.
 */
export async function trainModel(options: TrainOptions): Promise<TrainResult> {
  const where = "train";
  const { stage, cfg, data, steps, outDir } = options;
  if (stage !== 1 && stage !== 2) throw new InputError(where, "stage", stage, "must be 1 or 2");
  if (!Number.isSafeInteger(steps) || steps < 1) throw new InputError(where, "steps", steps, "must be an integer >= 1");
  const settings = resolveTrainSettings(options.settings ?? {});
  const textMax = cfg.maxPromptTokens + cfg.maxAnswerTokens;
  const T = settings.textLength === 0 ? textMax : settings.textLength;
  if (T < cfg.maxPromptTokens + 2 || T > textMax) throw new InputError(where, "textLength", settings.textLength, `must be 0 or in [${cfg.maxPromptTokens + 2}, ${textMax}]`);
  const B = settings.batchSize;
  const files = {
    checkpoint: join(outDir, MODEL_FILES.checkpoint),
    run: join(outDir, MODEL_FILES.run),
    log: join(outDir, MODEL_FILES.log),
    plot: join(outDir, MODEL_FILES.plot),
    tokenizer: join(outDir, MODEL_FILES.tokenizer),
  };
  await mkdir(outDir, { recursive: true });
  const hasCheckpoint = await exists(files.checkpoint);
  if (hasCheckpoint && options.resume !== true) {
    throw new InputError(where, "out", outDir, `already holds a training run (${MODEL_FILES.checkpoint}); pass --resume to continue it, or choose another folder`);
  }
  if (!hasCheckpoint && options.resume === true) throw new InputError(where, "out", outDir, `holds no ${MODEL_FILES.checkpoint}; nothing to resume`);

  let run = runDescription(options, settings, T);
  let tokenizer: Tokenizer;
  let initParams: Map<string, Float32Array> | null = null;
  if (options.resume === true) {
    const stored = JSON.parse(await readFile(files.run, "utf8")) as Record<string, JsonValue>;
    const { steps: _ignored, ...storedRun } = stored;
    const diff = firstDifference(storedRun, run);
    if (diff !== null) {
      throw new InputError(files.run, diff, storedRun[diff] ?? null, `the run being resumed has this ${diff}; this command asks for ${canonicalJson(run[diff] ?? null)}`);
    }
    tokenizer = parseTokenizerJson(await readFile(files.tokenizer, "utf8"), files.tokenizer);
    if (options.init === undefined) run = { ...run, init: storedRun["init"] ?? null }; // the weights' origin stays on record
  } else if (options.init !== undefined) {
    const folder = await readModelFolder(options.init);
    if (canonicalJson(folder.cfg) !== canonicalJson(cfg)) {
      const key = (Object.keys(cfg) as (keyof ModelConfig)[]).find((k) => folder.cfg[k] !== cfg[k]) ?? "config";
      throw new InputError(where, `init ${key}`, folder.cfg[key as keyof ModelConfig] ?? null, `the --init model has this; this run's config has ${JSON.stringify(cfg[key as keyof ModelConfig])} (use the init model's config)`);
    }
    tokenizer = folder.tokenizer;
    initParams = await readFolderParams(folder);
  } else {
    tokenizer = createTokenizer(cfg, { extraLabels: data.source.labels });
  }

  const stream = sampleStream(settings.seed, cfg, {
    stage,
    source: data.source,
    tokenizer,
    stage1Share: settings.stage1Share,
    groundShare: settings.groundShare,
    sceneReuse: settings.sceneReuse,
  });
  const targets = softTargets(tokenizer, cfg, settings.binSmoothing);
  const boxSlots = boxTokenSlots(cfg, tokenizer.size);
  const patchAux: PatchLabelAux | null =
    settings.patchLabelWeight > 0 ? { labelTokenIds: tokenizer.labels.map((l) => tokenizer.id(l)), weight: settings.patchLabelWeight, boxSlots } : null;
  const labelClasses = patchAux === null ? null : new Map(tokenizer.labels.map((l, c) => [l, c]));
  const boxTargets: PatchBoxTargets | null = patchAux === null ? null : { slots: boxSlots, id: (t) => tokenizer.id(t) };
  const { trainStep } = buildNetworkTrainStep(cfg, tokenizer.size, { batch: B, textLength: T }, settings, targets.support, patchAux);
  const trainer = await Trainer.create(trainStep, initParams ?? initialNetworkParams(cfg, tokenizer.size, settings.seed), { session: { threads: options.threads ?? 2 } });
  try {
    const checkpointConfig: JsonValue = {
      model: cfg as unknown as JsonValue,
      train: {
        stage,
        data: data.description,
        batchSize: B,
        textLength: T,
        seed: settings.seed,
        stage1Share: settings.stage1Share,
        groundShare: settings.groundShare,
        sceneReuse: settings.sceneReuse,
        patchLabelWeight: settings.patchLabelWeight,
        vocabSize: tokenizer.size,
      },
    };
    let logLines: TrainingLogLine[];
    if (options.resume === true) {
      await resumeFromCheckpoint(trainer, files.checkpoint, checkpointConfig);
      logLines = await truncateTrainingLog(files.log, trainer.stepsCompleted);
    } else {
      await writeFileAtomic(files.tokenizer, serializeTokenizer(tokenizer));
      await writeFileAtomic(files.log, "");
      logLines = [];
    }
    await writeFileAtomic(files.run, `${JSON.stringify({ ...run, steps }, null, 1)}\n`);

    const startStep = trainer.stepsCompleted;
    const warmup = Math.min(settings.warmupSteps, steps);
    const schedule = (s: number): number => warmupCosineLr(s, { peakLr: settings.peakLr, minLr: settings.minLr, warmupSteps: warmup, totalSteps: steps });
    const batches = prefetchingBatches(async (step) => trainingFeeds(collate((await stream.batch((step - 1) * B, B)).map((x) => fitToLength(x, T)), cfg, { padTo: T }), cfg, targets, labelClasses, boxTargets), steps);

    const t0 = performance.now();
    let pending: TrainingLogLine[] = [];
    let stepMsSum = 0;
    const onLog = (e: LogEntry): void => {
      pending.push({ step: e.step, loss: e.loss, grad_norm: e.gradNorm, lr: e.lr, ms: Math.round(e.ms * 10) / 10 });
      stepMsSum += e.ms;
      const done = e.step - startStep;
      const elapsed = (performance.now() - t0) / 1000;
      const rate = (done * B) / elapsed;
      options.onProgress?.({
        step: e.step,
        totalSteps: steps,
        startStep,
        loss: e.loss,
        lr: e.lr,
        gradNorm: e.gradNorm,
        stepMs: e.ms,
        samplesPerSecond: rate,
        etaSeconds: ((steps - e.step) * B) / rate,
      });
    };

    let model: WrittenModel | null = null;
    let reason: "done" | "aborted" = "done";
    let lastLoss: number | null = null;
    const training = { stage, data: data.description, init: run.init!, settings: run.settings! };
    while (trainer.stepsCompleted < steps) {
      const segmentEnd = Math.min(steps, (Math.floor(trainer.stepsCompleted / settings.checkpointEvery) + 1) * settings.checkpointEvery);
      const result = await trainLoop({
        trainer,
        batches,
        totalSteps: segmentEnd,
        schedule,
        checkpointEvery: settings.checkpointEvery,
        checkpointPath: files.checkpoint,
        config: checkpointConfig,
        dataSeed: settings.seed,
        onLog,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      if (result.stepsRun > 0) {
        lastLoss = result.lastLoss;
        await appendTrainingLog(files.log, pending);
        logLines = [...logLines, ...pending];
        pending = [];
        model = await writeModelFolder(outDir, { cfg, tokenizer, params: trainer.paramValues(), training: { ...training, steps: trainer.stepsCompleted } });
        await writeFileAtomic(files.plot, lossCurveSvg(logLines, `n3d stage ${stage} training loss (${data.description})`));
      }
      if (result.reason === "aborted") {
        reason = "aborted";
        break;
      }
    }
    const stepsRun = trainer.stepsCompleted - startStep;
    const seconds = (performance.now() - t0) / 1000;
    return {
      outDir,
      stepsCompleted: trainer.stepsCompleted,
      stepsRun,
      reason,
      lastLoss,
      meanStepMs: stepsRun === 0 ? 0 : stepMsSum / stepsRun,
      samplesPerSecond: stepsRun === 0 ? 0 : (stepsRun * B) / seconds,
      model,
    };
  } finally {
    await trainer.release();
  }
}

/**
 * A sample cut to `textLength` text positions: an answer that does not fit loses its tail (those
 * tokens, <eos> included, carry no loss for this sample). Samples that fit are returned as they are.
 */
export function fitToLength(sample: TrainingSample, textLength: number): TrainingSample {
  const room = textLength - sample.promptIds.length;
  if (sample.answerIds.length <= room) return sample;
  if (room < 1) throw new InputError("fitToLength", "textLength", textLength, `leaves no room for an answer after a ${sample.promptIds.length}-token prompt`);
  return { ...sample, answerIds: sample.answerIds.slice(0, room) };
}

/**
 * The batch function of a run: batch `step` made by `make` (a pure function of the step), with the
 * next step's batch started as soon as the current one is handed out, so scene rendering overlaps
 * the optimizer step (onnxruntime runs off the JavaScript thread).
 */
function prefetchingBatches(make: (step: number) => Promise<NetworkFeeds>, lastStep: number): (step: number) => Promise<NetworkFeeds> {
  const pending = new Map<number, Promise<NetworkFeeds>>();
  return (step) => {
    const p = pending.get(step) ?? make(step);
    pending.delete(step);
    if (step < lastStep) {
      setImmediate(() => {
        if (pending.has(step + 1)) return;
        const next = make(step + 1);
        next.catch(() => undefined); // surfaced when the step asks for it
        pending.set(step + 1, next);
      });
    }
    return p;
  };
}

/** The training curve stored in a model folder (training.jsonl). */
export async function readTrainingCurve(dir: string): Promise<TrainingLogLine[]> {
  return readTrainingLog(join(dir, MODEL_FILES.log));
}
