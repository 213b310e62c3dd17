import { readFile } from "node:fs/promises";
import { InputError } from "../errors.js";
import { decodeRle, type CocoRle } from "../formats/index.js";
import { iou3d, type Box3D } from "../geometry/index.js";
import { generateQa, readRepository, sceneFilePath, type QaRecord, type QaScene } from "../qa/index.js";
import type { AnswerValue } from "../reason/index.js";
import { loadFrame, OVERLAY_PALETTE, renderBoxOverlay, type RGBDFrame } from "../rgbd/index.js";
import { ask, type AskResult } from "./ask.js";
import { renderAskOverlay } from "./overlay.js";
import { createRegionsGrounder } from "./regions.js";
import type { RegionPrompt } from "./types.js";

/**
 * The demo behind `n3d demo`: on a small 3D-annotated dataset (the committed `examples/synth`
 * scenes by default) it grounds every annotated object by lifting its 2D mask with the frame's
 * depth (the data engine's path, as for a labelled detector's output), asks questions of several
 * types drawn by the QA generator, answers them with ask() (ground, then the executed program),
 * and checks each answer against the program run on the dataset's true 3D boxes. The caller
 * (cli/demo.ts) writes the HTML page; this module only computes.
 */

/** Objects seen by fewer pixels than this are left out of the demo's questions (too small to lift well). */
export const DEMO_MIN_PIXELS = 25;

/** Question types the demo asks, one concept each: metric, comparative, direction, counting. */
export const DEMO_TYPES: readonly string[] = [
  "direct_distance",
  "height_data",
  "closer_to_camera",
  "left_choice",
  "direction",
  "tall_predicate",
  "closest_to",
  "count_within_distance",
];

export interface DemoOptions {
  /** The dataset's annotations.json (COCO layout with depth_file, intrinsics, bbox3d and masks). */
  readonly annotationsPath: string;
  /** Questions per scene (default 4). */
  readonly questionsPerScene?: number;
  /** QA generator seed (default 2026). */
  readonly seed?: number;
  /**
   * Whether an answer agrees with the truth (the program's answer on the true boxes). Default: the
   * same value exactly; the CLI passes the benchmarks' rules (25% for lengths, one hour for clocks).
   */
  readonly agrees?: (answer: AnswerValue, truth: AnswerValue) => boolean;
  /** Called after each scene (for progress). */
  readonly onScene?: (done: number, total: number) => void;
}

/** One grounded object of a scene, with its truth. */
export interface DemoObject {
  readonly name: string;
  readonly label: string;
  /** The lifted box, or null when lifting could not fit one. */
  readonly lifted: Box3D | null;
  readonly truth: Box3D;
  /** 3D IoU of lifted vs truth (0 when not lifted). */
  readonly iou: number;
  readonly pixels: number;
}

export interface DemoQuestion {
  readonly record: QaRecord;
  /** ask()'s result, or null with `error` when it could not answer. */
  readonly result: AskResult | null;
  readonly error?: string;
  /** The answer agrees with the program run on the true boxes. */
  readonly correct: boolean;
  /** PNG bytes: the frame with the boxes the answer used. */
  readonly overlayPng: Uint8Array | null;
}

export interface DemoScene {
  readonly scene: QaScene;
  readonly objects: readonly DemoObject[];
  /** PNG bytes: every lifted box over the image. */
  readonly overlayPng: Uint8Array;
  readonly questions: readonly DemoQuestion[];
}

export interface DemoResult {
  readonly scenes: readonly DemoScene[];
  readonly asked: number;
  readonly correct: number;
  readonly meanIou: number;
}

interface CocoAnnotation {
  readonly id: number | string;
  readonly segmentation?: CocoRle;
  readonly area?: number;
}

async function readMasks(path: string): Promise<Map<string, { mask: Uint8Array; pixels: number }>> {
  const doc = JSON.parse(await readFile(path, "utf8")) as { annotations?: CocoAnnotation[] };
  const out = new Map<string, { mask: Uint8Array; pixels: number }>();
  for (const a of doc.annotations ?? []) {
    if (a.segmentation === undefined || Array.isArray(a.segmentation)) continue;
    const mask = decodeRle(a.segmentation, `${path}: annotation ${a.id}`);
    let pixels = 0;
    for (const m of mask) pixels += m === 0 ? 0 : 1;
    out.set(String(a.id), { mask, pixels });
  }
  return out;
}

async function sceneFrame(scene: QaScene): Promise<RGBDFrame> {
  const frame = await loadFrame({
    image: sceneFilePath(scene, scene.imageFile),
    depth: sceneFilePath(scene, scene.depthFile),
    ...(scene.depthScale !== undefined ? { depthScale: scene.depthScale } : {}),
    intrinsics: scene.intrinsics,
  });
  return scene.gravity !== undefined ? { ...frame, gravity: scene.gravity } : frame;
}

function sameValue(answer: AnswerValue, truth: AnswerValue): boolean {
  return JSON.stringify(answer) === JSON.stringify(truth);
}

/** Run the demo over every scene of the dataset. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const perScene = options.questionsPerScene ?? 4;
  if (!Number.isInteger(perScene) || perScene < 1) throw new InputError("runDemo", "questionsPerScene", perScene, "must be an integer >= 1");
  const repo = await readRepository(options.annotationsPath);
  const masks = await readMasks(repo.annotationsPath);
  const grounder = createRegionsGrounder();
  const scenes: DemoScene[] = [];
  let asked = 0;
  let correct = 0;
  let iouSum = 0;
  let iouCount = 0;
  try {
    for (const [index, scene] of repo.scenes.entries()) {
      const frame = await sceneFrame(scene);
      // The dataset's 2D masks, labelled: what a detector with masks would hand over.
      const seen = scene.objects.filter((o) => (masks.get(String(o.annotationId))?.pixels ?? 0) >= DEMO_MIN_PIXELS);
      const regions: RegionPrompt[] = seen.map((o) => ({ mask: masks.get(String(o.annotationId))!.mask, label: o.label, ...(o.attributes ? { attributes: o.attributes } : {}) }));
      const grounded = regions.length > 0 ? await grounder.ground(frame, { kind: "regions", regions }) : [];
      const objects: DemoObject[] = seen.map((o, k) => {
        const hit = grounded.find((g) => g.region === k);
        const iou = hit ? iou3d(hit.box, o.box) : 0;
        iouSum += iou;
        iouCount++;
        return { name: o.name, label: o.label, lifted: hit?.box ?? null, truth: o.box, iou, pixels: masks.get(String(o.annotationId))!.pixels };
      });
      const overlayPng = await renderBoxOverlay(
        { size: frame.size, rgb: frame.rgb },
        frame.intrinsics,
        objects.flatMap((o, k) => (o.lifted === null ? [] : [{ label: o.name, box: o.lifted, color: OVERLAY_PALETTE[k % OVERLAY_PALETTE.length]! }])),
      );

      // Questions about well-seen objects only, one per type, in DEMO_TYPES order.
      const visible = { ...scene, objects: seen };
      const records = generateQa([visible], { seed: options.seed ?? 2026, forms: ["reasoning"], types: DEMO_TYPES, heldOut: 0, perImage: 1 });
      const questions: DemoQuestion[] = [];
      for (const record of records.slice(0, perScene)) {
        asked++;
        try {
          const result = await ask(frame, record.question, { grounder, regions });
          const truth = record.answerValue as AnswerValue;
          const ok = result.answer !== null && (options.agrees ?? sameValue)(result.answer, truth);
          if (ok) correct++;
          questions.push({ record, result, correct: ok, overlayPng: await renderAskOverlay(frame, result) });
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          questions.push({ record, result: null, error: err.message, correct: false, overlayPng: null });
        }
      }
      scenes.push({ scene, objects, overlayPng, questions });
      options.onScene?.(index + 1, repo.scenes.length);
    }
  } finally {
    await grounder.dispose();
  }
  return { scenes, asked, correct, meanIou: iouCount === 0 ? 0 : iouSum / iouCount };
}
