import { InputError } from "../errors.js";
import type { ImageSize, Intrinsics } from "../geometry/index.js";
import { parseBboxLines } from "./bbox-lines.js";
import type { BboxRecord } from "./bbox-lines.js";
import { parseN3dBoxesJson } from "./n3d-box.js";
import type { N3dBox } from "./n3d-box.js";
import { officialToBox3D } from "./official-box.js";
import type { OfficialForm } from "./official-box.js";
import type { SceneNormalization } from "./scene-normalization.js";

/** Which official form to read: one of the two, or "auto" ({@link detectOfficialForm}). */
export type OfficialFormChoice = OfficialForm | "auto";

/**
 * Tell the official float form from the 1000-bin integer form by the numbers themselves.
 * Float form: every u and v lies in [0, 1]. Integer form: every field is an integer and some u or
 * v is above 1. Anything else (integers all in {0, 1}, or fractional u above 1) cannot be told
 * apart honestly, and is an error asking for an explicit form.
 */
export function detectOfficialForm(records: readonly BboxRecord[], where: string): OfficialForm {
  if (records.length === 0) return "float";
  const uvInUnit = records.every((r) => r.u >= 0 && r.u <= 1 && r.v >= 0 && r.v <= 1);
  const allIntegers = records.every((r) => [r.u, r.v, r.z, r.angle, r.sx, r.sy, r.sz].every(Number.isInteger));
  const bigUv = records.some((r) => r.u > 1 || r.v > 1);
  if (allIntegers && bigUv) return "int";
  if (uvInUnit && !allIntegers) return "float";
  const first = records.find((r) => !(r.u >= 0 && r.u <= 1)) ?? records[0]!;
  throw new InputError(
    where,
    `bbox_${first.id}.u`,
    first.u,
    "cannot tell the float form (u, v in [0, 1]) from the 1000-bin integer form; name the form explicitly",
  );
}

/** What it takes to read boxes in either language: the frame's camera, and for bins its normalization. */
export interface BoxesTextContext {
  readonly K: Intrinsics;
  readonly size: ImageSize;
  readonly norm?: SceneNormalization;
  readonly form?: OfficialFormChoice;
}

/**
 * Read boxes written in either of n3d's box languages: a JSON array of n3d boxes (text starting
 * with "["), or official `bbox_<id>=Bbox(...)` lines in float or integer form. Returns boxes in
 * our camera frame, metres.
 */
export function parseBoxesText(text: string, where: string, ctx: BoxesTextContext): N3dBox[] {
  if (text.trimStart().startsWith("[")) return parseN3dBoxesJson(text, where, ctx.K);
  const records = parseBboxLines(text, where);
  const form = !ctx.form || ctx.form === "auto" ? detectOfficialForm(records, where) : ctx.form;
  if (form === "int" && !ctx.norm) {
    throw new InputError(where, "form", "int", "the 1000-bin form needs the scene's point-map normalization: give the frame's .npz");
  }
  return records.map((r) => {
    const decoded = officialToBox3D(r, { K: ctx.K, size: ctx.size, form, where, ...(ctx.norm ? { norm: ctx.norm } : {}) });
    return { label: decoded.label, box: decoded.box };
  });
}
