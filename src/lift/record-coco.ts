import { isAbsolute, relative, resolve, sep } from "node:path";
import { idKey } from "../formats/index.js";
import type { DatasetCategory, DatasetId } from "../formats/index.js";
import type { ImageRecord, LiftRecord, ObjectRecord } from "./record.js";

/**
 * The repository's `annotations.json`: the kept objects as a COCO-style document in the schema
 * src/qa/repository.ts reads, so `n3d qa --repo OUT` runs on lifted output as on `n3d synth` output.
 *
 * - images: id, file_name and depth_file as paths relative to the repository folder (so they
 *   resolve from OUT wherever the dataset lies), width, height, depth_scale (integer depth only),
 *   intrinsics {fx, fy, cx, cy} pixels, gravity (when known), depth_source, intrinsics_source.
 *   Only images whose depth was usable are listed.
 * - annotations: id, image_id, category_id, label, bbox (COCO [x, y, w, h], COCO's pixel frame),
 *   bbox3d (n3d JSON box with uvz, camera frame, metres), and score for detections. A detection's
 *   id is `<image_id>/det-<i>` so ids stay unique across images.
 * - categories: the dataset's, plus detector labels that are not among them (id = the label).
 */

/** Where one chunk's relative paths point. */
export interface RecordPaths {
  /** Absolute folder the records' `image` paths are relative to. */
  readonly imagesDir: string;
  /** Absolute folder the records' `depth_file` paths are relative to. */
  readonly depthRoot: string;
  /** Absolute folder the records' `depth_written` paths are relative to (the repository that wrote them). */
  readonly writtenRoot: string;
}

/** Collects images and kept objects from records, then serializes annotations.json. */
export class CocoRepositoryBuilder {
  private readonly images: string[] = [];
  private readonly annotations: string[] = [];
  private readonly categories: DatasetCategory[];
  private readonly categoryByName = new Map<string, DatasetId>();
  private readonly categoryIds = new Set<string>();

  /** `outDir`: the repository folder paths are made relative to; `categories`: the dataset's. */
  constructor(
    private readonly outDir: string,
    categories: readonly DatasetCategory[],
  ) {
    this.categories = [...categories];
    for (const c of categories) {
      this.categoryIds.add(idKey(c.id));
      if (!this.categoryByName.has(c.name)) this.categoryByName.set(c.name, c.id);
    }
  }

  /** Add one record read from a chunk whose paths are `paths`. */
  add(record: LiftRecord, paths: RecordPaths): void {
    if (record.kind === "image") this.images.push(JSON.stringify(this.imageEntry(record, paths)));
    else if (record.kind === "object" && record.verdict === "kept" && record.bbox3d !== null) this.annotations.push(JSON.stringify(this.annotationEntry(record)));
  }

  /** The document's text: one image or annotation per line inside the arrays, ending in "\n". */
  toText(info: Record<string, unknown>): string {
    const list = (items: readonly string[]): string => (items.length === 0 ? "[]" : `[\n${items.join(",\n")}\n]`);
    const categories = this.categories.map((c) => JSON.stringify({ id: c.id, name: c.name }));
    return `{"info":${JSON.stringify(info)},\n"images":${list(this.images)},\n"annotations":${list(this.annotations)},\n"categories":${list(categories)}}\n`;
  }

  private imageEntry(r: ImageRecord, paths: RecordPaths): Record<string, unknown> {
    // Every image record has one of the two (worker-image.ts writes depth that has no file).
    const depth = r.depth_written !== null ? resolve(paths.writtenRoot, r.depth_written) : resolveFrom(paths.depthRoot, r.depth_file ?? "");
    return {
      id: r.image_id,
      file_name: this.fromOut(resolveFrom(paths.imagesDir, r.image)),
      width: r.width,
      height: r.height,
      depth_file: this.fromOut(depth),
      ...(r.depth_written === null && r.depth_scale !== null ? { depth_scale: r.depth_scale } : {}),
      intrinsics: r.intrinsics,
      ...(r.gravity === null ? {} : { gravity: r.gravity }),
      depth_source: r.depth_source,
      depth_metric: r.depth_metric,
      intrinsics_source: r.intrinsics_source,
    };
  }

  private annotationEntry(r: ObjectRecord): Record<string, unknown> {
    const [x1, y1, x2, y2] = r.bbox2d;
    const detection = r.category_id === null;
    return {
      id: detection ? `${idKey(r.image_id)}/${idKey(r.annotation_id)}` : r.annotation_id,
      image_id: r.image_id,
      category_id: detection ? this.categoryFor(r.label) : r.category_id,
      label: r.label,
      // n3d pixel frame (centres at integers) back to COCO's (pixel i covers [i, i + 1]).
      bbox: [x1 + 0.5, y1 + 0.5, x2 - x1, y2 - y1],
      bbox3d: r.bbox3d,
      ...(r.score === undefined ? {} : { score: r.score }),
      pixel_source: r.pixel_source,
      points_used: r.points_used,
    };
  }

  /** The category of a detector label: the dataset's of that name, else a new one named after it. */
  private categoryFor(label: string): DatasetId {
    const known = this.categoryByName.get(label);
    if (known !== undefined) return known;
    this.categoryByName.set(label, label);
    if (!this.categoryIds.has(label)) {
      this.categoryIds.add(label);
      this.categories.push({ id: label, name: label });
    }
    return label;
  }

  private fromOut(path: string): string {
    const rel = relative(this.outDir, path);
    return isAbsolute(rel) ? rel : rel.split(sep).join("/");
  }
}

function resolveFrom(root: string, path: string): string {
  return isAbsolute(path) ? path : resolve(root, path);
}
