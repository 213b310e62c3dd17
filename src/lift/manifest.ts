import { readFile } from "node:fs/promises";
import { InputError, parseJsonText } from "../errors.js";
import type { DatasetCategory } from "../formats/index.js";
import type { Intrinsics } from "../geometry/index.js";
import type { LiftOptions } from "./lift.js";
import type { LiftRejectReason } from "./types.js";
import type { LiftSkipReason } from "./record.js";
import type { ShardSpec } from "./runner-plan.js";

/**
 * The repository's bookkeeping files:
 *
 *   OUT/config.json     the resolved run config, written before any chunk; a rerun into the same
 *                       folder must have the same config (that is what makes skipping finished
 *                       chunks safe)
 *   OUT/manifest.json   config, categories, counts, the chunk list with checksums, and a separate
 *                       `run` section (timings, chunks resumed or redone, finish time): everything
 *                       outside `run` is the same bytes for the same inputs and config
 */

/** The repository format written here. */
export const LIFT_FORMAT = "n3d-lift";
export const LIFT_FORMAT_VERSION = 1;

/** The resolved configuration of a lifting run: every input and option that shapes the records. */
export interface LiftConfig {
  readonly format: typeof LIFT_FORMAT;
  readonly version: number;
  readonly inputs: {
    readonly dataset: {
      readonly kind: "coco" | "openimages";
      /** Absolute path of the annotation file (the boxes CSV for OpenImages). */
      readonly path: string;
      /** sha256 of the annotation file, hex. */
      readonly sha256: string;
      /** OpenImages: the class-descriptions CSV and its sha256. */
      readonly classes_path: string | null;
      readonly classes_sha256: string | null;
    };
    /** Absolute folder of the images. */
    readonly images_dir: string;
    /** Absolute folder depth_files are relative to. */
    readonly depth_root: string;
    /** --depth-dir, when given. */
    readonly depth_dir: string | null;
    /** --intrinsics file, when given (its values are in depth.intrinsics). */
    readonly intrinsics_file: string | null;
  };
  readonly depth: {
    /** "sensor" | "npz" | "onnx:MODEL_DIR" */
    readonly backend: string;
    /** Units per metre for integer depth of images that do not say. */
    readonly depth_scale: number | null;
    /** Dataset-wide intrinsics (pixels) for images that have none. */
    readonly intrinsics: Intrinsics | null;
    /** Assumed horizontal field of view (degrees) when nothing gives intrinsics. */
    readonly fov_x_deg: number | null;
  };
  readonly detector: { readonly name: "centernet"; readonly detect_all: boolean; readonly min_score: number } | null;
  /** liftObject's options, defaults filled in. */
  readonly lift_options: LiftOptions;
  /** Images per chunk file. */
  readonly chunk_size: number;
  readonly shard: ShardSpec;
  /** Test and benchmark runs only: the module that replaced the real lift parts. */
  readonly parts_module: string | null;
}

/** One chunk file as the manifest lists it. */
export interface ManifestChunk {
  /** Path relative to the repository folder: `shards/....jsonl`. */
  readonly file: string;
  /** Images in the chunk (0 for the orphans file). */
  readonly images: number;
  readonly lines: number;
  readonly sha256: string;
}

/** Counts over every record of the repository. */
export interface ManifestCounts {
  readonly images: number;
  readonly images_lifted: number;
  readonly images_skipped: number;
  readonly objects: number;
  readonly kept: number;
  readonly rejected: number;
  readonly skipped: number;
  readonly rejected_by_reason: Readonly<Record<LiftRejectReason, number>>;
  readonly skipped_by_reason: Readonly<Record<LiftSkipReason, number>>;
}

/** A chunk redone because its file was incomplete or corrupt. */
export interface RedoneChunk {
  readonly file: string;
  readonly reason: string;
}

/** OUT/manifest.json. */
export interface LiftManifest {
  readonly format: typeof LIFT_FORMAT;
  readonly version: number;
  /** The config of the run (for a merged repository: shard 0's, see `shards`). */
  readonly config: LiftConfig;
  /** The shards this repository holds (one for a run; all merged ones, with their configs' paths, for a merge). */
  readonly shards: readonly { readonly index: number; readonly count: number; readonly images_dir: string; readonly depth_root: string; readonly dataset_path: string }[];
  readonly categories: readonly DatasetCategory[];
  readonly counts: ManifestCounts;
  readonly chunks: readonly ManifestChunk[];
  readonly files: { readonly annotations: string; readonly report: string };
  /** How this run went: not part of the repository's content (timings differ run to run). */
  readonly run: Readonly<Record<string, unknown>>;
}

/** Config JSON text as written to config.json (and compared on resume). */
export function configText(config: LiftConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

/**
 * The first field (dotted path) where two configs differ, or null when they are equal. Used to
 * refuse a resume with another config and a merge of incompatible shards.
 */
export function firstDifference(a: unknown, b: unknown, path = ""): string | null {
  if (a === b) return null;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object" || Array.isArray(a) !== Array.isArray(b)) return path || "(root)";
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const key of keys) {
    const d = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], path === "" ? key : `${path}.${key}`);
    if (d !== null) return d;
  }
  return null;
}

/** The value at a dotted path (as {@link firstDifference} returns), for error messages. */
export function valueAtPath(root: unknown, path: string): unknown {
  let v = root;
  for (const key of path.split(".")) v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

/**
 * What must agree for two shards to be merged: the config without the folders (which may differ
 * between machines) and without the shard index.
 */
export function mergeKey(config: LiftConfig): unknown {
  const { inputs, shard, ...rest } = config;
  return {
    ...rest,
    inputs: { dataset: { kind: inputs.dataset.kind, sha256: inputs.dataset.sha256, classes_sha256: inputs.dataset.classes_sha256 } },
    shard_count: shard.count,
  };
}

/** Read and check OUT/manifest.json (format and version; the rest is trusted as written by n3d). */
export async function readManifest(path: string): Promise<LiftManifest> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new InputError(path, "file", path, "does not exist; is this an n3d lift output folder (finished)?");
    throw err;
  }
  const json = parseJsonText(text, path);
  const m = json as Partial<LiftManifest> | null;
  if (m === null || typeof m !== "object" || m.format !== LIFT_FORMAT) throw new InputError(path, "format", m?.format, `is not ${LIFT_FORMAT}; not an n3d lift manifest`);
  if (m.version !== LIFT_FORMAT_VERSION) throw new InputError(path, "version", m.version, `this n3d reads ${LIFT_FORMAT} version ${LIFT_FORMAT_VERSION}`);
  if (!Array.isArray(m.chunks) || !m.config || !Array.isArray(m.shards) || !Array.isArray(m.categories)) throw new InputError(path, "manifest", "incomplete", "lacks config, shards, categories or chunks");
  return m as LiftManifest;
}
