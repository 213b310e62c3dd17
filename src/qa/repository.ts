import { readFile, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { InputError, parseJsonText } from "../errors.js";
import { project, validateImageSize, type ImageSize, type Intrinsics, type Vec3 } from "../geometry/index.js";
import { fromN3dJson } from "../formats/index.js";
import { parseIntrinsics } from "../rgbd/index.js";
import { nameObjects, type SceneObjectBox } from "../reason/index.js";

/**
 * The 3D annotation repository the QA generator reads: a COCO-style `annotations.json` whose
 * images carry `depth_file`, `intrinsics` and optionally `gravity`, and whose annotations carry a
 * `bbox3d` (an n3d JSON box, camera frame, metres) — what `n3d synth` writes today and what the
 * lifting runner writes per shard (same record schema).
 *
 * Rules, one place:
 * - Every annotation must have a `bbox3d` key; `null` means "no 3D box" (e.g. a centre behind the
 *   camera) and the annotation is skipped, as is one with `visible: false`.
 * - Object order within a scene is left to right: by the projected centre u, then v, then the
 *   annotation's position in the file. Detection answers list boxes in this order.
 * - Names are unique per scene: the label when only one kept object has it, else
 *   `<index>_<label>` with index the 0-based position among that label's instances in the same
 *   left-to-right order. So `1_chair` is the second chair from the left, and it is `bbox_1` in the
 *   grounding answer for 'chair', as in the official release (`4_hotair ballon` is bbox_4 of the
 *   'hotair ballon' grounding answer there).
 */

/** An image's identifier as written in the file (COCO uses integers; strings are accepted). */
export type ImageId = number | string;

/** One object of a scene: the reasoning contract's box plus where it came from. */
export interface QaSceneObject extends SceneObjectBox {
  /** The COCO annotation id. */
  readonly annotationId: number | string;
}

/** One image with its kept 3D objects. */
export interface QaScene {
  readonly imageId: ImageId;
  /** The image path as written in the file: absolute, or relative to {@link QaScene.root}. */
  readonly imageFile: string;
  /** The depth path as written in the file: absolute, or relative to {@link QaScene.root}. */
  readonly depthFile: string;
  /** Units per metre of the depth file, when the repository records it (1000 for PNG16 mm). */
  readonly depthScale?: number;
  /** Absolute folder that relative paths are relative to (the annotations file's folder). */
  readonly root: string;
  readonly size: ImageSize;
  /** Pixel intrinsics of the frame the boxes are in. */
  readonly intrinsics: Intrinsics;
  /** Gravity direction (unit, camera frame, pointing down), when recorded. */
  readonly gravity?: Vec3;
  /** Kept objects, left to right (see the file comment). */
  readonly objects: readonly QaSceneObject[];
}

/** A repository read from disk. */
export interface QaRepository {
  /** Absolute path of the annotations file read. */
  readonly annotationsPath: string;
  /** Absolute folder that relative image and depth paths are relative to. */
  readonly root: string;
  /** Scenes in the order of the file's `images`. */
  readonly scenes: readonly QaScene[];
}

/** The file name looked for when {@link readRepository} is given a folder. */
export const ANNOTATIONS_FILE = "annotations.json";

/**
 * Read a repository: `path` is a folder holding `annotations.json`, or the JSON file itself.
 * Throws an InputError naming the file, the image or annotation id and the field for anything
 * missing or malformed, e.g. `DIR/annotations.json: annotations[id=1003].bbox3d = undefined: missing; ...`.
 */
export async function readRepository(path: string): Promise<QaRepository> {
  const abs = resolve(path);
  let file = abs;
  try {
    if ((await stat(abs)).isDirectory()) file = join(abs, ANNOTATIONS_FILE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new InputError(abs, "path", path, "does not exist; expected a repository folder or its annotations.json");
    throw err;
  }
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new InputError(file, "file", file, `does not exist; a repository folder holds ${ANNOTATIONS_FILE}`);
    throw err;
  }
  const json = parseJsonText(text, file);
  const root = dirname(file);
  return { annotationsPath: file, root, scenes: parseRepository(json, file, root) };
}

/**
 * {@link readRepository} for a document already parsed: `where` names it in errors and `root` is
 * the folder relative paths are relative to.
 */
export function parseRepository(json: unknown, where: string, root: string): QaScene[] {
  const doc = asObject(json, where, "document", "must be a COCO JSON object with images and annotations");
  const images = asArray(doc["images"], where, "images");
  const annotations = asArray(doc["annotations"], where, "annotations");
  const categoryNames = readCategories(doc["categories"], where);

  interface Pending {
    readonly header: Omit<QaScene, "objects">;
    readonly objects: { annotationId: number | string; label: string; box: SceneObjectBox["box"]; attributes?: SceneObjectBox["attributes"]; u: number; v: number; order: number }[];
  }
  const byId = new Map<string, Pending>();
  const order: Pending[] = [];
  images.forEach((raw, i) => {
    const img = asObject(raw, where, `images[${i}]`, "must be an object");
    const imageId = readId(img["id"], where, `images[${i}].id`);
    const field = (name: string): string => `images[id=${imageId}].${name}`;
    if (byId.has(String(imageId))) throw new InputError(where, field("id"), imageId, "is used by more than one image");
    const imageFile = readString(img["file_name"], where, field("file_name"));
    const depthFile = readString(img["depth_file"], where, field("depth_file"));
    const width = readNumber(img["width"], where, field("width"));
    const height = readNumber(img["height"], where, field("height"));
    const size = { width, height };
    rewrap(where, `images[id=${imageId}]`, () => validateImageSize(size, where));
    if (img["intrinsics"] === undefined) throw missing(where, field("intrinsics"), "pixel intrinsics {fx, fy, cx, cy}");
    const intrinsics = rewrap(where, field("intrinsics"), () => parseIntrinsics(img["intrinsics"], where, size));
    const header: Omit<QaScene, "objects"> = {
      imageId,
      imageFile,
      depthFile,
      root,
      size,
      intrinsics,
      ...(img["depth_scale"] === undefined ? {} : { depthScale: readNumber(img["depth_scale"], where, field("depth_scale")) }),
      ...(img["gravity"] === undefined || img["gravity"] === null ? {} : { gravity: readGravity(img["gravity"], where, field("gravity")) }),
    };
    const pending: Pending = { header, objects: [] };
    byId.set(String(imageId), pending);
    order.push(pending);
  });

  annotations.forEach((raw, i) => {
    const ann = asObject(raw, where, `annotations[${i}]`, "must be an object");
    const annId = readId(ann["id"], where, `annotations[${i}].id`);
    const field = (name: string): string => `annotations[id=${annId}].${name}`;
    const imageId = readId(ann["image_id"], where, field("image_id"));
    const scene = byId.get(String(imageId));
    if (scene === undefined) throw new InputError(where, field("image_id"), imageId, "no image in images has this id");
    if (!("bbox3d" in ann)) throw missing(where, field("bbox3d"), "every annotation needs bbox3d (null when it has no 3D box)");
    if (ann["visible"] === false || ann["bbox3d"] === null) return;
    const label = readLabel(ann, categoryNames, where, field);
    const { box } = rewrap(where, field("bbox3d"), () => fromN3dJson(ann["bbox3d"], where));
    const K = scene.header.intrinsics;
    const uv = project(K, box.center);
    if (uv === null) throw new InputError(where, field("bbox3d.center[2]"), box.center[2], "box centre must be in front of the camera (z > 0)");
    const attributes = readAttributes(ann["attributes"]);
    scene.objects.push({ annotationId: annId, label, box, ...(attributes ? { attributes } : {}), u: uv[0], v: uv[1], order: i });
  });

  return order.map(({ header, objects }) => {
    const sorted = [...objects].sort((a, b) => a.u - b.u || a.v - b.v || a.order - b.order);
    const unnamed = sorted.map((o) => ({ label: o.label, box: o.box, annotationId: o.annotationId, ...(o.attributes ? { attributes: o.attributes } : {}) }));
    return { ...header, objects: nameObjects(unnamed) };
  });
}

/** Absolute path of a scene's file (its image or depth path as stored). */
export function sceneFilePath(scene: QaScene, file: string): string {
  return resolve(scene.root, file);
}

function missing(where: string, field: string, what: string): InputError {
  return new InputError(where, field, undefined, `missing; ${what}`);
}

/** Run fn; an InputError it throws is re-thrown with `prefix.` in front of its field. */
function rewrap<T>(where: string, prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof InputError) {
      const inner = err.field === "" || err.field === "box" || err.field === "intrinsics" || err.field === "size" ? "" : `.${err.field}`;
      throw new InputError(where, `${prefix}${inner}`, err.value, err.problem);
    }
    throw err;
  }
}

function asObject(v: unknown, where: string, field: string, problem: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new InputError(where, field, v, problem);
  return v as Record<string, unknown>;
}

function asArray(v: unknown, where: string, field: string): unknown[] {
  if (v === undefined) throw missing(where, field, "a COCO document needs images and annotations arrays");
  if (!Array.isArray(v)) throw new InputError(where, field, v, "must be an array");
  return v;
}

function readId(v: unknown, where: string, field: string): number | string {
  if (v === undefined) throw missing(where, field, "every image and annotation needs an id");
  if ((typeof v === "number" && Number.isFinite(v)) || (typeof v === "string" && v !== "")) return v;
  throw new InputError(where, field, v, "must be a number or a non-empty string");
}

function readString(v: unknown, where: string, field: string): string {
  if (v === undefined) throw missing(where, field, "a path relative to the repository folder, or absolute");
  if (typeof v !== "string" || v === "") throw new InputError(where, field, v, "must be a non-empty string");
  return v;
}

function readNumber(v: unknown, where: string, field: string): number {
  if (v === undefined) throw missing(where, field, "a number");
  if (typeof v !== "number" || !Number.isFinite(v)) throw new InputError(where, field, v, "must be a finite number");
  return v;
}

function readGravity(v: unknown, where: string, field: string): Vec3 {
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === "number" && Number.isFinite(x))) {
    throw new InputError(where, field, v, "must be an array of 3 finite numbers (unit vector, camera frame, pointing down)");
  }
  const [x, y, z] = v as [number, number, number];
  const n = Math.hypot(x, y, z);
  if (!(Math.abs(n - 1) <= 1e-3)) throw new InputError(where, field, v, `must be a unit vector (length ${n})`);
  return [x / n, y / n, z / n];
}

function readCategories(v: unknown, where: string): Map<string, string> {
  const names = new Map<string, string>();
  if (!Array.isArray(v)) return names;
  v.forEach((c, i) => {
    const cat = asObject(c, where, `categories[${i}]`, "must be an object");
    if ((typeof cat["id"] === "number" || typeof cat["id"] === "string") && typeof cat["name"] === "string") names.set(String(cat["id"]), cat["name"]);
  });
  return names;
}

function readLabel(ann: Record<string, unknown>, categories: Map<string, string>, where: string, field: (f: string) => string): string {
  const label = ann["label"];
  if (label !== undefined) {
    if (typeof label !== "string" || label.trim() === "") throw new InputError(where, field("label"), label, "must be a non-empty string");
    return label.trim();
  }
  const cat = ann["category_id"];
  if (cat === undefined) throw missing(where, field("label"), "an annotation needs a label or a category_id listed in categories");
  const name = categories.get(String(cat));
  if (name === undefined) throw new InputError(where, field("category_id"), cat, "is not listed in categories");
  return name;
}

function readAttributes(v: unknown): SceneObjectBox["attributes"] | undefined {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
  const a = v as Record<string, unknown>;
  const color = typeof a["color"] === "string" ? a["color"] : undefined;
  const size = typeof a["size"] === "string" ? a["size"] : undefined;
  if (color === undefined && size === undefined) return undefined;
  return { ...(color === undefined ? {} : { color }), ...(size === undefined ? {} : { size }) };
}
