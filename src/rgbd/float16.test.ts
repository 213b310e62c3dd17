import { describe, expect, it } from "vitest";
import { float32ToHalf, halfBitsToNumber, halfToFloat32, numberToHalfBits } from "./float16.js";

/** Hand-computed half bit patterns. */
const KNOWN: Array<[number, number]> = [
  [0x0000, 0],
  [0x3c00, 1],
  [0xc000, -2],
  [0x3800, 0.5],
  [0x3555, 0.333251953125], // 1365 * 2^-12
  [0x7bff, 65504], // largest finite
  [0x0400, 2 ** -14], // smallest normal
  [0x03ff, 1023 * 2 ** -24], // largest subnormal
  [0x0001, 2 ** -24], // smallest subnormal
  [0x8001, -(2 ** -24)],
  [0x7c00, Infinity],
  [0xfc00, -Infinity],
];

/** Slow reference: the nearest finite half by exhaustive search, ties to the even bit pattern. */
const POSITIVE_HALVES = Array.from({ length: 0x7c00 }, (_, b) => b); // 0 .. 0x7BFF, increasing values
function referenceHalf(x: number): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00;
  let lo = 0;
  let hi = POSITIVE_HALVES.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (halfBitsToNumber(mid) <= a) lo = mid;
    else hi = mid;
  }
  const dLo = a - halfBitsToNumber(lo);
  const dHi = halfBitsToNumber(hi) - a;
  const best = dLo < dHi ? lo : dHi < dLo ? hi : lo % 2 === 0 ? lo : hi;
  return sign | best;
}

describe("float16", () => {
  it("decodes hand-computed bit patterns", () => {
    for (const [bits, value] of KNOWN) expect(halfBitsToNumber(bits)).toBe(value);
    expect(Object.is(halfBitsToNumber(0x8000), -0)).toBe(true);
    expect(halfBitsToNumber(0x7e00)).toBeNaN();
    expect(halfBitsToNumber(0xfc01)).toBeNaN();
  });

  it("encodes hand-computed bit patterns", () => {
    for (const [bits, value] of KNOWN) expect(numberToHalfBits(value)).toBe(bits);
    expect(numberToHalfBits(-0)).toBe(0x8000);
    expect(numberToHalfBits(NaN)).toBe(0x7e00);
  });

  it("rounds to nearest, ties to even, with overflow and underflow", () => {
    expect(numberToHalfBits(1 + 2 ** -11)).toBe(0x3c00); // tie between 0x3C00 and 0x3C01 -> even
    expect(numberToHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie between 0x3C01 and 0x3C02 -> even
    expect(numberToHalfBits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above the tie
    expect(numberToHalfBits(65519)).toBe(0x7bff);
    expect(numberToHalfBits(65520)).toBe(0x7c00); // tie between 65504 and 2^16 -> even -> Infinity
    expect(numberToHalfBits(1e6)).toBe(0x7c00);
    expect(numberToHalfBits(-1e6)).toBe(0xfc00);
    expect(numberToHalfBits(2 ** -25)).toBe(0x0000); // tie between 0 and 2^-24 -> even
    expect(numberToHalfBits(3 * 2 ** -25)).toBe(0x0002); // tie between 1 and 2 subnormal units -> even
    expect(numberToHalfBits(1023.5 * 2 ** -24)).toBe(0x0400); // subnormal tie rounds up into the normals
    expect(numberToHalfBits(2047.5 * 2 ** -10)).toBe(0x4000); // mantissa carry: 1.9995... -> 2
    expect(numberToHalfBits(1e-9)).toBe(0x0000);
    expect(numberToHalfBits(-1e-9)).toBe(0x8000);
  });

  it("round-trips every non-NaN half exactly through float32", () => {
    const bits = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const back = float32ToHalf(halfToFloat32(bits));
    const wrong: number[] = [];
    for (let b = 0; b < 65536; b++) {
      const isNaN = (b & 0x7c00) === 0x7c00 && (b & 0x3ff) !== 0;
      if (back[b] !== (isNaN ? 0x7e00 : b)) wrong.push(b); // NaN widens to the canonical float32 NaN
    }
    expect(wrong).toEqual([]);
  });

  it("matches an exhaustive-search reference on random float32 values", () => {
    let seed = 12345;
    const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 3000; i++) {
      const x = Math.fround((next() - 0.5) * 2 ** (next() * 44 - 28)); // spans subnormals to overflow
      expect(numberToHalfBits(x)).toBe(referenceHalf(x));
    }
  });
});
