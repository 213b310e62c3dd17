/**
 * Reverse-mode automatic differentiation that emits gradient nodes into the same graph.
 *
 * Every op recorded a backward rule when it was added (graph.ts `DiffOp`). `gradients` walks those
 * ops from the loss back to the parameters, in reverse creation order (which is topological),
 * and asks each rule only for the inputs that lead to a wanted parameter: subgraphs that depend on
 * no parameter (masks, integer inputs, constants) get no gradient nodes at all. Where a tensor fans
 * out, its gradient contributions are summed with one Sum node.
 */
import { InputError } from "../errors.js";
import type { DiffOp, Graph, Tensor } from "./graph.js";
import { GraphError } from "./graph.js";
import { addN } from "./ops-elementwise.js";
import { formatShape, sameShape } from "./shape.js";

/** The parameters to differentiate: names or tensors; all of the graph's parameters by default. */
export type ParamSelection = readonly (string | Tensor)[];

function resolveParams(g: Graph, where: string, params: ParamSelection | undefined): Tensor[] {
  if (params === undefined) return [...g.params];
  return params.map((p) => {
    const t = typeof p === "string" ? g.getParam(p) : p;
    if (t === undefined || t.graph !== g || t.kind !== "param") {
      throw new InputError(where, "params", typeof p === "string" ? p : p.name, "is not a parameter of this graph");
    }
    return t;
  });
}

function checkLoss(g: Graph, where: string, loss: Tensor): void {
  g.own(loss, where);
  if (loss.dtype !== "float32" || loss.rank !== 0) {
    throw new GraphError(where, [loss], `the loss must be a float32 scalar (shape []), got ${loss.dtype} ${formatShape(loss.shape)}`);
  }
}

/** Tensors that depend on `from` through differentiable ops (float32 only). */
function dependents(ops: readonly DiffOp[], from: readonly Tensor[]): Set<Tensor> {
  const dep = new Set<Tensor>(from);
  for (const op of ops) {
    if (!op.grad || !op.inputs.some((t) => t !== null && dep.has(t))) continue;
    for (const o of op.outputs) if (o.dtype === "float32") dep.add(o);
  }
  return dep;
}

/**
 * Names of the parameters (all, or those given) whose value cannot change `loss` through
 * differentiable ops: they would receive no gradient. Emits nothing. Sorted by name.
 */
export function paramsWithoutGradient(g: Graph, loss: Tensor, params?: ParamSelection): string[] {
  checkLoss(g, "paramsWithoutGradient", loss);
  const targets = resolveParams(g, "paramsWithoutGradient", params);
  const ops = g.diffOps;
  const dep = dependents(ops, targets);
  const reach = new Set<Tensor>([loss]);
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i]!;
    if (!op.grad || !op.outputs.some((o) => reach.has(o))) continue;
    for (const t of op.inputs) if (t !== null && dep.has(t)) reach.add(t);
  }
  return targets.filter((p) => !reach.has(p)).map((p) => p.name).sort();
}

/**
 * d loss / d param for each parameter (all, or those given) that reaches the scalar float32
 * `loss`, as new tensors of the parameter's shape. Parameters that do not reach the loss are
 * absent from the map (see {@link paramsWithoutGradient}). Gradient nodes are named under the
 * scope "grad". Sorted by parameter name.
 */
export function gradients(g: Graph, loss: Tensor, params?: ParamSelection): Map<string, Tensor> {
  checkLoss(g, "gradients", loss);
  const targets = resolveParams(g, "gradients", params);
  const ops = g.diffOps.slice(); // the forward graph as it is now; rules add ops we must not visit
  const dep = dependents(ops, targets);
  const contributions = new Map<Tensor, Tensor[]>();
  const total = (t: Tensor): Tensor | null => {
    const parts = contributions.get(t);
    if (!parts || parts.length === 0) return null;
    if (parts.length > 1) contributions.set(t, [addN(parts)]);
    return contributions.get(t)![0]!;
  };

  return g.scope("grad", () => {
    if (dep.has(loss)) contributions.set(loss, [g.constant(1)]);
    for (let i = ops.length - 1; i >= 0; i--) {
      const op = ops[i]!;
      if (!op.grad) continue;
      const needs = op.inputs.map((t) => t !== null && dep.has(t));
      if (!needs.some(Boolean)) continue;
      const gradOutputs = op.outputs.map(total);
      if (gradOutputs.every((x) => x === null)) continue;
      const gradInputs = op.grad({ inputs: op.inputs, outputs: op.outputs, gradOutputs, needs });
      op.inputs.forEach((t, k) => {
        const gt = gradInputs[k];
        if (t === null || !needs[k] || gt === null || gt === undefined) return;
        if (!sameShape(gt.shape, t.shape) || gt.dtype !== "float32") {
          throw new GraphError(`gradients(${op.label})`, [t, gt], "internal error: the backward rule returned a gradient of the wrong shape");
        }
        const list = contributions.get(t);
        if (list) list.push(gt);
        else contributions.set(t, [gt]);
      });
    }
    const out = new Map<string, Tensor>();
    for (const p of [...targets].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const gp = total(p);
      if (gp !== null) out.set(p.name, gp);
    }
    return out;
  });
}
