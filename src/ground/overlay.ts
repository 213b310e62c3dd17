import { OVERLAY_PALETTE, renderBoxOverlay, type OverlayBox, type OverlayOptions, type RGBDFrame } from "../rgbd/index.js";
import type { AskResult } from "./ask.js";

/**
 * The picture of an answer: the boxes it used drawn over the frame's image (rgbd's
 * renderBoxOverlay), each labelled with its question name, in palette colours by role order; with
 * `all`, the other grounded objects in grey behind them.
 */

/** Grey for objects that were grounded but not used by the answer. */
export const UNUSED_BOX_COLOR = "#9E9E9E";

/** Options of {@link renderAskOverlay}. */
export interface AskOverlayOptions extends OverlayOptions {
  /** Also draw the grounded objects the answer did not use (default false). */
  readonly all?: boolean;
}

/** The boxes {@link renderAskOverlay} draws, unused ones first so the used ones are on top. */
export function askOverlayBoxes(result: AskResult, options: AskOverlayOptions = {}): OverlayBox[] {
  const used = result.used.map((o, i): OverlayBox => ({ label: o.name, box: o.box, color: OVERLAY_PALETTE[i % OVERLAY_PALETTE.length]! }));
  if (!options.all) return used;
  const others = result.objects.filter((o) => !result.used.includes(o)).map((o): OverlayBox => ({ label: o.name, box: o.box, color: UNUSED_BOX_COLOR }));
  return [...others, ...used];
}

/** PNG bytes of the frame's image with the answer's boxes drawn over it. */
export async function renderAskOverlay(frame: RGBDFrame, result: AskResult, options: AskOverlayOptions = {}): Promise<Uint8Array> {
  const { all: _all, ...overlay } = options;
  return renderBoxOverlay({ size: frame.size, rgb: frame.rgb }, frame.intrinsics, askOverlayBoxes(result, options), overlay);
}
