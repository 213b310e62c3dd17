import { copyFile, mkdir, readdir, readFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { InputError } from "../errors.js";
import { firstDifference, mergeKey, readManifest, valueAtPath } from "./manifest.js";
import type { LiftManifest, ManifestCounts } from "./manifest.js";
import { finishRepository, MANIFEST_FILE, sha256Hex } from "./runner-finish.js";
import type { ChunkSource, RepositoryFiles } from "./runner-finish.js";

/**
 * `n3d lift merge`: join the repositories of several shards of one job (same dataset, same config,
 * same shard count n, different k) into one repository with the same layout: the chunk files and
 * written depth are copied (after checking each chunk against its manifest's sha256), then
 * annotations.json, report.md and manifest.json are made from all chunks. Merged repositories
 * can be merged again. Missing shards are allowed and listed in the manifest's run section.
 */

/** Options of {@link mergeLift}. */
export interface MergeLiftOptions {
  /** Repository folders of finished shard runs (or earlier merges). */
  readonly inputs: readonly string[];
  /** The merged repository folder (created; must not be one of the inputs). */
  readonly outDir: string;
}

/** What a merge did. */
export interface MergeLiftResult {
  readonly outDir: string;
  readonly files: RepositoryFiles;
  /** Shard indices merged, ascending, and those of 0 ... n - 1 that no input had. */
  readonly shards: readonly number[];
  readonly missingShards: readonly number[];
  readonly counts: ManifestCounts;
}

/** Merge shard repositories; see the file comment. Incompatible inputs throw an InputError naming the folder and field. */
export async function mergeLift(options: MergeLiftOptions): Promise<MergeLiftResult> {
  if (options.inputs.length === 0) throw new InputError("lift merge", "inputs", [], "give at least one lift output folder");
  const outDir = resolve(options.outDir);
  const inputs = options.inputs.map((d) => resolve(d));
  if (inputs.includes(outDir)) throw new InputError("lift merge", "out", options.outDir, "must not be one of the folders merged");
  const manifests: { dir: string; manifest: LiftManifest }[] = [];
  for (const dir of inputs) manifests.push({ dir, manifest: await readManifest(join(dir, MANIFEST_FILE)) });

  const first = manifests[0]!;
  const key = mergeKey(first.manifest.config);
  const owner = new Map<number, string>();
  for (const { dir, manifest } of manifests) {
    const where = join(dir, MANIFEST_FILE);
    const other = mergeKey(manifest.config);
    const field = firstDifference(key, other);
    if (field !== null) {
      throw new InputError(
        where,
        `config.${field}`,
        valueAtPath(other, field),
        `differs from ${join(first.dir, MANIFEST_FILE)} (${JSON.stringify(valueAtPath(key, field))}); only shards of one job (same dataset and options) can be merged`,
      );
    }
    for (const s of manifest.shards) {
      const seen = owner.get(s.index);
      if (seen !== undefined) throw new InputError(where, "shard", `${s.index}/${s.count}`, `is also in ${seen}; each shard may be merged once`);
      owner.set(s.index, dir);
    }
  }

  await mkdir(join(outDir, "shards"), { recursive: true });
  const sources: ChunkSource[] = [];
  const shards: LiftManifest["shards"][number][] = [];
  for (const { dir, manifest } of manifests) {
    for (const chunk of manifest.chunks) {
      const from = join(dir, chunk.file);
      const bytes = await readFile(from).catch((err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT") throw new InputError(from, "file", chunk.file, "is listed in the manifest but missing");
        throw err;
      });
      if (sha256Hex(bytes) !== chunk.sha256) throw new InputError(from, "sha256", sha256Hex(bytes), `does not match the manifest (${chunk.sha256}); the shard's files changed after it finished`);
      const to = join(outDir, "shards", basename(chunk.file));
      await copyFile(from, to);
      const shard = manifest.shards.find((s) => basename(chunk.file).startsWith(`shard-${s.index}-of-`)) ?? manifest.shards[0]!;
      sources.push({ path: to, file: `shards/${basename(chunk.file)}`, images: chunk.images, imagesDir: shard.images_dir, depthRoot: shard.depth_root, writtenRoot: outDir });
    }
    await copyFolder(join(dir, "depth"), join(outDir, "depth"));
    shards.push(...manifest.shards);
  }
  // Chunks in shard order, then file order, whatever order the folders were given in.
  sources.sort((a, b) => compareChunkFiles(a.file, b.file));
  shards.sort((a, b) => a.index - b.index);
  const count = first.manifest.config.shard.count;
  const indices = shards.map((s) => s.index);
  const missingShards = Array.from({ length: count }, (_, k) => k).filter((k) => !indices.includes(k));
  const { manifest, files } = await finishRepository(outDir, sources, {
    config: first.manifest.config,
    shards,
    categories: first.manifest.categories,
    redone: [],
    run: { merged_from: inputs, shards_missing: missingShards, finished_at: new Date().toISOString() },
  });
  return { outDir, files, shards: indices, missingShards, counts: manifest.counts };
}

/** `shard-K-of-N.chunk-C.jsonl` / `shard-K-of-N.orphans.jsonl`: by K, then orphans first, then C. */
function compareChunkFiles(a: string, b: string): number {
  const parse = (f: string): [number, number] => {
    const m = /shard-(\d+)-of-\d+\.(?:chunk-(\d+)|orphans)\.jsonl$/.exec(f);
    return m ? [Number(m[1]), m[2] === undefined ? -1 : Number(m[2])] : [Infinity, 0];
  };
  const [ka, ca] = parse(a);
  const [kb, cb] = parse(b);
  return ka - kb || ca - cb || (a < b ? -1 : a > b ? 1 : 0);
}

async function copyFolder(from: string, to: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(from);
  } catch {
    return;
  }
  await mkdir(to, { recursive: true });
  for (const name of names) if (!name.startsWith(".")) await copyFile(join(from, name), join(to, name));
}
