// Benchmark of the synthetic-world renderer (issue 3: at least 50 scenes/s at 320x240 on one
// core). Renders a fixed, seeded set of typical scenes (rooms with a floor and four walls, or open
// ground; 2-12 objects of 1-8 parts) at 320x240 and 640x480 and reports the median over repeated
// runs of scenes/s and ms/scene, split into the renderer's passes so we can say what dominates.
//
// The scenes come from src/synth's own layout sampler (the scenes `n3d synth` writes). Beside the
// renderer's passes it times the whole per-scene pipeline of `n3d synth` short of the disk: plan,
// render, annotate (masks as RLE, boxes), and PNG encoding of the image and 16-bit depth.
//
//   npx tsx scripts/bench-synth.ts [--scenes N] [--runs N] [--seed S]
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type { ImageSize } from "../src/geometry/index.js";
import { deriveSeed } from "../src/random.js";
import { encodeDepthPng16, encodeImagePng } from "../src/rgbd/index.js";
import { annotateScene } from "../src/synth/annotate.js";
import { sampleScenePlan } from "../src/synth/layout.js";
import { castEnvironmentInto, castObjectsInto, prepareRender, renderScene, shadeTarget } from "../src/synth/render.js";

/** What to measure. Every field has a default. */
export interface BenchSynthOptions {
  /** Image sizes to render the scene set at. Default 320x240 and 640x480. */
  readonly sizes?: readonly ImageSize[];
  /** Scenes in the fixed set (the same scenes at every size). Default 40. */
  readonly scenes?: number;
  /** Timed runs over the whole set; medians are over these. Default 7. */
  readonly runs?: number;
  /** Untimed runs first (JIT warm-up). Default 2. */
  readonly warmupRuns?: number;
  /** Seed of the scene generator. Default 1. */
  readonly seed?: number;
}

/** Median milliseconds per scene spent in each pass of the renderer. */
export interface PassBreakdownMs {
  /** prepareRender: validation, per-part constants, screen rectangles, buffer allocation. */
  readonly prepare: number;
  /** castEnvironmentInto: floor and walls for every pixel. */
  readonly environment: number;
  /** castObjectsInto: object rays inside screen rectangles, z-buffer, amodal counts. */
  readonly objects: number;
  /** shadeTarget: texture, lighting, sRGB encoding, output buffers. */
  readonly shading: number;
}

/** Result at one image size. */
export interface BenchSynthSizeResult {
  readonly size: ImageSize;
  /** Median over runs of (scenes in the set / seconds for the set). */
  readonly scenesPerSecond: number;
  /** Median over runs of the mean milliseconds per scene. */
  readonly msPerScene: number;
  /** Inter-quartile range of ms/scene over runs, relative to the median (the run's noise). */
  readonly iqrRel: number;
  readonly breakdownMs: PassBreakdownMs;
  /** Mean over scenes of (pixels inside object rectangles, summed over objects) / image pixels. */
  readonly objectRaysPerPixel: number;
  /** Median ms per scene of the whole pipeline short of the disk (plan, render, annotate, PNG encoding). */
  readonly pipelineMsPerScene: number;
  /** Share of the pipeline's time per stage. */
  readonly pipelineShare: { readonly plan: number; readonly render: number; readonly annotate: number; readonly encode: number };
}

export interface BenchSynthResult {
  readonly scenes: number;
  readonly runs: number;
  readonly meanObjects: number;
  readonly meanParts: number;
  readonly roomShare: number;
  readonly sizes: readonly BenchSynthSizeResult[];
}

// ------------------------------------------------------------------------------------------------

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

function quartile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return s[lo]! + (h - lo) * (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!);
}

let sink = 0;

/** Render the seeded scene set at each size, `runs` times, and return medians per size. */
export async function benchSynth(opts: BenchSynthOptions = {}): Promise<BenchSynthResult> {
  const sizes = opts.sizes ?? [{ width: 320, height: 240 }, { width: 640, height: 480 }];
  const nScenes = opts.scenes ?? 40;
  const runs = opts.runs ?? 7;
  const warmupRuns = opts.warmupRuns ?? 2;
  const seed = opts.seed ?? 1;
  const seeds = Array.from({ length: nScenes }, (_, k) => deriveSeed(seed, k));
  const base = seeds.map((s) => ({ plan: sampleScenePlan(s, { size: sizes[0]! }) }));
  const results: BenchSynthSizeResult[] = [];
  for (const size of sizes) {
    const plans = seeds.map((s) => sampleScenePlan(s, { size }));
    let rectPixels = 0;
    for (const plan of plans) {
      const r = prepareRender(plan).objectRects;
      for (let k = 0; k < r.length; k += 4) rectPixels += Math.max(0, r[k + 1]! - r[k]! + 1) * Math.max(0, r[k + 3]! - r[k + 2]! + 1);
    }
    const perRun: { total: number; prepare: number; environment: number; objects: number; shading: number }[] = [];
    for (let run = 0; run < warmupRuns + runs; run++) {
      let prepare = 0;
      let environment = 0;
      let objects = 0;
      let shading = 0;
      for (const plan of plans) {
        const t0 = performance.now();
        const target = prepareRender(plan);
        const t1 = performance.now();
        castEnvironmentInto(target);
        const t2 = performance.now();
        castObjectsInto(target);
        const t3 = performance.now();
        const out = shadeTarget(target);
        const t4 = performance.now();
        sink += out.rgb[0]!;
        prepare += t1 - t0;
        environment += t2 - t1;
        objects += t3 - t2;
        shading += t4 - t3;
      }
      if (run >= warmupRuns) {
        const n = plans.length;
        perRun.push({ total: (prepare + environment + objects + shading) / n, prepare: prepare / n, environment: environment / n, objects: objects / n, shading: shading / n });
      }
    }
    const ms = perRun.map((r) => r.total);
    const msPerScene = median(ms);
    const pipeline = await timePipeline(seeds, size, Math.max(1, Math.ceil(runs / 2)));
    results.push({
      size,
      scenesPerSecond: median(ms.map((m) => 1000 / m)),
      msPerScene,
      iqrRel: (quartile(ms, 0.75) - quartile(ms, 0.25)) / msPerScene,
      breakdownMs: {
        prepare: median(perRun.map((r) => r.prepare)),
        environment: median(perRun.map((r) => r.environment)),
        objects: median(perRun.map((r) => r.objects)),
        shading: median(perRun.map((r) => r.shading)),
      },
      objectRaysPerPixel: rectPixels / (plans.length * size.width * size.height),
      pipelineMsPerScene: pipeline.msPerScene,
      pipelineShare: pipeline.share,
    });
  }
  const meanObjects = base.reduce((s, b) => s + b.plan.objects.length, 0) / nScenes;
  const meanParts = base.reduce((s, b) => s + b.plan.objects.reduce((t, o) => t + o.parts.length, 0), 0) / nScenes;
  const roomShare = base.filter((b) => b.plan.environment.kind === "room").length / nScenes;
  return { scenes: nScenes, runs, meanObjects, meanParts, roomShare, sizes: results };
}

/** Time plan + render + annotate + encode for every scene, `runs` times; median ms/scene and shares. */
async function timePipeline(seeds: readonly number[], size: ImageSize, runs: number) {
  const totals: number[] = [];
  const sums = { plan: 0, render: 0, annotate: 0, encode: 0 };
  for (let run = 0; run < runs + 1; run++) {
    const t = { plan: 0, render: 0, annotate: 0, encode: 0 };
    for (const s of seeds) {
      const t0 = performance.now();
      const plan = sampleScenePlan(s, { size });
      const t1 = performance.now();
      const rendered = renderScene(plan);
      const t2 = performance.now();
      sink += annotateScene(plan, rendered).length;
      const t3 = performance.now();
      sink += (await encodeImagePng({ size, rgb: rendered.rgb })).length + (await encodeDepthPng16(rendered.depthM, size, 1000)).length;
      const t4 = performance.now();
      t.plan += t1 - t0;
      t.render += t2 - t1;
      t.annotate += t3 - t2;
      t.encode += t4 - t3;
    }
    if (run === 0) continue; // warm-up
    totals.push((t.plan + t.render + t.annotate + t.encode) / seeds.length);
    for (const k of Object.keys(sums) as (keyof typeof sums)[]) sums[k] += t[k];
  }
  const all = sums.plan + sums.render + sums.annotate + sums.encode;
  return {
    msPerScene: median(totals),
    share: { plan: sums.plan / all, render: sums.render / all, annotate: sums.annotate / all, encode: sums.encode / all },
  };
}

/** The printed report: one row per size, then the split into passes. */
export function formatBenchSynth(r: BenchSynthResult): string {
  const lines = [
    `synth renderer: ${r.scenes} scenes from the layout sampler (${(100 * r.roomShare).toFixed(0)} % rooms, ${r.meanObjects.toFixed(1)} objects and ${r.meanParts.toFixed(1)} parts per scene on average), median of ${r.runs} runs, one core`,
    "",
    "size        scenes/s   ms/scene   (IQR)   prepare  environment  objects  shading   object rays/px",
  ];
  for (const s of r.sizes) {
    const b = s.breakdownMs;
    const pct = (x: number): string => `${((100 * x) / s.msPerScene).toFixed(0).padStart(3)} %`;
    lines.push(
      `${`${s.size.width}x${s.size.height}`.padEnd(10)}  ${s.scenesPerSecond.toFixed(1).padStart(8)}  ${s.msPerScene.toFixed(2).padStart(9)}  ${`±${(50 * s.iqrRel).toFixed(0)}%`.padStart(6)}` +
        `  ${pct(b.prepare).padStart(7)}  ${pct(b.environment).padStart(11)}  ${pct(b.objects).padStart(7)}  ${pct(b.shading).padStart(7)}   ${s.objectRaysPerPixel.toFixed(2).padStart(8)}`,
    );
  }
  lines.push("", "size        pipeline scenes/s  ms/scene   plan  render  annotate  encode PNGs   (n3d synth without the disk writes)");
  for (const s of r.sizes) {
    const p = s.pipelineShare;
    const pct = (x: number): string => `${(100 * x).toFixed(0)} %`;
    lines.push(
      `${`${s.size.width}x${s.size.height}`.padEnd(10)}  ${(1000 / s.pipelineMsPerScene).toFixed(1).padStart(17)}  ${s.pipelineMsPerScene.toFixed(2).padStart(8)}  ${pct(p.plan).padStart(5)}  ${pct(p.render).padStart(6)}  ${pct(p.annotate).padStart(8)}  ${pct(p.encode).padStart(11)}`,
    );
  }
  const first = r.sizes[0];
  if (first !== undefined) {
    const b = first.breakdownMs;
    const passes: [string, number][] = [["prepare", b.prepare], ["environment", b.environment], ["objects", b.objects], ["shading", b.shading]];
    passes.sort((x, y) => y[1] - x[1]);
    lines.push("", `at ${first.size.width}x${first.size.height} the ${passes[0]![0]} pass dominates (${passes[0]![1].toFixed(2)} of ${first.msPerScene.toFixed(2)} ms/scene); target >= 50 scenes/s: ${first.scenesPerSecond >= 50 ? "met" : "NOT met"}`);
  }
  return lines.join("\n");
}

function parseArgs(argv: readonly string[]): BenchSynthOptions {
  const out: { scenes?: number; runs?: number; seed?: number } = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]!;
    const raw = argv[i + 1];
    const value = Number(raw);
    if (key !== "--scenes" && key !== "--runs" && key !== "--seed") throw new Error(`bench-synth: unknown option ${key}; choose one of --scenes, --runs, --seed`);
    if (raw === undefined || !Number.isInteger(value) || value < (key === "--seed" ? 0 : 1)) throw new Error(`bench-synth: ${key} = ${raw}: must be an integer${key === "--seed" ? " >= 0" : " >= 1"}`);
    out[key.slice(2) as "scenes" | "runs" | "seed"] = value;
  }
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const result = await benchSynth(parseArgs(process.argv.slice(2)));
    process.stdout.write(`${formatBenchSynth(result)}\n`);
    if (sink === -1) process.stdout.write("\n"); // keeps the rendered output observable
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
