import { InputError } from "../errors.js";
import { validateImageSize } from "../geometry/index.js";
import type { Box2D, ImageSize, Vec2 } from "../geometry/index.js";
import type { DetectorImage } from "./types.js";

/**
 * Pre-processing for the CenterNet: an RGB image of any size -> the network input, and the exact
 * map between the two pixel grids.
 *
 * The scheme is the one @vladmandic/human feeds this model (`src/object/centernet.ts`): the whole
 * image is stretched to the square input (no letterbox, aspect ratio not kept) with
 * `tf.image.resizeBilinear(image, [512, 512])`, i.e. `alignCorners = false`,
 * `halfPixelCenters = false`, and the values stay raw 8-bit RGB as float32 in [0, 255] (the graph
 * has no normalisation node: its first op is the convolution). Under that resize, network pixel
 * (i, j) is the bilinear sample of the image at (i sx, j sy) with sx = W / Win, sy = H / Hin, where
 * the neighbour index is clamped at the last row/column. In n3d's pixel convention (pixel centres
 * at integer coordinates) the map is therefore linear, with no half-pixel offset:
 *
 *   u_image = u_net * W / Win,    v_image = v_net * H / Hin.
 */

/** Per-axis scale from network-input pixels to image pixels: u_image = u_net * x, v_image = v_net * y. */
export interface NetworkToImageScale {
  readonly x: number;
  readonly y: number;
}

/** The scale of {@link networkToImagePx} for an image of `imageSize` fed to a network of `inputSize`. */
export function networkToImageScale(inputSize: ImageSize, imageSize: ImageSize): NetworkToImageScale {
  validateImageSize(inputSize, "networkToImageScale: inputSize");
  validateImageSize(imageSize, "networkToImageScale: imageSize");
  return { x: imageSize.width / inputSize.width, y: imageSize.height / inputSize.height };
}

/** A point in network-input pixels -> the same point in image pixels (both pixel-centre conventions). */
export function networkToImagePx(uvNet: Vec2, inputSize: ImageSize, imageSize: ImageSize): Vec2 {
  const s = networkToImageScale(inputSize, imageSize);
  return [uvNet[0] * s.x, uvNet[1] * s.y];
}

/** A point in image pixels -> network-input pixels; the inverse of {@link networkToImagePx}. */
export function imageToNetworkPx(uvImage: Vec2, inputSize: ImageSize, imageSize: ImageSize): Vec2 {
  const s = networkToImageScale(inputSize, imageSize);
  return [uvImage[0] / s.x, uvImage[1] / s.y];
}

/** A box in network-input pixels -> image pixels (both corners through {@link networkToImagePx}). */
export function networkBoxToImage(boxNet: Box2D, scale: NetworkToImageScale): Box2D {
  return { x1: boxNet.x1 * scale.x, y1: boxNet.y1 * scale.y, x2: boxNet.x2 * scale.x, y2: boxNet.y2 * scale.y };
}

/**
 * Check a detector input: a positive integer size and an 8-bit RGB buffer of exactly H * W * 3
 * bytes. `where` names the caller in the error.
 */
export function validateDetectorImage(image: DetectorImage, where: string): DetectorImage {
  if (image === null || typeof image !== "object") throw new InputError(where, "image", image, "must be { rgb, size }");
  validateImageSize(image.size, `${where}: image.size`);
  if (!(image.rgb instanceof Uint8Array)) throw new InputError(where, "image.rgb", image.rgb, "must be a Uint8Array of 8-bit RGB");
  const expected = image.size.width * image.size.height * 3;
  if (image.rgb.length !== expected) {
    throw new InputError(where, "image.rgb.length", image.rgb.length, `must be width * height * 3 = ${expected} for ${image.size.width}x${image.size.height}`);
  }
  return image;
}

/**
 * Resize 8-bit RGB (H x W x 3, row-major) to the network input: float32 [Hin, Win, 3] in [0, 255],
 * bilinear with the sampling positions of the module comment (the same values tfjs's
 * `resizeBilinear` gives with its defaults, up to float rounding; a test compares the two).
 */
export function resizeToNetworkInput(image: DetectorImage, inputSize: ImageSize): Float32Array {
  validateDetectorImage(image, "resizeToNetworkInput");
  validateImageSize(inputSize, "resizeToNetworkInput: inputSize");
  const { width: w, height: h } = image.size;
  const { width: wo, height: ho } = inputSize;
  const rgb = image.rgb;
  // Column sampling is the same for every row: precompute both neighbours (as byte offsets) and weights.
  const scaleX = w / wo;
  const x0 = new Int32Array(wo);
  const x1 = new Int32Array(wo);
  const fx = new Float32Array(wo);
  for (let i = 0; i < wo; i++) {
    const src = i * scaleX;
    const lo = Math.floor(src);
    x0[i] = lo * 3;
    x1[i] = Math.min(lo + 1, w - 1) * 3;
    fx[i] = src - lo;
  }
  const scaleY = h / ho;
  const out = new Float32Array(ho * wo * 3); // [Hin, Win, 3]
  for (let j = 0; j < ho; j++) {
    const src = j * scaleY;
    const lo = Math.floor(src);
    const fy = src - lo;
    const row0 = lo * w * 3;
    const row1 = Math.min(lo + 1, h - 1) * w * 3;
    let o = j * wo * 3;
    for (let i = 0; i < wo; i++) {
      const a = x0[i]!;
      const b = x1[i]!;
      const t = fx[i]!;
      for (let c = 0; c < 3; c++, o++) {
        const top = rgb[row0 + a + c]! + (rgb[row0 + b + c]! - rgb[row0 + a + c]!) * t;
        const bottom = rgb[row1 + a + c]! + (rgb[row1 + b + c]! - rgb[row1 + a + c]!) * t;
        out[o] = top + (bottom - top) * fy;
      }
    }
  }
  return out;
}
