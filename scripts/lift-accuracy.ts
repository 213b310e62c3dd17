// Accuracy (and speed) of 2D -> 3D lifting on synthetic scenes with exact amodal 3D truth.
//
//   npx tsx scripts/lift-accuracy.ts [--scenes N] [--seed S] [--out FILE] [--compare] [--no-speed] [--disk]
//                                    [--quick VARIANT_REGEX]
//
// Scenes are made exactly as `n3d synth` / writeSynthDataset makes them (same layout, renderer,
// annotations, sensor noise and seeds: scene i of run seed S uses deriveSeed(S, i)), but in memory:
// depth goes through the same 16-bit millimetre quantization the PNG on disk applies, intrinsics are
// the recorded (possibly wrong) ones, gravity the recorded one, masks are the annotations' RLE
// decoded, 2D boxes the annotations' COCO [x, y, w, h] turned into continuous pixel boxes, and the
// frame's RGB the rendered image (as the PNG on disk holds it; box-only lifting uses its colour).
// `--disk` also writes the first scenes with writeSynthDataset, reads them back and checks the
// in-memory frames are the same bytes.
//
// Every visible annotated object is lifted with liftObject (ours) and liftNaive (the baseline) and
// compared with the amodal truth `bbox3d` by exact yawed 3D IoU and centre error. Conditions: exact
// depth with masks, exact depth and default noise with boxes only, the light / default / heavy
// noise presets with masks, and focal-length errors of +-5 % and +-10 % (exact depth, masks). `--compare` also runs
// the option variants that chose DEFAULT_LIFT_OPTIONS. Speed: liftObject alone on 640x480 frames
// with 8 objects each. The box-only selection is also scored against the visible masks (precision,
// recall, what the wrong pixels are, and where the IoU is lost against lifting with the mask).
// `--quick REGEX` prints only the variants whose name matches and that diagnostic (experiments).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { writeFileAtomic } from "../src/fsutil.js";
import { centerOffset3d, iou3d, type Box2D, type Box3D, type ImageSize, type Intrinsics, type Vec3 } from "../src/geometry/index.js";
import { decodeRle } from "../src/formats/index.js";
import { createRng, deriveSeed } from "../src/random.js";
import { readDepth } from "../src/rgbd/index.js";
import {
  annotateScene,
  applySensorNoise,
  noisePreset,
  renderScene,
  sampleScenePlan,
  writeSynthDataset,
  type RenderedScene,
  type SceneAnnotation,
  type ScenePlan,
} from "../src/synth/index.js";
import { DEFAULT_LIFT_OPTIONS, liftObject, resolveLiftOptions, type LiftOptions } from "../src/lift/lift.js";
import { liftNaive } from "../src/lift/naive.js";
import { LiftBuffers } from "../src/lift/buffers.js";
import { pixelRect, selectPixels } from "../src/lift/select.js";
import type { LiftFrame, LiftOutcome, LiftTimings } from "../src/lift/types.js";

/** Evaluation seed; scripts/learn-lift-priors.ts trains on a different run seed (checked there). */
export const EVAL_SEED = 7;
const SYNTH_DEPTH_SCALE = 1000; // writeSynthDataset's PNG16 scale (millimetres)

// Scenes

/** One object to lift and its truth. */
export interface EvalObject {
  readonly label: string;
  /** Continuous pixel box from COCO [x, y, w, h]: x1 = x - 0.5 ... x2 = x + w - 0.5. */
  readonly bbox2d: Box2D;
  readonly mask: Uint8Array;
  /** Amodal truth box (camera frame). */
  readonly truth: Box3D;
  readonly visibleFraction: number;
  readonly truncated: boolean;
}

/** A rendered scene with its annotations, before any sensor. */
export interface RenderedSynthScene {
  readonly plan: ScenePlan;
  readonly rendered: RenderedScene;
  readonly annotations: readonly SceneAnnotation[];
  readonly sceneSeed: number;
}

/** Scene `index` of run `seed`, planned, rendered and annotated as writeSynthDataset does. */
export function renderSynthScene(seed: number, index: number, size: ImageSize, objects?: readonly [number, number]): RenderedSynthScene {
  const sceneSeed = deriveSeed(seed, index);
  const plan = sampleScenePlan(sceneSeed, { size, ...(objects ? { minObjects: objects[0], maxObjects: objects[1] } : {}) });
  const rendered = renderScene(plan);
  return { plan, rendered, annotations: annotateScene(plan, rendered), sceneSeed };
}

/** The visible annotated objects of a scene, as a runner would read them. */
export function evalObjects(scene: RenderedSynthScene): EvalObject[] {
  return scene.annotations.flatMap((a) => {
    if (!a.visible || a.bbox3d === null) return [];
    const [x, y, w, h] = a.bbox2d;
    return [
      {
        label: a.label,
        bbox2d: { x1: x - 0.5, y1: y - 0.5, x2: x + w - 0.5, y2: y + h - 0.5 },
        mask: decodeRle(a.mask),
        truth: { center: a.bbox3d.center as Vec3, size: a.bbox3d.size as Vec3, yaw: a.bbox3d.yaw },
        visibleFraction: a.visibleFraction,
        truncated: a.truncated,
      },
    ];
  });
}

/**
 * The frame a reader of the dataset gets for `noise`: sensor noise with the writer's seed, depth
 * quantized to millimetres like the PNG16 file, the recorded intrinsics (times `focalScale` on top,
 * for the intrinsics-error conditions) and the recorded gravity.
 */
export function sensedFrame(scene: RenderedSynthScene, noise: string, focalScale = 1): LiftFrame {
  const { size, intrinsics, gravity } = scene.plan.camera;
  const { rendered } = scene;
  const sensed = applySensorNoise(rendered.depthM, rendered.rgb, rendered.specular, size, intrinsics, noisePreset(noise), createRng(deriveSeed(scene.sceneSeed, 1)));
  const depthM = new Float32Array(sensed.depthM.length);
  for (let i = 0; i < depthM.length; i++) {
    const z = sensed.depthM[i]!;
    depthM[i] = z > 0 && Number.isFinite(z) ? Math.round(z * SYNTH_DEPTH_SCALE) / SYNTH_DEPTH_SCALE : 0;
  }
  const K: Intrinsics = { ...sensed.intrinsics, fx: sensed.intrinsics.fx * focalScale, fy: sensed.intrinsics.fy * focalScale };
  return { size, depthM, intrinsics: K, gravity, rgb: rendered.rgb };
}

// Conditions and methods

interface Condition {
  readonly name: string;
  readonly noise: string;
  readonly masks: boolean;
  readonly focalScale: number;
}

const CONDITIONS: readonly Condition[] = [
  { name: "exact depth + masks", noise: "none", masks: true, focalScale: 1 },
  { name: "exact depth + boxes only", noise: "none", masks: false, focalScale: 1 },
  { name: "default noise + boxes only", noise: "default", masks: false, focalScale: 1 },
  { name: "light noise + masks", noise: "light", masks: true, focalScale: 1 },
  { name: "default noise + masks", noise: "default", masks: true, focalScale: 1 },
  { name: "heavy noise + masks", noise: "heavy", masks: true, focalScale: 1 },
  { name: "focal +5% + masks", noise: "none", masks: true, focalScale: 1.05 },
  { name: "focal -5% + masks", noise: "none", masks: true, focalScale: 0.95 },
  { name: "focal +10% + masks", noise: "none", masks: true, focalScale: 1.1 },
  { name: "focal -10% + masks", noise: "none", masks: true, focalScale: 0.9 },
];

type Method = (frame: LiftFrame, object: EvalObject, masks: boolean) => LiftOutcome;

const ours = (options: LiftOptions): Method => (frame, o, masks) =>
  liftObject(frame, { label: o.label, bbox2d: o.bbox2d, ...(masks ? { mask: o.mask } : {}) }, options);
const naive: Method = (frame, o) => liftNaive(frame, { label: o.label, bbox2d: o.bbox2d });

/** One lifted object against its truth. */
interface Scored {
  readonly label: string;
  readonly kept: boolean;
  readonly reason: string | undefined;
  /** 3D IoU with the truth (0 when no box). */
  readonly iou: number;
  /** Centre error, metres and as a share of the truth's depth (Infinity when no box). */
  readonly centerErrM: number;
  readonly centerErrRel: number;
  readonly visibleFraction: number;
  readonly truncated: boolean;
  readonly extentMethod: string;
}

function score(outcome: LiftOutcome, o: EvalObject): Scored {
  const box = outcome.box;
  const iou = box ? iou3d(box, o.truth) : 0;
  const err = box ? centerOffset3d(box, o.truth) : Infinity;
  return {
    label: o.label,
    kept: outcome.verdict === "kept",
    reason: outcome.reason,
    iou,
    centerErrM: err,
    centerErrRel: err / o.truth.center[2],
    visibleFraction: o.visibleFraction,
    truncated: o.truncated,
    extentMethod: outcome.extentMethod,
  };
}

// Statistics

const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const mean = (xs: readonly number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : "-");
const pc = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "-");

interface Summary {
  readonly n: number;
  readonly keptShare: number;
  readonly meanIou: number;
  readonly medianIou: number;
  readonly medianErrM: number;
  readonly medianErrRel: number;
  readonly medianIouAll: number;
  readonly medianIouRejected: number;
  readonly rejected: number;
}

function summarize(rows: readonly Scored[]): Summary {
  const kept = rows.filter((r) => r.kept);
  const rejected = rows.filter((r) => !r.kept);
  return {
    n: rows.length,
    keptShare: kept.length / rows.length,
    meanIou: mean(kept.map((r) => r.iou)),
    medianIou: median(kept.map((r) => r.iou)),
    medianErrM: median(kept.map((r) => r.centerErrM)),
    medianErrRel: median(kept.map((r) => r.centerErrRel)),
    medianIouAll: median(rows.map((r) => r.iou)),
    medianIouRejected: median(rejected.map((r) => r.iou)),
    rejected: rejected.length,
  };
}

// The run

interface Data {
  readonly scenes: readonly RenderedSynthScene[];
  readonly objects: readonly (readonly EvalObject[])[];
  /** Frames per distinct (noise, focalScale), per scene. */
  readonly frames: Map<string, LiftFrame[]>;
}

function frameKey(c: Condition): string {
  return `${c.noise}@${c.focalScale}`;
}

function buildData(scenes: number, seed: number, size: ImageSize): Data {
  const rendered = Array.from({ length: scenes }, (_, i) => renderSynthScene(seed, i, size));
  const frames = new Map<string, LiftFrame[]>();
  for (const c of CONDITIONS) {
    const key = frameKey(c);
    if (!frames.has(key)) frames.set(key, rendered.map((s) => sensedFrame(s, c.noise, c.focalScale)));
  }
  return { scenes: rendered, objects: rendered.map(evalObjects), frames };
}

function runCondition(data: Data, c: Condition, method: Method): Scored[] {
  const frames = data.frames.get(frameKey(c))!;
  const out: Scored[] = [];
  data.objects.forEach((objects, s) => {
    for (const o of objects) out.push(score(method(frames[s]!, o, c.masks), o));
  });
  return out;
}

function mainTable(data: Data, options: LiftOptions): { text: string; perCondition: Map<string, Scored[]> } {
  const lines = [
    "| method | condition | N | kept | mean IoU | median IoU | median centre err (m) | median centre err (% depth) | median IoU, all | median IoU, rejected |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  const perCondition = new Map<string, Scored[]>();
  for (const [name, method] of [["ours", ours(options)], ["naive", naive]] as const) {
    for (const c of CONDITIONS) {
      const rows = runCondition(data, c, method);
      if (name === "ours") perCondition.set(c.name, rows);
      const s = summarize(rows);
      lines.push(
        `| ${name} | ${c.name} | ${s.n} | ${pc(s.keptShare)} | ${f3(s.meanIou)} | ${f3(s.medianIou)} | ${f3(s.medianErrM)} | ${pc(s.medianErrRel)} | ${f3(s.medianIouAll)} | ${s.rejected ? f3(s.medianIouRejected) : "-"} |`,
      );
    }
  }
  return { text: lines.join("\n"), perCondition };
}

function categoryTable(rows: readonly Scored[]): string {
  const labels = [...new Set(rows.map((r) => r.label))].sort();
  const lines = [
    "| category | N | kept | median IoU | median centre err (% depth) | completed by prior |",
    "|---|---:|---:|---:|---:|---:|",
  ];
  for (const label of labels) {
    const mine = rows.filter((r) => r.label === label);
    const s = summarize(mine);
    const kept = mine.filter((r) => r.kept);
    const prior = kept.filter((r) => r.extentMethod === "prior").length / Math.max(1, kept.length);
    lines.push(`| ${label} | ${s.n} | ${pc(s.keptShare)} | ${f3(s.medianIou)} | ${pc(s.medianErrRel)} | ${pc(prior)} |`);
  }
  return lines.join("\n");
}

function rejectionTable(rows: readonly Scored[]): string {
  const reasons = [...new Set(rows.filter((r) => !r.kept).map((r) => r.reason!))].sort();
  const lines = [
    "| verdict | N | median IoU | median visible fraction | truncated (truth) |",
    "|---|---:|---:|---:|---:|",
  ];
  const line = (name: string, group: readonly Scored[]) =>
    lines.push(`| ${name} | ${group.length} | ${f3(median(group.map((r) => r.iou)))} | ${f3(median(group.map((r) => r.visibleFraction)))} | ${pc(group.filter((r) => r.truncated).length / Math.max(1, group.length))} |`);
  line("kept", rows.filter((r) => r.kept));
  for (const reason of reasons) line(`rejected: ${reason}`, rows.filter((r) => r.reason === reason));
  return lines.join("\n");
}

/** Named option variants: what chose each default (median IoU of kept objects per condition). */
const VARIANTS: readonly (readonly [string, Partial<LiftOptions>])[] = [
  ["defaults", {}],
  ["outliers: none", { outlierMethod: "none" }],
  ["outliers: percentile 2%", { outlierMethod: "percentile", trimPercent: 2 }],
  ["outliers: percentile 5%", { outlierMethod: "percentile", trimPercent: 5 }],
  ["outliers: MAD k=3", { outlierMethod: "mad", madK: 3 }],
  ["outliers: MAD k=5", { outlierMethod: "mad", madK: 5 }],
  ["outliers: MAD k=4", { outlierMethod: "mad", madK: 4 }],
  ["outliers: cluster, gap 10 cm / 4 %", { clusterGapM: 0.1, clusterGapRel: 0.04 }],
  ["depth filter: none", { depthFilter: "none" }],
  ["depth filter: median5", { depthFilter: "median5" }],
  ["noisy from 0 (always filter, trim)", { noisyDepthM: 0 }],
  ["noisy from 1 mm", { noisyDepthM: 0.001 }],
  ["noisy from 2 mm", { noisyDepthM: 0.002 }],
  ["mask boundary: erode", { maskBoundary: "erode" }],
  ["hidden extent: visible", { hiddenExtent: "visible" }],
  ["gravity: off", { useGravity: false }],
  ["yaw: min-area rectangle", { yawMethod: "min-area" }],
  ["yaw: closeness, floor 3 cm", { closenessFloorM: 0.03 }],
  ["yaw: closeness, floor 3 mm", { closenessFloorM: 0.003 }],
  ["noisy extents: p0", { extentPercent: 0 }],
  ["noisy extents: p2", { extentPercent: 2 }],
  ["noisy extents: p5", { extentPercent: 5 }],
  ["clean extents: p1", { cleanExtentPercent: 1 }],
  ["maxPoints 512", { maxPoints: 512 }],
  ["maxPoints 8192", { maxPoints: 8192 }],
  ["box gate 0.1", { boxGateSizeShare: 0.1 }],
  ["box gate 0.5", { boxGateSizeShare: 0.5 }],
  ["box gate 1.0", { boxGateSizeShare: 1 }],
  ["box min cluster 0.2", { boxMinClusterShare: 0.2 }],
  ["box min cluster 0.5", { boxMinClusterShare: 0.5 }],
  ["box support: off", { boxSupportTolM: 0 }],
  ["box support: 1 cm", { boxSupportTolM: 0.01 }],
  ["box support: 3 cm", { boxSupportTolM: 0.03 }],
  ["box support: 5 cm", { boxSupportTolM: 0.05 }],
  ["box support: noisy 2 cm", { boxNoisySupportTolM: 0.02 }],
  ["box support: noisy 5 cm", { boxNoisySupportTolM: 0.05 }],
  ["box clean gate 0.25", { boxCleanGateSizeShare: 0.25 }],
  ["box clean gate 0.75", { boxCleanGateSizeShare: 0.75 }],
  ["box clean gate 1.0", { boxCleanGateSizeShare: 1 }],
  ["box extents: p0.5", { boxExtentPercent: 0.5 }],
  ["box extents: p2", { boxExtentPercent: 2 }],
  ["box extents: p3", { boxExtentPercent: 3 }],
  ["box extents: p5", { boxExtentPercent: 5 }],
  ["box clean extents: p0", { boxCleanExtentPercent: 0 }],
  ["box clean extents: p2", { boxCleanExtentPercent: 2 }],
  ["box touch margin 0 (outermost line)", { boxTouchMargin: 0 }],
  ["box touch margin 0.05", { boxTouchMargin: 0.05 }],
  ["box touch margin 0.2", { boxTouchMargin: 0.2 }],
  ["box touch: off", { boxTouchShare: 0 }],
  ["box touch: 0.03", { boxTouchShare: 0.03 }],
  ["box touch: 0.05", { boxTouchShare: 0.05 }],
  ["box touch: 0.2", { boxTouchShare: 0.2 }],
  ["box core 0.3", { boxCoreShare: 0.3 }],
  ["box core 0.7", { boxCoreShare: 0.7 }],
  ["box: no colour, no 2D-box cover (as before RGB)", { boxColourRatio: 0, boxColourCoreRatio: 0, boxCover: "off" }],
  ["box colour: drop off", { boxColourRatio: 0 }],
  ["box colour: ratio 1", { boxColourRatio: 1 }],
  ["box colour: ratio 2", { boxColourRatio: 2 }],
  ["box colour: ratio 3", { boxColourRatio: 3 }],
  ["box colour: ratio 5", { boxColourRatio: 5 }],
  ["box colour: bins 4", { boxColourBins: 4 }],
  ["box colour: bins 16", { boxColourBins: 16 }],
  ["box colour: ring 0.05", { boxColourRingShare: 0.05 }],
  ["box colour: ring 0.2", { boxColourRingShare: 0.2 }],
  ["box colour: max drop 0.4", { boxColourMaxDrop: 0.4 }],
  ["box colour: max drop 0.8", { boxColourMaxDrop: 0.8 }],
  ["box colour core: off", { boxColourCoreRatio: 0 }],
  ["box colour core: ratio 1", { boxColourCoreRatio: 1 }],
  ["box colour core: ratio 1.5", { boxColourCoreRatio: 1.5 }],
  ["box colour core: ratio 3", { boxColourCoreRatio: 3 }],
  ["box colour core: ratio 5", { boxColourCoreRatio: 5 }],
  ["box colour: all off (a frame without RGB)", { boxColourCoreRatio: 0, boxColourRatio: 0 }],
  ["box colour: sampled share 0.5", { boxColourCoreShare: 0.5 }],
  ["box colour: sampled share 0.8", { boxColourCoreShare: 0.8 }],
  ["box colour: touch share 0.02", { boxTouchShare: 0.02 }],
  ["box colour: model core 0.3", { boxCoreShare: 0.3 }],
  ["box colour: model core 0.7", { boxCoreShare: 0.7 }],
  ["box cover: off", { boxCover: "off" }],
  ["box cover: match (clamp both ways)", { boxCover: "match" }],
  ["box cover: lateral sides only", { boxCoverSides: "lateral" }],
  ["box cover: match, lateral sides only", { boxCover: "match", boxCoverSides: "lateral" }],
  ["box cover: max 0.2", { boxCoverMaxShare: 0.2 }],
  ["box cover: max 1", { boxCoverMaxShare: 1 }],
  ["truncation: cut share 0.5", { maxBorderCutShare: 0.5 }],
  ["truncation: cut share 0.9", { maxBorderCutShare: 0.9 }],
  ["min mask area 40 px", { minMaskAreaPx: 40 }],
  ["no size check", { checkSize: false }],
  ["no filters", { minMaskAreaPx: 0, maxImageShare: 1, minValidPixels: 0, minDepthM: 0, maxDepthM: 1e9, maxBorderCutShare: 1, checkSize: false }],
];

/** The conditions the variant table shows. */
const COMPARED = ["exact depth + masks", "exact depth + boxes only", "default noise + boxes only", "light noise + masks", "default noise + masks", "heavy noise + masks"];

function compareTable(data: Data, include: (name: string) => boolean = () => true): string {
  const shown = COMPARED.map((name) => CONDITIONS.find((c) => c.name === name)!);
  const lines = [
    `| variant | ${shown.map((c) => `${c.name}: median IoU kept / all / kept share`).join(" | ")} |`,
    `|---|${shown.map(() => "---:").join("|")}|`,
  ];
  for (const [name, partial] of VARIANTS) {
    if (!include(name)) continue;
    const options = resolveLiftOptions(partial);
    const cells = shown.map((c) => {
      const s = summarize(runCondition(data, c, ours(options)));
      return `${f3(s.medianIou)} / ${f3(s.medianIouAll)} / ${pc(s.keptShare)}`;
    });
    lines.push(`| ${name} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

// Box-only selection against the mask

/**
 * How well the box-only selection (default options) finds the object: precision = share of the
 * sampled pixels inside the object's visible mask, recall = share of the mask's valid-depth pixels
 * on the same sampling grid that were selected; medians over objects of the given noise's frames.
 */
function selectionDiagnostic(data: Data, noise: string): string {
  const frames = data.frames.get(`${noise}@1`)!;
  const buffers = new LiftBuffers();
  const precision: number[] = [];
  const recall: number[] = [];
  let wrongObject = 0;
  let wrongBackground = 0;
  let wrongLow = 0;
  const lossBy = [0, 0, 0, 0];
  const errs = [0, 1].map(() => Array.from({ length: 8 }, () => [] as number[]));
  const countBy = [0, 0, 0, 0];
  data.objects.forEach((objects, s) => {
    const frame = frames[s]!;
    const ids = data.scenes[s]!.rendered.objectIndex;
    const g = frame.gravity ?? [0, 1, 0];
    const { fx, fy, cx, cy } = frame.intrinsics;
    const height = (i: number): number => {
      const u = i % frame.size.width;
      const v = (i - u) / frame.size.width;
      const z = frame.depthM[i]!;
      return g[0] * ((u - cx) / fx) * z + g[1] * ((v - cy) / fy) * z + g[2] * z;
    };
    const { width } = frame.size;
    for (const o of objects) {
      const sel = selectPixels(frame, { label: o.label, bbox2d: o.bbox2d }, DEFAULT_LIFT_OPTIONS, buffers);
      if (sel.sampled === 0) continue;
      let hit = 0;
      let bottom = -Infinity;
      for (let j = 0; j < sel.sampled; j++) if (o.mask[buffers.pixelIndex[j]!] !== 0) bottom = Math.max(bottom, height(buffers.pixelIndex[j]!));
      for (let j = 0; j < sel.sampled; j++) {
        const i = buffers.pixelIndex[j]!;
        if (o.mask[i] !== 0) hit++;
        else if (ids[i]! >= 0) wrongObject++;
        else {
          wrongBackground++;
          if (height(i) > bottom - 0.03) wrongLow++;
        }
      }
      const rect = pixelRect(o.bbox2d, width, frame.size.height);
      let onGrid = 0;
      if (rect) {
        for (let v = rect.v0; v <= rect.v1; v += sel.stride) {
          for (let u = rect.u0; u <= rect.u1; u += sel.stride) {
            const i = v * width + u;
            if (o.mask[i] !== 0 && frame.depthM[i]! > 0) onGrid++;
          }
        }
      }
      precision.push(hit / sel.sampled);
      if (onGrid > 0) recall.push(hit / onGrid);
      const target = { label: o.label, bbox2d: o.bbox2d };
      const byBox = liftObject(frame, target);
      const byMask = liftObject(frame, { ...target, mask: o.mask });
      const loss = (byMask.box ? iou3d(byMask.box, o.truth) : 0) - (byBox.box ? iou3d(byBox.box, o.truth) : 0);
      const p = hit / sel.sampled;
      const r = onGrid > 0 ? hit / onGrid : 0;
      const group = p < 0.8 && r < 0.8 ? 3 : p < 0.8 ? 1 : r < 0.8 ? 2 : 0;
      lossBy[group]! += loss;
      countBy[group]!++;
      for (const [k, out] of [[0, byBox], [1, byMask]] as const) {
        if (!out.box || out.verdict !== "kept") continue;
        for (let a = 0; a < 3; a++) errs[k]![a]!.push(Math.abs(Math.log(out.box.size[a]! / o.truth.size[a]!)));
        errs[k]![3]!.push(centerOffset3d(out.box, o.truth));
        errs[k]![4]!.push(Math.abs(out.box.center[2] - o.truth.center[2]));
        errs[k]![5]!.push(Math.abs(out.box.center[1] - o.truth.center[1]));
        errs[k]![6]!.push(Math.log(out.box.size[0] / o.truth.size[0]));
        errs[k]![7]!.push(Math.log(out.box.size[2] / o.truth.size[2]));
      }
    }
  });
  const below = (xs: number[], t: number) => xs.filter((x) => x < t).length / xs.length;
  const wrong = wrongObject + wrongBackground;
  const groups = ["precision and recall >= 0.8", "precision < 0.8", "recall < 0.8", "both < 0.8"];
  const lossText = groups.map((g, k) => `${g}: ${countBy[k]} objects, IoU loss vs mask ${lossBy[k]!.toFixed(1)}`).join("; ");
  return `- box selection, noise ${noise}: wrong pixels: other objects ${pc(wrongObject / wrong)}, background ${pc(wrongBackground / wrong)} (within 3 cm of the object's bottom or lower: ${pc(wrongLow / wrong)}); median precision ${f3(median(precision))} (mean ${f3(mean(precision))}, < 0.8: ${pc(below(precision, 0.8))}), median recall ${f3(median(recall))} (mean ${f3(mean(recall))}, < 0.8: ${pc(below(recall, 0.8))})\n  - ${lossText}\n  - median |log size ratio| x/y/z, centre err, |dz|, |dy| (m), signed log x, z, box vs mask: ${errs.map((e) => e.map((xs) => f3(median(xs))).join(" / ")).join("  vs  ")}`;
}

// Speed

interface SpeedResult {
  readonly objectsPerImage: number;
  readonly imagesPerSecond: number;
  readonly microsPerObject: number;
  readonly stageMicrosPerObject: LiftTimings;
  readonly meanMaskPx: number;
}

/** liftObject alone (no decode) on 640x480 frames holding 8 visible objects each. */
export function measureSpeed(masks: boolean, seconds = 3): SpeedResult {
  const size = { width: 640, height: 480 };
  const cases: { frame: LiftFrame; objects: EvalObject[] }[] = [];
  for (let i = 0; cases.length < 6 && i < 400; i++) {
    const scene = renderSynthScene(0x5eed, i, size, [10, 14]);
    const objects = evalObjects(scene);
    if (objects.length >= 8) cases.push({ frame: sensedFrame(scene, "default"), objects: objects.slice(0, 8) });
  }
  const targets = cases.map((c) => c.objects.map((o) => ({ label: o.label, bbox2d: o.bbox2d, ...(masks ? { mask: o.mask } : {}) })));
  const liftAll = (timings?: LiftTimings) => {
    cases.forEach((c, k) => {
      for (const t of targets[k]!) liftObject(c.frame, t, DEFAULT_LIFT_OPTIONS, timings);
    });
  };
  for (let w = 0; w < 20; w++) liftAll(); // warm-up (JIT)
  let images = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    liftAll();
    images += cases.length;
  }
  const elapsed = (performance.now() - start) / 1000;
  const timings: LiftTimings = { select: 0, backProject: 0, fit: 0, filter: 0 };
  const reps = 50;
  for (let r = 0; r < reps; r++) liftAll(timings);
  const objectsTimed = reps * cases.length * 8;
  const per = (ms: number) => (1000 * ms) / objectsTimed;
  const meanMaskPx = mean(cases.flatMap((c) => c.objects.map((o) => o.mask.reduce((a, b) => a + b, 0))));
  return {
    objectsPerImage: 8,
    imagesPerSecond: images / elapsed,
    microsPerObject: (1e6 * elapsed) / (images * 8),
    stageMicrosPerObject: { select: per(timings.select), backProject: per(timings.backProject), fit: per(timings.fit), filter: per(timings.filter) },
    meanMaskPx,
  };
}

export function speedText(label: string, s: SpeedResult): string {
  const t = s.stageMicrosPerObject;
  return (
    `- ${label}: ${s.imagesPerSecond.toFixed(0)} images/s (${s.microsPerObject.toFixed(1)} µs/object; stages µs/object: ` +
    `select ${t.select.toFixed(1)}, backProject ${t.backProject.toFixed(1)}, outliers+fit ${t.fit.toFixed(1)}, filter ${t.filter.toFixed(1)}; mean mask ${s.meanMaskPx.toFixed(0)} px)`
  );
}

// Disk check

/** Write `count` scenes with writeSynthDataset, read depth back, and compare with the in-memory frames. */
async function diskCheck(seed: number, size: ImageSize, count: number, noise: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "n3d-lift-accuracy-"));
  try {
    await writeSynthDataset({ outDir: dir, count, seed, size, noise });
    let maxDiff = 0;
    let focalDiff = 0;
    for (let i = 0; i < count; i++) {
      const stem = String(i).padStart(6, "0");
      const onDisk = await readDepth(join(dir, "depth", `${stem}.png`), { scale: SYNTH_DEPTH_SCALE });
      const scene = renderSynthScene(seed, i, size);
      const frame = sensedFrame(scene, noise);
      for (let p = 0; p < frame.depthM.length; p++) maxDiff = Math.max(maxDiff, Math.abs(frame.depthM[p]! - onDisk.depthM[p]!));
      const coco = JSON.parse(await (await import("node:fs/promises")).readFile(join(dir, "scenes", `${stem}.json`), "utf8")) as {
        image: { intrinsics: Intrinsics };
      };
      focalDiff = Math.max(focalDiff, Math.abs(coco.image.intrinsics.fx - frame.intrinsics.fx));
    }
    return `- disk check (${count} scenes, noise ${noise}): max |depth in memory - depth PNG read back| = ${maxDiff} m, max |fx difference| = ${focalDiff.toExponential(2)} px`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Main

interface Flags {
  scenes: number;
  seed: number;
  out: string | null;
  compare: boolean;
  speed: boolean;
  disk: boolean;
  /** Only the variant table (variants whose name matches) and the box-selection diagnostic: for quick experiments. */
  quick: RegExp | null;
}

function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = { scenes: 200, seed: EVAL_SEED, out: null, compare: false, speed: true, disk: false, quick: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === "--scenes") flags.scenes = Number.parseInt(value(), 10);
    else if (arg === "--seed") flags.seed = Number.parseInt(value(), 10);
    else if (arg === "--out") flags.out = value();
    else if (arg === "--compare") flags.compare = true;
    else if (arg === "--no-speed") flags.speed = false;
    else if (arg === "--disk") flags.disk = true;
    else if (arg === "--quick") flags.quick = new RegExp(value());
    else throw new Error(`unknown flag ${arg}; usage: lift-accuracy.ts [--scenes N] [--seed S] [--out FILE] [--compare] [--no-speed] [--disk] [--quick VARIANT_REGEX]`);
  }
  if (!(flags.scenes >= 1)) throw new Error(`--scenes must be >= 1`);
  return flags;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const size = { width: 320, height: 240 };
  const t0 = performance.now();
  const data = buildData(flags.scenes, flags.seed, size);
  if (flags.quick) {
    const pattern = flags.quick;
    const report = [compareTable(data, (name) => pattern.test(name)), ``, selectionDiagnostic(data, "none"), selectionDiagnostic(data, "default")].join("\n");
    process.stdout.write(`${report}\n\nTotal time ${((performance.now() - t0) / 1000).toFixed(1)} s.\n`);
    return;
  }
  const { text, perCondition } = mainTable(data, DEFAULT_LIFT_OPTIONS);
  const main = perCondition.get(CONDITIONS[0]!.name)!;
  const parts = [
    `# Lifting accuracy on synthetic scenes`,
    ``,
    `${flags.scenes} scenes per condition, ${size.width}x${size.height}, evaluation seed ${flags.seed}; ${data.objects.reduce((a, o) => a + o.length, 0)} visible objects per condition. ` +
      `Metrics over the objects the filters keep (naive keeps all); "all" counts rejected objects with their box (IoU 0 without one). ` +
      `Command: npx tsx scripts/lift-accuracy.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(" ")}` : ""}`,
    ``,
    text,
    ``,
    `## Per category (ours, exact depth + masks)`,
    ``,
    categoryTable(main),
    ``,
    `## Kept vs rejected (ours, exact depth + masks)`,
    ``,
    rejectionTable(main),
    ``,
    `## Kept vs rejected (ours, default noise + masks)`,
    ``,
    rejectionTable(perCondition.get("default noise + masks")!),
  ];
  parts.push(``, `## Box-only selection against the visible mask (default options)`, ``, selectionDiagnostic(data, "none"), selectionDiagnostic(data, "default"));
  if (flags.compare) parts.push(``, `## Option variants (ours; median IoU of the kept objects / of all objects / kept share)`, ``, compareTable(data));
  if (flags.speed) {
    parts.push(``, `## Speed (liftObject only, 640x480, 8 objects per image, default noise, one core)`, ``);
    parts.push(speedText("masks", measureSpeed(true)));
    parts.push(speedText("boxes only", measureSpeed(false)));
  }
  if (flags.disk) parts.push(``, await diskCheck(flags.seed, size, 5, "default"));
  parts.push(``, `Total time ${((performance.now() - t0) / 1000).toFixed(1)} s.`);
  const report = parts.join("\n");
  process.stdout.write(`${report}\n`);
  if (flags.out) await writeFileAtomic(flags.out, `${report}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((err: unknown) => {
    process.stderr.write(`lift-accuracy: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
