/**
 * How numbers are printed in traces. One rule everywhere so a reader (or a test) re-doing the
 * arithmetic from a trace gets exactly the printed digits.
 */

/**
 * `x` with `decimals` digits after the point, rounded symmetrically about zero (so a mirrored
 * value prints as the exact negation) and never as "-0.00": the sign is shown only when a
 * non-zero digit is. Rounding is that of `Number.prototype.toFixed` on |x| (nearest decimal of
 * the stored double).
 */
export function fixed(x: number, decimals: number): string {
  const text = Math.abs(x).toFixed(decimals);
  return x < 0 && /[1-9]/.test(text) ? `-${text}` : text;
}

/** `x` as it reads after printing with {@link fixed}: the number a reader of the trace sees. */
export function printed(x: number, decimals: number): number {
  return Number(fixed(x, decimals));
}

/**
 * `x` >= 0 with up to `maxDecimals` digits, trailing zeros dropped down to `minDecimals`
 * ("0.421876", "0.12"). Used for volumes, whose exact value (a product of three 2-decimal sizes)
 * has at most 6 decimals, so printing it loses nothing.
 */
export function fixedTrimmed(x: number, maxDecimals: number, minDecimals: number): string {
  let text = fixed(x, maxDecimals);
  const keep = text.indexOf(".") + 1 + minDecimals;
  while (text.length > keep && text.endsWith("0")) text = text.slice(0, -1);
  return text;
}
