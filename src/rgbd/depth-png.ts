import sharp from "sharp";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fsutil.js";
import { isValidDepth, validateImageSize } from "../geometry/index.js";
import type { ImageSize } from "../geometry/index.js";
import { DEFAULT_DEPTH_SCALE, validateDepthScale } from "./depth-map.js";
import type { DepthMap } from "./depth-map.js";
import { DEFAULT_MAX_PIXELS, decodeError, decodeOptions, probeImage } from "./image-probe.js";
import { readInputBytes } from "./read-input.js";

/**
 * Depth as a 16-bit single-channel PNG, the common sensor format (Kinect, RealSense, TUM, NYU):
 * each pixel stores round(depthM * scale) as an unsigned 16-bit integer and 0 means invalid, so
 * depthM = value / scale. scale = 1000 is millimetres, 5000 is TUM RGB-D.
 *
 * sharp (libvips + libpng) encodes and decodes 16-bit greyscale exactly (the tests check all
 * 65536 values), so no separate PNG codec is needed. 8-bit, palette, RGB and grey + alpha PNGs are
 * refused: their values are not depth at any stated scale.
 */

/** The largest 16-bit PNG value. */
const MAX_U16 = 65535;

/** Options for {@link readDepthPng16}. */
export interface ReadDepthPngOptions {
  /** Stored units per metre (depthM = value / scale); default 1000 (millimetres). */
  readonly scale?: number;
  /** Refuse PNGs with more pixels than this, checked on the header (default 100 megapixels). */
  readonly maxPixels?: number;
}

/** The largest depth in metres a 16-bit PNG can hold at this scale: 65535 / scale. */
export function maxDepthPng16M(scale: number): number {
  return MAX_U16 / scale;
}

/** Read a 16-bit single-channel depth PNG as metres (value / scale; 0 stays 0 = invalid). */
export async function readDepthPng16(path: string, options: ReadDepthPngOptions = {}): Promise<DepthMap> {
  return decodeDepthPng16(await readInputBytes(path), path, options);
}

/** {@link readDepthPng16} for bytes already in memory; `where` names them in errors. */
export async function decodeDepthPng16(bytes: Uint8Array, where: string, options: ReadDepthPngOptions = {}): Promise<DepthMap> {
  const scale = validateDepthScale(options.scale ?? DEFAULT_DEPTH_SCALE, where);
  const values = await decodePng16(bytes, where, options.maxPixels ?? DEFAULT_MAX_PIXELS);
  const depthM = new Float32Array(values.data.length);
  for (let i = 0; i < depthM.length; i++) depthM[i] = values.data[i]! / scale;
  return { size: values.size, depthM };
}

/**
 * Depth in metres -> 16-bit values round(depthM * scale). Invalid depth (0, NaN, +Infinity) is
 * written as 0. Throws an InputError naming the pixel for negative depth, for depth beyond
 * 65535 / scale metres, and for valid depth so small it would round to 0 (which would read back as
 * invalid).
 */
export function quantizeDepth16(depthM: Float32Array, size: ImageSize, scale: number, where = "quantizeDepth16"): Uint16Array {
  const { width, height } = validateImageSize(size, where);
  validateDepthScale(scale, where);
  if (!(depthM instanceof Float32Array) || depthM.length !== width * height) {
    throw new InputError(where, "depth length", depthM?.length, `expected ${width}x${height} = ${width * height}`);
  }
  const out = new Uint16Array(depthM.length);
  for (let i = 0; i < depthM.length; i++) {
    const z = depthM[i]!;
    if (z < 0) throw pixelError(where, i, width, z, "negative depth cannot be stored (0 = invalid)");
    if (!isValidDepth(z)) continue; // 0, NaN, +Infinity: invalid, stored as 0
    const q = Math.round(z * scale);
    if (q > MAX_U16) {
      throw pixelError(
        where,
        i,
        width,
        z,
        `overflows 16 bits at scale ${scale}: the largest depth representable is ${maxDepthPng16M(scale)} m; use a smaller scale`,
      );
    }
    if (q === 0) {
      throw pixelError(where, i, width, z, `rounds to 0 (= invalid) at scale ${scale}: the smallest depth representable is ${0.5 / scale} m`);
    }
    out[i] = q;
  }
  return out;
}

/** Encode depth in metres as a 16-bit greyscale PNG at the given scale; see {@link quantizeDepth16}. */
export async function encodeDepthPng16(
  depthM: Float32Array,
  size: ImageSize,
  scale: number = DEFAULT_DEPTH_SCALE,
  where = "encodeDepthPng16",
): Promise<Uint8Array> {
  const values = quantizeDepth16(depthM, size, scale, where);
  // A Uint16Array raw input makes sharp build a 16-bit (ushort) image; grey16 keeps one channel.
  const png = await sharp(values, { raw: { width: size.width, height: size.height, channels: 1 } })
    .toColourspace("grey16")
    .png()
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/**
 * Write depth in metres as a 16-bit greyscale PNG (value = round(depthM * scale), 0 = invalid),
 * atomically; nothing is written when a value cannot be stored.
 */
export async function writeDepthPng16(
  path: string,
  depthM: Float32Array,
  size: ImageSize,
  scale: number = DEFAULT_DEPTH_SCALE,
): Promise<void> {
  await writeFileAtomic(path, await encodeDepthPng16(depthM, size, scale, path));
}

/** Decode a 16-bit single-channel PNG to its raw values, row-major. */
async function decodePng16(bytes: Uint8Array, where: string, maxPixels: number): Promise<{ size: ImageSize; data: Uint16Array }> {
  const header = await probeImage(bytes, where, maxPixels);
  if (header.format !== "png" || header.channels !== 1 || header.bitsPerSample !== 16) {
    throw new InputError(
      where,
      "format",
      `${header.format}, ${header.bitsPerSample}-bit, ${header.channels} channel(s)`,
      "depth images must be 16-bit single-channel (greyscale) PNG; 8-bit and colour images are not depth",
    );
  }
  let data: Buffer;
  try {
    data = await sharp(bytes, decodeOptions(maxPixels)).toColourspace("grey16").raw({ depth: "ushort" }).toBuffer();
  } catch (err) {
    throw decodeError(where, err);
  }
  const { width, height } = header.size;
  if (data.byteLength !== width * height * 2) {
    throw new InputError(where, "image", `${data.byteLength} bytes`, `decoded to an unexpected length; expected ${width}x${height}x2`);
  }
  // sharp returns samples in host byte order; copy when the view would be misaligned.
  const aligned = data.byteOffset % 2 === 0 ? data : Buffer.from(data);
  return { size: header.size, data: new Uint16Array(aligned.buffer, aligned.byteOffset, width * height) };
}

function pixelError(where: string, index: number, width: number, value: number, problem: string): InputError {
  const u = index % width;
  const v = (index - u) / width;
  return new InputError(where, `depth[u=${u}, v=${v}]`, value, problem);
}
