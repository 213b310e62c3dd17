/**
 * A thin, typed wrapper over an onnxruntime-node InferenceSession: n3d's runtime settings in one
 * place, feeds as named typed arrays checked against the model's declared inputs before the run
 * (so a mistake is one clear line, not a native stack), and optional pre-allocated outputs.
 */
import * as ort from "onnxruntime-node";
import { InputError } from "../../errors.js";

/** How onnxruntime runs a model. Every field has a default chosen for n3d's CPU training. */
export interface SessionConfig {
  /** Threads inside one op (intraOpNumThreads). Default 2: the cores a CI runner or laptop core pair gives. */
  readonly threads?: number;
  /** Threads across independent ops. Default 1: with sequential execution more buys nothing. */
  readonly interOpThreads?: number;
  /** Graph rewrites before running. Default "all" (constant folding, fusions, layout). */
  readonly graphOptimizationLevel?: "disabled" | "basic" | "extended" | "all";
  /** Default "sequential": ops run one after another, each using `threads`. */
  readonly executionMode?: "sequential" | "parallel";
}

/** The defaults of {@link SessionConfig}. */
export const DEFAULT_SESSION_CONFIG: Required<SessionConfig> = {
  threads: 2,
  interOpThreads: 1,
  graphOptimizationLevel: "all",
  executionMode: "sequential",
};

/** Element data a session takes and returns: float32 and int64 tensors. */
export type TensorArray = Float32Array | BigInt64Array;

/** A feed whose input has symbolic dimensions must say its concrete dims. */
export interface ShapedArray {
  readonly data: TensorArray;
  readonly dims: readonly number[];
}

/** A named input value: a typed array (for fully static input shapes) or data with dims. */
export type Feed = TensorArray | ShapedArray;

/** A model input or output as declared in the model: name, element type and shape (strings are symbolic). */
export interface ValueSpec {
  readonly name: string;
  readonly type: "float32" | "int64";
  readonly shape: readonly (number | string)[];
}

/** One output of a run: row-major data and dims. */
export interface RunOutput {
  readonly data: TensorArray;
  readonly dims: readonly number[];
}

/** Options of {@link Session.run}. */
export interface RunOptions {
  /** Outputs to fetch besides those in `into` (default: all outputs, or none when `into` is given). */
  readonly fetch?: readonly string[];
  /**
   * Pre-allocated destinations, by output name: onnxruntime writes the output straight into the
   * array instead of allocating (outputs must have static shapes). Implies fetching them.
   */
  readonly into?: Readonly<Record<string, TensorArray>>;
}

function elementCount(dims: readonly (number | string)[]): number {
  return dims.reduce<number>((a, d) => a * (typeof d === "number" ? d : Number.NaN), 1);
}

function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(", ")}]`;
}

function toSpecs(metadata: readonly ort.InferenceSession.ValueMetadata[], where: string): ValueSpec[] {
  return metadata.map((m) => {
    if (!m.isTensor || (m.type !== "float32" && m.type !== "int64")) {
      throw new InputError(where, `value ${JSON.stringify(m.name)} type`, m.isTensor ? m.type : "non-tensor", "is not supported; n3d sessions take float32 and int64 tensors");
    }
    return { name: m.name, type: m.type, shape: m.shape };
  });
}

/** An onnxruntime session with checked, typed feeds. Call {@link Session.release} when done. */
export class Session {
  private released = false;
  private readonly inputByName: Map<string, ValueSpec>;
  private readonly outputByName: Map<string, ValueSpec>;

  private constructor(
    private readonly inner: ort.InferenceSession,
    /** The model's inputs, in declaration order. */
    readonly inputs: readonly ValueSpec[],
    /** The model's outputs, in declaration order. */
    readonly outputs: readonly ValueSpec[],
    /** Where the model came from, for error messages ("<bytes>" or the file path). */
    readonly source: string,
  ) {
    this.inputByName = new Map(inputs.map((s) => [s.name, s]));
    this.outputByName = new Map(outputs.map((s) => [s.name, s]));
  }

  /**
   * Load a model (ONNX bytes or a file path) with n3d's runtime settings. A model whose weights
   * are ONNX external data (a model folder's graphs) must be given by path: onnxruntime-node finds
   * the weights file relative to it and has no way to take the external file alongside bytes.
   * Throws an InputError naming the source if onnxruntime rejects the model.
   */
  static async create(model: Uint8Array | string, config: SessionConfig = {}): Promise<Session> {
    const c = { ...DEFAULT_SESSION_CONFIG, ...config };
    const source = typeof model === "string" ? model : `<${model.length}-byte model>`;
    for (const key of ["threads", "interOpThreads"] as const) {
      if (!Number.isSafeInteger(c[key]) || c[key] < 1) throw new InputError("Session.create", key, c[key], "is not a positive integer");
    }
    let inner: ort.InferenceSession;
    try {
      inner = await ort.InferenceSession.create(model as string, {
        intraOpNumThreads: c.threads,
        interOpNumThreads: c.interOpThreads,
        graphOptimizationLevel: c.graphOptimizationLevel,
        executionMode: c.executionMode,
        logSeverityLevel: 3,
      });
    } catch (err) {
      throw new InputError("Session.create", "model", source, `onnxruntime could not load it: ${String((err as Error).message).split("\n")[0]}`);
    }
    return new Session(inner, toSpecs(inner.inputMetadata, source), toSpecs(inner.outputMetadata, source), source);
  }

  /** The declared input of that name; throws if there is none. */
  input(name: string): ValueSpec {
    const spec = this.inputByName.get(name);
    if (spec === undefined) throw new InputError("Session", "input", name, `is not an input of the model; inputs are ${this.inputs.map((s) => s.name).join(", ")}`);
    return spec;
  }

  /** The declared output of that name; throws if there is none. */
  output(name: string): ValueSpec {
    const spec = this.outputByName.get(name);
    if (spec === undefined) throw new InputError("Session", "output", name, `is not an output of the model; outputs are ${this.outputs.map((s) => s.name).join(", ")}`);
    return spec;
  }

  private tensorFor(spec: ValueSpec, feed: Feed, role: "input" | "output"): ort.Tensor {
    const data = ArrayBuffer.isView(feed) ? feed : feed.data;
    const wantArray = spec.type === "float32" ? Float32Array : BigInt64Array;
    if (!(data instanceof wantArray)) {
      throw new InputError("Session.run", `${role} ${JSON.stringify(spec.name)}`, data, `expected a ${wantArray.name} (${spec.type}) of shape ${formatShape(spec.shape)}`);
    }
    let dims: readonly number[];
    if (ArrayBuffer.isView(feed)) {
      if (spec.shape.some((d) => typeof d !== "number")) {
        throw new InputError("Session.run", `${role} ${JSON.stringify(spec.name)}`, feed, `has symbolic dims ${formatShape(spec.shape)}; pass { data, dims }`);
      }
      dims = spec.shape as number[];
    } else {
      dims = feed.dims;
      const fits = dims.length === spec.shape.length && dims.every((d, i) => Number.isSafeInteger(d) && d >= 0 && (typeof spec.shape[i] !== "number" || spec.shape[i] === d));
      if (!fits) throw new InputError("Session.run", `${role} ${JSON.stringify(spec.name)} dims`, dims, `do not fit the declared shape ${formatShape(spec.shape)}`);
    }
    const need = elementCount(dims);
    if (data.length !== need) {
      throw new InputError("Session.run", `${role} ${JSON.stringify(spec.name)}`, data, `has length ${data.length}, expected shape ${formatShape(dims)} = ${need} elements`);
    }
    return new ort.Tensor(spec.type, data, dims);
  }

  /**
   * Run the model. Every declared input must be fed and nothing else; each array must have the
   * declared element type and the element count of its shape. Errors name the input, the expected
   * shape and what was given. Returns the fetched outputs (all by default) as typed arrays; an
   * output given in `options.into` is written into that very array.
   */
  async run(feeds: Readonly<Record<string, Feed>>, options: RunOptions = {}): Promise<Record<string, RunOutput>> {
    if (this.released) throw new InputError("Session.run", "session", this.source, "was released");
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const name of Object.keys(feeds)) {
      if (!this.inputByName.has(name)) {
        throw new InputError("Session.run", "input", name, `is not an input of the model; inputs are ${this.inputs.map((s) => s.name).join(", ")}`);
      }
    }
    for (const spec of this.inputs) {
      const feed = feeds[spec.name];
      if (feed === undefined) throw new InputError("Session.run", "input", spec.name, `is missing; the model needs it as ${spec.type} ${formatShape(spec.shape)}`);
      ortFeeds[spec.name] = this.tensorFor(spec, feed, "input");
    }
    const fetches: Record<string, ort.Tensor | null> = {};
    for (const name of options.fetch ?? (options.into === undefined ? this.outputs.map((s) => s.name) : [])) {
      fetches[this.output(name).name] = null;
    }
    for (const [name, data] of Object.entries(options.into ?? {})) fetches[name] = this.tensorFor(this.output(name), data, "output");
    const results = await this.inner.run(ortFeeds, fetches);
    const out: Record<string, RunOutput> = {};
    for (const name of Object.keys(fetches)) {
      const t = results[name] as ort.Tensor;
      const pre = options.into?.[name];
      out[name] = { data: pre ?? (t.data as TensorArray), dims: t.dims };
    }
    return out;
  }

  /** Free the native session. Further runs throw; releasing twice is harmless. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.inner.release();
  }
}
