import { InputError, formatValue } from "../../errors.js";
import { fromN3dJson, type N3dBox } from "../../formats/index.js";
import { validateImageSize, validateIntrinsics, type ImageSize, type Intrinsics } from "../../geometry/index.js";
import type { SkippedInput } from "../types.js";

/**
 * The grounding file format: JSONL, one image per line, the same for predictions and truth.
 *
 * ```json
 * {"image_id": 17, "width": 640, "height": 480, "intrinsics": {"fx": 500, "fy": 500, "cx": 319.5, "cy": 239.5},
 *  "boxes": [{"label": "chair", "center": [0.4, 0.3, 2.5], "size": [0.5, 0.9, 0.5], "yaw": 0,
 *             "uvz": [399.5, 299.5, 2.5], "score": 0.92}]}
 * ```
 * - `image_id` a string or a number; ids are compared as strings, so 17 and "17" are one image.
 * - `width`, `height` the image size in pixels; `intrinsics` K in pixels (DESIGN.md conventions).
 * - `boxes` n3d JSON boxes (formats/n3d-box.ts) in the camera frame, metres and radians. `score`
 *   is optional; a box without one gets 1. Truth boxes need none (a truth score is ignored).
 *   `center` is authoritative: `uvz` must be three finite numbers but is not checked against K,
 *   so predictions that rounded their uvz are still scored.
 *
 * The reader never throws on a bad line: the line is skipped whole (a record with one broken box
 * would score its image wrongly, so none of it is used) and reported with a one-line reason.
 */

/** A labelled box of a grounding record; `score` is 1 when the file gave none. */
export interface GroundingBox extends N3dBox {
  readonly score: number;
}

/** One image of a grounding file: its camera and its boxes (predictions or truth). */
export interface GroundingRecord {
  /** The image id as a string (numbers are written in their JSON form: 17 -> "17"). */
  readonly imageId: string;
  /** Image size, pixels. */
  readonly size: ImageSize;
  /** Pinhole intrinsics, pixels. */
  readonly intrinsics: Intrinsics;
  readonly boxes: readonly GroundingBox[];
}

/** What a reader made of a file: the usable records, keyed by image id, and what it skipped. */
export interface GroundingReadResult {
  /** Records in file order, keyed by {@link GroundingRecord.imageId}. */
  readonly records: Map<string, GroundingRecord>;
  /** Lines (or images) that could not be used, each with a one-line reason naming line and field. */
  readonly skipped: SkippedInput[];
  /** Things that did not stop a line from being used (unknown fields), one line each. */
  readonly warnings: string[];
}

/** The top-level fields of a grounding line. */
export const GROUNDING_RECORD_FIELDS = ["image_id", "width", "height", "intrinsics", "boxes"] as const;

/**
 * Parse a grounding JSONL text (see the module comment for the format). `where` names the source
 * (the file path) in reasons. Never throws on bad content: every line that is not valid JSON, has
 * no usable `image_id`, repeats an earlier line's id, or holds a bad number (NaN, Infinity, null),
 * a negative size or a missing field is skipped with a reason such as
 * `pred.jsonl line 4: boxes[2].size[1] = -1: must be a finite number >= 0 (metres)`.
 *
 * Duplicated ids: the first line with an id claims it (even if that line is itself skipped for
 * another reason); every later line with the same id is skipped, naming both lines. Blank lines
 * are ignored; an empty file gives zero records (whether that is an error is the caller's call).
 * Python's `NaN`, `Infinity` and `-Infinity` tokens are read as those numbers, so they are reported
 * at the field that holds them rather than as broken JSON.
 */
export function readGroundingJsonl(text: string, where: string): GroundingReadResult {
  const records = new Map<string, GroundingRecord>();
  const skipped: SkippedInput[] = [];
  const unknownFields = new Map<string, number>();
  const firstLineOfId = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    const lineNo = index + 1;
    const at = `${where} line ${lineNo}`;
    let json: unknown;
    try {
      json = parseJsonWithNonFinite(line);
    } catch (err) {
      const msg = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, " ");
      skipped.push({ id: `line ${lineNo}`, reason: `${at}: json = ${formatValue(line)}: is not valid JSON: ${msg}` });
      return;
    }
    let id: string;
    try {
      id = readImageId(json, at);
    } catch (err) {
      skipped.push({ id: `line ${lineNo}`, reason: reasonOf(err) });
      return;
    }
    const first = firstLineOfId.get(id);
    if (first !== undefined) {
      skipped.push({ id, reason: `${at}: image_id = ${formatValue(id)}: duplicates line ${first}; the first line with an id is kept, this one is skipped` });
      return;
    }
    firstLineOfId.set(id, lineNo);
    for (const key of Object.keys(json as object)) {
      if (!(GROUNDING_RECORD_FIELDS as readonly string[]).includes(key) && !unknownFields.has(key)) unknownFields.set(key, lineNo);
    }
    try {
      records.set(id, readRecordBody(json as Record<string, unknown>, id, at));
    } catch (err) {
      skipped.push({ id, reason: reasonOf(err) });
    }
  });
  const warnings = [...unknownFields].map(
    ([key, lineNo]) => `${where} line ${lineNo}: field ${JSON.stringify(key)} is not part of the grounding format (${GROUNDING_RECORD_FIELDS.join(", ")}); ignored`,
  );
  return { records, skipped, warnings };
}

/**
 * Parse one grounding record from its JSON value (one line's worth). Throws an InputError naming
 * `where` and the field; {@link readGroundingJsonl} is the tolerant, whole-file entry.
 */
export function groundingRecordFromJson(json: unknown, where: string): GroundingRecord {
  const id = readImageId(json, where);
  return readRecordBody(json as Record<string, unknown>, id, where);
}

/**
 * Pair predictions with truth by image id, in truth order. A truth image without a prediction
 * record gets `pred` undefined (all its boxes are misses); prediction ids that are not in the
 * truth are listed in `unknownPredictionIds` (they cannot be scored; report them).
 */
export function joinGroundingRecords(
  pred: ReadonlyMap<string, GroundingRecord>,
  truth: ReadonlyMap<string, GroundingRecord>,
): { inputs: { pred?: GroundingRecord; truth: GroundingRecord }[]; unknownPredictionIds: string[] } {
  const inputs = [...truth.values()].map((t) => {
    const p = pred.get(t.imageId);
    return p === undefined ? { truth: t } : { pred: p, truth: t };
  });
  const unknownPredictionIds = [...pred.keys()].filter((id) => !truth.has(id));
  return { inputs, unknownPredictionIds };
}

/** The id of a record as a string; throws an InputError when it is missing or not a string/number. */
function readImageId(json: unknown, where: string): string {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new InputError(where, "record", json, "must be a JSON object with image_id, width, height, intrinsics, boxes");
  }
  const id = (json as Record<string, unknown>)["image_id"];
  if (id === undefined) throw new InputError(where, "image_id", id, "missing; each line needs an image id (string or number)");
  if (typeof id === "string" && id.trim() !== "") return id;
  if (typeof id === "number" && Number.isFinite(id)) return String(id);
  throw new InputError(where, "image_id", id, "must be a non-empty string or a finite number");
}

function readRecordBody(json: Readonly<Record<string, unknown>>, imageId: string, where: string): GroundingRecord {
  const size = { width: json["width"], height: json["height"] } as ImageSize;
  validateImageSize(size, where);
  const k = json["intrinsics"];
  if (k === null || typeof k !== "object" || Array.isArray(k)) {
    throw new InputError(where, "intrinsics", k, "must be an object {fx, fy, cx, cy} (pixels)");
  }
  const kj = k as Record<string, unknown>;
  const intrinsics = { fx: kj["fx"], fy: kj["fy"], cx: kj["cx"], cy: kj["cy"] } as Intrinsics;
  try {
    validateIntrinsics(intrinsics, where);
  } catch (err) {
    throw err instanceof InputError ? new InputError(where, `intrinsics.${err.field}`, err.value, err.problem) : err;
  }
  const boxesJson = json["boxes"];
  if (!Array.isArray(boxesJson)) throw new InputError(where, "boxes", boxesJson, "must be an array of n3d boxes (an empty array for no boxes)");
  const boxes = boxesJson.map((b: unknown, i) => groundingBoxFromJson(b, where, `boxes[${i}]`));
  return { imageId, size: { width: size.width, height: size.height }, intrinsics: { ...intrinsics }, boxes };
}

/**
 * One n3d JSON box -> {@link GroundingBox} (score 1 when absent). Throws an InputError whose field
 * is prefixed with `field` (e.g. `boxes[2].size[1]`).
 */
export function groundingBoxFromJson(json: unknown, where: string, field: string): GroundingBox {
  let box: N3dBox;
  try {
    box = fromN3dJson(json, where);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    throw new InputError(where, err.field === "box" ? field : `${field}.${err.field}`, err.value, err.problem);
  }
  return { label: box.label, box: box.box, score: box.score ?? 1 };
}

function reasonOf(err: unknown): string {
  if (err instanceof InputError) return err.message;
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, " ");
}

const NON_FINITE_MARK = "\u0000n3d-non-finite:";

/**
 * JSON.parse that also accepts the bare tokens NaN, Infinity and -Infinity outside strings (Python's
 * json module writes them), so the validators can name the field that holds one. Tokens are swapped
 * for marked strings, parsed, then swapped back for the numbers.
 */
function parseJsonWithNonFinite(line: string): unknown {
  if (!/NaN|Infinity/.test(line)) return JSON.parse(line);
  let out = "";
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (inString) {
      out += c;
      if (c === "\\") out += line[++i] ?? "";
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    const token = /^(-?Infinity|NaN)/.exec(line.slice(i, i + 9))?.[1];
    if (token !== undefined) {
      out += JSON.stringify(NON_FINITE_MARK + token);
      i += token.length - 1;
      continue;
    }
    out += c;
  }
  return restoreNonFinite(JSON.parse(out));
}

function restoreNonFinite(v: unknown): unknown {
  if (typeof v === "string" && v.startsWith(NON_FINITE_MARK)) return Number(v.slice(NON_FINITE_MARK.length));
  if (Array.isArray(v)) return v.map(restoreNonFinite);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, restoreNonFinite(x)]));
  }
  return v;
}
