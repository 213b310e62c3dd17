/**
 * A slow, obviously-right float64 reference for the graph ops, for tests only: forward values are
 * checked against it, and gradients against central finite differences of it. Arrays are
 * row-major; a scalar has shape [].
 */

/** A float64 n-d array. */
export interface Nd {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** An Nd of `shape` holding a float64 copy of `data`. */
export function nd(shape: readonly number[], data: ArrayLike<number>): Nd {
  const n = shape.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new Error(`nd: ${data.length} values for shape [${shape}]`);
  return { shape: [...shape], data: Float64Array.from(data) };
}

/** Number of elements of `shape`. */
export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** Multi-index of flat position `i` in `shape`. */
function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let k = shape.length - 1; k >= 0; k--) {
    idx[k] = i % shape[k]!;
    i = Math.floor(i / shape[k]!);
  }
  return idx;
}

/** Flat position in `shape` of a (right-aligned, broadcast) multi-index. */
function broadcastOffset(idx: readonly number[], shape: readonly number[]): number {
  const st = strides(shape);
  const lead = idx.length - shape.length;
  let off = 0;
  for (let k = 0; k < shape.length; k++) off += (shape[k] === 1 ? 0 : idx[lead + k]!) * st[k]!;
  return off;
}

/** numpy broadcast of two shapes (throws when they do not broadcast). */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const da = a[a.length - r + i] ?? 1;
    const db = b[b.length - r + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`ref: cannot broadcast [${a}] and [${b}]`);
    out.push(Math.max(da, db));
  }
  return out;
}

/** Elementwise f over broadcast operands. */
export function zip(f: (...xs: number[]) => number, ...xs: Nd[]): Nd {
  const shape = xs.map((x) => x.shape).reduce((a, b) => broadcastShape(a, b));
  const out = new Float64Array(size(shape));
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, shape);
    out[i] = f(...xs.map((x) => x.data[broadcastOffset(idx, x.shape)]!));
  }
  return { shape, data: out };
}

/** `f` applied to every element. */
export function map(x: Nd, f: (v: number) => number): Nd {
  return { shape: [...x.shape], data: x.data.map(f) };
}

/** Same data, new shape (one -1 allowed). */
export function reshape(x: Nd, shape: readonly number[]): Nd {
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const s = shape.map((d) => (d === -1 ? x.data.length / known : d));
  return nd(s, x.data);
}

/** Output axis i is input axis perm[i]. */
export function transpose(x: Nd, perm: readonly number[]): Nd {
  const shape = perm.map((p) => x.shape[p]!);
  const st = strides(x.shape);
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, shape);
    let off = 0;
    perm.forEach((p, k) => (off += idx[k]! * st[p]!));
    out[i] = x.data[off]!;
  }
  return { shape, data: out };
}

function swapLast(x: Nd): Nd {
  const perm = x.shape.map((_, i) => i);
  perm[x.shape.length - 1] = x.shape.length - 2;
  perm[x.shape.length - 2] = x.shape.length - 1;
  return transpose(x, perm);
}

/** Batched matmul with broadcast batch dimensions and optional transposes. */
export function matmul(a0: Nd, b0: Nd, transA = false, transB = false): Nd {
  const a = transA ? swapLast(a0) : a0;
  const b = transB ? swapLast(b0) : b0;
  const [m, k] = a.shape.slice(-2) as [number, number];
  const n = b.shape[b.shape.length - 1]!;
  const batch = broadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const out = new Float64Array(size(batch) * m * n);
  for (let bi = 0; bi < size(batch); bi++) {
    const idx = unravel(bi, batch);
    const ao = broadcastOffset(idx, a.shape.slice(0, -2)) * m * k;
    const bo = broadcastOffset(idx, b.shape.slice(0, -2)) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let l = 0; l < k; l++) s += a.data[ao + i * k + l]! * b.data[bo + l * n + j]!;
        out[bi * m * n + i * n + j] = s;
      }
    }
  }
  return { shape: [...batch, m, n], data: out };
}

/** Reduce over `axes` (all when omitted) with an associative `f` starting at `init`. */
export function reduce(x: Nd, axes: readonly number[] | undefined, keepdims: boolean, f: (acc: number, v: number) => number, init: number): Nd {
  const ax = (axes ?? x.shape.map((_, i) => i)).map((a) => (a < 0 ? a + x.shape.length : a));
  const kept = x.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const out = new Float64Array(size(kept)).fill(init);
  for (let i = 0; i < x.data.length; i++) {
    const idx = unravel(i, x.shape).map((v, k) => (ax.includes(k) ? 0 : v));
    const o = broadcastOffset(idx, kept);
    out[o] = f(out[o]!, x.data[i]!);
  }
  return { shape: keepdims ? kept : x.shape.filter((_, i) => !ax.includes(i)), data: out };
}

/** Sum over `axes` (all when omitted). */
export function sum(x: Nd, axes?: readonly number[], keepdims = false): Nd {
  return reduce(x, axes, keepdims, (a, v) => a + v, 0);
}

/** Mean over `axes` (all when omitted). */
export function mean(x: Nd, axes?: readonly number[], keepdims = false): Nd {
  const s = sum(x, axes, keepdims);
  return map(s, (v) => (v * s.data.length) / x.data.length);
}

/** Maximum over `axes` (all when omitted). */
export function max(x: Nd, axes?: readonly number[], keepdims = false): Nd {
  return reduce(x, axes, keepdims, Math.max, -Infinity);
}

/** Softmax over the last axis (max-shifted). */
export function softmax(x: Nd): Nd {
  const e = zip((v, m) => Math.exp(v - m), x, max(x, [-1], true));
  return zip((v, s) => v / s, e, sum(e, [-1], true));
}

/** log softmax over the last axis (max-shifted). */
export function logSoftmax(x: Nd): Nd {
  const m = max(x, [-1], true);
  const lse = zip((s, mm) => Math.log(s) + mm, sum(zip((v, mm) => Math.exp(v - mm), x, m), [-1], true), m);
  return zip((v, l) => v - l, x, lse);
}

/** LayerNorm over the last axis with biased variance, as ONNX LayerNormalization. */
export function layerNorm(x: Nd, gamma: Nd, beta: Nd | null, eps = 1e-5): Nd {
  const mu = mean(x, [-1], true);
  const centred = zip((v, m) => v - m, x, mu);
  const variance = mean(map(centred, (v) => v * v), [-1], true);
  const normed = zip((c, v) => c / Math.sqrt(v + eps), centred, variance);
  const scaled = zip((v, g) => v * g, normed, gamma);
  return beta ? zip((v, b) => v + b, scaled, beta) : scaled;
}

/** erf to ~1e-15: Taylor series for |x| < 3, Lentz continued fraction for erfc beyond. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    let term = ax;
    let s = ax;
    for (let n = 1; n < 80; n++) {
      term *= (-ax * ax) / n;
      s += term / (2 * n + 1);
      if (Math.abs(term) < 1e-17 * Math.abs(s)) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * s;
  }
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), evaluated backwards.
  let f = ax;
  for (let n = 60; n >= 1; n--) f = ax + n / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

/** Exact GELU x * Phi(x). */
export function gelu(x: Nd): Nd {
  return map(x, (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)));
}

/** Join along `axis`. */
export function concat(xs: readonly Nd[], axis: number): Nd {
  const ax = axis < 0 ? axis + xs[0]!.shape.length : axis;
  const shape = [...xs[0]!.shape];
  shape[ax] = xs.reduce((a, x) => a + x.shape[ax]!, 0);
  const out = new Float64Array(size(shape));
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, shape);
    let j = idx[ax]!;
    let part = 0;
    while (j >= xs[part]!.shape[ax]!) j -= xs[part++]!.shape[ax]!;
    idx[ax] = j;
    out[i] = xs[part]!.data[broadcastOffset(idx, xs[part]!.shape)]!;
  }
  return { shape, data: out };
}

/** x[start:end:step] on each listed axis (resolved, in-range arguments). */
export function slice(x: Nd, starts: readonly number[], ends: readonly number[], axes: readonly number[], steps: readonly number[]): Nd {
  const shape = [...x.shape];
  axes.forEach((a, i) => (shape[a] = Math.ceil((ends[i]! - starts[i]!) / steps[i]!)));
  const out = new Float64Array(size(shape));
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, shape);
    axes.forEach((a, k) => (idx[a] = starts[k]! + idx[a]! * steps[k]!));
    out[i] = x.data[broadcastOffset(idx, x.shape)]!;
  }
  return { shape, data: out };
}

/** Rows of `table` [V, ...] picked by integer `ids` -> ids.shape + table.shape[1:]. */
export function gather(table: Nd, ids: readonly number[], idsShape: readonly number[]): Nd {
  const row = size(table.shape.slice(1));
  const out = new Float64Array(ids.length * row);
  ids.forEach((id, i) => out.set(table.data.subarray(id * row, (id + 1) * row), i * row));
  return { shape: [...idsShape, ...table.shape.slice(1)], data: out };
}

/** Mean cross-entropy of logits [N, V] against targets [N], skipping `ignore`; 0 when all ignored. */
export function crossEntropy(logits: Nd, targets: readonly number[], ignore?: number): number {
  const lp = logSoftmax(logits);
  const v = logits.shape[1]!;
  let total = 0;
  let count = 0;
  targets.forEach((t, i) => {
    if (t === ignore) return;
    total -= lp.data[i * v + t]!;
    count++;
  });
  return total / Math.max(count, 1);
}
