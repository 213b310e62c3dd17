import { mkdir, readFile, stat } from "node:fs/promises";
import { basename, extname, isAbsolute, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { InputError } from "../errors.js";
import type { DepthRequest, DepthResult } from "../depth/index.js";
import { annotationRegion, clearAnnotationMask, toN3dJson } from "../formats/index.js";
import type { DatasetAnnotation, DatasetId, DatasetImage, DatasetSkip } from "../formats/index.js";
import { clipBox2dToImage, isValidDepth } from "../geometry/index.js";
import type { Box2D, ImageSize } from "../geometry/index.js";
import { decodeImage, probeImage, writeDepthNpy, type RgbImage } from "../rgbd/index.js";
import { recordLine } from "./record.js";
import type { ImageRecord, LiftSkipReason, ObjectRecord } from "./record.js";
import { idStem } from "./runner-plan.js";
import type { LiftFrame, LiftOutcome, LiftTarget } from "./types.js";
import type { LiftParts, LiftWorkerConfig } from "./worker-parts.js";

/**
 * Lift every annotation of one image: the work unit of the runner, done in a worker thread (or in
 * the runner's own thread with `workers: 0`). Everything that goes wrong with one image or one
 * annotation becomes a skip record; nothing here throws for bad input.
 *
 * Per image: check the image file exists (its header is read only when the dataset gives no
 * width and height; the dataset's size is trusted otherwise, and the depth must match it), get the
 * depth once from the back end, then for each annotation decode its mask into one reused buffer,
 * lift it and write its record; with a detector, decode the RGB and lift the detections too.
 */

/** One image to lift, as sent to a worker. */
export interface LiftWorkItem {
  /** Position of the image in the shard (results are put back in this order). */
  readonly seq: number;
  readonly image: DatasetImage;
  /** This image's items that the annotation file already ruled out (written first). */
  readonly skips: readonly DatasetSkip[];
}

/** Milliseconds spent per stage, summed over images. */
export interface LiftStageTimings {
  /** Image header read (only for images whose size the dataset does not give). */
  probe: number;
  /** Depth back end: read and decode depth (and run a model, for onnx back ends). */
  depth: number;
  /** Masks: RLE decoding and polygon rasterization. */
  mask: number;
  /** liftObject's own stages (src/lift/types.ts LiftTimings). */
  select: number;
  backProject: number;
  fit: number;
  filter: number;
  /** RGB decode and detector, for --detector. */
  detect: number;
  /** Building and serializing the records. */
  record: number;
}

/** All stages at zero. */
export function zeroTimings(): LiftStageTimings {
  return { probe: 0, depth: 0, mask: 0, select: 0, backProject: 0, fit: 0, filter: 0, detect: 0, record: 0 };
}

/** Add every stage of `b` into `a` (which may carry more fields than the stages). */
export function addTimings<T extends LiftStageTimings>(a: T, b: LiftStageTimings): T {
  for (const key of Object.keys(b) as (keyof LiftStageTimings)[]) a[key] += b[key];
  return a;
}

/** What lifting one image produced. */
export interface LiftImageResult {
  readonly seq: number;
  /** The image's record lines, each ending in "\n". */
  readonly text: string;
  readonly kept: number;
  readonly rejected: number;
  readonly skipped: number;
}

/** Buffers reused from image to image in one thread. */
export interface LiftScratch {
  mask: Uint8Array;
}

/** A fresh scratch. */
export function createScratch(): LiftScratch {
  return { mask: new Uint8Array(0) };
}

const DEPTH_EXTENSIONS = [".png", ".npy", ".npz"] as const;

/** Lift one image; never throws for bad input (see the file comment). */
export async function liftImage(item: LiftWorkItem, parts: LiftParts, config: LiftWorkerConfig, timings: LiftStageTimings, scratch: LiftScratch): Promise<LiftImageResult> {
  const out = new Lines();
  const { image } = item;
  for (const s of item.skips) out.skip(s.imageId ?? image.id, s.annotationId, s.reason, s.detail);
  try {
    await liftFrame(image, parts, config, timings, scratch, out);
  } catch (err) {
    // Whatever is left (an I/O failure writing depth, a bug) costs this image only.
    out.skip(image.id, undefined, "internal_error", messageOf(err));
  }
  return { seq: item.seq, text: out.text, kept: out.kept, rejected: out.rejected, skipped: out.skipped };
}

async function liftFrame(image: DatasetImage, parts: LiftParts, config: LiftWorkerConfig, timings: LiftStageTimings, scratch: LiftScratch, out: Lines): Promise<void> {
  const imagePath = resolvePath(config.imagesDir, image.fileName);
  if (!(await isFile(imagePath))) {
    out.skip(image.id, undefined, "missing_image", `${imagePath}: the image file does not exist; its ${plural(image.annotations.length, "annotation")} are not lifted`);
    return;
  }
  let size = image.size;
  if (size === undefined) {
    const t0 = performance.now();
    try {
      size = (await probeImage(await readFile(imagePath), imagePath)).size;
    } catch (err) {
      out.skip(image.id, undefined, "unreadable_image", messageOf(err));
      return;
    } finally {
      timings.probe += performance.now() - t0;
    }
  }

  const depthFile = image.depthFile ?? (await findDepthFile(config.depthDir, image.fileName));
  const depthPath = depthFile === undefined ? undefined : resolvePath(config.depthRoot, depthFile);
  if (depthPath !== undefined && !(await isFile(depthPath))) {
    out.skip(image.id, undefined, "missing_depth", `${depthPath}: the depth file does not exist`);
    return;
  }
  const depthScale = image.depthScale ?? config.depthScale ?? undefined;
  const request: DepthRequest = {
    imagePath,
    size,
    ...(depthPath === undefined ? {} : { depthPath }),
    ...(depthScale === undefined ? {} : { depthScale }),
    ...(image.intrinsics === undefined ? {} : { intrinsics: image.intrinsics }),
    ...(image.gravity === undefined ? {} : { gravity: image.gravity }),
  };
  let depth: DepthResult;
  const t0 = performance.now();
  try {
    depth = await parts.depth.depthFor(request);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    out.skip(image.id, undefined, depthReason(err), err.message);
    return;
  } finally {
    timings.depth += performance.now() - t0;
  }
  if (depth.size.width !== size.width || depth.size.height !== size.height || depth.depthM.length !== size.width * size.height) {
    out.skip(image.id, undefined, "depth_size_mismatch", `${depthPath ?? depth.source}: depth is ${depth.size.width}x${depth.size.height}, the image is ${size.width}x${size.height}`);
    return;
  }
  if (!hasValidDepth(depth.depthM)) {
    out.skip(image.id, undefined, "depth_all_invalid", `${depthPath ?? depth.source}: every depth pixel is 0 or NaN`);
    return;
  }

  let depthWritten: string | null = null;
  const fromFile = depth.source === "sensor" && depthFile !== undefined;
  if (!fromFile) {
    // The repository keeps the depth it lifted with, so its annotations.json has a depth_file.
    depthWritten = `depth/${idStem(image.id)}.npy`;
    await mkdir(join(config.outDir, "depth"), { recursive: true });
    await writeDepthNpy(join(config.outDir, depthWritten), depth.depthM, size);
  }
  const gravity = depth.gravity ?? image.gravity ?? null;
  const header: ImageRecord = {
    kind: "image",
    image_id: image.id,
    image: image.fileName,
    width: size.width,
    height: size.height,
    intrinsics: { fx: depth.intrinsics.fx, fy: depth.intrinsics.fy, cx: depth.intrinsics.cx, cy: depth.intrinsics.cy },
    intrinsics_source: depth.intrinsicsSource,
    depth_file: fromFile ? depthFile! : null,
    depth_scale: fromFile ? (depthScale ?? null) : null,
    depth_written: depthWritten,
    depth_source: depth.source,
    depth_metric: depth.metric,
    gravity: gravity === null ? null : [gravity[0], gravity[1], gravity[2]],
  };
  out.line(recordLine(header));

  const frame: LiftFrame = {
    size,
    depthM: depth.depthM,
    intrinsics: depth.intrinsics,
    ...(depth.pointsM === undefined ? {} : { pointsM: depth.pointsM }),
    ...(gravity === null ? {} : { gravity }),
  };
  const lifter = new ObjectLifter(image, frame, header, parts, config, timings, out);
  // One zeroed mask buffer per thread and size; each annotation's pixels are cleared after use.
  if (scratch.mask.length !== size.width * size.height) scratch.mask = new Uint8Array(size.width * size.height);
  const mask = scratch.mask;
  for (const annotation of image.annotations) {
    const t1 = performance.now();
    const region = annotationRegion(annotation, size, mask);
    timings.mask += performance.now() - t1;
    if ("skip" in region) {
      out.skip(image.id, annotation.id, region.skip, region.detail);
      continue;
    }
    try {
      lifter.lift(annotation.id, annotation.categoryId, { label: annotation.label, bbox2d: region.box, ...(region.mask ? { mask: region.mask } : {}) });
    } finally {
      const t2 = performance.now();
      clearAnnotationMask(mask, annotation, size);
      timings.mask += performance.now() - t2;
    }
  }

  if (config.detector !== null && (config.detectAll || image.annotations.length === 0)) await detect(imagePath, size, lifter, parts, config, timings, out, image.id);
}

async function detect(imagePath: string, size: ImageSize, lifter: ObjectLifter, parts: LiftParts, config: LiftWorkerConfig, timings: LiftStageTimings, out: Lines, imageId: DatasetId): Promise<void> {
  const t0 = performance.now();
  let detections;
  let rgb: RgbImage;
  try {
    const detector = await parts.detector();
    rgb = await decodeImage(await readFile(imagePath), imagePath);
    if (rgb.size.width !== size.width || rgb.size.height !== size.height) {
      out.skip(imageId, undefined, "detector_error", `${imagePath}: the image is ${rgb.size.width}x${rgb.size.height}, the dataset says ${size.width}x${size.height}`);
      return;
    }
    detections = await detector.detect(rgb, { minScore: config.minScore });
  } catch (err) {
    out.skip(imageId, undefined, err instanceof InputError ? "unreadable_image" : "detector_error", messageOf(err));
    return;
  } finally {
    timings.detect += performance.now() - t0;
  }
  // The image is decoded for the detector anyway: box-only lifting of the detections uses its colour.
  const detectionLifter = lifter.withRgb(rgb);
  detections.forEach((d, i) => {
    if (!(d.score >= config.minScore)) return;
    const id = `det-${i}`;
    let box: Box2D | null;
    try {
      box = clipBox2dToImage(d.box, size);
    } catch (err) {
      out.skip(imageId, id, "detector_error", messageOf(err));
      return;
    }
    if (box === null) {
      out.skip(imageId, id, "bbox_outside_image", `detection ${d.label} [${[d.box.x1, d.box.y1, d.box.x2, d.box.y2].join(", ")}] has no area inside the image`);
      return;
    }
    detectionLifter.lift(id, null, { label: d.label, bbox2d: box, score: d.score });
  });
}

/** Lifts targets of one frame and writes their object records. */
class ObjectLifter {
  constructor(
    private readonly image: DatasetImage,
    private readonly frame: LiftFrame,
    private readonly header: ImageRecord,
    private readonly parts: LiftParts,
    private readonly config: LiftWorkerConfig,
    private readonly timings: LiftStageTimings,
    private readonly out: Lines,
  ) {}

  /** The same lifter on the frame with its decoded colour (H * W * 3), for box-only targets' colour cue. */
  withRgb(image: RgbImage): ObjectLifter {
    return new ObjectLifter(this.image, { ...this.frame, rgb: image.rgb }, this.header, this.parts, this.config, this.timings, this.out);
  }

  lift(annotationId: DatasetId, categoryId: DatasetAnnotation["categoryId"] | null, target: LiftTarget): void {
    let outcome: LiftOutcome;
    try {
      outcome = this.parts.lift(this.frame, target, this.parts.liftOptions, this.timings);
    } catch (err) {
      this.out.skip(this.image.id, annotationId, err instanceof InputError ? "lift_error" : "internal_error", messageOf(err));
      return;
    }
    const t0 = performance.now();
    let bbox3d: ObjectRecord["bbox3d"] = null;
    if (outcome.box !== null) {
      try {
        bbox3d = toN3dJson({ label: target.label, box: outcome.box, ...(target.score === undefined ? {} : { score: target.score }) }, this.frame.intrinsics);
      } catch {
        bbox3d = null; // a centre behind the camera has no uvz; the verdict says why it is unusable
      }
    }
    const b = target.bbox2d;
    const record: ObjectRecord = {
      kind: "object",
      image_id: this.image.id,
      image: this.image.fileName,
      annotation_id: annotationId,
      label: target.label,
      category_id: categoryId,
      bbox2d: [b.x1, b.y1, b.x2, b.y2],
      bbox3d,
      points_used: outcome.pointsUsed,
      pixels_selected: outcome.pixelsSelected,
      pixel_source: outcome.pixelSource,
      extent_method: outcome.extentMethod,
      verdict: outcome.verdict,
      ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
      ...(outcome.detail === undefined ? {} : { detail: outcome.detail }),
      // A kept box must be writable; one whose centre is not in front of the camera is not.
      ...(outcome.verdict === "kept" && bbox3d === null ? { verdict: "rejected", reason: "depth_out_of_range", detail: "the fitted centre is not in front of the camera" } : {}),
      depth_source: this.header.depth_source,
      intrinsics_source: this.header.intrinsics_source,
      ...(target.score === undefined ? {} : { score: target.score }),
    };
    this.out.object(record);
    this.timings.record += performance.now() - t0;
  }
}

/** The record lines of one image, with counts. */
class Lines {
  text = "";
  kept = 0;
  rejected = 0;
  skipped = 0;

  line(text: string): void {
    this.text += text;
  }

  object(record: ObjectRecord): void {
    if (record.verdict === "kept") this.kept++;
    else this.rejected++;
    this.text += recordLine(record);
  }

  skip(imageId: DatasetId | undefined, annotationId: DatasetId | undefined, reason: LiftSkipReason, detail: string): void {
    this.skipped++;
    this.text += recordLine({ kind: "skip", image_id: imageId ?? null, ...(annotationId === undefined ? {} : { annotation_id: annotationId }), skipped: reason, detail });
  }
}

/** A depth back end's InputError -> the skip reason that says it best (see src/depth/request.ts, sensor.ts). */
function depthReason(err: InputError): LiftSkipReason {
  if (err.field === "depth_file" || /does not exist|no such file/i.test(err.problem)) return "missing_depth";
  if (/no valid depth/i.test(err.problem)) return "depth_all_invalid";
  if (err.field === "size" || /does not match the image/i.test(err.problem)) return "depth_size_mismatch";
  return "depth_error";
}

/** `<depthDir>/<image stem>.png|.npy|.npz`, the first that exists, relative to depthDir; undefined when none does. */
async function findDepthFile(depthDir: string | null, fileName: string): Promise<string | undefined> {
  if (depthDir === null) return undefined;
  const stem = basename(fileName, extname(fileName));
  for (const ext of DEPTH_EXTENSIONS) if (await isFile(join(depthDir, `${stem}${ext}`))) return `${stem}${ext}`;
  return undefined;
}

function resolvePath(root: string, path: string): string {
  return isAbsolute(path) ? path : resolve(root, path);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function hasValidDepth(depthM: Float32Array): boolean {
  for (let i = 0; i < depthM.length; i++) if (isValidDepth(depthM[i]!)) return true;
  return false;
}

function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0]!;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
