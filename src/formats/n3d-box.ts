import { z } from "zod";
import { InputError, parseJsonText } from "../errors.js";
import { boxToUVZ, project, type Box3D, type Intrinsics, type Vec3 } from "../geometry/index.js";

/**
 * n3d's own JSON box: one object per box, in OUR camera frame (OpenCV: +x right, +y down,
 * +z forward), metres and radians.
 *
 * ```json
 * {"label": "chair", "center": [0.4, 0.3, 2.5], "size": [0.5, 0.9, 0.5], "yaw": 0,
 *  "uvz": [412.8, 301.0, 2.5], "score": 0.92}
 * ```
 * - `center` the box centre, `size` its full extents along its own axes, `yaw` about camera +y
 *   (see geometry/box3d.ts).
 * - `uvz` = [u_px, v_px, z]: the centre projected with the frame's pixel intrinsics (integer pixel
 *   centres) and its planar depth. It is redundant with `center`, written so a reader without K
 *   can still draw the box centre; {@link fromN3dJson} checks the two agree when given K.
 * - `score` optional detector / model confidence.
 */

/** How far (pixels) a stored uvz may sit from the projection of the stored centre. */
export const N3D_UVZ_TOLERANCE_PX = 1e-3;
/** How far (metres) the stored uvz depth may differ from center[2]. */
export const N3D_UVZ_DEPTH_TOLERANCE_M = 1e-6;

const finite = (unit: string) => z.number({ error: `must be a finite number (${unit})` });
const vec3 = (unit: string, item: z.ZodNumber) =>
  z.tuple([item, item, item], { error: `must be an array of 3 numbers (${unit})` });

/** zod schema of one n3d JSON box (unknown keys are rejected, so a typo like "centre" is caught). */
export const N3dBoxJsonSchema = z.strictObject({
  label: z
    .string({ error: "must be a non-empty string" })
    .refine((s) => s.trim().length > 0, { error: "must be a non-empty string" }),
  center: vec3("metres", finite("metres")),
  size: vec3("metres", z.number({ error: "must be a finite number >= 0 (metres)" }).min(0, { error: "must be a finite number >= 0 (metres)" })),
  yaw: finite("radians"),
  uvz: vec3("u px, v px, z metres", finite("u, v pixels; z metres")),
  score: finite("confidence").optional(),
});

/** The JSON shape of one box, as written to and read from files. */
export type N3dBoxJson = z.infer<typeof N3dBoxJsonSchema>;

/** A labelled box in our camera frame, as the rest of n3d uses it. */
export interface N3dBox {
  readonly label: string;
  readonly box: Box3D;
  readonly score?: number;
}

/** Format a zod path the way n3d errors name fields: `[2].size[1]`, `label`. */
function fieldName(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "box" : out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function parseOne(json: unknown, where: string, prefix: string, K: Intrinsics | undefined): N3dBox {
  const parsed = N3dBoxJsonSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === "unrecognized_keys") {
      const key = issue.keys[0]!;
      throw new InputError(where, fieldName(prefix, [...issue.path, key]), valueAt(json, [...issue.path, key]), "is not a field of an n3d box; expected label, center, size, yaw, uvz, score");
    }
    throw new InputError(where, fieldName(prefix, issue.path), valueAt(json, issue.path), issue.message);
  }
  const j = parsed.data;
  const box: Box3D = { center: [...j.center], size: [...j.size], yaw: j.yaw };
  if (K !== undefined) checkUVZ(box, j.uvz, K, where, prefix);
  return j.score === undefined ? { label: j.label, box } : { label: j.label, box, score: j.score };
}

function checkUVZ(box: Box3D, uvz: Vec3, K: Intrinsics, where: string, prefix: string): void {
  const uv = project(K, box.center);
  if (uv === null) {
    throw new InputError(where, fieldName(prefix, ["center", 2]), box.center[2], "box centre must be in front of the camera (z > 0) to have a uvz");
  }
  for (const i of [0, 1] as const) {
    if (!(Math.abs(uvz[i] - uv[i]) <= N3D_UVZ_TOLERANCE_PX)) {
      throw new InputError(where, fieldName(prefix, ["uvz", i]), uvz[i], `does not match the centre projected with K: expected ${uv[i]} px (tolerance ${N3D_UVZ_TOLERANCE_PX} px)`);
    }
  }
  if (!(Math.abs(uvz[2] - box.center[2]) <= N3D_UVZ_DEPTH_TOLERANCE_M)) {
    throw new InputError(where, fieldName(prefix, ["uvz", 2]), uvz[2], `does not match center[2] = ${box.center[2]} m`);
  }
}

/**
 * One n3d JSON box -> {@link N3dBox}. `where` names the source (file path) for errors, which name
 * the field: `boxes.json: size[1] = -1: must be a finite number >= 0 (metres)`. With K (pixels),
 * the stored uvz must match the centre's projection within {@link N3D_UVZ_TOLERANCE_PX}.
 */
export function fromN3dJson(json: unknown, where: string, K?: Intrinsics): N3dBox {
  return parseOne(json, where, "", K);
}

/**
 * {@link N3dBox} -> its JSON form, computing uvz with K (pixels). Throws an InputError if the centre
 * has z <= 0 or any field is invalid (the same rules as reading).
 */
export function toN3dJson(box: N3dBox, K: Intrinsics): N3dBoxJson {
  const uvz = boxToUVZ(K, box.box);
  const out: N3dBoxJson = {
    label: box.label,
    center: [box.box.center[0], box.box.center[1], box.box.center[2]],
    size: [box.box.size[0], box.box.size[1], box.box.size[2]],
    yaw: box.box.yaw,
    uvz: [uvz.uvPx[0], uvz.uvPx[1], uvz.depthM],
  };
  if (box.score !== undefined) out.score = box.score;
  parseOne(out, "toN3dJson", "", undefined); // a NaN would otherwise be written as null
  return out;
}

/**
 * A JSON array of n3d boxes (a boxes file) -> {@link N3dBox}[]. Errors name the array index and
 * field: `boxes.json: [2].size[1] = -1: must be a finite number >= 0 (metres)`.
 */
export function parseN3dBoxesJson(text: string, where: string, K?: Intrinsics): N3dBox[] {
  const json = parseJsonText(text, where);
  if (!Array.isArray(json)) throw new InputError(where, "json", json, "must be a JSON array of boxes");
  return json.map((item, i) => parseOne(item, where, `[${i}]`, K));
}

/** {@link N3dBox}[] -> the text of a boxes file: a JSON array, one box per line, ending in "\n". */
export function serializeN3dBoxesJson(boxes: readonly N3dBox[], K: Intrinsics): string {
  if (boxes.length === 0) return "[]\n";
  return `[\n${boxes.map((b) => `  ${JSON.stringify(toN3dJson(b, K))}`).join(",\n")}\n]\n`;
}
