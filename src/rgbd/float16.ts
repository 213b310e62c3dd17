/**
 * IEEE 754 binary16 ("half", NumPy float16) <-> binary32 conversion, exact both ways where exact
 * is possible: every half value (subnormals, ±0, ±Infinity) widens to float32 exactly; narrowing
 * rounds to nearest, ties to even, overflows to ±Infinity (from 65520 up, the tie between 65504
 * and 65536), and underflows through the subnormals to ±0. NaN narrows to the quiet NaN 0x7E00
 * (0xFE00 when the sign bit is set); NaN payloads and signs are not preserved by widening.
 *
 * Layout: sign (1 bit) | exponent (5 bits, bias 15) | mantissa (10 bits).
 */

/** 2^-24, the smallest positive half (subnormal 0x0001). */
const HALF_MIN_SUBNORMAL = 2 ** -24;
/** 2^-14, the smallest positive normal half (0x0400). */
const HALF_MIN_NORMAL = 2 ** -14;
/** The smallest magnitude that rounds to Infinity: halfway between 65504 (0x7BFF) and 2^16. */
const HALF_OVERFLOW = 65520;

let widenTable: Float32Array | null = null;

/** Half bits (0..65535) -> the number it encodes. */
export function halfBitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * HALF_MIN_SUBNORMAL;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

/** Float32 scratch for reading a float's bits. */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** A number -> the nearest half bits (round to nearest, ties to even), via float32 first. */
export function numberToHalfBits(value: number): number {
  f32[0] = value;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const a = Math.abs(f32[0]!);
  if (Number.isNaN(a)) return sign | 0x7e00;
  if (a >= HALF_OVERFLOW) return sign | 0x7c00;
  if (a < HALF_MIN_NORMAL) {
    // Subnormal (or zero): count units of 2^-24; a result of 1024 is correctly the smallest normal.
    return sign | roundHalfEven(a / HALF_MIN_SUBNORMAL);
  }
  // a is a normal float32 here, so its exponent field is exact.
  const exponent = ((bits >>> 23) & 0xff) - 127; // -14 .. 15
  let units = roundHalfEven(a / 2 ** (exponent - 10)); // 1024 .. 2048
  let e = exponent;
  if (units === 2048) {
    units = 1024;
    e += 1;
  }
  return sign | ((e + 15) << 10) | (units - 1024);
}

/** Half bits -> float32 values, exact. */
export function halfToFloat32(bits: Uint16Array): Float32Array {
  const table = (widenTable ??= buildWidenTable());
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
  return out;
}

/** Float32 values -> half bits, round to nearest even. */
export function float32ToHalf(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = numberToHalfBits(values[i]!);
  return out;
}

function buildWidenTable(): Float32Array {
  const table = new Float32Array(65536);
  for (let b = 0; b < 65536; b++) table[b] = halfBitsToNumber(b);
  return table;
}

/** Round a non-negative number to the nearest integer, ties to even. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const frac = x - floor;
  if (frac > 0.5) return floor + 1;
  if (frac < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
