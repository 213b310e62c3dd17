import type { ImageSize, Intrinsics } from "../geometry/index.js";
import { isValidDepth } from "../geometry/index.js";
import type { RGBDFrame } from "./frame.js";

/** A frame summary, as `n3d frame info` prints it. Depth statistics are over valid pixels only. */
export interface FrameStats {
  readonly size: ImageSize;
  /** Valid pixels / all pixels, in [0, 1]; valid = depth finite and > 0 and, if present, mask non-zero. */
  readonly validFraction: number;
  /** Smallest valid depth in metres; null when no pixel is valid. */
  readonly depthMinM: number | null;
  /** Largest valid depth in metres; null when no pixel is valid. */
  readonly depthMaxM: number | null;
  /** Median valid depth in metres (mean of the two middle values for an even count); null when none. */
  readonly depthMedianM: number | null;
  readonly intrinsics: Intrinsics;
}

/** Summarize a frame: size, valid-depth fraction, depth min / max / median, intrinsics. */
export function frameStats(frame: RGBDFrame): FrameStats {
  const { depthM, validMask } = frame;
  const values: number[] = [];
  for (let i = 0; i < depthM.length; i++) {
    const z = depthM[i]!;
    if (isValidDepth(z) && (validMask === undefined || validMask[i] !== 0)) values.push(z);
  }
  const n = values.length;
  const base = { size: frame.size, intrinsics: frame.intrinsics, validFraction: depthM.length === 0 ? 0 : n / depthM.length };
  if (n === 0) return { ...base, depthMinM: null, depthMaxM: null, depthMedianM: null };
  const sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  const median = n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { ...base, depthMinM: sorted[0]!, depthMaxM: sorted[n - 1]!, depthMedianM: median };
}
