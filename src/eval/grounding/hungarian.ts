import { InputError } from "../../errors.js";

/**
 * The linear assignment problem, solved exactly by the Hungarian method in its shortest augmenting
 * path form (Kuhn-Munkres with Jonker-Volgenant style potentials), O(n^2 m) for an n x m matrix
 * with n <= m, i.e. O(n^3) for square ones.
 *
 * Rectangular matrices are allowed: exactly min(rows, cols) pairs are returned, every row (or
 * every column, whichever is fewer) gets one partner and no row or column is used twice.
 */

/** One (row, column) pair of an assignment. */
export type AssignmentPair = readonly [row: number, col: number];

/**
 * The assignment of a rows x cols `cost` matrix with the least total cost.
 * Returns min(rows, cols) pairs sorted by row. Throws an InputError when the matrix is ragged or
 * holds a non-finite number.
 */
export function minCostAssignment(cost: readonly (readonly number[])[]): AssignmentPair[] {
  const cols = checkMatrix(cost, "minCostAssignment", "cost");
  return solve(cost, cols);
}

/**
 * The assignment of a rows x cols `weights` matrix with the greatest total weight (for grounding:
 * weights are 3D IoUs, predictions x truths). Returns min(rows, cols) pairs sorted by row; pairs of
 * weight 0 are included (callers that treat them as unmatched drop them). Throws an InputError when
 * the matrix is ragged or holds a non-finite number.
 */
export function maxWeightAssignment(weights: readonly (readonly number[])[]): AssignmentPair[] {
  const cols = checkMatrix(weights, "maxWeightAssignment", "weights");
  return solve(weights.map((row) => row.map((w) => -w)), cols);
}

/** Number of columns; throws unless every row has it and every entry is finite. */
function checkMatrix(m: readonly (readonly number[])[], where: string, name: string): number {
  const cols = m[0]?.length ?? 0;
  m.forEach((row, i) => {
    if (row.length !== cols) throw new InputError(where, `${name}[${i}].length`, row.length, `rows must all have ${cols} columns (the length of row 0)`);
    row.forEach((v, j) => {
      if (typeof v !== "number" || !Number.isFinite(v)) throw new InputError(where, `${name}[${i}][${j}]`, v, "must be a finite number");
    });
  });
  return cols;
}

function solve(cost: readonly (readonly number[])[], cols: number): AssignmentPair[] {
  const rows = cost.length;
  if (rows === 0 || cols === 0) return [];
  if (rows <= cols) return augment(cost, rows, cols);
  // More rows than columns: assign the columns to rows instead, then swap back.
  const transposed = Array.from({ length: cols }, (_, j) => cost.map((row) => row[j]!));
  return augment(transposed, cols, rows)
    .map(([j, i]) => [i, j] as const)
    .sort((a, b) => a[0] - b[0]);
}

/**
 * Shortest augmenting paths with row potentials u and column potentials v (1-based, column 0 a
 * sentinel), after the classic e-maxx formulation. Requires n <= m; assigns every row.
 */
function augment(a: readonly (readonly number[])[], n: number, m: number): AssignmentPair[] {
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const rowOfCol = new Int32Array(m + 1); // rowOfCol[j] = 1-based row assigned to column j, 0 = none
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    rowOfCol[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = rowOfCol[j0]!;
      const row = a[i0 - 1]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const reduced = row[j - 1]! - u[i0]! - v[j]!;
        if (reduced < minv[j]!) {
          minv[j] = reduced;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          const r = rowOfCol[j]!;
          u[r] = u[r]! + delta;
          v[j] = v[j]! - delta;
        } else {
          minv[j] = minv[j]! - delta;
        }
      }
      j0 = j1;
    } while (rowOfCol[j0] !== 0);
    do {
      const j1 = way[j0]!;
      rowOfCol[j0] = rowOfCol[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const pairs: AssignmentPair[] = [];
  for (let j = 1; j <= m; j++) if (rowOfCol[j] !== 0) pairs.push([rowOfCol[j]! - 1, j - 1]);
  return pairs.sort((p, q) => p[0] - q[0]);
}
