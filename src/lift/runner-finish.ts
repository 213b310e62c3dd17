import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../fsutil.js";
import type { DatasetCategory } from "../formats/index.js";
import { CocoRepositoryBuilder } from "./record-coco.js";
import type { RecordPaths } from "./record-coco.js";
import { parseRecordLines } from "./record.js";
import { addToSummary, emptySummary } from "./record-summary.js";
import type { LiftSummary } from "./record-summary.js";
import { LIFT_FORMAT, LIFT_FORMAT_VERSION } from "./manifest.js";
import type { LiftConfig, LiftManifest, ManifestChunk, RedoneChunk } from "./manifest.js";
import { renderReport } from "./report.js";

/**
 * The last step of a run (and of a merge): read every chunk file of the repository once, in order,
 * and write what is derived from them: annotations.json, report.md and manifest.json.
 */

/** One chunk file of the repository and where its relative paths point. */
export interface ChunkSource extends RecordPaths {
  /** Absolute path of the chunk file. */
  readonly path: string;
  /** Its path relative to the repository folder, as listed in the manifest. */
  readonly file: string;
  /** Images in the chunk. */
  readonly images: number;
}

/** What the repository is, besides its chunks. */
export interface RepositoryMeta {
  readonly config: LiftConfig;
  readonly shards: LiftManifest["shards"];
  readonly categories: readonly DatasetCategory[];
  readonly redone: readonly RedoneChunk[];
  /** The manifest's `run` section. */
  readonly run: Readonly<Record<string, unknown>>;
}

/** Paths of the files written. */
export interface RepositoryFiles {
  readonly manifestPath: string;
  readonly reportPath: string;
  readonly annotationsPath: string;
}

/** File names inside the repository folder. */
export const MANIFEST_FILE = "manifest.json";
export const REPORT_FILE = "report.md";
export const ANNOTATIONS_FILE = "annotations.json";

/** Read the chunks and write annotations.json, report.md and manifest.json into `outDir`. */
export async function finishRepository(outDir: string, sources: readonly ChunkSource[], meta: RepositoryMeta): Promise<{ manifest: LiftManifest; summary: LiftSummary; files: RepositoryFiles }> {
  const summary = emptySummary();
  const coco = new CocoRepositoryBuilder(outDir, meta.categories);
  const chunks: ManifestChunk[] = [];
  for (const source of sources) {
    const bytes = await readFile(source.path);
    const records = parseRecordLines(bytes.toString("utf8"), source.path);
    for (const record of records) {
      addToSummary(summary, record);
      coco.add(record, source);
    }
    chunks.push({ file: source.file, images: source.images, lines: records.length, sha256: sha256Hex(bytes) });
  }
  const images = sources.reduce((n, s) => n + s.images, 0);
  const files: RepositoryFiles = {
    manifestPath: join(outDir, MANIFEST_FILE),
    reportPath: join(outDir, REPORT_FILE),
    annotationsPath: join(outDir, ANNOTATIONS_FILE),
  };
  const info = { description: "n3d: 2D annotations lifted to metric 3D boxes", n3d: { format: LIFT_FORMAT, version: LIFT_FORMAT_VERSION, manifest: MANIFEST_FILE } };
  await writeFileAtomic(files.annotationsPath, coco.toText(info));
  await writeFileAtomic(files.reportPath, renderReport(summary, { config: meta.config, shards: meta.shards.map((s) => s.index), images, redone: meta.redone }));
  const manifest: LiftManifest = {
    format: LIFT_FORMAT,
    version: LIFT_FORMAT_VERSION,
    config: meta.config,
    shards: meta.shards,
    categories: meta.categories,
    counts: {
      images,
      images_lifted: summary.imagesLifted,
      images_skipped: summary.imagesSkipped,
      objects: summary.objects,
      kept: summary.kept,
      rejected: summary.rejected,
      skipped: summary.skipped,
      rejected_by_reason: summary.rejectedByReason,
      skipped_by_reason: summary.skippedByReason,
    },
    chunks,
    files: { annotations: ANNOTATIONS_FILE, report: REPORT_FILE },
    run: meta.run,
  };
  await writeFileAtomic(files.manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, summary, files };
}

/** sha256 of bytes, hex. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}
