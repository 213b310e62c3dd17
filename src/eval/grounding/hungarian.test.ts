import { describe, expect, it } from "vitest";
import { errorOf } from "../../../test/helpers.js";
import { createRng } from "../../random.js";
import { maxWeightAssignment, minCostAssignment, type AssignmentPair } from "./hungarian.js";

/** The slow, obviously right reference: the best total over every injective map of the smaller side. */
function bruteForceBest(w: readonly (readonly number[])[], maximize: boolean): number {
  const rows = w.length;
  const cols = w[0]?.length ?? 0;
  const small = Math.min(rows, cols);
  const large = Math.max(rows, cols);
  const at = (i: number, j: number) => (rows <= cols ? w[i]![j]! : w[j]![i]!);
  let best = maximize ? -Infinity : Infinity;
  const usedCols = new Array<boolean>(large).fill(false);
  const walk = (i: number, total: number): void => {
    if (i === small) {
      best = maximize ? Math.max(best, total) : Math.min(best, total);
      return;
    }
    for (let j = 0; j < large; j++) {
      if (usedCols[j]) continue;
      usedCols[j] = true;
      walk(i + 1, total + at(i, j));
      usedCols[j] = false;
    }
  };
  walk(0, 0);
  return small === 0 ? 0 : best;
}

function total(w: readonly (readonly number[])[], pairs: readonly AssignmentPair[]): number {
  return pairs.reduce((s, [i, j]) => s + w[i]![j]!, 0);
}

function expectValidAssignment(pairs: readonly AssignmentPair[], rows: number, cols: number): void {
  expect(pairs).toHaveLength(Math.min(rows, cols));
  expect(new Set(pairs.map((p) => p[0])).size).toBe(pairs.length);
  expect(new Set(pairs.map((p) => p[1])).size).toBe(pairs.length);
  for (const [i, j] of pairs) {
    expect(i).toBeGreaterThanOrEqual(0);
    expect(i).toBeLessThan(rows);
    expect(j).toBeGreaterThanOrEqual(0);
    expect(j).toBeLessThan(cols);
  }
  expect(pairs.map((p) => p[0])).toEqual([...pairs.map((p) => p[0])].sort((a, b) => a - b));
}

describe("Hungarian assignment", () => {
  it("matches brute force over all permutations on random rectangular matrices", () => {
    const rng = createRng(6);
    for (let trial = 0; trial < 300; trial++) {
      const rows = 1 + rng.int(6);
      const cols = 1 + rng.int(6);
      // Sparse IoU-like weights with ties at 0 and some repeated values, the cases grounding meets.
      const w = Array.from({ length: rows }, () =>
        Array.from({ length: cols }, () => (rng.next() < 0.4 ? 0 : rng.next() < 0.2 ? 0.5 : rng.next())),
      );
      const maxPairs = maxWeightAssignment(w);
      expectValidAssignment(maxPairs, rows, cols);
      expect(total(w, maxPairs)).toBeCloseTo(bruteForceBest(w, true), 12);
      const minPairs = minCostAssignment(w);
      expectValidAssignment(minPairs, rows, cols);
      expect(total(w, minPairs)).toBeCloseTo(bruteForceBest(w, false), 12);
    }
  });

  it("solves a hand example where greedy picking fails", () => {
    // Greedy takes (0, 0) = 0.9 and is left with (1, 1) = 0.1: total 1.0. Best is 0.8 + 0.8.
    const w = [
      [0.9, 0.8],
      [0.8, 0.1],
    ];
    expect(maxWeightAssignment(w)).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });

  it("handles empty and one-sided matrices", () => {
    expect(maxWeightAssignment([])).toEqual([]);
    expect(maxWeightAssignment([[], []])).toEqual([]);
    expect(maxWeightAssignment([[0.2], [0.7], [0.1]])).toEqual([[1, 0]]);
    expect(maxWeightAssignment([[0.2, 0.7, 0.1]])).toEqual([[0, 1]]);
  });

  it("rejects ragged and non-finite matrices, naming the entry", () => {
    expect(errorOf(() => maxWeightAssignment([[1, 2], [3]])).message).toContain("weights[1].length = 1");
    expect(errorOf(() => maxWeightAssignment([[1, NaN]])).message).toBe("maxWeightAssignment: weights[0][1] = NaN: must be a finite number");
    expect(errorOf(() => minCostAssignment([[Infinity]])).message).toContain("cost[0][0] = Infinity");
  });
});
