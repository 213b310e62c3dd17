/**
 * The graph builder: data inputs, trainable parameters, constants and recorded ONNX nodes.
 *
 * Ops live in the `ops-*.ts` files as functions of tensors (`matmul(a, b)`, `add(a, b)`). Each
 * checks its operands' shapes and dtypes (throwing a GraphError that names the op and operands),
 * then records its ONNX node and its backward rule together through {@link Graph.op}, so a model
 * definition that builds is a graph that runs. `autodiff.ts` walks the recorded rules; `emit.ts`
 * turns the nodes some outputs need into an ONNX model.
 *
 * Shapes are fully static (a different batch size is a different graph: building one is cheap).
 */
import { InputError } from "../errors.js";
import type { OnnxAttributeValue, OnnxModel, OnnxTensor } from "../onnx-proto.js";
import { createRng, deriveSeed } from "../random.js";
import { emitModel, modelInputsFor } from "./emit.js";
import { sampleInit, type Init } from "./init.js";
import { isValidShape, shapeSize } from "./shape.js";
import { DTYPES, GraphError, ONNX_DTYPE, Tensor, type DType, type OpNode, type TensorKind } from "./tensor.js";

export { DTYPES, GraphError, ONNX_DTYPE, Tensor };
export type { DType, OpNode, TensorKind };

/** What a backward rule receives: the op's tensors, the gradients of its outputs, and which inputs need one. */
export interface GradContext {
  readonly inputs: readonly (Tensor | null)[];
  readonly outputs: readonly Tensor[];
  /** d loss / d output, or null where the output does not reach the loss. At least one is non-null. */
  readonly gradOutputs: readonly (Tensor | null)[];
  /** needs[i]: input i depends on a parameter being differentiated (so its gradient is wanted). */
  readonly needs: readonly boolean[];
}

/** A backward rule: d loss / d input for each input (null or undefined where not needed or zero). */
export type GradRule = (ctx: GradContext) => readonly (Tensor | null | undefined)[];

/** One differentiable step as autodiff sees it: an op, or a composite with its own rule. */
export interface DiffOp {
  readonly label: string;
  readonly inputs: readonly (Tensor | null)[];
  readonly outputs: readonly Tensor[];
  /** Absent: the op is not differentiable and stops gradients (comparisons, casts to integers). */
  readonly grad?: GradRule;
}

/** Description of a node to add with {@link Graph.op}. */
export interface OpSpec {
  readonly opType: string;
  readonly domain?: string;
  readonly inputs: readonly (Tensor | null)[];
  readonly attrs?: Readonly<Record<string, OnnxAttributeValue>>;
  /** Shape and dtype of each output, inferred by the calling op. */
  readonly outputs: readonly { readonly shape: readonly number[]; readonly dtype: DType }[];
  readonly grad?: GradRule;
}

/** A declared graph output. */
export interface GraphOutput {
  readonly name: string;
  readonly tensor: Tensor;
}

/** A data input's interface: what a caller feeds each run. */
export interface InputSpec {
  name: string;
  dtype: DType;
  shape: number[];
}

/** Options for {@link Graph.toModel}. */
export interface ToModelOptions {
  /** Parameters become graph inputs (all of them, sorted by name) instead of baked initializers. */
  readonly paramsAsInputs: true;
  /** Which declared outputs to include (default: all declared with {@link Graph.output}). */
  readonly outputs?: readonly string[];
}

/** Options for {@link Graph.toInferenceModel}. */
export interface ToInferenceOptions {
  /** Which declared outputs to include (default: all declared with {@link Graph.output}). */
  readonly outputs?: readonly string[];
  /** Value of every parameter the outputs depend on, baked in as initializers. */
  readonly params: ReadonlyMap<string, Float32Array>;
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;
/** Output names may also contain '/', as the training step's `P/new` do. */
const OUTPUT_NAME_RE = /^[A-Za-z_][A-Za-z0-9_.:/-]*$/;

/** FNV-1a of a string: a stable 32-bit index for deriving a parameter's seed from its name. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * A graph under construction. Create tensors with {@link input}, {@link param}, {@link constant}
 * and the op functions; declare results with {@link output}; then emit an inference model
 * ({@link toInferenceModel}, {@link toModel}) or a training step (`buildTrainStep`).
 */
export class Graph {
  private nextId = 0;
  private readonly usedNames = new Set<string>();
  private readonly scopes: string[] = [];
  private compositeDepth = 0;
  private readonly constantCache = new Map<string, Tensor>();
  private readonly nodeList: OpNode[] = [];
  private readonly diffList: DiffOp[] = [];
  private readonly inputList: Tensor[] = [];
  private readonly paramMap = new Map<string, { tensor: Tensor; init: Init }>();
  private readonly constantValues = new Map<Tensor, OnnxTensor>();
  private readonly outputList: GraphOutput[] = [];
  private trainStepBuilt = false;

  /** @param name the ONNX graph name */
  constructor(readonly name = "n3d") {
    if (!NAME_RE.test(name)) throw new InputError("Graph", "name", name, "must match [A-Za-z_][A-Za-z0-9_.:-]*");
  }

  // ---- leaves --------------------------------------------------------------------------------

  /**
   * A data input fed at run time, e.g. `g.input("tokens", "int64", [16, 128])`. The name is the
   * ONNX input name (not scoped). Names use letters, digits, `_ . : -`.
   */
  input(name: string, dtype: DType, shape: readonly number[]): Tensor {
    const t = this.leaf("input", name, dtype, shape, "graph.input");
    this.inputList.push(t);
    return t;
  }

  /** @internal A non-data input the training step adds (lr, step, optimizer moments). */
  stateInput(name: string, dtype: DType, shape: readonly number[]): Tensor {
    return this.leaf("input", name, dtype, shape, "graph.stateInput", OUTPUT_NAME_RE);
  }

  /**
   * A float32 trainable parameter named `scope.name` with initial values drawn from `init` when
   * the parameters are materialised ({@link initialParams}).
   */
  param(name: string, shape: readonly number[], init: Init): Tensor {
    const full = this.scoped(name, ".");
    const t = this.leaf("param", full, "float32", shape, "graph.param");
    this.paramMap.set(full, { tensor: t, init });
    return t;
  }

  /**
   * A constant: a number (a scalar), an array of numbers (1-D unless `shape` is given) or a typed
   * array. float32 by default; integers for int64/int32; 0/1 for bool. Values must be finite.
   * Small constants are shared (asking twice for the float32 scalar 0.5 gives one tensor).
   */
  constant(
    value: number | readonly number[] | Float32Array | Int32Array | BigInt64Array,
    options: { readonly dtype?: DType; readonly shape?: readonly number[] } = {},
  ): Tensor {
    const dtype = options.dtype ?? "float32";
    const values: readonly (number | bigint)[] = typeof value === "number" ? [value] : Array.from(value as ArrayLike<number | bigint>);
    const shape = options.shape ?? (typeof value === "number" ? [] : [values.length]);
    if (!DTYPES.includes(dtype)) throw new InputError("graph.constant", "dtype", dtype, `is not a supported dtype; choose one of ${DTYPES.join(", ")}`);
    // Zero-length dims are allowed here only: an empty int64 vector is the shape of a scalar.
    if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new InputError("graph.constant", "shape", shape, "must be non-negative integers");
    if (shapeSize(shape) !== values.length) {
      throw new InputError("graph.constant", "shape", shape, `needs ${shapeSize(shape)} values, got ${values.length}`);
    }
    const key = values.length <= 16 ? `${dtype}|${shape.join(",")}|${values.join(",")}` : null;
    const cached = key === null ? undefined : this.constantCache.get(key);
    if (cached) return cached;
    const data = constantData(dtype, values);
    const t = this.newTensor(this.autoName("const"), shape, dtype, "constant", null);
    this.constantValues.set(t, { dataType: ONNX_DTYPE[dtype], dims: [...shape], data });
    if (key !== null) this.constantCache.set(key, t);
    return t;
  }

  /** Declare a named output (the ONNX output name). Names are unique and differ from input names. */
  output(name: string, tensor: Tensor): void {
    this.own(tensor, "graph.output");
    if (!OUTPUT_NAME_RE.test(name)) {
      throw new InputError("graph.output", "name", name, "must match [A-Za-z_][A-Za-z0-9_.:/-]*");
    }
    if (this.outputList.some((o) => o.name === name)) throw new InputError("graph.output", "name", name, "is already an output");
    if (this.inputList.some((t) => t.name === name) || this.paramMap.has(name)) {
      throw new InputError("graph.output", "name", name, "is already the name of an input or parameter");
    }
    this.outputList.push({ name, tensor });
  }

  /** Run `build` with names of parameters and renamed values prefixed by `prefix.` (scopes nest). */
  scope<T>(prefix: string, build: () => T): T {
    if (!NAME_RE.test(prefix)) throw new InputError("graph.scope", "prefix", prefix, "must match [A-Za-z_][A-Za-z0-9_.:-]*");
    this.scopes.push(prefix);
    try {
      return build();
    } finally {
      this.scopes.pop();
    }
  }

  // ---- what the graph holds -------------------------------------------------------------------

  /** Declared data inputs, in declaration order. */
  get inputs(): readonly Tensor[] {
    return this.inputList;
  }

  /** Parameters sorted by name. */
  get params(): readonly Tensor[] {
    return [...this.paramMap.keys()].sort().map((n) => this.paramMap.get(n)!.tensor);
  }

  /** The parameter called `name`, or undefined. */
  getParam(name: string): Tensor | undefined {
    return this.paramMap.get(name)?.tensor;
  }

  /** The initialiser a parameter was declared with. */
  paramInit(name: string): Init | undefined {
    return this.paramMap.get(name)?.init;
  }

  /** Declared outputs, in declaration order. */
  get outputs(): readonly GraphOutput[] {
    return this.outputList;
  }

  /** Every recorded node, in creation (topological) order. */
  get nodes(): readonly OpNode[] {
    return this.nodeList;
  }

  /** @internal Differentiable steps in creation order (what autodiff walks). */
  get diffOps(): readonly DiffOp[] {
    return this.diffList;
  }

  /** @internal The value of a constant tensor. */
  constantValue(t: Tensor): OnnxTensor | undefined {
    return this.constantValues.get(t);
  }

  /**
   * Initial parameter values: each parameter drawn from its initialiser with a generator seeded by
   * `deriveSeed(seed, fnv1a(name))`, so a parameter's start depends on the seed and its name only
   * (adding a parameter does not change the others). Sorted by name.
   */
  initialParams(seed: number): Map<string, Float32Array> {
    if (!Number.isInteger(seed)) throw new InputError("graph.initialParams", "seed", seed, "must be an integer");
    const out = new Map<string, Float32Array>();
    for (const p of this.params) {
      const rng = createRng(deriveSeed(seed, hashName(p.name)));
      out.set(p.name, sampleInit(this.paramMap.get(p.name)!.init, p.shape, rng));
    }
    return out;
  }

  // ---- models ---------------------------------------------------------------------------------

  /**
   * A standalone inference model: the nodes the chosen outputs need, parameters baked in as
   * initializers, and as inputs only the data inputs those outputs read. Runs with no n3d code.
   */
  toInferenceModel(options: ToInferenceOptions): OnnxModel {
    const outputs = this.selectOutputs(options.outputs, "graph.toInferenceModel");
    const inputs = modelInputsFor(this, outputs.map((o) => o.tensor)).filter((t) => t.kind === "input");
    return emitModel(this, { inputs, outputs, paramValues: options.params, where: "graph.toInferenceModel" });
  }

  /**
   * The same graph with every parameter as a graph input (after the data inputs the outputs read),
   * for evaluation sessions fed the live parameters of a training run.
   */
  toModel(options: ToModelOptions): OnnxModel {
    if (options.paramsAsInputs !== true) throw new InputError("graph.toModel", "paramsAsInputs", options.paramsAsInputs, "must be true");
    const outputs = this.selectOutputs(options.outputs, "graph.toModel");
    const data = modelInputsFor(this, outputs.map((o) => o.tensor)).filter((t) => t.kind === "input");
    return emitModel(this, { inputs: [...data, ...this.params], outputs, where: "graph.toModel" });
  }

  private selectOutputs(names: readonly string[] | undefined, where: string): GraphOutput[] {
    if (names === undefined) {
      if (this.outputList.length === 0) throw new InputError(where, "outputs", [], "the graph declares no outputs (use g.output)");
      return [...this.outputList];
    }
    if (names.length === 0) throw new InputError(where, "outputs", names, "must name at least one output");
    return names.map((n) => {
      const o = this.outputList.find((x) => x.name === n);
      if (!o) throw new InputError(where, "outputs", n, `is not a declared output; choose one of ${this.outputList.map((x) => x.name).join(", ")}`);
      return o;
    });
  }

  // ---- op plumbing (used by the ops-*.ts files) -----------------------------------------------

  /**
   * Record one ONNX node and return its output tensors. Ops call this after checking their
   * operands; `grad` (if any) is the op's backward rule. Inside {@link composite} the node is
   * recorded for emission only (the composite's rule replaces it in autodiff).
   */
  op(spec: OpSpec): Tensor[] {
    for (const t of spec.inputs) if (t !== null) this.own(t, spec.opType);
    const id = this.nextId++;
    const outputs: Tensor[] = [];
    const node: OpNode = {
      id,
      opType: spec.opType,
      domain: spec.domain ?? "",
      inputs: spec.inputs,
      outputs,
      attrs: spec.attrs ?? {},
    };
    for (const o of spec.outputs) outputs.push(this.newTensor(this.autoName(spec.opType.toLowerCase()), o.shape, o.dtype, "value", node));
    this.nodeList.push(node);
    if (this.compositeDepth === 0) {
      this.diffList.push({ label: spec.opType, inputs: spec.inputs, outputs, ...(spec.grad ? { grad: spec.grad } : {}) });
    }
    return outputs;
  }

  /**
   * Build a composite op whose nodes are emitted as usual but differentiated as one step with the
   * rule `grad` (e.g. cross-entropy, whose gradient softmax - onehot is cheaper and more stable
   * than the chain rule through its parts). Every float tensor the composite reads from outside
   * must be listed in `inputs`, or it would silently get no gradient; that is checked.
   */
  composite(label: string, inputs: readonly Tensor[], build: () => readonly Tensor[], grad: GradRule): Tensor[] {
    const firstNode = this.nodeList.length;
    this.compositeDepth++;
    let outputs: readonly Tensor[];
    try {
      outputs = build();
    } finally {
      this.compositeDepth--;
    }
    const inner = new Set<Tensor>();
    for (const n of this.nodeList.slice(firstNode)) for (const o of n.outputs) inner.add(o);
    for (const n of this.nodeList.slice(firstNode)) {
      for (const t of n.inputs) {
        if (t === null || inner.has(t) || inputs.includes(t) || t.dtype !== "float32" || t.kind === "constant") continue;
        throw new GraphError(label, [t], `reads float tensor ${t.name} that is not one of its declared inputs`);
      }
    }
    if (this.compositeDepth === 0) this.diffList.push({ label, inputs, outputs, grad });
    return [...outputs];
  }

  /**
   * @internal buildTrainStep claims the graph once: its lr/step/moment inputs and P/new outputs
   * exist once per graph. Returns false when a training step was already built.
   */
  claimTrainStep(): boolean {
    if (this.trainStepBuilt) return false;
    this.trainStepBuilt = true;
    return true;
  }

  /** @internal Rename an op result (Tensor.named). */
  renameValue(t: Tensor, name: string): void {
    if (t.kind !== "value") throw new InputError("tensor.named", "tensor", t.name, `is a ${t.kind}; only op results can be renamed`);
    if (!NAME_RE.test(name)) throw new InputError("tensor.named", "name", name, "must match [A-Za-z_][A-Za-z0-9_.:-]*");
    const full = this.scoped(name, ".");
    if (this.usedNames.has(full)) throw new InputError("tensor.named", "name", full, "is already used in this graph");
    this.usedNames.delete(t.name);
    this.usedNames.add(full);
    t.setName(full);
  }

  /** Throw unless `t` belongs to this graph. */
  own(t: Tensor, where: string): void {
    if (!(t instanceof Tensor)) throw new InputError(where, "operand", t, "is not a Tensor");
    if (t.graph !== this) throw new GraphError(where, [t], "the tensor belongs to another graph");
  }

  private leaf(kind: "input" | "param", name: string, dtype: DType, shape: readonly number[], where: string, re = NAME_RE): Tensor {
    if (!re.test(name)) throw new InputError(where, "name", name, `must match ${re.source}`);
    if (this.usedNames.has(name) || this.outputList.some((o) => o.name === name)) throw new InputError(where, "name", name, "is already used in this graph");
    if (!DTYPES.includes(dtype)) throw new InputError(where, "dtype", dtype, `is not a supported dtype; choose one of ${DTYPES.join(", ")}`);
    if (!isValidShape(shape)) throw new InputError(where, `${name}.shape`, shape, "must be an array of positive integers");
    this.usedNames.add(name);
    return new Tensor(this, this.nextId++, name, [...shape], dtype, kind, null);
  }

  private newTensor(name: string, shape: readonly number[], dtype: DType, kind: TensorKind, producer: OpNode | null): Tensor {
    this.usedNames.add(name);
    return new Tensor(this, this.nextId++, name, Object.freeze([...shape]), dtype, kind, producer);
  }

  private scoped(name: string, sep: string): string {
    return this.scopes.length === 0 ? name : `${this.scopes.join(".")}${sep}${name}`;
  }

  /** `scope/op#id`: '#' never appears in user names, so auto names cannot collide with them. */
  private autoName(base: string): string {
    return this.scoped(`${base}#${this.nextId}`, "/");
  }
}

function constantData(dtype: DType, values: readonly (number | bigint)[]): OnnxTensor["data"] {
  const where = "graph.constant";
  switch (dtype) {
    case "float32":
      return Float32Array.from(values, (v) => {
        const x = Number(v);
        if (!Number.isFinite(x)) throw new InputError(where, "value", v, "must be finite");
        return x;
      });
    case "int64":
      return BigInt64Array.from(values, (v) => {
        if (typeof v === "bigint") return v;
        if (!Number.isSafeInteger(v)) throw new InputError(where, "value", v, "must be an integer for int64");
        return BigInt(v);
      });
    case "int32":
      return Int32Array.from(values, (v) => {
        const x = Number(v);
        if (!Number.isInteger(x) || x < -(2 ** 31) || x >= 2 ** 31) throw new InputError(where, "value", v, "must be an int32 integer");
        return x;
      });
    case "bool":
      return Uint8Array.from(values, (v) => {
        const x = Number(v);
        if (x !== 0 && x !== 1) throw new InputError(where, "value", v, "must be 0 or 1 for bool");
        return x;
      });
  }
}
