import { DEFAULT_MARGINS, type Margins } from "./margin-config.js";
import { getProgram } from "./registry.js";
import type { ReasonContext, SceneObjectBox } from "./types.js";

export { DEFAULT_MARGINS, MARGIN_REASONS, resolveMargins, type Margins } from "./margin-config.js";

/**
 * The ambiguity guard: why a question of `type` about `objects` (in the program's role order)
 * must not be asked, or null when it may be. A question is ambiguous when its answer, read from
 * the printed boxes, is within a margin of flipping (two centres 4 cm apart sideways for
 * left/right, near-equal heights, a direction on a clock boundary, ...); see {@link Margins}.
 * Quantitative questions are ambiguous when the length asked for is under `minLengthM`.
 * Throws like the program would on bad input (unknown type, arity, invalid boxes or context).
 */
export function isAmbiguous(
  type: string,
  objects: readonly SceneObjectBox[],
  ctx: ReasonContext = {},
  margins: Margins = DEFAULT_MARGINS,
): string | null {
  const program = getProgram(type, "isAmbiguous");
  if (!program.margin) return null;
  const s = program.margin(objects, ctx, margins);
  if (s === null || s >= 1) return null;
  const rule = program.describeMargin ? program.describeMargin(margins) : "the answer is too close to flipping";
  return `${type} (${objects.map((o) => o.name).join(", ")}): ${rule}; here the difference is ${s.toFixed(2)} of that`;
}
