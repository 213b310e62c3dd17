import { InputError, parseJsonText } from "../errors.js";
import type { IntrinsicsSource } from "../depth/index.js";
import { DATASET_SKIP_REASONS } from "../formats/index.js";
import type { DatasetId, DatasetSkipReason, N3dBoxJson } from "../formats/index.js";
import type { Intrinsics, Vec3 } from "../geometry/index.js";
import type { LiftRejectReason, PixelSource } from "./types.js";

/**
 * The lines of a lifted repository's chunk files (`OUT/shards/*.jsonl`): one JSON object per
 * line, told apart by `kind`. Per image, in this order:
 *
 *   {"kind":"skip", ...}     items of this image the annotation file already ruled out
 *   {"kind":"image", ...}    the frame: size, intrinsics, depth file and source, gravity
 *   {"kind":"object", ...}   one per annotation (then per detection), kept or rejected
 *   {"kind":"skip", ...}     an annotation that could not be lifted (outside the image, ...)
 *
 * An image whose image file or depth cannot be used has no image line: one skip line with the
 * image's id and no annotation_id says why. Keys are written in a fixed order and nothing depends
 * on time or on which worker did the work, so a rerun writes the same bytes.
 *
 * Paths are as the dataset wrote them: `image` relative to the images folder and `depth_file`
 * relative to the depth folder recorded in the manifest (`inputs.images_dir`, `inputs.depth_dir`);
 * `depth_written` (depth made by a model or read from a point map) is relative to the repository.
 */

/** Why an item was skipped: the annotation file's reasons, plus what only the files can tell. */
export type LiftSkipReason =
  | DatasetSkipReason
  | "missing_image" // the image file does not exist
  | "unreadable_image" // the image header cannot be read (needed for its size, or for a detector)
  | "missing_depth" // no depth file for a back end that needs one, or the file does not exist
  | "depth_size_mismatch" // the depth map is not the image's size
  | "depth_all_invalid" // every depth pixel is 0 or NaN
  | "depth_error" // the depth back end refused the input (bad file, no intrinsics, ...)
  | "detector_error" // the detector failed on the image
  | "lift_error" // liftObject refused the target
  | "internal_error"; // an unexpected error on this item (a bug: the message says where)

/** Every {@link LiftSkipReason} in a fixed order (reports list them in it). */
export const LIFT_SKIP_REASONS: readonly LiftSkipReason[] = [
  ...DATASET_SKIP_REASONS,
  "missing_image", "unreadable_image", "missing_depth", "depth_size_mismatch", "depth_all_invalid",
  "depth_error", "detector_error", "lift_error", "internal_error",
];

/** One image's frame, written before its objects. */
export interface ImageRecord {
  readonly kind: "image";
  readonly image_id: DatasetId;
  /** The image's file_name as in the dataset. */
  readonly image: string;
  readonly width: number;
  readonly height: number;
  /** Pixel intrinsics the boxes were lifted with. */
  readonly intrinsics: Intrinsics;
  readonly intrinsics_source: IntrinsicsSource;
  /** The dataset's depth_file (or the one found in --depth-dir), or null when the depth had none. */
  readonly depth_file: string | null;
  /** Units per metre the depth file was read with, when integer depth needs one. */
  readonly depth_scale: number | null;
  /** Depth the repository holds itself (model output, point-map depth), relative to the repository: `depth/<id>.npy`. */
  readonly depth_written: string | null;
  /** "sensor", "npz" or "onnx:<model>". */
  readonly depth_source: string;
  /** False for relative-depth models: the boxes are then up to scale. */
  readonly depth_metric: boolean;
  /** Unit vector, camera frame, pointing down, when known. */
  readonly gravity: Vec3 | null;
}

/** One lifted object: an annotation (or detection) and what lifting made of it. */
export interface ObjectRecord {
  readonly kind: "object";
  readonly image_id: DatasetId;
  readonly image: string;
  /** The dataset's annotation id, or `det-<i>` for the i-th detection of the image. */
  readonly annotation_id: DatasetId;
  readonly label: string;
  /** The dataset's category id; null for detections. */
  readonly category_id: DatasetId | null;
  /** [x1, y1, x2, y2] pixels, n3d's frame (pixel centres at integers), clipped to the image. */
  readonly bbox2d: readonly [number, number, number, number];
  /** The fitted box (camera frame, metres, with uvz), or null when none could be fitted. */
  readonly bbox3d: N3dBoxJson | null;
  readonly points_used: number;
  readonly pixels_selected: number;
  readonly pixel_source: PixelSource;
  readonly extent_method: "visible" | "prior";
  readonly verdict: "kept" | "rejected";
  readonly reason?: LiftRejectReason;
  readonly detail?: string;
  readonly depth_source: string;
  readonly intrinsics_source: IntrinsicsSource;
  /** Detector score, for detections. */
  readonly score?: number;
}

/** An item that was not lifted. */
export interface SkipRecord {
  readonly kind: "skip";
  /** The image, or null when even that is unknown (an image entry without an id). */
  readonly image_id: DatasetId | null;
  /** The annotation, when the skip is about one; absent when the whole image was skipped. */
  readonly annotation_id?: DatasetId;
  readonly skipped: LiftSkipReason;
  readonly detail: string;
}

export type LiftRecord = ImageRecord | ObjectRecord | SkipRecord;

/** One record as one line of JSON, keys in the order of the interfaces above, ending in "\n". */
export function recordLine(record: LiftRecord): string {
  return `${JSON.stringify(ordered(record))}\n`;
}

const KEY_ORDER: Readonly<Record<LiftRecord["kind"], readonly string[]>> = {
  image: ["kind", "image_id", "image", "width", "height", "intrinsics", "intrinsics_source", "depth_file", "depth_scale", "depth_written", "depth_source", "depth_metric", "gravity"],
  object: [
    "kind", "image_id", "image", "annotation_id", "label", "category_id", "bbox2d", "bbox3d", "points_used", "pixels_selected",
    "pixel_source", "extent_method", "verdict", "reason", "detail", "depth_source", "intrinsics_source", "score",
  ],
  skip: ["kind", "image_id", "annotation_id", "skipped", "detail"],
};

function ordered(record: LiftRecord): Record<string, unknown> {
  const src = record as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of KEY_ORDER[record.kind]) if (src[key] !== undefined) out[key] = src[key];
  return out;
}

/**
 * Parse one line of a chunk file. Throws an InputError naming `where` (file and line) when the
 * line is not JSON or not a record (no known `kind`, no image_id).
 */
export function parseRecordLine(line: string, where: string): LiftRecord {
  const json = parseJsonText(line, where, "line");
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new InputError(where, "line", line, "must be a JSON object");
  const rec = json as Record<string, unknown>;
  const kind = rec["kind"];
  if (kind !== "image" && kind !== "object" && kind !== "skip") throw new InputError(where, "kind", kind, "must be image, object or skip");
  const id = rec["image_id"];
  const idOk = (typeof id === "number" && Number.isFinite(id)) || (typeof id === "string" && id !== "") || (kind === "skip" && id === null);
  if (!idOk) throw new InputError(where, "image_id", id, "must be a number or a non-empty string");
  if (kind === "skip" && !(LIFT_SKIP_REASONS as readonly unknown[]).includes(rec["skipped"])) throw new InputError(where, "skipped", rec["skipped"], "is not a skip reason");
  if (kind === "object" && rec["verdict"] !== "kept" && rec["verdict"] !== "rejected") throw new InputError(where, "verdict", rec["verdict"], "must be kept or rejected");
  return json as LiftRecord;
}

/** Every record of a chunk file's text; errors name `where` and the 1-based line. */
export function parseRecordLines(text: string, where: string): LiftRecord[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((line, i) => parseRecordLine(line, `${where}:${i + 1}`));
}
