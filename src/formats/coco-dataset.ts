import { formatValue as show, InputError, parseJsonText } from "../errors.js";
import { validateImageSize, validateIntrinsics } from "../geometry/index.js";
import type { Box2D, ImageSize, Intrinsics, Vec3 } from "../geometry/index.js";
import { rleCountsFromString } from "./coco-rle.js";
import type { CocoRle } from "./coco-rle.js";

/**
 * 2D-annotated datasets as the lifting runner reads them: COCO-style JSON (COCO, Objects365 and
 * what `n3d synth` writes) here, OpenImages CSV in openimages-csv.ts, both to the same
 * {@link AnnotatedDataset}. Validation is per item: a malformed image entry or annotation becomes a
 * {@link DatasetSkip} with a reason and the rest is read; only a document that is not a COCO object
 * at all is an error.
 *
 * Pixel conventions: COCO boxes [x, y, w, h] and polygon vertices use COCO's continuous frame, in
 * which pixel i covers [i, i + 1]; n3d puts pixel centres at integers (DESIGN.md), so a COCO
 * coordinate c is n3d coordinate c - 0.5. {@link annotationRegion} converts; nothing else should.
 *
 * Image fields beyond COCO's (the `n3d synth` layout): `depth_file` (relative to the JSON's folder),
 * `depth_scale` (units per metre of integer depth), `intrinsics` ({fx, fy, cx, cy} pixels or any form
 * rgbd's parseIntrinsics reads), `gravity` (unit vector, camera frame, pointing down).
 */

/** An image or annotation id as the file writes it (COCO: integers; strings are accepted). */
export type DatasetId = number | string;

/** Why a dataset item was not lifted, as far as the annotation file alone can tell. */
export type DatasetSkipReason =
  | "bad_image_entry" // an image entry without a usable id, file name, size, intrinsics, ...
  | "bad_annotation" // an annotation whose fields are malformed (bbox not 4 numbers, bad RLE, ...)
  | "unknown_image_id" // an annotation whose image_id is not in images
  | "unknown_category" // an annotation whose category_id is not in categories
  | "bbox_negative_size" // width or height < 0
  | "bbox_outside_image" // the box reaches more than BOX_TOLERANCE_PX beyond the image
  | "mask_outside_image" // a polygon vertex more than BOX_TOLERANCE_PX beyond the image
  | "mask_size_mismatch" // an RLE whose size is not the image's
  | "group_annotation"; // COCO iscrowd = 1 / OpenImages IsGroupOf = 1: a group, not one object

/** Every {@link DatasetSkipReason}, in a fixed order (reports list them in it). */
export const DATASET_SKIP_REASONS: readonly DatasetSkipReason[] = [
  "bad_image_entry", "bad_annotation", "unknown_image_id", "unknown_category", "bbox_negative_size",
  "bbox_outside_image", "mask_outside_image", "mask_size_mismatch", "group_annotation",
];

/** How far (pixels) a box or polygon may reach beyond the image before it counts as outside it. */
export const BOX_TOLERANCE_PX = 1;

/** A 2D box as the dataset stores it. */
export type DatasetBox =
  /** COCO [x, y, w, h] in pixels, COCO's frame (pixel i covers [i, i + 1]). */
  | { readonly format: "coco-xywh"; readonly values: readonly [number, number, number, number] }
  /** OpenImages XMin, YMin, XMax, YMax as fractions 0..1 of the image width and height. */
  | { readonly format: "normalized-xyxy"; readonly values: readonly [number, number, number, number] };

/** An instance mask as the dataset stores it. */
export type DatasetSegmentation =
  | { readonly kind: "rle"; readonly rle: CocoRle }
  /** COCO polygons: each a flat [x0, y0, x1, y1, ...] in COCO's frame; the mask is their union. */
  | { readonly kind: "polygons"; readonly polygons: readonly (readonly number[])[] };

/** One 2D annotation, validated as far as it can be without the image. */
export interface DatasetAnnotation {
  readonly id: DatasetId;
  readonly categoryId: DatasetId;
  /** The category's name. */
  readonly label: string;
  readonly box: DatasetBox;
  readonly segmentation?: DatasetSegmentation;
}

/** One image with its annotations (in file order). */
export interface DatasetImage {
  readonly id: DatasetId;
  /** Image path as written: relative to the images folder, or absolute. */
  readonly fileName: string;
  /** Size from the file, when it gives one (OpenImages does not: read the image header). */
  readonly size?: ImageSize;
  /** Depth path as written: relative to the depth folder (default the JSON's folder), or absolute. */
  readonly depthFile?: string;
  /** Units per metre of integer depth. */
  readonly depthScale?: number;
  readonly intrinsics?: Intrinsics;
  /** Unit vector, camera frame, pointing down. */
  readonly gravity?: Vec3;
  readonly annotations: readonly DatasetAnnotation[];
}

/** An item that was not read, and why. */
export interface DatasetSkip {
  /** The image the item belongs to, when known. */
  readonly imageId?: DatasetId;
  readonly annotationId?: DatasetId;
  readonly reason: DatasetSkipReason;
  /** One line for a person: the field and value at fault. */
  readonly detail: string;
}

/** A category id and its name. */
export interface DatasetCategory {
  readonly id: DatasetId;
  readonly name: string;
}

/** A dataset read item by item. */
export interface AnnotatedDataset {
  /** Usable images in file order, each with its usable annotations. */
  readonly images: readonly DatasetImage[];
  readonly categories: readonly DatasetCategory[];
  /** Items left out, in file order (image entries first, then annotations). */
  readonly skips: readonly DatasetSkip[];
}

/** A per-item problem: thrown inside the item readers, caught per item and turned into a skip. */
class ItemProblem extends Error {
  constructor(
    readonly reason: DatasetSkipReason,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/**
 * Read a parsed COCO-style document. `where` names it in errors. Throws an InputError only when the
 * document is not an object with `images` and `annotations` arrays, or `categories` is malformed
 * as a whole; every bad image entry or annotation becomes a {@link DatasetSkip} instead.
 * An annotation without `category_id` but with a `label` (what `n3d synth` also writes) uses the
 * label, registered as a category named after itself.
 */
export function parseCocoDataset(json: unknown, where: string): AnnotatedDataset {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new InputError(where, "document", json, "must be a COCO JSON object with images, annotations and categories");
  }
  const doc = json as Record<string, unknown>;
  for (const key of ["images", "annotations"] as const) {
    if (!Array.isArray(doc[key])) throw new InputError(where, key, doc[key], "must be an array (COCO layout)");
  }
  const categories = readCategories(doc["categories"], where);
  const names = new Map(categories.map((c) => [idKey(c.id), c.name]));
  const skips: DatasetSkip[] = [];

  const images: { image: Omit<DatasetImage, "annotations">; annotations: DatasetAnnotation[] }[] = [];
  const byId = new Map<string, (typeof images)[number]>();
  (doc["images"] as unknown[]).forEach((raw, i) => {
    const rawId = (raw as Record<string, unknown> | null)?.["id"];
    const knownId = isId(rawId) ? rawId : undefined;
    try {
      const image = readImage(raw, i);
      if (byId.has(idKey(image.id))) throw new ItemProblem("bad_image_entry", `images[${i}].id = ${JSON.stringify(image.id)}: is used by more than one image`);
      const entry = { image, annotations: [] };
      byId.set(idKey(image.id), entry);
      images.push(entry);
    } catch (err) {
      skips.push({ ...(knownId === undefined ? {} : { imageId: knownId }), ...problemOf(err, "bad_image_entry") });
    }
  });

  (doc["annotations"] as unknown[]).forEach((raw, i) => {
    const rec = raw !== null && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
    const annotationId = isId(rec["id"]) ? rec["id"] : undefined;
    const imageId = isId(rec["image_id"]) ? rec["image_id"] : undefined;
    try {
      const { annotation, group } = readAnnotation(raw, i, names);
      const entry = byId.get(idKey(annotation.imageId));
      if (entry === undefined) {
        throw new ItemProblem("unknown_image_id", `annotations[id=${JSON.stringify(annotation.id)}].image_id = ${JSON.stringify(annotation.imageId)}: no usable image in images has this id`);
      }
      if (group) throw new ItemProblem("group_annotation", `annotations[id=${JSON.stringify(annotation.id)}].iscrowd = 1: a crowd region, not one object`);
      entry.annotations.push(annotation.value);
    } catch (err) {
      skips.push({
        ...(imageId === undefined ? {} : { imageId }),
        ...(annotationId === undefined ? {} : { annotationId }),
        ...problemOf(err, "bad_annotation"),
      });
    }
  });

  // Labels used without a category_id become categories named after themselves.
  for (const image of images) {
    for (const a of image.annotations) {
      if (!names.has(idKey(a.categoryId))) {
        names.set(idKey(a.categoryId), a.label);
        categories.push({ id: a.categoryId, name: a.label });
      }
    }
  }
  return { images: images.map(({ image, annotations }) => ({ ...image, annotations })), categories, skips };
}

/** Parse COCO JSON text; a syntax error is an InputError naming `where`. */
export function parseCocoDatasetText(text: string, where: string): AnnotatedDataset {
  const json = parseJsonText(text, where);
  return parseCocoDataset(json, where);
}

/** The pixels an annotation covers: its box in n3d pixels and, when it has one, its mask. */
export interface AnnotationRegion {
  /** The 2D box, n3d pixel frame (pixel centres at integers), clipped to the image. */
  readonly box: Box2D;
  /** Row-major H x W, 1 = object, when the annotation has a segmentation. */
  readonly mask?: Uint8Array;
}

/**
 * Resolve an annotation against its image: the box in n3d pixels, and the mask decoded (RLE) or
 * rasterized (polygons: a pixel is inside when its centre is, even-odd rule per polygon, union
 * over polygons; pycocotools' rasterizer marks slightly more boundary pixels). Returns a skip
 * instead for a box or polygon reaching more than {@link BOX_TOLERANCE_PX} outside the image, or an
 * RLE of another size.
 *
 * `clearMask`, when given (length H * W, all zeros), receives the object's pixels instead of a new
 * buffer; {@link clearAnnotationMask} zeros them again afterwards, at a cost proportional to the
 * object rather than the image, so one buffer serves every annotation of an image.
 */
export function annotationRegion(
  annotation: DatasetAnnotation,
  size: ImageSize,
  clearMask?: Uint8Array,
): AnnotationRegion | { readonly skip: DatasetSkipReason; readonly detail: string } {
  const { width, height } = size;
  const [a, b, c, d] = annotation.box.values;
  // Both forms to COCO's continuous frame [x1, x2] x [y1, y2] first.
  const [x1, y1, x2, y2] = annotation.box.format === "coco-xywh" ? [a, b, a + c, b + d] : [a * width, b * height, c * width, d * height];
  const tol = BOX_TOLERANCE_PX;
  if (x1 < -tol || y1 < -tol || x2 > width + tol || y2 > height + tol) {
    return { skip: "bbox_outside_image", detail: `bbox [x1, y1, x2, y2] = [${[x1, y1, x2, y2].map(fmt).join(", ")}] reaches outside the ${width}x${height} image` };
  }
  const box: Box2D = {
    x1: Math.max(x1, 0) - 0.5,
    y1: Math.max(y1, 0) - 0.5,
    x2: Math.min(x2, width) - 0.5,
    y2: Math.min(y2, height) - 0.5,
  };
  const seg = annotation.segmentation;
  if (seg === undefined) return { box };
  if (seg.kind === "rle") {
    const [h, w] = seg.rle.size;
    if (h !== height || w !== width) return { skip: "mask_size_mismatch", detail: `segmentation.size = [${h}, ${w}]: the image is [${height}, ${width}] (rows, columns)` };
  }
  for (const polygon of seg.kind === "polygons" ? seg.polygons : []) {
    for (let k = 0; k < polygon.length; k += 2) {
      const x = polygon[k]!;
      const y = polygon[k + 1]!;
      if (x < -tol || y < -tol || x > width + tol || y > height + tol) {
        return { skip: "mask_outside_image", detail: `segmentation vertex (${fmt(x)}, ${fmt(y)}) lies outside the ${width}x${height} image` };
      }
    }
  }
  const out = clearMask !== undefined && clearMask.length === width * height ? clearMask : new Uint8Array(width * height);
  if (seg.kind === "rle") decodeRleInto(out, seg.rle, size);
  else rasterizePolygonsInto(out, seg.polygons, size);
  return { box, mask: out };
}

/**
 * Undo {@link annotationRegion}'s mask: write 0 over the annotation's pixels in `mask` (which then
 * is all zeros again if it held only this annotation). For an annotation without a segmentation,
 * or one annotationRegion skipped, nothing was written and nothing is done.
 */
export function clearAnnotationMask(mask: Uint8Array, annotation: DatasetAnnotation, size: ImageSize): void {
  const seg = annotation.segmentation;
  if (seg === undefined || mask.length !== size.width * size.height) return;
  if (seg.kind === "rle") {
    if (seg.rle.size[0] === size.height && seg.rle.size[1] === size.width) decodeRleInto(mask, seg.rle, size, 0);
  } else {
    rasterizePolygonsInto(mask, seg.polygons, size, 0);
  }
}

/**
 * Write `value` (default 1) into a row-major H x W buffer at the foreground pixels of an RLE
 * (validated by {@link parseCocoDataset}: counts sum to H * W), leaving the other pixels as they
 * are: into a zeroed buffer this is coco-rle's decodeRle without allocating, and value 0 undoes it.
 */
export function decodeRleInto(out: Uint8Array, rle: CocoRle, size: ImageSize, value: 0 | 1 = 1): Uint8Array {
  const { width, height } = size;
  const counts = typeof rle.counts === "string" ? rleCountsFromString(rle.counts) : rle.counts;
  let j = 0; // column-major position
  for (let r = 0; r < counts.length; r++) {
    const run = counts[r]!;
    if (r % 2 === 1 && run > 0) {
      let x = Math.floor(j / height);
      let y = j - x * height;
      for (let k = 0; k < run; k++) {
        out[y * width + x] = value;
        if (++y === height) {
          y = 0;
          x++;
        }
      }
    }
    j += run;
  }
  return out;
}

/**
 * Rasterize COCO polygons (flat [x0, y0, x1, y1, ...], COCO frame) into a row-major H x W buffer:
 * `value` (default 1) is written at pixel (x, y) when its centre (x + 0.5, y + 0.5) in COCO's frame
 * lies inside a polygon (even-odd rule), union over polygons; other pixels are left as they are.
 * Parts outside the image are dropped.
 */
export function rasterizePolygonsInto(out: Uint8Array, polygons: readonly (readonly number[])[], size: ImageSize, value: 0 | 1 = 1): Uint8Array {
  const { width, height } = size;
  const crossings: number[] = [];
  for (const polygon of polygons) {
    const n = polygon.length >> 1;
    if (n < 3) continue;
    let ymin = Infinity;
    let ymax = -Infinity;
    for (let k = 1; k < polygon.length; k += 2) {
      ymin = Math.min(ymin, polygon[k]!);
      ymax = Math.max(ymax, polygon[k]!);
    }
    const rowFirst = Math.max(0, Math.ceil(ymin - 0.5));
    const rowLast = Math.min(height - 1, Math.floor(ymax - 0.5));
    for (let row = rowFirst; row <= rowLast; row++) {
      const yc = row + 0.5;
      crossings.length = 0;
      for (let e = 0; e < n; e++) {
        const xa = polygon[2 * e]!;
        const ya = polygon[2 * e + 1]!;
        const xb = polygon[(2 * e + 2) % (2 * n)]!;
        const yb = polygon[(2 * e + 3) % (2 * n)]!;
        // Half-open in y so a vertex on the scan line is counted once.
        if (ya <= yc !== yb <= yc) crossings.push(xa + ((yc - ya) * (xb - xa)) / (yb - ya));
      }
      crossings.sort((p, q) => p - q);
      for (let k = 0; k + 1 < crossings.length; k += 2) {
        // Centres x + 0.5 in [left, right): x from ceil(left - 0.5) to ceil(right - 0.5) - 1.
        const first = Math.max(0, Math.ceil(crossings[k]! - 0.5));
        const last = Math.min(width - 1, Math.ceil(crossings[k + 1]! - 0.5) - 1);
        if (last >= first) out.fill(value, row * width + first, row * width + last + 1);
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------

function readCategories(v: unknown, where: string): DatasetCategory[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new InputError(where, "categories", v, "must be an array of {id, name}");
  const seen = new Set<string>();
  return v.map((raw, i) => {
    const c = raw as Record<string, unknown> | null;
    if (c === null || typeof c !== "object" || !isId(c["id"])) throw new InputError(where, `categories[${i}].id`, c?.["id"], "must be a number or a non-empty string");
    if (typeof c["name"] !== "string" || c["name"].trim() === "") throw new InputError(where, `categories[${i}].name`, c["name"], "must be a non-empty string");
    if (seen.has(idKey(c["id"]))) throw new InputError(where, `categories[${i}].id`, c["id"], "is used by more than one category");
    seen.add(idKey(c["id"]));
    return { id: c["id"], name: c["name"].trim() };
  });
}

function readImage(raw: unknown, i: number): Omit<DatasetImage, "annotations"> {
  const bad = (field: string, value: unknown, problem: string): ItemProblem =>
    new ItemProblem("bad_image_entry", `images[${i}].${field} = ${show(value)}: ${problem}`);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new ItemProblem("bad_image_entry", `images[${i}] = ${show(raw)}: must be an object`);
  const img = raw as Record<string, unknown>;
  if (!isId(img["id"])) throw bad("id", img["id"], "must be a number or a non-empty string");
  const fileName = img["file_name"];
  if (typeof fileName !== "string" || fileName === "") throw bad("file_name", fileName, "must be a non-empty string (the image path)");
  let size: ImageSize | undefined;
  if (img["width"] !== undefined || img["height"] !== undefined) {
    size = { width: img["width"] as number, height: img["height"] as number };
    asItem("bad_image_entry", `images[${i}].`, () => validateImageSize(size!, "image"));
  }
  const depthFile = img["depth_file"];
  if (depthFile !== undefined && depthFile !== null && (typeof depthFile !== "string" || depthFile === "")) throw bad("depth_file", depthFile, "must be a non-empty string (path)");
  const depthScale = img["depth_scale"];
  if (depthScale !== undefined && depthScale !== null && !(typeof depthScale === "number" && Number.isFinite(depthScale) && depthScale > 0)) {
    throw bad("depth_scale", depthScale, "must be a finite number > 0 (units per metre)");
  }
  let intrinsics: Intrinsics | undefined;
  const K = img["intrinsics"];
  if (K !== undefined && K !== null) {
    if (K === null || typeof K !== "object" || Array.isArray(K)) throw bad("intrinsics", K, "must be {fx, fy, cx, cy} in pixels");
    const k = K as Record<string, unknown>;
    intrinsics = asItem("bad_image_entry", `images[${i}].intrinsics.`, () =>
      validateIntrinsics({ fx: k["fx"] as number, fy: k["fy"] as number, cx: k["cx"] as number, cy: k["cy"] as number }, "intrinsics"),
    );
  }
  let gravity: Vec3 | undefined;
  const g = img["gravity"];
  if (g !== undefined && g !== null) {
    if (!Array.isArray(g) || g.length !== 3 || !g.every((x) => typeof x === "number" && Number.isFinite(x))) throw bad("gravity", g, "must be 3 finite numbers (unit vector, camera frame, pointing down)");
    const n = Math.hypot(g[0], g[1], g[2]);
    if (!(Math.abs(n - 1) <= 1e-3)) throw bad("gravity", g, `must be a unit vector (length ${fmt(n)})`);
    gravity = [g[0] / n, g[1] / n, g[2] / n];
  }
  return {
    id: img["id"],
    fileName,
    ...(size === undefined ? {} : { size }),
    ...(typeof depthFile === "string" ? { depthFile } : {}),
    ...(typeof depthScale === "number" ? { depthScale } : {}),
    ...(intrinsics === undefined ? {} : { intrinsics }),
    ...(gravity === undefined ? {} : { gravity }),
  };
}

function readAnnotation(
  raw: unknown,
  i: number,
  names: ReadonlyMap<string, string>,
): { annotation: { id: DatasetId; imageId: DatasetId; value: DatasetAnnotation }; group: boolean } {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new ItemProblem("bad_annotation", `annotations[${i}] = ${show(raw)}: must be an object`);
  const ann = raw as Record<string, unknown>;
  if (!isId(ann["id"])) throw new ItemProblem("bad_annotation", `annotations[${i}].id = ${show(ann["id"])}: must be a number or a non-empty string`);
  const id = ann["id"];
  const at = `annotations[id=${JSON.stringify(id)}]`;
  const bad = (field: string, value: unknown, problem: string): ItemProblem => new ItemProblem("bad_annotation", `${at}.${field} = ${show(value)}: ${problem}`);
  if (!isId(ann["image_id"])) throw bad("image_id", ann["image_id"], "must be a number or a non-empty string");

  let categoryId: DatasetId;
  let label: string;
  if (ann["category_id"] !== undefined) {
    if (!isId(ann["category_id"])) throw bad("category_id", ann["category_id"], "must be a number or a non-empty string");
    categoryId = ann["category_id"];
    const name = names.get(idKey(categoryId));
    if (name === undefined) throw new ItemProblem("unknown_category", `${at}.category_id = ${show(categoryId)}: is not listed in categories`);
    label = name;
  } else if (typeof ann["label"] === "string" && ann["label"].trim() !== "") {
    label = ann["label"].trim();
    categoryId = label;
  } else {
    throw bad("category_id", undefined, "missing; an annotation needs a category_id (or a label)");
  }

  const bbox = ann["bbox"];
  if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every((x) => typeof x === "number" && Number.isFinite(x))) {
    throw bad("bbox", bbox, "must be [x, y, width, height], 4 finite numbers (pixels)");
  }
  const [x, y, w, h] = bbox as [number, number, number, number];
  if (w < 0 || h < 0) throw new ItemProblem("bbox_negative_size", `${at}.bbox = ${show(bbox)}: width and height must be >= 0`);

  const segmentation = readSegmentation(ann["segmentation"], bad);
  const value: DatasetAnnotation = { id, categoryId, label, box: { format: "coco-xywh", values: [x, y, w, h] }, ...(segmentation ? { segmentation } : {}) };
  return { annotation: { id, imageId: ann["image_id"], value }, group: ann["iscrowd"] === 1 || ann["iscrowd"] === true };
}

function readSegmentation(seg: unknown, bad: (field: string, value: unknown, problem: string) => ItemProblem): DatasetSegmentation | undefined {
  if (seg === undefined || seg === null || (Array.isArray(seg) && seg.length === 0)) return undefined;
  if (Array.isArray(seg)) {
    seg.forEach((p, k) => {
      if (!Array.isArray(p) || p.length < 6 || p.length % 2 !== 0 || !p.every((v) => typeof v === "number" && Number.isFinite(v))) {
        throw bad(`segmentation[${k}]`, p, "a polygon must be [x0, y0, x1, y1, ...]: an even number (>= 6) of finite numbers");
      }
    });
    return { kind: "polygons", polygons: seg as number[][] };
  }
  if (typeof seg !== "object") throw bad("segmentation", seg, "must be polygons [[x0, y0, ...], ...] or an RLE {size, counts}");
  const rle = seg as Record<string, unknown>;
  const size = rle["size"];
  if (!Array.isArray(size) || size.length !== 2 || !size.every((v) => Number.isSafeInteger(v) && (v as number) >= 0)) {
    throw bad("segmentation.size", size, "must be [height, width], two integers >= 0");
  }
  const [h, w] = size as [number, number];
  const counts = rle["counts"];
  let values: readonly number[];
  if (typeof counts === "string") {
    try {
      values = rleCountsFromString(counts, "segmentation");
    } catch (err) {
      throw bad("segmentation.counts", counts, err instanceof InputError ? err.problem : String(err));
    }
  } else if (Array.isArray(counts)) {
    values = counts as number[];
  } else {
    throw bad("segmentation.counts", counts, "must be a string (compressed RLE) or an array of run lengths");
  }
  let sum = 0;
  for (const c of values) {
    if (!Number.isSafeInteger(c) || c < 0) throw bad("segmentation.counts", counts, `run length ${show(c)} is not an integer >= 0`);
    sum += c;
  }
  if (sum !== h * w) throw bad("segmentation.counts", counts, `run lengths sum to ${sum}, expected height * width = ${h * w}`);
  // Uncompressed counts are kept as validated numbers so decoding never re-checks them.
  return { kind: "rle", rle: typeof counts === "string" ? { size: [h, w], counts } : { size: [h, w], counts: values } };
}

/** Run fn; an InputError it throws becomes an ItemProblem with `prefix` before its field. */
function asItem<T>(reason: DatasetSkipReason, prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof InputError) throw new ItemProblem(reason, `${prefix}${err.field} = ${show(err.value)}: ${err.problem}`);
    throw err;
  }
}

function problemOf(err: unknown, fallback: DatasetSkipReason): { reason: DatasetSkipReason; detail: string } {
  if (err instanceof ItemProblem) return { reason: err.reason, detail: err.detail };
  if (err instanceof InputError) return { reason: fallback, detail: err.message };
  throw err;
}

/** Ids compare by their text, so 7 and "7" are the same image (COCO tools write both). */
export function idKey(id: DatasetId): string {
  return String(id);
}

function isId(v: unknown): v is DatasetId {
  return (typeof v === "number" && Number.isFinite(v)) || (typeof v === "string" && v !== "");
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}
