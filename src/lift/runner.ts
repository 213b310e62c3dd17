import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { createDepthBackend, inspectDepthModelFolder } from "../depth/index.js";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fsutil.js";
import { idKey, parseCocoDatasetText, parseOpenImagesBoxes, parseOpenImagesClasses } from "../formats/index.js";
import type { AnnotatedDataset, DatasetSkip } from "../formats/index.js";
import { validateIntrinsics } from "../geometry/index.js";
import type { Intrinsics } from "../geometry/index.js";
import { resolveLiftOptions } from "./lift.js";
import type { LiftOptions } from "./lift.js";
import { configText, firstDifference, LIFT_FORMAT, LIFT_FORMAT_VERSION, valueAtPath } from "./manifest.js";
import type { LiftConfig, ManifestCounts, RedoneChunk } from "./manifest.js";
import { parseRecordLines, recordLine } from "./record.js";
import { finishRepository, sha256Hex } from "./runner-finish.js";
import type { ChunkSource, RepositoryFiles } from "./runner-finish.js";
import { chunkFileName, chunksOf, orphanFileName, shardOf, validateShard, WHOLE_DATASET } from "./runner-plan.js";
import type { ShardSpec } from "./runner-plan.js";
import { addTimings, zeroTimings } from "./worker-image.js";
import type { LiftStageTimings, LiftWorkItem } from "./worker-image.js";
import { startInThread, startWorkerPool } from "./worker-pool.js";
import type { LiftExecutor } from "./worker-pool.js";
import type { LiftWorkerConfig } from "./worker-parts.js";

/**
 * The lifting runner: a 2D-annotated dataset in, a 3D annotation repository out.
 *
 *   OUT/config.json                          the resolved config (a rerun must match it)
 *   OUT/shards/shard-K-of-N.chunk-NNNNNN.jsonl  records of chunkSize images each (see record.ts)
 *   OUT/shards/shard-K-of-N.orphans.jsonl    skips of items that belong to no usable image
 *   OUT/depth/<image id>.npy                 depth that has no file of its own (model output)
 *   OUT/annotations.json                     kept objects, COCO-style, what `n3d qa` reads
 *   OUT/report.md, OUT/manifest.json
 *
 * Images are lifted in worker threads (one per core by default), each image once, its depth decoded
 * once. A chunk file is written (atomically) as soon as all its images are done, so a run killed
 * at any point keeps every finished chunk, and a rerun checks the chunks it finds, skips the good
 * ones and redoes the rest. Nothing in a chunk depends on time, order of completion or the number
 * of workers: an interrupted and resumed run writes the same bytes as an uninterrupted one.
 */

/** Where the 2D annotations come from. */
export type LiftDatasetSource =
  | { readonly kind: "coco"; readonly path: string }
  | { readonly kind: "openimages"; readonly boxesPath: string; readonly classesPath: string };

/** Options of {@link runLift}. Every field but dataset and outDir has a default. */
export interface RunLiftOptions {
  readonly dataset: LiftDatasetSource;
  /** The repository folder (created; a folder with the same config is resumed). */
  readonly outDir: string;
  /** Folder image file_names are relative to. Default: the annotation file's folder. */
  readonly imagesDir?: string;
  /** Depth back end: "sensor" (default), "npz" or "onnx:MODEL_DIR". */
  readonly depth?: string;
  /** Folder depth_files are relative to, and where images without one look for `<stem>.png|.npy|.npz`. Default: the annotation file's folder. */
  readonly depthDir?: string;
  /** Units per metre of integer depth for images that do not give depth_scale. */
  readonly depthScale?: number;
  /** Intrinsics (pixels) for images that give none. */
  readonly intrinsics?: Intrinsics;
  /** The file `intrinsics` was read from (recorded in the config). */
  readonly intrinsicsFile?: string;
  /** Horizontal field of view (degrees) assumed when nothing gives intrinsics. */
  readonly fovXDeg?: number;
  /** "centernet": detect objects in images without annotations (all images with detectAll). */
  readonly detector?: "centernet" | null;
  readonly detectAll?: boolean;
  /** Lowest detector score lifted (default {@link DEFAULT_MIN_SCORE}). */
  readonly minScore?: number;
  /** Overrides of liftObject's options (validated by resolveLiftOptions: unknown keys are refused). */
  readonly liftOptions?: Readonly<Record<string, unknown>>;
  /** Shard k of n (default the whole dataset). */
  readonly shard?: ShardSpec;
  /** Worker threads (default: the number of cores); 0 lifts in the calling thread. */
  readonly workers?: number;
  /** Images per chunk file (default {@link DEFAULT_CHUNK_SIZE}). */
  readonly chunkSize?: number;
  /** Tests and benchmarks: a module replacing some lift parts (see worker-parts.ts). */
  readonly partsModule?: string;
  /** Called after every image (and once at the start with the chunks already done). */
  readonly onProgress?: (progress: LiftProgress) => void;
}

/** Progress of a run. */
export interface LiftProgress {
  /** Images done, those of resumed chunks included. */
  readonly done: number;
  /** Images in the shard. */
  readonly total: number;
  /** Images of chunks that were already done. */
  readonly resumed: number;
  /** Objects kept, rejected and items skipped by this run so far. */
  readonly kept: number;
  readonly rejected: number;
  readonly skipped: number;
}

/** What a run did. */
export interface LiftRunResult {
  readonly outDir: string;
  readonly files: RepositoryFiles;
  readonly config: LiftConfig;
  /** Images in the shard. */
  readonly images: number;
  readonly chunks: { readonly total: number; readonly resumed: number; readonly written: number };
  readonly redone: readonly RedoneChunk[];
  /** Counts over the whole repository (resumed chunks included). */
  readonly counts: ManifestCounts;
  /** Wall time of the run, seconds, and images lifted by this run per second. */
  readonly seconds: number;
  readonly imagesPerSecond: number;
  /** Milliseconds per stage summed over the images of this run (across threads), plus chunk writing. */
  readonly timings: LiftStageTimings & { write: number };
  readonly workers: number;
}

export const DEFAULT_CHUNK_SIZE = 64;
export const DEFAULT_MIN_SCORE = 0.3;
const CONFIG_FILE = "config.json";
const SHARDS_DIR = "shards";

/** Run (or resume) a lifting job; see the file comment. Bad options or inputs throw an InputError before anything is written. */
export async function runLift(options: RunLiftOptions): Promise<LiftRunResult> {
  const started = performance.now();
  const { dataset, config } = await resolveRun(options);
  const outDir = resolve(options.outDir);
  await checkDepthSource(config);
  await prepareFolder(outDir, config);

  const plan = planShard(dataset, config);
  const shardsDir = join(outDir, SHARDS_DIR);
  const orphans = plan.orphans.map((s) => recordLine({ kind: "skip", image_id: s.imageId ?? null, ...(s.annotationId === undefined ? {} : { annotation_id: s.annotationId }), skipped: s.reason, detail: s.detail })).join("");
  const orphanPath = join(shardsDir, orphanFileName(config.shard));
  if (orphans === "") await rm(orphanPath, { force: true });
  else if ((await readText(orphanPath)) !== orphans) await writeFileAtomic(orphanPath, orphans);

  // Resume: keep the chunks whose file is complete and sound.
  const redone: RedoneChunk[] = [];
  const todo: number[] = [];
  for (let c = 0; c < plan.chunks.length; c++) {
    const problem = await checkChunk(join(shardsDir, chunkFileName(config.shard, c)), plan.chunks[c]!);
    if (problem === "missing") todo.push(c);
    else if (problem !== null) {
      todo.push(c);
      redone.push({ file: `${SHARDS_DIR}/${chunkFileName(config.shard, c)}`, reason: problem });
    }
  }
  const total = plan.chunks.reduce((n, chunk) => n + chunk.length, 0);
  const resumed = total - todo.reduce((n, c) => n + plan.chunks[c]!.length, 0);
  const progress = { done: resumed, total, resumed, kept: 0, rejected: 0, skipped: 0 };
  options.onProgress?.({ ...progress });

  const timings = { ...zeroTimings(), write: 0 };
  const wantWorkers = options.workers ?? availableParallelism();
  const todoImages = total - resumed;
  const workers = todoImages === 0 ? 0 : Math.min(wantWorkers, todoImages);
  if (todo.length > 0) {
    const workerConfig = workerConfigOf(config, outDir, Math.max(1, Math.floor(availableParallelism() / Math.max(1, workers))));
    const executor = workers === 0 ? await startInThread(workerConfig) : await startWorkerPool(workers, workerConfig);
    try {
      await liftChunks(executor, plan.chunks, todo, (c) => join(shardsDir, chunkFileName(config.shard, c)), timings, (r) => {
        progress.done++;
        progress.kept += r.kept;
        progress.rejected += r.rejected;
        progress.skipped += r.skipped;
        options.onProgress?.({ ...progress });
      });
    } finally {
      await executor.close();
    }
  }

  const sources: ChunkSource[] = [];
  const paths = { imagesDir: config.inputs.images_dir, depthRoot: config.inputs.depth_root, writtenRoot: outDir };
  if (orphans !== "") sources.push({ path: orphanPath, file: `${SHARDS_DIR}/${orphanFileName(config.shard)}`, images: 0, ...paths });
  plan.chunks.forEach((chunk, c) => sources.push({ path: join(shardsDir, chunkFileName(config.shard, c)), file: `${SHARDS_DIR}/${chunkFileName(config.shard, c)}`, images: chunk.length, ...paths }));
  const seconds = (performance.now() - started) / 1000;
  const run = {
    workers,
    seconds: round3(seconds),
    images_lifted_now: todoImages,
    images_per_second: round3(todoImages / Math.max(seconds, 1e-9)),
    chunks_resumed: plan.chunks.length - todo.length,
    chunks_written: todo.length,
    redone_chunks: redone,
    stage_ms: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, round3(v)])),
    node: process.version,
    finished_at: new Date().toISOString(),
  };
  const shardEntry = { index: config.shard.index, count: config.shard.count, images_dir: config.inputs.images_dir, depth_root: config.inputs.depth_root, dataset_path: config.inputs.dataset.path };
  const { manifest, files } = await finishRepository(outDir, sources, { config, shards: [shardEntry], categories: dataset.categories, redone, run });
  return {
    outDir,
    files,
    config,
    images: total,
    chunks: { total: plan.chunks.length, resumed: plan.chunks.length - todo.length, written: todo.length },
    redone,
    counts: manifest.counts,
    seconds,
    imagesPerSecond: todoImages / Math.max(seconds, 1e-9),
    timings,
    workers,
  };
}

/** Lift the images of the chunks in `todo`, keeping the executor full, and write each chunk when its last image is done. */
async function liftChunks(
  executor: LiftExecutor,
  chunks: readonly (readonly LiftWorkItem[])[],
  todo: readonly number[],
  pathOf: (chunk: number) => string,
  timings: LiftStageTimings & { write: number },
  onImage: (r: { kept: number; rejected: number; skipped: number }) => void,
): Promise<void> {
  // seq -> (chunk, position); texts per chunk fill in as images finish, in any order.
  const where = new Map<number, { chunk: number; pos: number }>();
  const texts = new Map<number, string[]>();
  const remaining = new Map<number, number>();
  const queue: LiftWorkItem[] = [];
  for (const c of todo) {
    chunks[c]!.forEach((item, pos) => {
      where.set(item.seq, { chunk: c, pos });
      queue.push(item);
    });
    texts.set(c, new Array<string>(chunks[c]!.length));
    remaining.set(c, chunks[c]!.length);
  }
  const inflight = new Set<Promise<void>>();
  let next = 0;
  let failure: unknown = null;
  while ((next < queue.length && failure === null) || inflight.size > 0) {
    while (failure === null && inflight.size < executor.capacity && next < queue.length) {
      const item = queue[next++]!;
      const job = executor.run(item).then(async ({ result, timings: t }) => {
        addTimings(timings, t);
        const { chunk, pos } = where.get(result.seq)!;
        texts.get(chunk)![pos] = result.text;
        onImage(result);
        const left = remaining.get(chunk)! - 1;
        remaining.set(chunk, left);
        if (left === 0) {
          const t0 = performance.now();
          await writeFileAtomic(pathOf(chunk), texts.get(chunk)!.join(""));
          texts.delete(chunk);
          timings.write += performance.now() - t0;
        }
      });
      const tracked = job.catch((err: unknown) => void (failure ??= err)).finally(() => inflight.delete(tracked));
      inflight.add(tracked);
    }
    if (inflight.size > 0) await Promise.race(inflight);
  }
  if (failure !== null) throw failure;
}

/** The shard's work: its images cut into chunks, and its items without a usable image. */
interface ShardPlan {
  readonly chunks: readonly (readonly LiftWorkItem[])[];
  readonly orphans: readonly DatasetSkip[];
}

function planShard(dataset: AnnotatedDataset, config: LiftConfig): ShardPlan {
  const { index, count } = config.shard;
  const usable = new Map(dataset.images.map((img) => [idKey(img.id), img]));
  const skipsByImage = new Map<string, DatasetSkip[]>();
  const orphans: DatasetSkip[] = [];
  for (const s of dataset.skips) {
    if (shardOf(s.imageId, count) !== index) continue;
    if (s.imageId !== undefined && usable.has(idKey(s.imageId))) {
      const list = skipsByImage.get(idKey(s.imageId)) ?? [];
      list.push(s);
      skipsByImage.set(idKey(s.imageId), list);
    } else {
      orphans.push(s);
    }
  }
  const mine = dataset.images.filter((img) => shardOf(img.id, count) === index);
  const items: LiftWorkItem[] = mine.map((image, seq) => ({ seq, image, skips: skipsByImage.get(idKey(image.id)) ?? [] }));
  return { chunks: chunksOf(items, config.chunk_size), orphans };
}

/**
 * Null when the chunk file holds exactly the records of `items`' images (every line a record, the
 * images in order, ending in a newline); "missing" when there is no file; else why it must be redone.
 */
async function checkChunk(path: string, items: readonly LiftWorkItem[]): Promise<string | null> {
  const text = await readText(path);
  if (text === null) return "missing";
  if (text !== "" && !text.endsWith("\n")) return "the last line is cut off";
  let records;
  try {
    records = parseRecordLines(text, path);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const line = err.where.slice(err.where.lastIndexOf(":") + 1);
    return err.field === "line" ? `line ${line} ${err.problem}` : `line ${line}: ${err.field} ${err.problem}`;
  }
  const seen: string[] = [];
  for (const r of records) {
    const key = r.image_id === null ? "" : idKey(r.image_id);
    if (seen[seen.length - 1] !== key) seen.push(key);
  }
  const expected = items.map((i) => idKey(i.image.id));
  if (seen.length !== expected.length || seen.some((k, i) => k !== expected[i])) return `holds images ${abbreviate(seen)}, expected ${abbreviate(expected)}`;
  return null;
}

/** Read the dataset and resolve every option into the config (validated; nothing written yet). */
async function resolveRun(o: RunLiftOptions): Promise<{ dataset: AnnotatedDataset; config: LiftConfig }> {
  const where = "runLift";
  const shard = validateShard(o.shard ?? WHOLE_DATASET, `${where}: shard`);
  const chunkSize = o.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) throw new InputError(where, "chunkSize", chunkSize, "must be an integer >= 1 (images per chunk file)");
  if (o.workers !== undefined && (!Number.isSafeInteger(o.workers) || o.workers < 0)) throw new InputError(where, "workers", o.workers, "must be an integer >= 0 (0 = lift in this thread)");
  const minScore = o.minScore ?? DEFAULT_MIN_SCORE;
  if (!(minScore > 0 && minScore <= 1)) throw new InputError(where, "minScore", minScore, "must be a number in (0, 1]");
  if (o.depthScale !== undefined && !(Number.isFinite(o.depthScale) && o.depthScale > 0)) throw new InputError(where, "depthScale", o.depthScale, "must be a finite number > 0 (units per metre)");
  if (o.fovXDeg !== undefined && !(o.fovXDeg > 0 && o.fovXDeg < 180)) throw new InputError(where, "fovXDeg", o.fovXDeg, "must be in (0, 180) degrees");
  if (o.intrinsics !== undefined) validateIntrinsics(o.intrinsics, `${where}: intrinsics`);
  const liftOptions = resolveLiftOptions((o.liftOptions ?? {}) as Partial<LiftOptions>, `${where}: liftOptions`);

  let dataset: AnnotatedDataset;
  let datasetInput: LiftConfig["inputs"]["dataset"];
  if (o.dataset.kind === "coco") {
    const path = resolve(o.dataset.path);
    const bytes = await readInput(path);
    dataset = parseCocoDatasetText(bytes.toString("utf8"), path);
    datasetInput = { kind: "coco", path, sha256: sha256Hex(bytes), classes_path: null, classes_sha256: null };
  } else {
    const path = resolve(o.dataset.boxesPath);
    const classesPath = resolve(o.dataset.classesPath);
    const [bytes, classBytes] = [await readInput(path), await readInput(classesPath)];
    dataset = parseOpenImagesBoxes(bytes.toString("utf8"), path, parseOpenImagesClasses(classBytes.toString("utf8"), classesPath));
    datasetInput = { kind: "openimages", path, sha256: sha256Hex(bytes), classes_path: classesPath, classes_sha256: sha256Hex(classBytes) };
  }
  const base = dirname(datasetInput.path);
  const config: LiftConfig = {
    format: LIFT_FORMAT,
    version: LIFT_FORMAT_VERSION,
    inputs: {
      dataset: datasetInput,
      images_dir: resolve(o.imagesDir ?? base),
      depth_root: resolve(o.depthDir ?? base),
      depth_dir: o.depthDir === undefined ? null : resolve(o.depthDir),
      intrinsics_file: o.intrinsicsFile === undefined ? null : resolve(o.intrinsicsFile),
    },
    depth: {
      backend: o.depth ?? "sensor",
      depth_scale: o.depthScale ?? null,
      intrinsics: o.intrinsics === undefined ? null : { fx: o.intrinsics.fx, fy: o.intrinsics.fy, cx: o.intrinsics.cx, cy: o.intrinsics.cy },
      fov_x_deg: o.fovXDeg ?? null,
    },
    detector: o.detector ? { name: o.detector, detect_all: o.detectAll === true, min_score: minScore } : null,
    lift_options: liftOptions,
    chunk_size: chunkSize,
    shard: { index: shard.index, count: shard.count },
    parts_module: o.partsModule ?? null,
  };
  return { dataset, config };
}

/**
 * Refuse a bad depth source before anything is written: build (and drop) a sensor or npz back end,
 * which checks the spec and options; for a model, check its folder without loading the model
 * (each worker loads its own).
 */
async function checkDepthSource(config: LiftConfig): Promise<void> {
  const spec = config.depth.backend;
  const colon = spec.indexOf(":");
  if (spec.slice(0, colon) === "onnx" && colon + 1 < spec.length) await inspectDepthModelFolder(spec.slice(colon + 1));
  else await (await createDepthBackend(spec, workerConfigOf(config, "", 1).depthOptions)).dispose();
}

/** The plain-data config of the lifting threads. */
function workerConfigOf(config: LiftConfig, outDir: string, threads: number): LiftWorkerConfig {
  return {
    outDir,
    imagesDir: config.inputs.images_dir,
    depthRoot: config.inputs.depth_root,
    depthDir: config.inputs.depth_dir,
    depthSpec: config.depth.backend,
    depthOptions: {
      ...(config.depth.intrinsics === null ? {} : { intrinsics: config.depth.intrinsics, intrinsicsSource: config.inputs.intrinsics_file === null ? "flag" : "file" }),
      ...(config.depth.fov_x_deg === null ? {} : { fovXDeg: config.depth.fov_x_deg }),
      threads,
    },
    depthScale: config.depth.depth_scale,
    detector: config.detector === null ? null : config.detector.name,
    detectAll: config.detector?.detect_all ?? false,
    minScore: config.detector?.min_score ?? DEFAULT_MIN_SCORE,
    liftOptions: config.lift_options,
    partsModule: config.parts_module,
  };
}

/** Create OUT and OUT/shards; check (or write) config.json; remove temporaries a killed run left. */
async function prepareFolder(outDir: string, config: LiftConfig): Promise<void> {
  await mkdir(join(outDir, SHARDS_DIR), { recursive: true });
  const path = join(outDir, CONFIG_FILE);
  const wanted = configText(config);
  const existing = await readText(path);
  if (existing !== null && existing !== wanted) {
    let old: unknown = null;
    try {
      old = JSON.parse(existing);
    } catch {
      throw new InputError(path, "content", "unreadable", "not an n3d lift config; use an empty folder");
    }
    const field = firstDifference(old, JSON.parse(wanted)) ?? "(formatting)";
    throw new InputError(
      path,
      field,
      valueAtPath(old, field),
      `this folder was lifted with ${field} = ${JSON.stringify(valueAtPath(old, field))}, not ${JSON.stringify(valueAtPath(config, field))}; use the same options to resume, or another --out`,
    );
  }
  if (existing === null) await writeFileAtomic(path, wanted);
  for (const dir of [outDir, join(outDir, SHARDS_DIR), join(outDir, "depth")]) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const name of names) if (name.startsWith(".") && name.endsWith(".tmp")) await rm(join(dir, name), { force: true });
  }
}

async function readInput(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(path, "file", path, "does not exist");
    if (code === "EISDIR") throw new InputError(path, "file", path, "is a directory, not a file");
    throw err;
  }
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

function abbreviate(ids: readonly string[]): string {
  return ids.length <= 4 ? `[${ids.join(", ")}]` : `[${ids.slice(0, 3).join(", ")}, ... (${ids.length})]`;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
