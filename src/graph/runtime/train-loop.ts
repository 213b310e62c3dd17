/**
 * The training loop, nanoGPT-style and linear top to bottom: for each step, get the batch, set the
 * learning rate from the schedule, take the optimizer step, log, maybe evaluate, maybe checkpoint.
 *
 * Resume is exact: a checkpoint holds the parameters, the AdamW moments and the step count, and
 * the data order is the caller's pure function of (seed, step), so training N steps straight and
 * training N/2, checkpointing, loading into a new trainer and training N/2 more give identical
 * parameter bytes (tested).
 */
import { InputError } from "../../errors.js";
import { loadCheckpoint, saveCheckpoint, type JsonValue } from "../checkpoint.js";
import type { Batch, Trainer } from "./trainer.js";

/** One line of the training log. */
export interface LogEntry {
  /** 1-based step just taken. */
  readonly step: number;
  /** Training loss of the step's batch (before the update). */
  readonly loss: number;
  /** Global gradient L2 norm (before clipping). */
  readonly gradNorm: number;
  /** Learning rate used for the step. */
  readonly lr: number;
  /** Wall time of the optimizer step, milliseconds (batch creation and evaluation excluded). */
  readonly ms: number;
  /** Held-out loss, on the steps where evaluation ran. */
  readonly evalLoss?: number;
  /** The checkpoint file written after this step, if one was. */
  readonly checkpoint?: string;
}

/** Everything {@link trainLoop} needs. */
export interface TrainLoopOptions {
  /** The trainer to step; the loop continues from its `stepsCompleted` (0, or a resumed count). */
  readonly trainer: Trainer;
  /** The batch of 1-based step `step`: must be a pure function of (data seed, step) for exact resume. */
  readonly batches: (step: number) => Batch | Promise<Batch>;
  /** Train until this many steps are completed. */
  readonly totalSteps: number;
  /** Learning rate of 1-based step `step` (e.g. `(s) => warmupCosineLr(s, {...})`). */
  readonly schedule: (step: number) => number;
  /** Evaluate every this many steps (and after the last), when `evalLoss` is given. */
  readonly evalEvery?: number;
  /** Held-out loss with the current parameters. */
  readonly evalLoss?: () => Promise<number>;
  /** Write a checkpoint every this many steps (and after the last or on abort), when `checkpointPath` is given. */
  readonly checkpointEvery?: number;
  /** Where to write checkpoints (atomically, replacing the previous one). */
  readonly checkpointPath?: string;
  /** The resolved model config stored in each checkpoint (required with `checkpointPath`). */
  readonly config?: JsonValue;
  /** The data seed stored in each checkpoint (default 0). */
  readonly dataSeed?: number;
  /** Called after every step with its log entry. */
  readonly onLog?: (entry: LogEntry) => void;
  /** Stop after the current step when aborted (a checkpoint is written if configured). */
  readonly signal?: AbortSignal;
}

/** How a loop ended. */
export interface TrainLoopResult {
  /** Steps completed by the trainer (including any before this loop). */
  readonly stepsCompleted: number;
  /** Steps taken by this call. */
  readonly stepsRun: number;
  /** Loss of the last step taken (NaN-free; null if no step ran). */
  readonly lastLoss: number | null;
  readonly reason: "done" | "aborted";
}

function checkEvery(value: number | undefined, field: string): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) throw new InputError("trainLoop", field, value, "must be a positive integer");
}

/**
 * Train from `trainer.stepsCompleted + 1` to `totalSteps`. Throws an InputError when the loss or
 * gradient norm stops being finite (naming the step and learning rate), when the schedule gives a
 * bad rate, or for inconsistent options.
 */
export async function trainLoop(options: TrainLoopOptions): Promise<TrainLoopResult> {
  const { trainer, batches, totalSteps, schedule, evalLoss, checkpointPath, onLog, signal } = options;
  if (!Number.isSafeInteger(totalSteps) || totalSteps < 0) throw new InputError("trainLoop", "totalSteps", totalSteps, "must be an integer >= 0");
  checkEvery(options.evalEvery, "evalEvery");
  checkEvery(options.checkpointEvery, "checkpointEvery");
  if (checkpointPath !== undefined && options.config === undefined) {
    throw new InputError("trainLoop", "config", undefined, "is required with checkpointPath (it is stored in the checkpoint)");
  }
  const dataSeed = options.dataSeed ?? 0;

  const save = async (): Promise<string> => {
    const state = trainer.snapshot();
    await saveCheckpoint(checkpointPath!, { config: options.config!, step: state.step, dataSeed, params: state.params });
    return checkpointPath!;
  };

  let stepsRun = 0;
  let lastLoss: number | null = null;
  while (trainer.stepsCompleted < totalSteps) {
    if (signal?.aborted) {
      if (checkpointPath !== undefined && stepsRun > 0) await save();
      return { stepsCompleted: trainer.stepsCompleted, stepsRun, lastLoss, reason: "aborted" };
    }
    const step = trainer.stepsCompleted + 1;
    const batch = await batches(step);
    const lr = schedule(step);
    if (!Number.isFinite(lr) || lr < 0) throw new InputError("trainLoop", `schedule(${step})`, lr, "must be a finite learning rate >= 0");

    const t0 = performance.now();
    const result = await trainer.step(batch, lr);
    const ms = performance.now() - t0;
    if (!Number.isFinite(result.loss) || !Number.isFinite(result.gradNorm)) {
      throw new InputError("trainLoop", `loss at step ${step}`, result.loss, `training diverged (grad norm ${result.gradNorm}, lr ${lr})`);
    }
    stepsRun++;
    lastLoss = result.loss;

    const last = step === totalSteps;
    let evalValue: number | undefined;
    if (evalLoss !== undefined && options.evalEvery !== undefined && (step % options.evalEvery === 0 || last)) {
      evalValue = await evalLoss();
      if (!Number.isFinite(evalValue)) throw new InputError("trainLoop", `evalLoss at step ${step}`, evalValue, "is not a finite number");
    }
    let written: string | undefined;
    if (checkpointPath !== undefined && ((options.checkpointEvery !== undefined && step % options.checkpointEvery === 0) || last)) {
      written = await save();
    }
    onLog?.({
      step,
      loss: result.loss,
      gradNorm: result.gradNorm,
      lr,
      ms,
      ...(evalValue !== undefined ? { evalLoss: evalValue } : {}),
      ...(written !== undefined ? { checkpoint: written } : {}),
    });
  }
  return { stepsCompleted: trainer.stepsCompleted, stepsRun, lastLoss, reason: "done" };
}

/**
 * Load a checkpoint into `trainer` for resuming: the checkpoint must be of `config` and have the
 * trainer's parameters and shapes (else a one-line InputError naming the file and the difference).
 * Returns the data seed stored with it, to rebuild the batch function, and the step reached.
 */
export async function resumeFromCheckpoint(trainer: Trainer, path: string, config: JsonValue): Promise<{ step: number; dataSeed: number }> {
  const ckpt = await loadCheckpoint(path, { config, paramShapes: trainer.paramShapes });
  trainer.restore({ step: ckpt.step, params: ckpt.params });
  return { step: ckpt.step, dataSeed: ckpt.dataSeed };
}
