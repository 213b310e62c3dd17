// `npm run bench -- lift`: the cost of lifting, per stage and per image, on 640x480 synth frames
// with 8 objects each (issue 4's target: lifting excluding decode >= 500 images/s per core).
//
// Three measurements on one fixed, seeded dataset (rendered once into the OS temp folder):
// 1. Stages, in this thread: every image through the runner's per-image function (liftImage:
//    depth decode through the sensor back end, mask decoding, liftObject's select / back-project /
//    fit / filter, record building), then its records written as 16-image chunk files, repeated;
//    median (and best) over repeats of ms per image per stage. Beside
//    them the RGB work the runner does only in some modes: the image header probe (images without
//    a size) and the full RGB decode (the detector path).
// 2. Steady throughput of the worker pool with 1 worker and with one per core (pool start-up
//    timed separately).
// 3. runLift end to end (read and parse the annotations, start workers, lift, write chunks,
//    annotations.json, report and manifest) into a fresh folder, in-thread, 1 worker, all cores.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { writeFileAtomic } from "../../src/fsutil.js";
import { parseCocoDatasetText } from "../../src/formats/index.js";
import { DEFAULT_LIFT_OPTIONS, runLift } from "../../src/lift/index.js";
import { createScratch, liftImage, zeroTimings } from "../../src/lift/worker-image.js";
import type { LiftStageTimings, LiftWorkItem } from "../../src/lift/worker-image.js";
import { createLiftParts } from "../../src/lift/worker-parts.js";
import type { LiftWorkerConfig } from "../../src/lift/worker-parts.js";
import { startWorkerPool } from "../../src/lift/worker-pool.js";
import { decodeImage, probeImage } from "../../src/rgbd/index.js";
import { writeSynthDataset } from "../../src/synth/index.js";

const SIZE = { width: 640, height: 480 } as const;
const OBJECTS = 8;
const SEED = 4;
const TARGET_IMAGES_PER_S = 500;
const CHUNK_SIZE = 16;

/** The bench; `quick` is a smoke run (fewer frames and repeats), not for quoting. */
export async function runLiftBench(options: { quick: boolean }): Promise<{ table: string; figures: Record<string, number | string> }> {
  const frames = options.quick ? 12 : 48;
  const repeats = options.quick ? 2 : 5;
  const cores = availableParallelism();
  const dataDir = join(tmpdir(), `n3d-bench-lift-${SIZE.width}x${SIZE.height}-${OBJECTS}obj-${frames}-seed${SEED}`);
  await writeSynthDataset({ outDir: dataDir, count: frames, seed: SEED, size: SIZE, objects: [OBJECTS, OBJECTS] });
  const annotationsPath = join(dataDir, "annotations.json");
  const dataset = parseCocoDatasetText(await readFile(annotationsPath, "utf8"), annotationsPath);
  const items: LiftWorkItem[] = dataset.images.map((image, seq) => ({ seq, image, skips: [] }));
  const objects = items.reduce((n, i) => n + i.image.annotations.length, 0);
  const scratchOut = await mkdtemp(join(tmpdir(), "n3d-bench-lift-out-"));
  const config: LiftWorkerConfig = {
    outDir: scratchOut,
    imagesDir: dataDir,
    depthRoot: dataDir,
    depthDir: null,
    depthSpec: "sensor",
    depthOptions: {},
    depthScale: null,
    detector: null,
    detectAll: false,
    minScore: 0.3,
    liftOptions: DEFAULT_LIFT_OPTIONS,
    partsModule: null,
  };

  try {
    // 1. Stages, in this thread.
    const parts = await createLiftParts(config);
    const scratch = createScratch();
    const perRepeat: (LiftStageTimings & { write: number })[] = [];
    let kept = 0;
    for (let r = 0; r < repeats + 1; r++) {
      const t = { ...zeroTimings(), write: 0 };
      kept = 0;
      const texts: string[] = [];
      for (const item of items) {
        const result = await liftImage(item, parts, config, t, scratch);
        kept += result.kept;
        texts.push(result.text);
      }
      // Chunk files as the runner writes them (16 images each), one after the other.
      for (let c = 0; c * CHUNK_SIZE < texts.length; c++) {
        const t0 = performance.now();
        await writeFileAtomic(join(scratchOut, `chunk-${c}.jsonl`), texts.slice(c * CHUNK_SIZE, (c + 1) * CHUNK_SIZE).join(""));
        t.write += performance.now() - t0;
      }
      if (r > 0) perRepeat.push(t); // the first pass warms the JIT and the file cache
    }
    await parts.dispose();
    type Stage = keyof (typeof perRepeat)[number];
    const stage = (key: Stage): number => median(perRepeat.map((t) => t[key] / frames));
    const best = (key: Stage): number => Math.min(...perRepeat.map((t) => t[key] / frames));
    const imageBytes = await Promise.all(items.map((i) => readFile(join(dataDir, i.image.fileName))));
    const probeMs = await timePerItem(repeats, imageBytes, (b) => probeImage(b, "bench"));
    const rgbMs = await timePerItem(repeats, imageBytes, (b) => decodeImage(b, "bench"));

    // 3. runLift end to end, then 2. the pool's steady rate.
    const endToEnd: Record<string, number> = {};
    for (const workers of [0, 1, cores]) {
      const rates: number[] = [];
      for (let r = 0; r < Math.max(1, repeats - 2); r++) {
        const out = join(scratchOut, `run-${workers}-${r}`);
        const t0 = performance.now();
        await runLift({ dataset: { kind: "coco", path: annotationsPath }, outDir: out, workers, chunkSize: CHUNK_SIZE });
        rates.push(frames / ((performance.now() - t0) / 1000));
        await rm(out, { recursive: true, force: true });
      }
      endToEnd[`runlift_images_per_s_${workers === 0 ? "in_thread" : `${workers}_workers`}`] = median(rates);
    }
    const pools: { workers: number; startupMs: number; imagesPerS: number }[] = [];
    for (const workers of [...new Set([1, cores])]) {
      const t0 = performance.now();
      const pool = await startWorkerPool(workers, config);
      const startupMs = performance.now() - t0;
      const rates: number[] = [];
      for (let r = 0; r < repeats + 1; r++) {
        const t1 = performance.now();
        await runAll(pool, items);
        if (r > 0) rates.push(frames / ((performance.now() - t1) / 1000));
      }
      await pool.close();
      pools.push({ workers, startupMs, imagesPerS: median(rates) });
    }

    const rows: [string, Stage][] = [
      ["decode depth (read + PNG16 decode, sensor back end)", "depth"],
      ["masks (RLE decode, clear)", "mask"],
      ["select pixels", "select"],
      ["back-project", "backProject"],
      ["fit box", "fit"],
      ["filters", "filter"],
      ["records (n3d JSON box, JSON line)", "record"],
      ["write chunks (atomic, 16 images each)", "write"],
    ];
    const sum = (f: (k: Stage) => number, keys: readonly Stage[]): number => keys.reduce((a, k) => a + f(k), 0);
    const allKeys = rows.map(([, k]) => k);
    const liftKeys = allKeys.filter((k) => k !== "depth" && k !== "write");
    const totalMs = sum(stage, allKeys);
    const decodeMs = stage("depth");
    const liftMs = sum(stage, liftKeys);
    const liftBestMs = sum(best, liftKeys);
    const liftRate = 1000 / liftMs;
    const fmt = (ms: number): string => ms.toFixed(3);
    const lines = [
      `lift: ${frames} synth frames ${SIZE.width}x${SIZE.height}, ${(objects / frames).toFixed(1)} annotated objects each (${(kept / frames).toFixed(1)} kept), sensor depth PNG16; ${repeats} passes; ${cores} cores, load average ${loadavg()[0]!.toFixed(2)} at the end (timings on a busy machine are high and noisy)`,
      "",
      "| stage (one thread) | ms / image, median | best pass | share of median |",
      "|---|---:|---:|---:|",
      ...rows.map(([name, k]) => `| ${name} | ${fmt(stage(k))} | ${fmt(best(k))} | ${((100 * stage(k)) / totalMs).toFixed(1)} % |`),
      `| **total** | ${fmt(totalMs)} | ${fmt(sum(best, allKeys))} | 100 % |`,
      "",
      `lifting excluding decode and writing: ${fmt(liftMs)} ms/image = ${liftRate.toFixed(0)} images/s per core (best pass ${(1000 / liftBestMs).toFixed(0)}; target >= ${TARGET_IMAGES_PER_S}: ${liftRate >= TARGET_IMAGES_PER_S ? "met" : "NOT met"} at the median)`,
      `decode is ${((100 * decodeMs) / totalMs).toFixed(1)} % of the per-image time: the whole pipeline runs at ${(1000 / totalMs).toFixed(0)} images/s per core, ${(liftRate / (1000 / totalMs)).toFixed(2)}x slower than lifting alone`,
      `not on this path: RGB header probe ${fmt(probeMs)} ms/image (only for images without width/height), RGB decode ${fmt(rgbMs)} ms/image (only with --detector)`,
      "",
      "| throughput | images/s |",
      "|---|---:|",
      ...pools.map((p) => `| worker pool, ${p.workers} worker${p.workers === 1 ? "" : "s"}, steady (start-up ${p.startupMs.toFixed(0)} ms) | ${p.imagesPerS.toFixed(1)} |`),
      ...Object.entries(endToEnd).map(([k, v]) => `| runLift end to end, ${k.replace("runlift_images_per_s_", "").replace("in_thread", "in this thread").replace(/^1_workers$/, "1 worker").replace("_", " ")} (${frames} frames, start-up and finish included) | ${v.toFixed(1)} |`),
    ];
    const figures: Record<string, number | string> = {
      frames,
      size: `${SIZE.width}x${SIZE.height}`,
      objects_per_frame: objects / frames,
      kept_per_frame: kept / frames,
      cores,
      load_average_1m: loadavg()[0]!,
      ...Object.fromEntries(rows.map(([, k]) => [`stage_ms_${k}`, stage(k)])),
      ...Object.fromEntries(rows.map(([, k]) => [`stage_best_ms_${k}`, best(k)])),
      total_ms_per_image: totalMs,
      lift_ms_per_image_excluding_decode: liftMs,
      lift_images_per_s_per_core_best_pass: 1000 / liftBestMs,
      lift_images_per_s_per_core: liftRate,
      target_images_per_s_per_core: TARGET_IMAGES_PER_S,
      decode_share: decodeMs / totalMs,
      pipeline_images_per_s_per_core: 1000 / totalMs,
      rgb_probe_ms_per_image: probeMs,
      rgb_decode_ms_per_image: rgbMs,
      ...Object.fromEntries(pools.flatMap((p) => [[`pool_images_per_s_${p.workers}_workers`, p.imagesPerS], [`pool_startup_ms_${p.workers}_workers`, p.startupMs]])),
      ...endToEnd,
    };
    return { table: lines.join("\n"), figures };
  } finally {
    await rm(scratchOut, { recursive: true, force: true });
  }
}

async function runAll(pool: Awaited<ReturnType<typeof startWorkerPool>>, items: readonly LiftWorkItem[]): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await pool.run(items[next++]!);
  };
  await Promise.all(Array.from({ length: pool.capacity }, lane));
}

async function timePerItem<T>(repeats: number, inputs: readonly T[], fn: (input: T) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < repeats + 1; r++) {
    const t0 = performance.now();
    for (const input of inputs) await fn(input);
    if (r > 0) times.push((performance.now() - t0) / inputs.length);
  }
  return median(times);
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

// Run alone: `npx tsx scripts/bench/lift.ts [--quick]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { table } = await runLiftBench({ quick: process.argv.includes("--quick") });
  process.stdout.write(`${table}\n`);
}
