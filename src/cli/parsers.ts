import { InvalidArgumentError } from "commander";
import type { ImageSize } from "../geometry/index.js";

/** Commander value parser for `WxH` image sizes (e.g. 640x480): two positive integers. */
export function parseSizeArg(value: string): ImageSize {
  const m = /^(\d+)x(\d+)$/i.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`size = "${value}": expected WxH in pixels, e.g. 640x480`);
  const width = Number(m[1]);
  const height = Number(m[2]);
  if (width <= 0 || height <= 0) throw new InvalidArgumentError(`size = "${value}": width and height must be > 0`);
  return { width, height };
}

/** Commander value parser for a finite number > 0. */
export function parsePositiveNumberArg(value: string): number {
  const x = Number(value);
  if (value.trim() === "" || !Number.isFinite(x) || x <= 0) {
    throw new InvalidArgumentError(`"${value}" is not a finite number > 0`);
  }
  return x;
}

function integerParser(name: string, min: number, max: number, problem: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`${name} = "${value}": ${problem}`);
    return n;
  };
}

/**
 * Commander parser for an integer flag >= `min` ("must be an integer >= min"). `cap` is a sanity
 * bound above which the same error is given (default none).
 */
export function intAtLeastArg(name: string, min: number, cap = Infinity): (value: string) => number {
  return integerParser(name, min, cap, `must be an integer >= ${min}`);
}

/** Commander parser for an integer flag in [min, max] ("must be an integer in min ... max"). */
export function intInRangeArg(name: string, min: number, max: number): (value: string) => number {
  return integerParser(name, min, max, `must be an integer in ${min} ... ${max}`);
}
