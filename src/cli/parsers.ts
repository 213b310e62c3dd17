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
