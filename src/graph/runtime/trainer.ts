/**
 * The training-step runner: owns the parameters and the AdamW moments, and runs the train-step
 * model (see `../train-step.ts`) once per optimizer step: feed a batch, `lr` and the 1-based
 * `step`, take `P/new`, `P/m/new`, `P/v/new` back as the state of the next step.
 *
 * Two ways to move the state through onnxruntime, bit-identical in results:
 * - "feed": the state goes in as ordinary inputs and comes back as ordinary outputs, which
 *   onnxruntime allocates each step; the returned arrays become the new state.
 * - "bound": two pre-allocated sets of state arrays; each step reads one set and onnxruntime
 *   writes the outputs straight into the other (pre-allocated fetches), then the sets swap. No
 *   state array is allocated after the first step.
 * Which one is faster was measured on the reference transformer (scripts/bench/graph.ts);
 * {@link DEFAULT_STATE_STRATEGY} is the winner.
 */
import { InputError } from "../../errors.js";
import type { ParamState } from "../checkpoint.js";
import { GRAD_NORM_OUTPUT, LOSS_OUTPUT, LR_INPUT, STEP_INPUT, stateInputNames, stateOutputNames, type TrainStep } from "../train-step.js";
import { Session, type RunOutput, type SessionConfig, type TensorArray } from "./session.js";

/** How parameter and optimizer state travel through onnxruntime each step (see the file header). */
export type StateStrategy = "feed" | "bound";

/**
 * The strategy used when none is asked for. On the reference transformer (`npm run bench -- graph`,
 * 2 threads, steps sampled in turns) the two are within noise of each other (191 vs 195 ms per
 * step); "bound" was ahead in most runs and allocates no state arrays per step (41 MB a step with
 * "feed": three float32 arrays per parameter, 3.45 M parameters), so it is the default.
 */
export const DEFAULT_STATE_STRATEGY: StateStrategy = "bound";

/** A batch: one typed array per data input of the training step, by input name. */
export type Batch = Readonly<Record<string, TensorArray>>;

/** Options of {@link Trainer.create}. */
export interface TrainerOptions {
  /** onnxruntime settings (threads, ...). */
  readonly session?: SessionConfig;
  /** State strategy; default {@link DEFAULT_STATE_STRATEGY}. */
  readonly strategy?: StateStrategy;
}

/** What one optimizer step reports. */
export interface StepResult {
  /** The 1-based index of the step just taken. */
  readonly step: number;
  /** Training loss of the batch, before the update. */
  readonly loss: number;
  /** Global L2 norm of the gradients, before clipping. */
  readonly gradNorm: number;
  /** The user outputs asked for in {@link Trainer.step}'s `fetch`. */
  readonly outputs: Readonly<Record<string, RunOutput>>;
}

/** The trainer's whole state: steps completed and each parameter's value and moments. */
export interface TrainerState {
  readonly step: number;
  readonly params: ReadonlyMap<string, ParamState>;
}

/** One parameter's three state arrays (value, m, v), in stateInputNames order. */
type Triple = [Float32Array, Float32Array, Float32Array];

function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Runs a built training step on onnxruntime, holding its state. Call {@link release} when done. */
export class Trainer {
  private stepsDone = 0;
  /** current[p]: the arrays fed at the next step. */
  private current: Map<string, Triple>;
  /** spare[p]: where "bound" writes the next state (unused by "feed"). */
  private spare: Map<string, Triple> | null;
  private readonly lossOut = new Float32Array(1);
  private readonly normOut = new Float32Array(1);

  private constructor(
    /** The training step this trainer runs. */
    readonly trainStep: TrainStep,
    private readonly session: Session,
    /** The state strategy in use. */
    readonly strategy: StateStrategy,
    initial: ReadonlyMap<string, Float32Array>,
  ) {
    const fresh = (n: number): Float32Array => new Float32Array(n);
    this.current = new Map(trainStep.paramNames.map((p) => {
      const n = shapeSize(trainStep.paramShapes.get(p)!);
      return [p, [Float32Array.from(initial.get(p)!), fresh(n), fresh(n)]];
    }));
    this.spare = strategy === "bound" ? new Map(trainStep.paramNames.map((p) => {
      const n = shapeSize(trainStep.paramShapes.get(p)!);
      return [p, [fresh(n), fresh(n), fresh(n)]];
    })) : null;
  }

  /**
   * Load the training step into onnxruntime and set the parameters to `initialParams` (copied;
   * e.g. `graph.initialParams(seed)`), with zero AdamW moments and no steps taken. Throws an
   * InputError naming a missing, extra or wrong-length parameter.
   */
  static async create(trainStep: TrainStep, initialParams: ReadonlyMap<string, Float32Array>, options: TrainerOptions = {}): Promise<Trainer> {
    const where = "Trainer.create";
    const strategy = options.strategy ?? DEFAULT_STATE_STRATEGY;
    if (strategy !== "feed" && strategy !== "bound") throw new InputError(where, "strategy", strategy, 'is not a supported state strategy; choose one of "feed", "bound"');
    for (const p of trainStep.paramNames) {
      const value = initialParams.get(p);
      const shape = trainStep.paramShapes.get(p)!;
      if (value === undefined) throw new InputError(where, `parameter ${JSON.stringify(p)}`, "missing", `the training step needs it, shape [${shape.join(", ")}]`);
      if (!(value instanceof Float32Array) || value.length !== shapeSize(shape)) {
        throw new InputError(where, `parameter ${JSON.stringify(p)}`, value, `expected a Float32Array of shape [${shape.join(", ")}] = ${shapeSize(shape)} elements`);
      }
    }
    for (const p of initialParams.keys()) {
      if (!trainStep.paramShapes.has(p)) throw new InputError(where, `parameter ${JSON.stringify(p)}`, "unexpected", "is not a parameter of the training step");
    }
    const session = await Session.create(trainStep.bytes(), options.session);
    return new Trainer(trainStep, session, strategy, initialParams);
  }

  /** Optimizer steps completed so far (the next {@link step} is number `stepsCompleted + 1`). */
  get stepsCompleted(): number {
    return this.stepsDone;
  }

  /** Parameter names (sorted, as the training step orders them) and shapes. */
  get paramShapes(): ReadonlyMap<string, readonly number[]> {
    return this.trainStep.paramShapes;
  }

  /**
   * Take one optimizer step on `batch` with learning rate `lr`. The batch must hold exactly the
   * step's data inputs (checked: a missing, extra or wrong-size array is a one-line InputError).
   * `fetch` names user outputs of the training step to return as well.
   */
  async step(batch: Batch, lr: number, fetch: readonly string[] = []): Promise<StepResult> {
    const where = "Trainer.step";
    if (!Number.isFinite(lr) || lr < 0) throw new InputError(where, "lr", lr, "must be a finite number >= 0");
    const dataNames = this.trainStep.dataInputs.map((d) => d.name);
    for (const name of Object.keys(batch)) {
      if (!dataNames.includes(name)) throw new InputError(where, "batch input", name, `is not a data input of the training step; data inputs are ${dataNames.join(", ")}`);
    }
    for (const name of fetch) {
      if (!this.trainStep.userOutputs.includes(name)) throw new InputError(where, "fetch", name, `is not a user output of the training step; user outputs are ${this.trainStep.userOutputs.join(", ") || "(none)"}`);
    }
    const stepNumber = this.stepsDone + 1;
    const feeds: Record<string, TensorArray> = { ...batch, [LR_INPUT]: Float32Array.of(lr), [STEP_INPUT]: Float32Array.of(stepNumber) };
    for (const [p, triple] of this.current) {
      const names = stateInputNames(p);
      for (let i = 0; i < 3; i++) feeds[names[i]!] = triple[i]!;
    }

    let out: Record<string, RunOutput>;
    if (this.spare === null) {
      const stateOut = this.trainStep.paramNames.flatMap((p) => stateOutputNames(p));
      out = await this.session.run(feeds, { fetch: [LOSS_OUTPUT, GRAD_NORM_OUTPUT, ...stateOut, ...fetch] });
      for (const p of this.trainStep.paramNames) {
        const [pOut, mOut, vOut] = stateOutputNames(p);
        this.current.set(p, [out[pOut]!.data as Float32Array, out[mOut]!.data as Float32Array, out[vOut]!.data as Float32Array]);
      }
    } else {
      const into: Record<string, TensorArray> = { [LOSS_OUTPUT]: this.lossOut, [GRAD_NORM_OUTPUT]: this.normOut };
      for (const [p, triple] of this.spare) {
        const names = stateOutputNames(p);
        for (let i = 0; i < 3; i++) into[names[i]!] = triple[i]!;
      }
      out = await this.session.run(feeds, { fetch, into });
      [this.current, this.spare] = [this.spare, this.current];
    }
    this.stepsDone = stepNumber;
    const userOutputs: Record<string, RunOutput> = {};
    for (const name of fetch) userOutputs[name] = out[name]!;
    return {
      step: stepNumber,
      loss: (out[LOSS_OUTPUT]!.data as Float32Array)[0]!,
      gradNorm: (out[GRAD_NORM_OUTPUT]!.data as Float32Array)[0]!,
      outputs: userOutputs,
    };
  }

  /** Copies of the current parameter values, by name (for export or evaluation). */
  paramValues(): Map<string, Float32Array> {
    return new Map([...this.current].map(([p, t]) => [p, t[0].slice()]));
  }

  /** A copy of the whole state (for a checkpoint). */
  snapshot(): TrainerState {
    const params = new Map<string, ParamState>();
    for (const [p, [value, m, v]] of this.current) {
      params.set(p, { shape: [...this.trainStep.paramShapes.get(p)!], value: value.slice(), m: m.slice(), v: v.slice() });
    }
    return { step: this.stepsDone, params };
  }

  /**
   * Replace the state with `state` (copied), e.g. from a checkpoint. Throws an InputError naming a
   * missing, extra or wrong-shape parameter.
   */
  restore(state: TrainerState): void {
    const where = "Trainer.restore";
    if (!Number.isSafeInteger(state.step) || state.step < 0) throw new InputError(where, "step", state.step, "must be an integer >= 0");
    for (const [p, shape] of this.trainStep.paramShapes) {
      const s = state.params.get(p);
      if (s === undefined) throw new InputError(where, `parameter ${JSON.stringify(p)}`, "missing", `the training step has it, shape [${shape.join(", ")}]`);
      const n = shapeSize(shape);
      if (s.shape.length !== shape.length || s.shape.some((d, i) => d !== shape[i]) || s.value.length !== n || s.m.length !== n || s.v.length !== n) {
        throw new InputError(where, `parameter ${JSON.stringify(p)} shape`, s.shape, `the training step expects [${shape.join(", ")}]`);
      }
    }
    for (const p of state.params.keys()) {
      if (!this.trainStep.paramShapes.has(p)) throw new InputError(where, `parameter ${JSON.stringify(p)}`, "unexpected", "is not a parameter of the training step");
    }
    for (const [p, triple] of this.current) {
      const s = state.params.get(p)!;
      triple[0].set(s.value);
      triple[1].set(s.m);
      triple[2].set(s.v);
    }
    this.stepsDone = state.step;
  }

  /** Free the onnxruntime session. The trainer cannot step afterwards. */
  async release(): Promise<void> {
    await this.session.release();
  }
}
