/**
 * Matrix multiplication with batch broadcasting and optional transposed operands.
 *
 * Lowering: a transposed operand is a Transpose of its last two axes feeding MatMul. onnxruntime's
 * MatMul-Transpose fusion (graph optimisation level "extended" and above) folds that pair into one
 * FusedMatMul that reads the operand transposed, so no copy is made. The backward pass uses the
 * same form: dA = dC B^T and dB = A^T dC are matmuls with a transposed operand, never explicit
 * Transposes of activations.
 */
import type { GradRule, Tensor } from "./graph.js";
import { GraphError } from "./graph.js";
import { requireDType, unbroadcast } from "./ops-elementwise.js";
import { reshape, transpose } from "./ops-shape.js";
import { broadcastShapes, formatShape } from "./shape.js";

/** Options for {@link matmul}. */
export interface MatMulOptions {
  /** Use A with its last two axes swapped. */
  readonly transA?: boolean;
  /** Use B with its last two axes swapped. */
  readonly transB?: boolean;
}

function swapLast(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  perm[x.rank - 1] = x.rank - 2;
  perm[x.rank - 2] = x.rank - 1;
  return transpose(x, perm);
}

/**
 * C = op(A) @ op(B) with op = transpose-last-two when asked. Both operands have rank >= 2:
 * A [..., M, K], B [..., K, N] -> C [broadcast(...), M, N]. float32 only.
 */
export function matmul(a: Tensor, b: Tensor, options: MatMulOptions = {}): Tensor {
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  const opName = "MatMul";
  const attrs = [transA ? "transA" : "", transB ? "transB" : ""].filter(Boolean).join(", ") || undefined;
  a.graph.own(a, opName);
  a.graph.own(b, opName);
  if (a.rank < 2 || b.rank < 2) throw new GraphError(opName, [a, b], "both operands need rank >= 2 (reshape vectors to [1, n] or [n, 1])", attrs);
  requireDType("MatMul", a, ["float32"]);
  requireDType("MatMul", b, ["float32"]);
  const [m, kA] = transA ? [a.shape[a.rank - 1]!, a.shape[a.rank - 2]!] : [a.shape[a.rank - 2]!, a.shape[a.rank - 1]!];
  const [kB, n] = transB ? [b.shape[b.rank - 1]!, b.shape[b.rank - 2]!] : [b.shape[b.rank - 2]!, b.shape[b.rank - 1]!];
  if (kA !== kB) throw new GraphError(opName, [a, b], `inner dimensions ${kA} and ${kB} differ`, attrs);
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
  if (batch === null) {
    throw new GraphError(opName, [a, b], `batch dimensions ${formatShape(a.shape.slice(0, -2))} and ${formatShape(b.shape.slice(0, -2))} do not broadcast`, attrs);
  }
  const shape = [...batch, m, n];
  // One differentiable step over the original operands, so the backward pass picks the
  // transposed-operand form directly instead of differentiating through the Transposes.
  const grad: GradRule = ({ gradOutputs, needs }) => [
    needs[0] ? gradA(a, b, gradOutputs[0]!, transA, transB) : null,
    needs[1] ? gradB(a, b, gradOutputs[0]!, transA, transB) : null,
  ];
  return a.graph.composite(opName, [a, b], () => {
    const opA = transA ? swapLast(a) : a;
    const opB = transB ? swapLast(b) : b;
    return a.graph.op({ opType: "MatMul", inputs: [opA, opB], outputs: [{ shape, dtype: "float32" }] });
  }, grad)[0]!;
}

/** d loss / dA for C = op(A) op(B): dC op(B)^T, or its transpose op(B) dC^T when A was transposed. */
function gradA(a: Tensor, b: Tensor, gc: Tensor, transA: boolean, transB: boolean): Tensor {
  const g = transA ? matmul(b, gc, { transA: transB, transB: true }) : matmul(gc, b, { transB: !transB });
  return unbroadcast(g, a.shape);
}

/** d loss / dB for C = op(A) op(B): op(A)^T dC, or its transpose dC^T op(A) when B was transposed. */
function gradB(a: Tensor, b: Tensor, gc: Tensor, transA: boolean, transB: boolean): Tensor {
  if (b.rank === 2 && a.rank > 2 && !transA) {
    // A weight shared by every batch row: fold the batch into M for one big GEMM.
    const a2 = reshape(a, [-1, a.shape[a.rank - 1]!]); // [B*M, K]
    const gc2 = reshape(gc, [-1, gc.shape[gc.rank - 1]!]); // [B*M, N]
    return transB ? matmul(gc2, a2, { transA: true }) : matmul(a2, gc2, { transA: true });
  }
  const g = transB ? matmul(gc, a, { transA: true, transB: transA }) : matmul(a, gc, { transA: !transA });
  return unbroadcast(g, b.shape);
}
