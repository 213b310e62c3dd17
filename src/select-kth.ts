// Quickselect, shared by the depth back ends (medians of whole depth maps) and lifting (percentiles
// of an object's depths). Root helper: pure, no imports.

/**
 * Reorder the first n values so that values[k] is the k-th smallest (0-based), everything before it
 * <= it and everything after it >= it (Hoare's quickselect, median-of-three pivots: O(n) on
 * average, no allocation); returns that value. 0 <= k < n.
 */
export function selectKth(values: Float32Array | Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as the pivot, which also keeps sorted and reversed input linear.
    let a = values[lo]!;
    let b = values[mid]!;
    let c = values[hi]!;
    if (a > b) [a, b] = [b, a];
    if (b > c) [b, c] = [c, b];
    if (a > b) [a, b] = [b, a];
    const pivot = b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k]!;
}
