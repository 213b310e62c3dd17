// Benchmark of the synthetic-world renderer (issue 3: at least 50 scenes/s at 320x240 on one
// core). Renders a fixed, seeded set of typical scenes (rooms with a floor and four walls, or open
// ground; 2-12 objects of 1-8 parts) at 320x240 and 640x480 and reports the median over repeated
// runs of scenes/s and ms/scene, split into the renderer's passes so we can say what dominates.
//
// The scenes come from a small generator in this file, not from src/synth's layout sampler, so
// the numbers measure the renderer alone and stay comparable while the sampler changes.
//
//   npx tsx scripts/bench-synth.ts [--scenes N] [--runs N] [--seed S]
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { invertPose, mulMat3, rotateByPose, rotationX, rotationY, rotationZ } from "../src/geometry/index.js";
import type { ImageSize, Mat3, Vec3 } from "../src/geometry/index.js";
import { createRng } from "../src/random.js";
import type { Rng } from "../src/random.js";
import { castEnvironmentInto, castObjectsInto, prepareRender, shadeTarget } from "../src/synth/render.js";
import type { Material, Part, Plane, Primitive, SceneObject, ScenePlan, TextureKind } from "../src/synth/types.js";

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
// A small scene generator (the real sampler lives in src/synth; this one only needs typical load).

const TEXTURES: readonly TextureKind[] = ["plain", "stripes", "checker", "noise", "wood", "fabric"];
const FLIP: Mat3 = [1, 0, 0, 0, -1, 0, 0, 0, 1];

function randomMaterial(rng: Rng): Material {
  return {
    rgb: [rng.int(256), rng.int(256), rng.int(256)],
    texture: TEXTURES[rng.int(TEXTURES.length)]!,
    textureScaleM: rng.uniform(0.03, 0.3),
    textureStrength: rng.uniform(0.1, 0.5),
    specular: rng.next() < 0.1,
  };
}

function randomPrimitive(rng: Rng, scale: number): Primitive {
  const s = (lo: number, hi: number): number => scale * rng.uniform(lo, hi);
  switch (rng.int(4)) {
    case 0:
      return { kind: "box", size: [s(0.2, 1), s(0.2, 1), s(0.2, 1)] };
    case 1:
      return { kind: "cylinder", radius: s(0.05, 0.4), height: s(0.2, 1) };
    case 2:
      return { kind: "sphere", radius: s(0.1, 0.4) };
    default:
      return { kind: "frustum", radiusBottom: s(0.1, 0.4), radiusTop: rng.next() < 0.3 ? 0 : s(0.05, 0.4), height: s(0.2, 1) };
  }
}

/** A composite object: a base part on the floor and up to 7 more parts around and above it. */
function randomObject(rng: Rng, id: number, position: Vec3): SceneObject {
  const scale = rng.uniform(0.4, 1.5);
  const nParts = 1 + rng.int(8);
  const parts: Part[] = [];
  for (let j = 0; j < nParts; j++) {
    const shape = randomPrimitive(rng, scale * (j === 0 ? 1 : 0.5));
    const lift = j === 0 ? 0.5 * scale : rng.uniform(0, 1.2 * scale);
    const t: Vec3 = j === 0 ? [0, lift, 0] : [rng.uniform(-0.4, 0.4) * scale, lift, rng.uniform(-0.4, 0.4) * scale];
    const rotation = rng.next() < 0.3 ? mulMat3(rotationX(rng.uniform(-0.6, 0.6)), rotationZ(rng.uniform(-0.6, 0.6))) : rotationY(rng.uniform(0, Math.PI));
    parts.push({ shape, pose: { rotation, translation: t }, material: randomMaterial(rng) });
  }
  return {
    id,
    label: "thing",
    attributes: { color: "mixed", size: "medium" },
    parts,
    pose: { rotation: rotationY(rng.uniform(-Math.PI, Math.PI)), translation: position },
    localBounds: { min: [-scale, 0, -scale], max: [scale, 2 * scale, scale] },
    supportId: null,
  };
}

function randomScene(rng: Rng, seed: number): ScenePlan {
  const room = rng.next() < 0.6;
  const planes: Plane[] = [{ normal: [0, 1, 0], offsetM: 0, material: randomMaterial(rng) }];
  const halfWidth = rng.uniform(2, 4);
  const depth = rng.uniform(5, 10);
  if (room) {
    planes.push(
      { normal: [0, 0, -1], offsetM: -depth, material: randomMaterial(rng) },
      { normal: [1, 0, 0], offsetM: -halfWidth, material: randomMaterial(rng) },
      { normal: [-1, 0, 0], offsetM: -halfWidth, material: randomMaterial(rng) },
      { normal: [0, 0, 1], offsetM: -1, material: randomMaterial(rng) },
    );
  }
  const nObjects = 2 + rng.int(11);
  const objects = Array.from({ length: nObjects }, (_, k) => {
    const z = rng.uniform(1.5, room ? depth - 0.5 : 9);
    const x = rng.uniform(-0.8, 0.8) * Math.min(halfWidth - 0.5, 0.7 * z);
    return randomObject(rng, k, [x, 0, z]);
  });
  const heightM = rng.uniform(0.4, 2);
  const pitchRad = rng.uniform(0, 0.45);
  const rollRad = rng.uniform(-0.08, 0.08);
  const worldFromCamera = { rotation: mulMat3(rotationX(pitchRad), mulMat3(FLIP, rotationZ(rollRad))), translation: [0, heightM, 0] as Vec3 };
  const cameraFromWorld = invertPose(worldFromCamera);
  const l: Vec3 = [rng.uniform(-0.5, 0.5), -1, rng.uniform(-0.5, 0.5)];
  const ln = Math.hypot(...l);
  return {
    seed,
    environment: { kind: room ? "room" : "outdoor", planes, skyRgb: [150, 190, 235], maxDepthM: room ? 30 : 40 },
    objects,
    camera: {
      size: { width: 1, height: 1 }, // set per benchmark size
      intrinsics: { fx: 1, fy: 1, cx: 0, cy: 0 },
      cameraFromWorld,
      heightM,
      pitchRad,
      rollRad,
      gravity: rotateByPose(cameraFromWorld, [0, -1, 0]),
    },
    light: { direction: [l[0] / ln, l[1] / ln, l[2] / ln], ambient: rng.uniform(0.2, 0.4) },
  };
}

/** The same scene seen through an image of `size` with a horizontal FOV (radians). */
function atSize(plan: ScenePlan, size: ImageSize, fovXRad: number): ScenePlan {
  const f = size.width / 2 / Math.tan(fovXRad / 2);
  return { ...plan, camera: { ...plan.camera, size, intrinsics: { fx: f, fy: f, cx: (size.width - 1) / 2, cy: (size.height - 1) / 2 } } };
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
export function benchSynth(opts: BenchSynthOptions = {}): BenchSynthResult {
  const sizes = opts.sizes ?? [{ width: 320, height: 240 }, { width: 640, height: 480 }];
  const nScenes = opts.scenes ?? 40;
  const runs = opts.runs ?? 7;
  const warmupRuns = opts.warmupRuns ?? 2;
  const rng = createRng(opts.seed ?? 1);
  const base = Array.from({ length: nScenes }, (_, k) => ({ plan: randomScene(rng, k), fovXRad: rng.uniform((45 * Math.PI) / 180, (90 * Math.PI) / 180) }));
  const results: BenchSynthSizeResult[] = sizes.map((size) => {
    const plans = base.map((s) => atSize(s.plan, size, s.fovXRad));
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
    return {
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
    };
  });
  const meanObjects = base.reduce((s, b) => s + b.plan.objects.length, 0) / nScenes;
  const meanParts = base.reduce((s, b) => s + b.plan.objects.reduce((t, o) => t + o.parts.length, 0), 0) / nScenes;
  const roomShare = base.filter((b) => b.plan.environment.kind === "room").length / nScenes;
  return { scenes: nScenes, runs, meanObjects, meanParts, roomShare, sizes: results };
}

/** The printed report: one row per size, then the split into passes. */
export function formatBenchSynth(r: BenchSynthResult): string {
  const lines = [
    `synth renderer: ${r.scenes} seeded scenes (${(100 * r.roomShare).toFixed(0)} % rooms, ${r.meanObjects.toFixed(1)} objects and ${r.meanParts.toFixed(1)} parts per scene on average), median of ${r.runs} runs, one core`,
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
    const result = benchSynth(parseArgs(process.argv.slice(2)));
    process.stdout.write(`${formatBenchSynth(result)}\n`);
    if (sink === -1) process.stdout.write("\n"); // keeps the rendered output observable
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
