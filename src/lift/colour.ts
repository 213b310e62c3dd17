import type { PixelRect } from "./select.js";

/**
 * Colour cues for box-only selection, from a cheap GrabCut-like two-class colour model. A tight 2D
 * box touches its object on every side, so the pixels just outside it are never the object, and
 * what wrongly shares the object's box (the wall it is seen against, the floor or table top under
 * it, a neighbour) mostly continues outside it. So a ring around the outside of the box is the
 * background's colour sample ({@link countRingColours}), counted in a coarse RGB histogram (8 x 8 x
 * 8 cells by default) on the selection's sampling grid. It is used twice:
 *
 * 1. Before the depth clustering ({@link objectColouredSamples}): of the box's depth samples, those
 *    whose colour is much likelier among the samples than in the ring are the object's; the
 *    clusters are looked for among them. A thin object (a lamp, a table, a bench) fills little of
 *    its box, and under sensor noise its flying pixels bridge it to the wall behind, so its depth
 *    cluster is otherwise lost among the wall's.
 * 2. After the depth band ({@link dropBackgroundColours}): the band's pixels whose colour is much
 *    likelier in the ring than among the band's pixels in the box's core are dropped.
 *
 * Histograms live in module scratch (lifting is synchronous); the ring's is returned as a
 * {@link RingColours} handle that the two steps read.
 */

/** Colour parameters (fields of LiftOptions; defaults and reasons in lift.ts). */
export interface ColourOptions {
  /**
   * Box only, when the frame has RGB: a depth-selected pixel is dropped when its colour is at least
   * this many times likelier under the background's histogram than under the object's. 0 turns the
   * colour cue off.
   */
  readonly boxColourRatio: number;
  /** Histogram bins per channel (2, 4, 8 or 16): 8 gives 8 x 8 x 8 colour cells. */
  readonly boxColourBins: number;
  /** Width of the background ring outside the box, as a share of the box's width (columns) and height (rows); at least one pixel. */
  readonly boxColourRingShare: number;
  /** When colour would drop more than this share of the selected pixels, the object has the background's colours and none are dropped. */
  readonly boxColourMaxDrop: number;
  /**
   * Box only, frame with RGB: the depth clusters are looked for among the core's samples whose colour
   * is more than this many times likelier in the core than in the ring around the box (the object's
   * colours, not the wall's or floor's it is seen against). 0 turns this off.
   */
  readonly boxColourCoreRatio: number;
}

/** The supported values of {@link ColourOptions.boxColourBins}. */
export const COLOUR_BINS: readonly number[] = [2, 4, 8, 16];

/** Fewest samples behind either histogram; with fewer the cue is not used. */
const MIN_SAMPLES = 16;
/** Pseudo-count per cell (additive smoothing): a colour neither histogram saw is a tie. */
const SMOOTHING = 0.5;

/** Scratch histograms of the largest bin count (lifting is synchronous). */
const FG = new Float64Array(16 ** 3);
const RING_HIST = new Float64Array(16 ** 3);

/** The ring's colour histogram (valid until the next {@link countRingColours} call). */
export interface RingColours {
  readonly hist: Float64Array;
  /** Ring samples counted. */
  readonly count: number;
  /** log2 of the bins per channel. */
  readonly bits: number;
}

/** The histogram cell of pixel i: `bits` high bits of each channel. */
function cellOf(rgb: Uint8Array, i: number, bits: number): number {
  const shift = 8 - bits;
  return ((rgb[3 * i]! >> shift) << (2 * bits)) | ((rgb[3 * i + 1]! >> shift) << bits) | (rgb[3 * i + 2]! >> shift);
}

/**
 * Count the colours of a ring outside the box (boxColourRingShare of its width and height wide, at
 * least a pixel), clipped to the image, on a grid of step `stride`, into the module's ring
 * histogram.
 */
export function countRingColours(rgb: Uint8Array, width: number, height: number, rect: PixelRect, stride: number, options: ColourOptions): RingColours {
  const bits = Math.round(Math.log2(options.boxColourBins));
  const bin = (i: number): number => cellOf(rgb, i, bits);
  RING_HIST.fill(0, 0, 1 << (3 * bits));
  const hist = RING_HIST;
  const { u0, u1, v0, v1 } = rect;
  const ru = Math.max(1, Math.round(options.boxColourRingShare * (u1 - u0 + 1)));
  const rv = Math.max(1, Math.round(options.boxColourRingShare * (v1 - v0 + 1)));
  const ua = Math.max(0, u0 - ru);
  const ub = Math.min(width - 1, u1 + ru);
  const va = Math.max(0, v0 - rv);
  const vb = Math.min(height - 1, v1 + rv);
  let nb = 0;
  for (let v = va; v <= vb; v += stride) {
    const row = v * width;
    if (v < v0 || v > v1) {
      for (let u = ua; u <= ub; u += stride) {
        hist[bin(row + u)]!++;
        nb++;
      }
    } else {
      for (let u = ua; u < u0; u += stride) {
        hist[bin(row + u)]!++;
        nb++;
      }
      for (let u = u1 + 1; u <= ub; u += stride) {
        hist[bin(row + u)]!++;
        nb++;
      }
    }
  }
  return { hist: RING_HIST, count: nb, bits };
}

/**
 * The depth samples whose colour is the object's rather than the surroundings': a sample stays when
 * its colour is more than boxColourCoreRatio times likelier among the samples (pixels
 * pixelIndex[0 .. n), depths zs[0 .. n)) than in `ring`. The kept samples are compacted to the
 * front of both arrays; returns their count, or n unchanged when the cue is off, either histogram
 * has fewer than 16 samples, or fewer than a sixteenth of the samples (at least 16) would stay.
 */
export function objectColouredSamples(rgb: Uint8Array, ring: RingColours, pixelIndex: Int32Array, zs: Float64Array, n: number, options: ColourOptions): number {
  const bits = ring.bits;
  if (options.boxColourCoreRatio <= 0 || n < MIN_SAMPLES || ring.count < MIN_SAMPLES) return n;
  const cells = 1 << (3 * bits);
  const bin = (i: number): number => cellOf(rgb, i, bits);
  const ringHist = ring.hist;
  FG.fill(0, 0, cells);
  for (let j = 0; j < n; j++) FG[bin(pixelIndex[j]!)]!++;
  // Object when p_core(c) > ratio p_ring(c): (fg + s) (nb + s cells) > ratio (ring + s) (n + s cells).
  const fgScale = ring.count + SMOOTHING * cells;
  const ringScale = options.boxColourCoreRatio * (n + SMOOTHING * cells);
  let kept = 0;
  for (let j = 0; j < n; j++) {
    const b = bin(pixelIndex[j]!);
    if ((FG[b]! + SMOOTHING) * fgScale > ringScale * (ringHist[b]! + SMOOTHING)) kept++;
  }
  if (kept === n || kept < Math.max(MIN_SAMPLES, n / 16)) return n;
  let k = 0;
  for (let j = 0; j < n; j++) {
    const i = pixelIndex[j]!;
    const b = bin(i);
    if ((FG[b]! + SMOOTHING) * fgScale > ringScale * (ringHist[b]! + SMOOTHING)) {
      pixelIndex[k] = i;
      zs[k++] = zs[j]!;
    }
  }
  return k;
}

/**
 * Drop the selected pixels pixelIndex[0 .. count) (image of width `width`) whose colour is at least
 * boxColourRatio times likelier in `ring` than among the selected pixels inside `core` (the box's
 * central region; all selected pixels when it holds fewer than 16). Returns the new count, the kept
 * indices compacted to the front in their order; nothing is dropped when the cue is off, either
 * histogram has fewer than 16 samples, or more than boxColourMaxDrop of the pixels would go (the
 * object has its surroundings' colours). `rgb` is H * W * 3 interleaved; inputs are trusted.
 */
export function dropBackgroundColours(rgb: Uint8Array, ring: RingColours, width: number, core: PixelRect, pixelIndex: Int32Array, count: number, options: ColourOptions): number {
  const bits = ring.bits;
  if (options.boxColourRatio <= 0 || count < MIN_SAMPLES || ring.count < MIN_SAMPLES) return count;
  const cells = 1 << (3 * bits);
  const bin = (i: number): number => cellOf(rgb, i, bits);
  const ringHist = ring.hist;
  FG.fill(0, 0, cells);

  // The object: the selected pixels in the core (all selected pixels when the core holds too few).
  let nf = 0;
  for (let j = 0; j < count; j++) {
    const i = pixelIndex[j]!;
    const v = (i / width) | 0;
    const u = i - v * width;
    if (u >= core.u0 && u <= core.u1 && v >= core.v0 && v <= core.v1) {
      FG[bin(i)]!++;
      nf++;
    }
  }
  if (nf < MIN_SAMPLES) {
    FG.fill(0, 0, cells);
    for (let j = 0; j < count; j++) FG[bin(pixelIndex[j]!)]!++;
    nf = count;
  }

  const nb = ring.count;
  // Background when p_bg(c) >= ratio * p_fg(c), with additive smoothing:
  // (bg + s) / (nb + s cells) >= ratio (fg + s) / (nf + s cells).
  const bgScale = nf + SMOOTHING * cells;
  const fgScale = options.boxColourRatio * (nb + SMOOTHING * cells);
  let kept = 0;
  for (let j = 0; j < count; j++) {
    const b = bin(pixelIndex[j]!);
    if ((ringHist[b]! + SMOOTHING) * bgScale < fgScale * (FG[b]! + SMOOTHING)) kept++;
  }
  if (kept === count || count - kept > options.boxColourMaxDrop * count) return count;
  let k = 0;
  for (let j = 0; j < count; j++) {
    const i = pixelIndex[j]!;
    const b = bin(i);
    if ((ringHist[b]! + SMOOTHING) * bgScale < fgScale * (FG[b]! + SMOOTHING)) pixelIndex[k++] = i;
  }
  return k;
}
