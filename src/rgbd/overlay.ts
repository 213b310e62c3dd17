import sharp from "sharp";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fsutil.js";
import { projectBoxEdges, validateIntrinsics } from "../geometry/index.js";
import type { Box3D, ImageSize, Intrinsics } from "../geometry/index.js";

/** One box to draw: a camera-frame box, its label, an optional score and colour ("#rrggbb"). */
export interface OverlayBox {
  readonly label: string;
  readonly box: Box3D;
  readonly score?: number;
  readonly color?: string;
}

/** Options for {@link renderBoxOverlay}. */
export interface OverlayOptions {
  /** Edges are cut where they cross this depth (metres) so parts behind the camera are not drawn. */
  readonly nearM?: number;
  /** Line width in pixels; default scales with the image (about 1/250 of the long side, at least 2). */
  readonly lineWidthPx?: number;
}

/** A colour-blind-safe palette (Okabe-Ito, minus black), cycled by box index. */
export const OVERLAY_PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"] as const;

/**
 * Draw the 12 edges of each projected 3D box and its label over an image; returns PNG bytes.
 * The near face (corners 0-3, the side facing the camera when yaw = 0) is drawn solid, the far
 * face and joining edges dashed, so depth order reads at a glance. Edge parts with z < nearM are
 * clipped away; a box wholly behind the camera draws nothing.
 */
export async function renderBoxOverlay(
  image: { readonly size: ImageSize; readonly rgb: Uint8Array },
  K: Intrinsics,
  boxes: readonly OverlayBox[],
  options: OverlayOptions = {},
): Promise<Uint8Array> {
  const { width, height } = image.size;
  if (image.rgb.length !== width * height * 3) {
    throw new InputError("renderBoxOverlay", "rgb length", image.rgb.length, `expected ${width}x${height}x3 = ${width * height * 3}`);
  }
  validateIntrinsics(K, "renderBoxOverlay intrinsics");
  const nearM = options.nearM ?? 0.01;
  const lineWidth = options.lineWidthPx ?? Math.max(2, Math.round(Math.max(width, height) / 250));
  const fontPx = Math.max(11, Math.round(Math.max(width, height) / 45));

  const parts: string[] = [];
  boxes.forEach((item, index) => {
    const color = item.color ?? OVERLAY_PALETTE[index % OVERLAY_PALETTE.length]!;
    let topLeft: readonly [number, number] | null = null;
    projectBoxEdges(K, item.box, { nearM }).forEach((edge, edgeIndex) => {
      if (edge === null) return;
      const [p, q] = edge;
      const dash = edgeIndex < 4 ? "" : ` stroke-dasharray="${lineWidth * 3},${lineWidth * 2}"`;
      parts.push(
        `<line x1="${fmt(p[0])}" y1="${fmt(p[1])}" x2="${fmt(q[0])}" y2="${fmt(q[1])}" stroke="${color}" stroke-width="${lineWidth}"${dash}/>`,
      );
      for (const r of [p, q]) {
        if (topLeft === null || r[1] < topLeft[1] || (r[1] === topLeft[1] && r[0] < topLeft[0])) topLeft = r;
      }
    });
    if (topLeft === null) return;
    const text = item.score === undefined ? item.label : `${item.label} ${item.score.toFixed(2)}`;
    const tx = clamp(topLeft[0], 0, Math.max(0, width - fontPx));
    const ty = clamp(topLeft[1] - lineWidth - 2, fontPx + 2, height - 2);
    const boxW = Math.ceil(text.length * fontPx * 0.62) + 6;
    parts.push(
      `<rect x="${fmt(tx)}" y="${fmt(ty - fontPx - 2)}" width="${boxW}" height="${fontPx + 6}" fill="${color}" fill-opacity="0.85"/>`,
      `<text x="${fmt(tx + 3)}" y="${fmt(ty)}" font-family="DejaVu Sans, sans-serif" font-size="${fontPx}" fill="#000">${escapeXml(text)}</text>`,
    );
  });

  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join("")}</svg>`;
  const png = await sharp(Buffer.from(image.rgb.buffer, image.rgb.byteOffset, image.rgb.byteLength), {
    raw: { width, height, channels: 3 },
  })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/** Render the overlay and write it as a PNG, atomically (no half-written file on failure). */
export async function writeBoxOverlay(
  path: string,
  image: { readonly size: ImageSize; readonly rgb: Uint8Array },
  K: Intrinsics,
  boxes: readonly OverlayBox[],
  options: OverlayOptions = {},
): Promise<void> {
  await writeFileAtomic(path, await renderBoxOverlay(image, K, boxes, options));
}

function fmt(x: number): string {
  return (Math.round(x * 100) / 100).toString();
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
