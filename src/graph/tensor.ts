/**
 * The symbolic tensor handle and the build-time error that names tensors.
 *
 * A {@link Tensor} carries a static shape, a dtype and where it comes from (input, parameter,
 * constant, or the output of a recorded node); it holds no data. Tensors are created by a Graph
 * (graph.ts) and by the op functions; shapes and dtypes are checked when an op is added.
 */
import { InputError } from "../errors.js";
import type { OnnxAttributeValue } from "../onnx-proto.js";
import { OnnxDataType } from "../onnx-proto.js";
import type { Graph } from "./graph.js";
import { formatShape, shapeSize } from "./shape.js";

/** Element types a tensor can have. Gradients flow through float32 tensors only. */
export type DType = "float32" | "int64" | "int32" | "bool";

/** Every supported dtype. */
export const DTYPES: readonly DType[] = ["float32", "int64", "int32", "bool"];

/** ONNX TensorProto element type of each dtype. */
export const ONNX_DTYPE = {
  float32: OnnxDataType.FLOAT,
  int64: OnnxDataType.INT64,
  int32: OnnxDataType.INT32,
  bool: OnnxDataType.BOOL,
} as const;

/** Where a tensor comes from: a fed input, a trainable parameter, a constant, or an op result. */
export type TensorKind = "input" | "param" | "constant" | "value";

/** The one-line error for a graph that cannot be built: `graph: MatMul(a [2,3], b [4,5]): ...`. */
export class GraphError extends InputError {
  /**
   * @param op       the op (or function) being added, e.g. "MatMul"
   * @param operands the tensors it was given (printed as `name [shape]`)
   * @param problem  what is wrong, lower case
   * @param attrs    the op's static arguments, printed after the operands (e.g. "perm = [1,0]")
   */
  constructor(op: string, operands: readonly Tensor[], problem: string, attrs?: string) {
    const args = [...operands.map((t) => t.describe()), ...(attrs ? [attrs] : [])];
    const call = `${op}(${args.join(", ")})`;
    super("graph", call, undefined, problem);
    this.message = `graph: ${call}: ${problem}`;
  }
}

/**
 * A symbolic tensor: a value of the graph with a static shape and dtype. Handles are created by
 * the graph and by ops; they carry no data.
 */
export class Tensor {
  /** @internal Use Graph.input / param / constant or an op. */
  constructor(
    /** The graph this tensor belongs to. */
    readonly graph: Graph,
    /** Unique id within the graph (creation order). */
    readonly id: number,
    private valueName: string,
    /** Static shape; [] for a scalar. */
    readonly shape: readonly number[],
    /** Element type. */
    readonly dtype: DType,
    /** Where the value comes from. */
    readonly kind: TensorKind,
    /** The node that produces it (null for inputs, parameters and constants). */
    readonly producer: OpNode | null,
  ) {}

  /** The ONNX value name (unique in the graph); inputs and parameters keep the name they were given. */
  get name(): string {
    return this.valueName;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return shapeSize(this.shape);
  }

  /** `name [d0,d1,...]`, as error messages print it. */
  describe(): string {
    return `${this.valueName} ${formatShape(this.shape)}`;
  }

  /**
   * Give this op result a readable name (prefixed with the current scope), used in error messages
   * and as its ONNX value name. Returns the same tensor. Only op results can be renamed.
   */
  named(name: string): this {
    this.graph.renameValue(this, name);
    return this;
  }

  /** @internal */
  setName(name: string): void {
    this.valueName = name;
  }
}

/** One recorded ONNX node. Inputs may be null for an omitted optional input. */
export interface OpNode {
  readonly id: number;
  readonly opType: string;
  /** "" for the default ai.onnx domain. */
  readonly domain: string;
  readonly inputs: readonly (Tensor | null)[];
  readonly outputs: readonly Tensor[];
  readonly attrs: Readonly<Record<string, OnnxAttributeValue>>;
}
