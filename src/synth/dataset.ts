import { mkdir, readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fsutil.js";
import { validateImageSize } from "../geometry/index.js";
import type { ImageSize, Intrinsics } from "../geometry/index.js";
import { createRng, deriveSeed } from "../random.js";
import { encodeDepthPng16, encodeImagePng, serializeNpy, writeBoxOverlay } from "../rgbd/index.js";
import { annotateScene } from "./annotate.js";
import type { SceneAnnotation } from "./annotate.js";
import { CATEGORY_NAMES } from "./catalog.js";
import { DEFAULT_CAMERA_SAMPLER_CONFIG } from "./camera-sampler.js";
import { DEFAULT_LAYOUT_OPTIONS, resolveLayoutOptions, sampleScenePlan } from "./layout.js";
import { applySensorNoise, noisePreset } from "./noise.js";
import { renderScene } from "./render.js";
import type { ScenePlan } from "./types.js";

/**
 * A synthetic dataset on disk, in the layout `n3d lift` reads:
 *
 *   DIR/synth.json          the options the folder was made with (a resume must match them)
 *   DIR/images/000000.png   RGB
 *   DIR/depth/000000.png    depth: 16-bit PNG in millimetres (depth_scale 1000), or float32 .npy metres
 *   DIR/scenes/000000.json  one scene's image entry and annotations, written last: its presence
 *                           marks the scene finished (resume skips it)
 *   DIR/annotations.json    COCO JSON of all scenes, assembled from scenes/ at the end
 *   DIR/preview/000000.png  (with `preview`) the visible objects' 3D boxes drawn over the image
 */
export interface SynthDatasetOptions {
  /** Output folder; created if missing. */
  readonly outDir: string;
  /** Number of scenes; an existing folder with fewer finished scenes is completed (resume). */
  readonly count: number;
  /** Run seed; scene i uses deriveSeed(seed, i), so scenes do not depend on each other. */
  readonly seed: number;
  /** Image size in pixels (default 320 x 240). */
  readonly size?: ImageSize;
  /** Sensor noise preset (default "none": exact depth and intrinsics). */
  readonly noise?: string;
  /** Share of indoor (room) scenes, 0..1 (default 0.6). */
  readonly indoorRatio?: number;
  /** Objects per scene [min, max] (default [2, 12]). */
  readonly objects?: readonly [number, number];
  /** Horizontal field of view range in degrees (default [45, 90]). */
  readonly fovXDeg?: readonly [number, number];
  /** Only these categories (default: the whole catalog). */
  readonly categories?: readonly string[];
  /** Depth file format (default png16). */
  readonly depthFormat?: "png16" | "npy";
  /** Also draw each scene's visible 3D boxes over its image into DIR/preview/ (default false). */
  readonly preview?: boolean;
  /** Called after each scene (finished or skipped as already done). */
  readonly onProgress?: (done: number, total: number, skipped: number) => void;
}

/** What a run did. */
export interface SynthDatasetResult {
  readonly scenes: number;
  readonly skipped: number;
  readonly objects: number;
  readonly annotationsPath: string;
}

/** Millimetres: the usual sensor convention, 1 mm resolution, up to 65.5 m. */
export const SYNTH_DEPTH_SCALE = 1000;
export const DEFAULT_SYNTH_SIZE: ImageSize = { width: 320, height: 240 };
const FORMAT_VERSION = 1;

/** Resolved, validated options as written to synth.json. */
interface ResolvedOptions {
  readonly format: string;
  readonly version: number;
  readonly seed: number;
  readonly width: number;
  readonly height: number;
  readonly noise: string;
  readonly indoorRatio: number;
  readonly minObjects: number;
  readonly maxObjects: number;
  readonly fovXDeg: readonly [number, number];
  readonly categories: readonly string[] | null;
  readonly depthFormat: "png16" | "npy";
}

/** Generate (or finish) a synthetic dataset. Scenes already finished in the folder are kept. */
export async function writeSynthDataset(options: SynthDatasetOptions): Promise<SynthDatasetResult> {
  const resolved = resolveOptions(options);
  const { outDir, count } = options;
  await prepareFolder(outDir, resolved);

  if (options.preview) await mkdir(join(outDir, "preview"), { recursive: true });
  let skipped = 0;
  for (let index = 0; index < count; index++) {
    if (await sceneFinished(outDir, index)) skipped++;
    else await writeScene(outDir, index, resolved, options.preview === true);
    options.onProgress?.(index + 1, count, skipped);
  }
  const coco = await assembleCoco(outDir, count, resolved);
  const annotationsPath = join(outDir, "annotations.json");
  await writeFileAtomic(annotationsPath, `${JSON.stringify(coco)}\n`);
  return { scenes: count, skipped, objects: coco.annotations.length, annotationsPath };
}

function resolveOptions(o: SynthDatasetOptions): ResolvedOptions {
  const where = "n3d synth";
  if (!Number.isInteger(o.count) || o.count < 1) throw new InputError(where, "count", o.count, "must be an integer >= 1");
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) throw new InputError(where, "seed", o.seed, "must be an integer in 0 ... 4294967295");
  const size = o.size ?? DEFAULT_SYNTH_SIZE;
  validateImageSize(size, where);
  if (size.width < 16 || size.height < 16) throw new InputError(where, "size", `${size.width}x${size.height}`, "must be at least 16x16 pixels");
  if (size.width * size.height > 4096 * 4096) throw new InputError(where, "size", `${size.width}x${size.height}`, "must be at most 4096x4096 pixels");
  const indoorRatio = o.indoorRatio ?? 0.6;
  if (!(indoorRatio >= 0 && indoorRatio <= 1)) throw new InputError(where, "indoor-ratio", indoorRatio, "must be a number in [0, 1]");
  const noise = o.noise ?? "none";
  noisePreset(noise); // throws "X is not a supported noise preset; choose one of ..."
  const [minObjects, maxObjects] = o.objects ?? [DEFAULT_LAYOUT_OPTIONS.minObjects, DEFAULT_LAYOUT_OPTIONS.maxObjects];
  const fovXDeg = o.fovXDeg ?? DEFAULT_CAMERA_SAMPLER_CONFIG.fovXDeg;
  const categories = o.categories === undefined ? null : [...o.categories];
  // The layout checks ranges and names; ask it now so a bad option fails before anything is written.
  resolveLayoutOptions({ size, indoorRatio, minObjects, maxObjects, camera: { fovXDeg }, ...(categories ? { categories } : {}) }, where);
  return {
    format: "n3d-synth",
    version: FORMAT_VERSION,
    seed: o.seed,
    width: size.width,
    height: size.height,
    noise,
    indoorRatio,
    minObjects,
    maxObjects,
    fovXDeg: [fovXDeg[0], fovXDeg[1]],
    categories,
    depthFormat: o.depthFormat ?? "png16",
  };
}

/** Create the folders, or check that an existing folder was made with the same options. */
async function prepareFolder(outDir: string, resolved: ResolvedOptions): Promise<void> {
  const manifestPath = join(outDir, "synth.json");
  let existing: string | null = null;
  try {
    existing = await readFile(manifestPath, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const wanted = `${JSON.stringify(resolved, null, 2)}\n`;
  if (existing !== null && existing !== wanted) {
    const old = safeJson(existing);
    const field = (Object.keys(resolved) as (keyof ResolvedOptions)[]).find((k) => JSON.stringify(old?.[k]) !== JSON.stringify(resolved[k]));
    if (field === undefined || old === null) {
      throw new InputError(manifestPath, "content", "unreadable", "not an n3d synth manifest; use an empty folder");
    }
    throw new InputError(
      manifestPath,
      field,
      old[field],
      `this folder was made with ${field} = ${JSON.stringify(old[field])}, not ${JSON.stringify(resolved[field])}; use the same options to resume, or an empty folder`,
    );
  }
  for (const sub of ["images", "depth", "scenes"]) await mkdir(join(outDir, sub), { recursive: true });
  if (existing === null) await writeFileAtomic(manifestPath, wanted);
}

function safeJson(text: string): Record<string, unknown> | null {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

const stem = (index: number): string => String(index).padStart(6, "0");

async function sceneFinished(outDir: string, index: number): Promise<boolean> {
  try {
    JSON.parse(await readFile(join(outDir, "scenes", `${stem(index)}.json`), "utf8"));
    return true;
  } catch {
    return false;
  }
}

/** One scene's COCO image entry and its annotations (ids stable across resumes). */
interface SceneRecord {
  readonly image: Record<string, unknown>;
  readonly annotations: Record<string, unknown>[];
}

/** Render, annotate and write one scene: image and depth first, the scene record last. */
async function writeScene(outDir: string, index: number, o: ResolvedOptions, preview: boolean): Promise<void> {
  const sceneSeed = deriveSeed(o.seed, index);
  const size = { width: o.width, height: o.height };
  const plan = sampleScenePlan(sceneSeed, {
    size,
    indoorRatio: o.indoorRatio,
    minObjects: o.minObjects,
    maxObjects: o.maxObjects,
    camera: { fovXDeg: o.fovXDeg },
    ...(o.categories ? { categories: o.categories } : {}),
  });
  const rendered = renderScene(plan);
  const annotations = annotateScene(plan, rendered);
  const trueK = plan.camera.intrinsics;
  const sensed = applySensorNoise(rendered.depthM, rendered.rgb, rendered.specular, size, trueK, noisePreset(o.noise), createRng(deriveSeed(sceneSeed, 1)));

  const imageFile = `images/${stem(index)}.png`;
  const depthFile = `depth/${stem(index)}.${o.depthFormat === "npy" ? "npy" : "png"}`;
  await writeFileAtomic(join(outDir, imageFile), await encodeImagePng({ size, rgb: rendered.rgb }));
  const depthBytes =
    o.depthFormat === "npy"
      ? serializeNpy({ dtype: "<f4", shape: [size.height, size.width], data: sensed.depthM })
      : await encodeDepthPng16(sensed.depthM, size, SYNTH_DEPTH_SCALE);
  await writeFileAtomic(join(outDir, depthFile), depthBytes);
  if (preview) {
    const boxes = annotations.flatMap((a) => (a.visible && a.bbox3d ? [{ label: a.label, box: { center: a.bbox3d.center, size: a.bbox3d.size, yaw: a.bbox3d.yaw } }] : []));
    await writeBoxOverlay(join(outDir, "preview", `${stem(index)}.png`), { size, rgb: rendered.rgb }, trueK, boxes);
  }

  const record: SceneRecord = {
    image: imageEntry(index, imageFile, depthFile, o, plan, sensed.intrinsics, sceneSeed),
    annotations: annotations.map((a) => annotationEntry(index, a)),
  };
  await writeFileAtomic(join(outDir, "scenes", `${stem(index)}.json`), `${JSON.stringify(record)}\n`);
}

const round = (x: number, digits = 9): number => Number(x.toFixed(digits));
const intrinsicsJson = (K: Intrinsics): Record<string, number> => ({ fx: round(K.fx), fy: round(K.fy), cx: round(K.cx), cy: round(K.cy) });

function imageEntry(
  index: number,
  imageFile: string,
  depthFile: string,
  o: ResolvedOptions,
  plan: ScenePlan,
  statedK: Intrinsics,
  sceneSeed: number,
): Record<string, unknown> {
  const cam = plan.camera;
  return {
    id: index + 1,
    file_name: imageFile,
    width: o.width,
    height: o.height,
    depth_file: depthFile,
    depth_scale: o.depthFormat === "npy" ? 1 : SYNTH_DEPTH_SCALE,
    intrinsics: intrinsicsJson(statedK),
    gravity: cam.gravity.map((g) => round(g)),
    n3d: {
      scene_seed: sceneSeed,
      environment: plan.environment.kind,
      camera_height_m: round(cam.heightM),
      camera_pitch_deg: round((cam.pitchRad * 180) / Math.PI),
      camera_roll_deg: round((cam.rollRad * 180) / Math.PI),
      intrinsics_true: intrinsicsJson(cam.intrinsics),
      noise: o.noise,
    },
  };
}

/** Category ids: 1-based positions in the catalog's sorted names (stable for a given catalog). */
export function categoryId(label: string): number {
  const i = CATEGORY_NAMES.indexOf(label);
  if (i < 0) throw new InputError("categoryId", "label", label, "is not a catalog category");
  return i + 1;
}

function annotationEntry(index: number, a: SceneAnnotation): Record<string, unknown> {
  return {
    id: (index + 1) * 1000 + a.id,
    image_id: index + 1,
    category_id: categoryId(a.label),
    label: a.label,
    iscrowd: 0,
    segmentation: a.mask,
    area: a.visiblePixels,
    bbox: a.bbox2d,
    bbox3d: a.bbox3d,
    obb: a.obb,
    bbox2d_amodal: a.bbox2dAmodal,
    attributes: a.attributes,
    support_id: a.supportId === null ? null : (index + 1) * 1000 + a.supportId,
    visible: a.visible,
    visible_fraction: a.visibleFraction,
    amodal_area: a.amodalPixels,
    truncated: a.truncated,
  };
}

/** Join the finished scenes 0 ... count-1 into one COCO document. */
async function assembleCoco(outDir: string, count: number, o: ResolvedOptions) {
  const images: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  for (let index = 0; index < count; index++) {
    const path = join(outDir, "scenes", `${stem(index)}.json`);
    const record = JSON.parse(await readFile(path, "utf8")) as SceneRecord;
    images.push(record.image);
    annotations.push(...record.annotations);
  }
  const extra = (await readdir(join(outDir, "scenes"))).filter((f) => Number.parseInt(f, 10) >= count).length;
  return {
    info: {
      description: "n3d synthetic RGB-D scenes with exact 3D boxes",
      version: String(o.version),
      n3d: { ...o, scenes: count, scenes_beyond_count_ignored: extra },
    },
    images,
    annotations,
    categories: CATEGORY_NAMES.map((name, i) => ({ id: i + 1, name })),
  };
}
