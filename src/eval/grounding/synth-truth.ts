import { InputError, formatValue } from "../../errors.js";
import { validateImageSize, validateIntrinsics, type ImageSize, type Intrinsics } from "../../geometry/index.js";
import type { SkippedInput } from "../types.js";
import { groundingBoxFromJson, readGroundingJsonl, type GroundingBox, type GroundingReadResult, type GroundingRecord } from "./records.js";

/**
 * Truth records from an `n3d synth` annotations.json (COCO JSON with n3d extras), so a synthetic
 * folder can be scored directly: `n3d eval grounding --truth DIR/annotations.json`.
 *
 * - One record per COCO image: `id`, `width`, `height`, and K from `n3d.intrinsics_true` when
 *   present, else `intrinsics`. The true K is the one the truth boxes were made and projected with
 *   (with a sensor-noise preset, `intrinsics` is what the simulated device states, a few percent
 *   off); projected IoU and 2D offsets must use the camera that saw the truth.
 * - Its boxes: the annotations of that image with `visible: true` and a non-null `bbox3d`
 *   (objects wholly hidden, or whose box centre is behind the camera, are not grounding targets).
 * - An image with a bad field, or with a bad box among its visible annotations, is skipped whole
 *   with a reason, as in {@link readGroundingJsonl}; an annotation naming an image that does not
 *   exist is skipped alone.
 *
 * Throws an InputError only when the document is not COCO-shaped (no `images` / `annotations`
 * arrays), since then nothing in it can be read.
 */
export function groundingRecordsFromSynth(annotationsJson: unknown, where = "annotations.json"): GroundingReadResult {
  const doc = annotationsJson as Record<string, unknown> | null;
  if (!isCocoDocument(doc)) {
    throw new InputError(where, "json", annotationsJson, "must be a COCO document with `images` and `annotations` arrays (an n3d synth annotations.json)");
  }
  const images = doc.images as unknown[];
  const annotations = doc.annotations as unknown[];
  const skipped: SkippedInput[] = [];
  const cameras = new Map<string, { size: ImageSize; intrinsics: Intrinsics }>();
  const badImages = new Set<string>();
  images.forEach((image, i) => {
    const at = `${where} images[${i}]`;
    const id = cocoId(image);
    if (id === null) {
      skipped.push({ id: `images[${i}]`, reason: `${at}: id = ${formatValue((image as Record<string, unknown> | null)?.["id"])}: must be a number or a non-empty string` });
      return;
    }
    if (cameras.has(id) || badImages.has(id)) {
      skipped.push({ id, reason: `${at}: id = ${formatValue(id)}: duplicates an earlier image; the first is kept` });
      return;
    }
    try {
      cameras.set(id, readCamera(image as Record<string, unknown>, at));
    } catch (err) {
      badImages.add(id);
      skipped.push({ id, reason: err instanceof InputError ? err.message : String(err) });
    }
  });

  const boxes = new Map<string, GroundingBox[]>([...cameras.keys()].map((id) => [id, []]));
  annotations.forEach((ann, i) => {
    const at = `${where} annotations[${i}]`;
    const a = (ann ?? {}) as Record<string, unknown>;
    const imageId = typeof a["image_id"] === "number" || typeof a["image_id"] === "string" ? String(a["image_id"]) : null;
    if (imageId === null || (!cameras.has(imageId) && !badImages.has(imageId))) {
      skipped.push({ id: `annotations[${i}]`, reason: `${at}: image_id = ${formatValue(a["image_id"])}: names no image of the document` });
      return;
    }
    if (badImages.has(imageId) || a["visible"] !== true || a["bbox3d"] === null || a["bbox3d"] === undefined) return;
    const list = boxes.get(imageId);
    if (list === undefined) return;
    try {
      list.push({ ...groundingBoxFromJson(a["bbox3d"], at, "bbox3d"), score: 1 });
    } catch (err) {
      boxes.delete(imageId);
      badImages.add(imageId);
      skipped.push({ id: imageId, reason: err instanceof InputError ? err.message : String(err) });
    }
  });

  const records = new Map<string, GroundingRecord>();
  for (const [imageId, camera] of cameras) {
    const list = boxes.get(imageId);
    if (list !== undefined) records.set(imageId, { imageId, ...camera, boxes: list });
  }
  return { records, skipped, warnings: [] };
}

/**
 * Read a grounding file whatever its kind: an `n3d synth` annotations.json (one JSON object with
 * `images` and `annotations`) or grounding JSONL. Throws only when the text is a COCO document
 * that cannot be read at all; JSONL is read tolerantly by {@link readGroundingJsonl}.
 */
export function readGroundingText(text: string, where: string): GroundingReadResult {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{")) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch {
      doc = undefined; // not one JSON document: JSONL (or broken lines, which the JSONL reader reports)
    }
    if (isCocoDocument(doc)) return groundingRecordsFromSynth(doc, where);
  }
  return readGroundingJsonl(text, where);
}

function isCocoDocument(doc: unknown): doc is Record<string, unknown> {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return false;
  const d = doc as Record<string, unknown>;
  return Array.isArray(d["images"]) && Array.isArray(d["annotations"]);
}

function cocoId(image: unknown): string | null {
  if (image === null || typeof image !== "object") return null;
  const id = (image as Record<string, unknown>)["id"];
  if (typeof id === "number" && Number.isFinite(id)) return String(id);
  if (typeof id === "string" && id.trim() !== "") return id;
  return null;
}

function readCamera(image: Readonly<Record<string, unknown>>, where: string): { size: ImageSize; intrinsics: Intrinsics } {
  const size = { width: image["width"], height: image["height"] } as ImageSize;
  validateImageSize(size, where);
  const extras = image["n3d"] as Record<string, unknown> | undefined;
  const trueK = extras !== null && typeof extras === "object" ? extras["intrinsics_true"] : undefined;
  const field = trueK !== undefined ? "n3d.intrinsics_true" : "intrinsics";
  const k = (trueK ?? image["intrinsics"]) as Record<string, unknown> | null | undefined;
  if (k === null || typeof k !== "object") throw new InputError(where, field, k, "must be an object {fx, fy, cx, cy} (pixels)");
  const intrinsics = { fx: k["fx"], fy: k["fy"], cx: k["cx"], cy: k["cy"] } as Intrinsics;
  try {
    validateIntrinsics(intrinsics, where);
  } catch (err) {
    throw err instanceof InputError ? new InputError(where, `${field}.${err.field}`, err.value, err.problem) : err;
  }
  return { size: { width: size.width, height: size.height }, intrinsics: { ...intrinsics } };
}
