import sharp from "sharp";
import type { OutputInfo } from "sharp";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fsutil.js";
import { validateImageSize } from "../geometry/index.js";
import type { ImageSize } from "../geometry/index.js";
import { DEFAULT_MAX_PIXELS, decodeError, decodeOptions, probeImage } from "./image-probe.js";
import { readInputBytes } from "./read-input.js";

/** An 8-bit RGB image: rgb is H x W x 3, row-major, interleaved, sRGB as stored. */
export interface RgbImage {
  readonly size: ImageSize;
  /** Length H * W * 3. */
  readonly rgb: Uint8Array;
}

/** Options for {@link readImage} and {@link decodeImage}. */
export interface ReadImageOptions {
  /** Refuse images with more pixels than this, checked on the header (default 100 megapixels). */
  readonly maxPixels?: number;
}

/**
 * Read an image file (PNG, JPEG, or anything sharp reads) as 8-bit RGB.
 *
 * Alpha is dropped (not composited), grey is expanded to three equal channels, 16-bit samples are
 * reduced to 8 bits. Pixels are returned as stored: EXIF orientation is NOT applied, because depth
 * maps and intrinsics are in the sensor's pixel grid, not the display orientation.
 * The header is checked against maxPixels before any pixel is decoded.
 */
export async function readImage(path: string, options: ReadImageOptions = {}): Promise<RgbImage> {
  return decodeImage(await readInputBytes(path), path, options);
}

/** {@link readImage} for bytes already in memory; `where` names them in errors. */
export async function decodeImage(bytes: Uint8Array, where: string, options: ReadImageOptions = {}): Promise<RgbImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const header = await probeImage(bytes, where, maxPixels);
  let data: Buffer;
  let info: OutputInfo;
  try {
    ({ data, info } = await sharp(bytes, decodeOptions(maxPixels))
      .removeAlpha()
      .toColourspace("srgb")
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true }));
  } catch (err) {
    throw decodeError(where, err);
  }
  const { width, height } = header.size;
  if (info.width !== width || info.height !== height || info.channels !== 3 || data.length !== width * height * 3) {
    throw new InputError(
      where,
      "image",
      `${info.width}x${info.height}x${info.channels}`,
      `decoded to an unexpected layout; expected ${width}x${height}x3`,
    );
  }
  return { size: { width, height }, rgb: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** Encode 8-bit RGB (H x W x 3, row-major) as PNG bytes. */
export async function encodeImagePng(image: RgbImage, where = "encodeImagePng"): Promise<Uint8Array> {
  const { width, height } = validateImageSize(image.size, where);
  if (!(image.rgb instanceof Uint8Array) || image.rgb.length !== width * height * 3) {
    throw new InputError(where, "rgb length", image.rgb?.length, `expected ${width}x${height}x3 = ${width * height * 3}`);
  }
  const raw = Buffer.from(image.rgb.buffer, image.rgb.byteOffset, image.rgb.byteLength);
  const png = await sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/**
 * Write 8-bit RGB as a PNG file, atomically: readers see the old file or the whole new one, and a
 * failed write leaves nothing behind.
 */
export async function writeImagePng(path: string, image: RgbImage): Promise<void> {
  await writeFileAtomic(path, await encodeImagePng(image, path));
}
