import { resolve } from "node:path";
import { InvalidArgumentError, Option } from "commander";
import type { Command } from "commander";
import { InputError } from "../errors.js";
import {
  MODEL_CONFIG_FIELDS,
  MODEL_PRESET_NAMES,
  parseConfigOverride,
  repositorySource,
  resolveModelConfig,
  synthSource,
  TRAIN_SETTING_FIELDS,
  trainModel,
  type TrainData,
  type TrainProgress,
  type TrainSettings,
} from "../model/index.js";
import { readRepository } from "../qa/index.js";
import type { CliIo } from "./io.js";
import { intAtLeastArg } from "./parsers.js";

/**
 * `n3d train`: train the compact model, stage 1 (localization) or stage 2 (grounded reasoning from
 * a stage-1 folder), on synthetic scenes made on the fly or a 3D annotation repository. The model
 * folder is written at every checkpoint; a killed run continues with the same command plus
 * `--resume`. SIGINT / SIGTERM stop after the current step with a checkpoint.
 */

interface TrainFlags {
  stage: 1 | 2;
  data: string;
  config: string;
  set: string[];
  steps: number;
  out: string;
  resume?: boolean;
  init?: string;
  threads: number;
}

function parseStage(value: string): 1 | 2 {
  if (value !== "1" && value !== "2") throw new InvalidArgumentError(`stage = "${value}": must be 1 or 2`);
  return Number(value) as 1 | 2;
}

const parsePositiveInt = (name: string): ((value: string) => number) => intAtLeastArg(name, 1, Number.MAX_SAFE_INTEGER);

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * Split `--set key=value` flags into model config overrides and training settings. Throws an
 * InputError naming the key when it is neither, or its value does not parse.
 */
export function splitOverrides(sets: readonly string[]): { model: Record<string, unknown>; train: Partial<Record<keyof TrainSettings, number>> } {
  const model: Record<string, unknown> = {};
  const train: Partial<Record<keyof TrainSettings, number>> = {};
  for (const text of sets) {
    const eq = text.indexOf("=");
    const key = eq > 0 ? text.slice(0, eq).trim() : "";
    const raw = eq > 0 ? text.slice(eq + 1).trim() : "";
    if ((TRAIN_SETTING_FIELDS as string[]).includes(key)) {
      const n = raw === "" ? NaN : Number(raw);
      if (!Number.isFinite(n)) throw new InputError("--set", key, raw, "must be a number");
      train[key as keyof TrainSettings] = n;
    } else if ((MODEL_CONFIG_FIELDS as string[]).includes(key) || eq <= 0) {
      const [field, value] = parseConfigOverride(text, "--set");
      model[field] = value;
    } else {
      throw new InputError("--set", key, raw, `is neither a model config field (${MODEL_CONFIG_FIELDS.join(", ")}) nor a training setting (${TRAIN_SETTING_FIELDS.join(", ")})`);
    }
  }
  return { model, train };
}

/** `synth`, `synth:N` (N distinct scenes) or a repository (folder or annotations.json). */
async function dataFrom(spec: string, seed: number): Promise<TrainData> {
  const m = /^synth(?::(\d+))?$/.exec(spec.trim());
  if (m !== null) {
    const count = m[1] === undefined ? undefined : Number(m[1]);
    if (count !== undefined && count < 1) throw new InputError("--data", "synth count", spec, "must be an integer >= 1 (synth:N)");
    return { source: synthSource({ seed, ...(count === undefined ? {} : { count }) }), description: spec.trim() };
  }
  const repo = await readRepository(spec);
  return { source: repositorySource(repo), description: repo.annotationsPath };
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.floor(s % 60)).padStart(2, "0")}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/**
 * The training progress line: `train stage 1 [####....] 120/1000 loss 2.314 lr 9.8e-04 9.4
 * samples/s 850 ms/step ETA 12m05s`. On a terminal it redraws in place (at most every 100 ms);
 * elsewhere (logs, pipes) it prints the first step, a line every 5% of the run or every minute,
 * whichever comes first, and the last step.
 */
export class TrainProgressLine {
  private lastDrawMs = 0;
  private lastTwentieth = -1;
  private lastLineMs = Date.now();
  constructor(
    private readonly stage: number,
    private readonly write: (text: string) => void,
    private readonly isTty: boolean,
  ) {}

  update(p: TrainProgress): void {
    const finished = p.step >= p.totalSteps;
    if (this.isTty) {
      const now = Date.now();
      if (!finished && now - this.lastDrawMs < 100) return;
      this.lastDrawMs = now;
      this.write(`\r${this.line(p)}\x1b[K${finished ? "\n" : ""}`);
      return;
    }
    const twentieth = Math.floor((20 * p.step) / p.totalSteps);
    const now = Date.now();
    if (twentieth === this.lastTwentieth && !finished && p.step !== p.startStep + 1 && now - this.lastLineMs < 60_000) return;
    this.lastTwentieth = twentieth;
    this.lastLineMs = now;
    this.write(`${this.line(p)}\n`);
  }

  private line(p: TrainProgress): string {
    const width = 24;
    const filled = Math.round((p.step / p.totalSteps) * width);
    return `train stage ${this.stage} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(3)} lr ${p.lr.toExponential(1)} ${p.samplesPerSecond.toFixed(1)} samples/s ${Math.round(p.stepMs)} ms/step ETA ${formatSeconds(p.etaSeconds)}`;
  }
}

/** `n3d train`. */
export function registerTrainCommand(program: Command, io: CliIo, isTty: boolean): void {
  program
    .command("train")
    .description("train the compact N3D-VLM (stage 1: 3D localization; stage 2: grounded reasoning) into a model folder")
    .requiredOption("--stage <1|2>", "1: detect and ground; 2: grounded reasoning mixed with stage-1 data (start from --init)", parseStage)
    .requiredOption("--data <spec>", "synth (scenes made on the fly), synth:N (N distinct scenes), or a repository folder / annotations.json")
    .addOption(new Option("--config <preset>", "model preset").choices(MODEL_PRESET_NAMES).default("small"))
    .option("--set <key=value>", "override a model config field or a training setting (repeatable)", collect, [])
    .requiredOption("--steps <n>", "train until this many optimizer steps are done", parsePositiveInt("steps"))
    .requiredOption("--out <dir>", "model folder to write (created)")
    .option("--resume", "continue the run whose checkpoint is in --out (same command otherwise)")
    .option("--init <dir>", "start from this model folder's weights and tokenizer (stage 2 from stage 1)")
    .option("--threads <n>", "onnxruntime threads", parsePositiveInt("threads"), 2)
    .action(async (flags: TrainFlags) => {
      const { model, train } = splitOverrides(flags.set);
      const cfg = resolveModelConfig(flags.config, model, "--set");
      if (flags.stage === 2 && flags.init === undefined && flags.resume !== true) {
        throw new InputError("n3d train", "--init", "missing", "stage 2 starts from a stage-1 model folder: give --init DIR");
      }
      const data = await dataFrom(flags.data, train.seed ?? 0);
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      const bar = new TrainProgressLine(flags.stage, io.stderr, isTty);
      try {
        const r = await trainModel({
          stage: flags.stage,
          cfg,
          data,
          steps: flags.steps,
          outDir: flags.out,
          settings: train,
          ...(flags.resume === true ? { resume: true } : {}),
          ...(flags.init === undefined ? {} : { init: flags.init }),
          threads: flags.threads,
          onProgress: (p) => bar.update(p),
          signal: controller.signal,
        });
        const size = r.model === null ? "" : ` (weights.bin ${(r.model.weightsBytes / 1e6).toFixed(1)} MB, prefill.onnx ${(r.model.prefillBytes / 1e6).toFixed(2)} MB, step.onnx ${(r.model.stepBytes / 1e6).toFixed(2)} MB)`;
        const head = r.reason === "aborted" ? `stopped at step ${r.stepsCompleted} of ${flags.steps}; continue with the same command plus --resume` : `trained stage ${flags.stage} to step ${r.stepsCompleted}`;
        const rate = r.stepsRun === 0 ? "" : `, ${r.stepsRun} steps this run, last loss ${r.lastLoss?.toFixed(4)}, ${r.meanStepMs.toFixed(0)} ms/step, ${r.samplesPerSecond.toFixed(2)} samples/s`;
        io.stdout(`${head}${rate}; model folder ${resolve(flags.out)}${size}\n`);
      } finally {
        process.removeListener("SIGINT", stop);
        process.removeListener("SIGTERM", stop);
      }
    });
}
