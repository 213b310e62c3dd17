import sharp from "sharp";
import type { Metadata, SharpOptions } from "sharp";
import { InputError } from "../errors.js";
import type { ImageSize } from "../geometry/index.js";

/**
 * Reading an image's header before its pixels, so a hostile or accidental giant image is refused
 * without allocating its pixel buffer.
 */

/** Default pixel limit for any image or depth PNG read by n3d: 100 megapixels. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

/** What the header says about an encoded image; nothing here required decoding pixels. */
export interface ImageHeader {
  readonly size: ImageSize;
  /** Container format as sharp names it: "png", "jpeg", "webp", ... */
  readonly format: string;
  /** Channels per pixel, alpha included (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA or CMYK). */
  readonly channels: number;
  /** Bits per channel sample as decoded: 8 or 16 (32 for float formats). */
  readonly bitsPerSample: number;
}

/** Throw an InputError unless maxPixels is a positive number (Infinity disables the limit). */
export function validateMaxPixels(maxPixels: number, where: string): number {
  if (typeof maxPixels !== "number" || Number.isNaN(maxPixels) || maxPixels <= 0) {
    throw new InputError(where, "maxPixels", maxPixels, "must be a number > 0 (pixels; Infinity for no limit)");
  }
  return maxPixels;
}

/** Wrap an error thrown by sharp so the message names the file: `x.png: image = "...": cannot decode`. */
export function decodeError(where: string, err: unknown): InputError {
  const message = err instanceof Error ? err.message : String(err);
  return new InputError(where, "image", message, "cannot decode");
}

/**
 * Sharp options for decoding after {@link probeImage} accepted the header: fail on truncated or
 * corrupt data, but not on benign warnings (a PNG with a slightly wrong sRGB profile still reads).
 */
export function decodeOptions(maxPixels: number): SharpOptions {
  return {
    failOn: "error",
    limitInputPixels: Number.isFinite(maxPixels) ? Math.max(1, Math.floor(maxPixels)) : false,
  };
}

/**
 * Read the header of an encoded image (PNG, JPEG, anything sharp reads) and refuse it when
 * width * height exceeds maxPixels — before any pixel is decoded.
 *
 * @param bytes     the encoded file
 * @param where     the file path, for error messages
 * @param maxPixels the pixel limit (default {@link DEFAULT_MAX_PIXELS})
 */
export async function probeImage(bytes: Uint8Array, where: string, maxPixels = DEFAULT_MAX_PIXELS): Promise<ImageHeader> {
  validateMaxPixels(maxPixels, where);
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw decodeError(where, err);
  }
  const { width, height } = meta;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new InputError(where, "size", `${width}x${height}`, "image header has no valid width and height");
  }
  if (width * height > maxPixels) {
    throw new InputError(
      where,
      "size",
      `${width}x${height}`,
      `${width * height} pixels is more than the limit of ${maxPixels} (maxPixels); refused before decoding`,
    );
  }
  return {
    size: { width, height },
    format: meta.format,
    channels: meta.channels,
    bitsPerSample: bitsOf(meta),
  };
}

function bitsOf(meta: Metadata): number {
  switch (meta.depth) {
    case "uchar":
    case "char":
      return 8;
    case "ushort":
    case "short":
      return 16;
    default:
      return 32;
  }
}
