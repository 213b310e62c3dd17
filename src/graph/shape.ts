/**
 * Static shape arithmetic shared by every op: broadcasting, element counts, axis normalisation and
 * the one way shapes are printed in messages (`[16,128,64]`). Shapes are plain arrays of positive
 * integers; a scalar has shape `[]`.
 */

/** `[16,128,64]`; `[]` for a scalar. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/** Number of elements (1 for a scalar). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** True when both shapes have the same rank and dimensions. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The numpy broadcast of `shapes` (right-aligned; a dimension of 1 stretches), or null when two
 * dimensions differ and neither is 1.
 */
export function broadcastShapes(...shapes: readonly (readonly number[])[]): number[] | null {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i]!;
      if (d === out[o] || d === 1) continue;
      if (out[o] !== 1) return null;
      out[o] = d;
    }
  }
  return out;
}

/**
 * The axes of `full` that were broadcast from `small` (leading axes `small` lacks, and axes where
 * `small` has 1 and `full` does not): summing a gradient over them undoes the broadcast.
 */
export function broadcastAxes(small: readonly number[], full: readonly number[]): number[] {
  const lead = full.length - small.length;
  const axes: number[] = [];
  for (let i = 0; i < full.length; i++) {
    if (i < lead || (small[i - lead] === 1 && full[i] !== 1)) axes.push(i);
  }
  return axes;
}

/** `axis` in [-rank, rank) mapped to [0, rank), or null when out of range or not an integer. */
export function normalizeAxis(axis: number, rank: number): number | null {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) return null;
  return axis < 0 ? axis + rank : axis;
}

/** True for an array of positive integers (a valid static shape). */
export function isValidShape(shape: readonly number[]): boolean {
  return Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d >= 1);
}
