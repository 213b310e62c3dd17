import { z } from "zod";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fsutil.js";
import { intrinsicsFromNormalized, validateImageSize, validateIntrinsics } from "../geometry/index.js";
import type { ImageSize, Intrinsics } from "../geometry/index.js";
import { readInputBytes } from "./read-input.js";

/**
 * Camera intrinsics as JSON. One object, in one of four forms (each may also carry the image
 * `width` and `height` in pixels the intrinsics belong to):
 * - pixels: `{"fx": 525, "fy": 525, "cx": 319.5, "cy": 239.5}` (pixel centres at integers);
 * - matrix: `{"K": [[fx, 0, cx], [0, fy, cy], [0, 0, 1]]}`, nested 3x3 or flat row-major 9;
 * - normalized: `{"normalized": true, "fx": 0.8, "fy": 1.07, "cx": 0.5, "cy": 0.5}`, fx and cx
 *   relative to the width, fy and cy to the height, MoGe's half-pixel convention (needs the size);
 * - field of view: `{"fov_x_deg": 60}`, square pixels, centred principal point (needs the size).
 * Unknown keys are errors (distortion, for one, is not modelled and must not be dropped silently).
 */

const finite = z.number();
const pixels = z.number().int().positive();
const sizeKeys = { width: pixels.optional(), height: pixels.optional() };

const PixelSchema = z.strictObject({ fx: finite, fy: finite, cx: finite, cy: finite, normalized: z.literal(false).optional(), ...sizeKeys });
const NormalizedSchema = z.strictObject({ normalized: z.literal(true), fx: finite, fy: finite, cx: finite, cy: finite, ...sizeKeys });
const MatrixSchema = z.strictObject({ K: z.array(z.unknown()), ...sizeKeys });
const FovSchema = z.strictObject({ fov_x_deg: finite, ...sizeKeys });

/**
 * Read intrinsics from a JSON file (forms above) and return them in pixels. `size` is the image
 * the intrinsics will be used with: required for the normalized and field-of-view forms unless the
 * file gives width and height, and checked against the file's width and height when both exist.
 */
export async function readIntrinsics(path: string, size?: ImageSize): Promise<Intrinsics> {
  const text = Buffer.from(await readInputBytes(path)).toString("utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(path, "json", err instanceof Error ? err.message : String(err), "not valid JSON");
  }
  return parseIntrinsics(json, path, size);
}

/** {@link readIntrinsics} for a value already parsed from JSON; `where` names it in errors. */
export function parseIntrinsics(json: unknown, where: string, size?: ImageSize): Intrinsics {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new InputError(where, "intrinsics", json, "must be a JSON object ({fx, fy, cx, cy}, {K}, {normalized: true, ...} or {fov_x_deg})");
  }
  const obj = json as Record<string, unknown>;
  if ("K" in obj) {
    const m = check(MatrixSchema, obj, where);
    const K = matrixToIntrinsics(m.K, where);
    resolveSize(m, size, where);
    return validateIntrinsics(K, where);
  }
  if ("fov_x_deg" in obj) {
    const f = check(FovSchema, obj, where);
    const s = requireSize(resolveSize(f, size, where), where, "fov_x_deg", f.fov_x_deg);
    if (f.fov_x_deg <= 0 || f.fov_x_deg >= 180) {
      throw new InputError(where, "fov_x_deg", f.fov_x_deg, "horizontal field of view must be in (0, 180) degrees");
    }
    const fx = s.width / 2 / Math.tan((f.fov_x_deg * Math.PI) / 360);
    return validateIntrinsics({ fx, fy: fx, cx: (s.width - 1) / 2, cy: (s.height - 1) / 2 }, where);
  }
  if (obj["normalized"] === true) {
    const n = check(NormalizedSchema, obj, where);
    const s = requireSize(resolveSize(n, size, where), where, "normalized", true);
    validateIntrinsics(n, where); // focal lengths > 0 before scaling, so the error shows the file's value
    return validateIntrinsics(intrinsicsFromNormalized(n, s), where);
  }
  const p = check(PixelSchema, obj, where);
  resolveSize(p, size, where);
  return validateIntrinsics({ fx: p.fx, fy: p.fy, cx: p.cx, cy: p.cy }, where);
}

/** Intrinsics (pixels) as JSON text in the pixel form, with width and height when given. */
export function intrinsicsToJson(K: Intrinsics, size?: ImageSize): string {
  validateIntrinsics(K, "intrinsicsToJson");
  const out: Record<string, number> = { fx: K.fx, fy: K.fy, cx: K.cx, cy: K.cy };
  if (size) {
    validateImageSize(size, "intrinsicsToJson");
    out["width"] = size.width;
    out["height"] = size.height;
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** Write intrinsics as JSON (pixel form), atomically. */
export async function writeIntrinsics(path: string, K: Intrinsics, size?: ImageSize): Promise<void> {
  await writeFileAtomic(path, intrinsicsToJson(K, size));
}

/** Parse with a schema; the first issue becomes an InputError naming the field and its value. */
function check<T>(schema: z.ZodType<T>, obj: Record<string, unknown>, where: string): T {
  const result = schema.safeParse(obj);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0]!;
    const allowed = Object.keys((schema as unknown as { shape: Record<string, unknown> }).shape).join(", ");
    throw new InputError(where, key, obj[key], `unknown key for this form of intrinsics; allowed: ${allowed}`);
  }
  const field = issue.path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
  let value: unknown = obj;
  for (const p of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[p];
  throw new InputError(where, field || "intrinsics", value, issue.message.replace(/^Invalid input: /, "").toLowerCase());
}

/** K as nested 3x3 or flat 9 -> intrinsics; anything but [[fx, 0, cx], [0, fy, cy], [0, 0, 1]] is refused. */
function matrixToIntrinsics(K: readonly unknown[], where: string): Intrinsics {
  const flat = K.length === 9;
  if (!flat && !(K.length === 3 && K.every((r) => Array.isArray(r) && r.length === 3))) {
    throw new InputError(where, "K", K, "must be a 3x3 matrix [[fx, 0, cx], [0, fy, cy], [0, 0, 1]] or 9 numbers row-major");
  }
  const rows: number[][] = [[], [], []];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      const v = flat ? K[3 * r + c] : (K[r] as unknown[])[c];
      const field = flat ? `K[${3 * r + c}]` : `K[${r}][${c}]`;
      if (typeof v !== "number" || !Number.isFinite(v)) throw new InputError(where, field, v, "must be a finite number");
      rows[r]!.push(v);
    }
  }
  const expect: Array<[number, number, number]> = [[0, 1, 0], [1, 0, 0], [2, 0, 0], [2, 1, 0], [2, 2, 1]];
  for (const [r, c, want] of expect) {
    const v = rows[r]![c]!;
    if (v !== want) {
      const field = flat ? `K[${3 * r + c}]` : `K[${r}][${c}]`;
      throw new InputError(where, field, v, `must be ${want}: K = [[fx, 0, cx], [0, fy, cy], [0, 0, 1]] (no skew, not scaled)`);
    }
  }
  return { fx: rows[0]![0]!, fy: rows[1]![1]!, cx: rows[0]![2]!, cy: rows[1]![2]! };
}

/** The image size the intrinsics apply to: the caller's, the file's, or both when they agree. */
function resolveSize(
  file: { width?: number | undefined; height?: number | undefined },
  size: ImageSize | undefined,
  where: string,
): ImageSize | undefined {
  if ((file.width === undefined) !== (file.height === undefined)) {
    const field = file.width === undefined ? "height" : "width";
    throw new InputError(where, field, file[field], "give both width and height, or neither");
  }
  const fromFile = file.width !== undefined && file.height !== undefined ? { width: file.width, height: file.height } : undefined;
  if (size) validateImageSize(size, where);
  if (size && fromFile && (size.width !== fromFile.width || size.height !== fromFile.height)) {
    throw new InputError(
      where,
      "width x height",
      `${fromFile.width}x${fromFile.height}`,
      `intrinsics are for a different image size than ${size.width}x${size.height}`,
    );
  }
  return size ?? fromFile;
}

/** A size for the forms that cannot be converted to pixels without one. */
function requireSize(size: ImageSize | undefined, where: string, field: string, value: unknown): ImageSize {
  if (!size) throw new InputError(where, field, value, "needs the image size: pass it, or add width and height to the file");
  return size;
}
