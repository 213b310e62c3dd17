import { InputError } from "../errors.js";
import { BalanceTracker, DETECTION_TEMPLATES, drawReasoning, fillTemplate, GROUNDING_TEMPLATES, type DrawSettings, type QaScene, type QaSceneObject } from "../qa/index.js";
import { getProgram } from "../reason/index.js";
import type { Rng } from "../random.js";
import type { RGBDFrame } from "../rgbd/index.js";
import type { Box3D } from "../geometry/index.js";
import { encodeBox } from "./box-tokens.js";
import { EOS, normalizeLabel, objectTokens, programTailTokens, valueTailTokens } from "./answer-grammar.js";
import { patchGrid, type ModelConfig } from "./config.js";
import type { Tokenizer } from "./tokenizer.js";
import { visionInputs, type VisionInputs } from "./vision-inputs.js";

/**
 * Training samples: one (frame, prompt, answer) triple as the model trains on it.
 *
 * Tasks (the paper's two stages):
 * - stage 1, `detect`: a detection phrasing -> every object of the scene, left to right (the
 *   repository's order, qa/repository.ts), each `<obj> label bins </obj>`, then <eos>;
 * - stage 1, `ground`: a grounding phrasing naming a category -> its instances, left to right
 *   (none when the category is absent from the scene: the answer is just <eos>);
 * - stage 2, `reason`: a question drawn by qa/'s generator -> grounding-first: the boxes of the
 *   objects the program uses, named as the question names them (`<#1> chair` for `1_chair`), in
 *   the program's role order, then `<prog> <p:TYPE>` and its arguments; end-to-end: `<ans>
 *   <p:TYPE>` and the answer value (answer-grammar.ts has the grammar).
 * Answers are written with the frame's own intrinsics and size (u, v are normalized, so the same
 * tokens hold for the resized model input).
 */

/** A sample's task. */
export type SampleTask = "detect" | "ground" | "reason";

/** Where a sample came from and what it says, for logs and checks. */
export interface SampleMeta {
  /** Index in its stream (see stage-data.ts), -1 when built directly. */
  readonly index: number;
  /** The stage of the stream it came from (a stage-1 task mixed into stage 2 says 2; `task` tells which). */
  readonly stage: 1 | 2;
  readonly task: SampleTask;
  /** The scene's id (its source's name and index, or the repository image id). */
  readonly sceneId: string;
  readonly prompt: string;
  /** The answer as readable text (Tokenizer.decode). */
  readonly answer: string;
  /** ground: the category asked for. */
  readonly category?: string;
  /** reason: the question type. */
  readonly type?: string;
  /** Names of the objects whose boxes the answer holds, in order. */
  readonly objects: readonly string[];
  /** Objects left out of a detect / ground answer because a box value is outside the token range. */
  readonly skipped: readonly string[];
}

/** One training sample. Shapes: P vision tokens (cfg patch grid). */
export interface TrainingSample {
  /** [P, patchSize^2 * 3] image patches (vision-inputs.ts). */
  readonly pixels: Float32Array;
  /** [P, dModel] depth-aware positional encoding (zeros when cfg.depthPE is false). */
  readonly depthPE: Float32Array;
  /** [P] mean planar depth per patch, metres (0 = no valid depth). */
  readonly patchDepth: Float32Array;
  /** [P] label of the object covering each patch (training's auxiliary target), when known. */
  readonly patchLabels?: readonly (string | null)[];
  /** [P] that object's seven box tokens (training's auxiliary target), when known. */
  readonly patchBoxes?: readonly (readonly string[] | null)[];
  /** <bos> prompt <sep>. */
  readonly promptIds: Int32Array;
  /** The answer, ending with <eos>. */
  readonly answerIds: Int32Array;
  readonly meta: SampleMeta;
}

/** A scene ready for sampling: its named objects and its vision inputs (computed once, reused). */
export interface PreparedScene {
  readonly id: string;
  readonly scene: QaScene;
  readonly vision: VisionInputs;
  /** [P] category of the object covering each patch, null where none does (only when an {@link ObjectMap} is known). */
  readonly patchLabels?: readonly (string | null)[];
  /** [P] the seven box tokens of that object (null where none, or its box is outside the token range). */
  readonly patchBoxes?: readonly (readonly string[] | null)[];
}

/** Which object each pixel of a frame shows: synth's object-index buffer and the objects' labels. */
export interface ObjectMap {
  /** [H * W] index into `labels`, -1 for no object (floor, walls, sky). */
  readonly index: Int16Array;
  readonly labels: readonly string[];
  /** The objects' 3D boxes (camera frame) by the same index, null where unknown. */
  readonly boxes?: readonly (Box3D | null)[];
}

/** A patch names the object covering at least this share of its pixels (else it is left unlabelled). */
export const PATCH_LABEL_COVER = 0.4;

/**
 * [P] the label of the object covering each patch of the model's grid (the pixels whose centres
 * fall in the patch's share of the frame), when one object covers at least
 * {@link PATCH_LABEL_COVER} of them; null otherwise.
 */
export function patchLabelsOf(map: ObjectMap, size: { readonly width: number; readonly height: number }, cfg: ModelConfig): (string | null)[] {
  return patchObjectsOf(map, size, cfg).map((o) => objectLabel(map, o));
}

/** The normalized label of object `o` of the map; null for -1 (no object) or an empty label. */
function objectLabel(map: ObjectMap, o: number): string | null {
  return o < 0 ? null : normalizeLabel(map.labels[o] ?? "") || null;
}

/** [P] the index (into the map's objects) of the object covering each patch as {@link patchLabelsOf} decides, -1 for none. */
export function patchObjectsOf(map: ObjectMap, size: { readonly width: number; readonly height: number }, cfg: ModelConfig): number[] {
  const { cols, rows } = patchGrid(cfg);
  const out: number[] = [];
  const counts = new Map<number, number>();
  for (let r = 0; r < rows; r++) {
    const y0 = Math.round((r * size.height) / rows);
    const y1 = Math.round(((r + 1) * size.height) / rows);
    for (let c = 0; c < cols; c++) {
      const x0 = Math.round((c * size.width) / cols);
      const x1 = Math.round(((c + 1) * size.width) / cols);
      counts.clear();
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const o = map.index[y * size.width + x]!;
          if (o >= 0) counts.set(o, (counts.get(o) ?? 0) + 1);
        }
      }
      let best = -1;
      let bestCount = 0;
      for (const [o, n] of counts) if (n > bestCount) [best, bestCount] = [o, n];
      out.push(best >= 0 && bestCount >= PATCH_LABEL_COVER * (y1 - y0) * (x1 - x0) ? best : -1);
    }
  }
  return out;
}

/** Prepare a scene: its frame's vision inputs under `cfg` (and its patch labels when the object map is known). */
export function prepareScene(id: string, frame: RGBDFrame, scene: QaScene, cfg: ModelConfig, objectMap?: ObjectMap): PreparedScene {
  if (frame.size.width !== scene.size.width || frame.size.height !== scene.size.height) {
    throw new InputError(`scene ${id}`, "frame size", `${frame.size.width}x${frame.size.height}`, `does not match the scene's ${scene.size.width}x${scene.size.height}`);
  }
  const vision = visionInputs(frame, cfg, `scene ${id}`);
  if (objectMap === undefined) return { id, scene, vision };
  if (objectMap.index.length !== frame.size.width * frame.size.height) {
    throw new InputError(`scene ${id}`, "object map length", objectMap.index.length, `expected ${frame.size.width * frame.size.height}`);
  }
  const objects = patchObjectsOf(objectMap, frame.size, cfg);
  const boxTokens = new Map<number, readonly string[] | null>();
  const boxOf = (o: number): readonly string[] | null => {
    if (!boxTokens.has(o)) {
      const box = objectMap.boxes?.[o] ?? null;
      let tokens: readonly string[] | null = null;
      if (box !== null) {
        try {
          tokens = encodeBox(box, frame.intrinsics, frame.size, cfg, `scene ${id}`);
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
        }
      }
      boxTokens.set(o, tokens);
    }
    return boxTokens.get(o)!;
  };
  return {
    id,
    scene,
    vision,
    patchLabels: objects.map((o) => objectLabel(objectMap, o)),
    patchBoxes: objects.map((o) => (o < 0 ? null : boxOf(o))),
  };
}

/** What sample builders share. */
export interface SampleContext {
  readonly cfg: ModelConfig;
  readonly tokenizer: Tokenizer;
  /** Stream index recorded in the meta (-1 when built directly). */
  readonly index?: number;
}

/**
 * Boxes of `objects` as answer tokens, `name(o)` naming each; objects with a value outside the
 * token range are left out and listed in `skipped` (other errors are thrown).
 */
function boxesTokens(prepared: PreparedScene, objects: readonly QaSceneObject[], name: (o: QaSceneObject) => string, cfg: ModelConfig): { tokens: string[]; kept: string[]; skipped: string[] } {
  const { intrinsics, size } = prepared.scene;
  const tokens: string[] = [];
  const kept: string[] = [];
  const skipped: string[] = [];
  for (const o of objects) {
    try {
      tokens.push(...objectTokens(name(o), o.box, intrinsics, size, cfg, `scene ${prepared.id}`));
      kept.push(o.name);
    } catch (err) {
      if (!(err instanceof InputError) || !err.problem.startsWith("is outside the token range")) throw err;
      skipped.push(o.name);
    }
  }
  return { tokens, kept, skipped };
}

/** Assemble a sample; null when the prompt or the answer is longer than the config allows. */
function assemble(prepared: PreparedScene, ctx: SampleContext, prompt: string, answer: readonly string[], meta: Omit<SampleMeta, "index" | "sceneId" | "prompt" | "answer">): TrainingSample | null {
  const { tokenizer, cfg } = ctx;
  const promptIds = tokenizer.encodePrompt(prompt);
  const answerIds = Int32Array.from(tokenizer.ids([...answer, EOS], `scene ${prepared.id}`));
  if (promptIds.length > cfg.maxPromptTokens || answerIds.length > cfg.maxAnswerTokens) return null;
  return {
    pixels: prepared.vision.patches,
    depthPE: prepared.vision.depthPE,
    patchDepth: prepared.vision.patchDepthM,
    ...(prepared.patchLabels === undefined ? {} : { patchLabels: prepared.patchLabels }),
    ...(prepared.patchBoxes === undefined ? {} : { patchBoxes: prepared.patchBoxes }),
    promptIds,
    answerIds,
    meta: { index: ctx.index ?? -1, sceneId: prepared.id, prompt, answer: tokenizer.decode(answerIds), ...meta },
  };
}

/**
 * Stage 1, detect all: a random detection phrasing -> every object left to right. Null when the
 * answer would exceed cfg.maxAnswerTokens.
 */
export function detectSample(prepared: PreparedScene, ctx: SampleContext, rng: Rng): TrainingSample | null {
  const prompt = DETECTION_TEMPLATES[rng.int(DETECTION_TEMPLATES.length)]!;
  const { tokens, kept, skipped } = boxesTokens(prepared, prepared.scene.objects, (o) => o.label, ctx.cfg);
  return assemble(prepared, ctx, prompt, tokens, { stage: 1, task: "detect", objects: kept, skipped });
}

/**
 * Stage 1, ground a category: a random grounding phrasing for `category` -> its instances left to
 * right (an empty answer when the scene has none). Null when too long.
 */
export function groundSample(prepared: PreparedScene, category: string, ctx: SampleContext, rng: Rng): TrainingSample | null {
  const prompt = fillTemplate(GROUNDING_TEMPLATES[rng.int(GROUNDING_TEMPLATES.length)]!, { class: category });
  const instances = prepared.scene.objects.filter((o) => o.label === category);
  const { tokens, kept, skipped } = boxesTokens(prepared, instances, (o) => o.label, ctx.cfg);
  return assemble(prepared, ctx, prompt, tokens, { stage: 1, task: "ground", category, objects: kept, skipped });
}

/**
 * A {@link BalanceTracker} whose wanted outcome is drawn at random: balanced in expectation
 * while keeping every sample a function of its own generator (a running tracker would make
 * sample i depend on samples 0 ... i-1).
 */
class RandomOutcome extends BalanceTracker {
  constructor(private readonly rng: Rng) {
    super();
  }
  override target(_type: string, outcomes: readonly string[]): string {
    return outcomes[this.rng.int(outcomes.length)]!;
  }
}

/**
 * Stage 2: a question of `type` about the scene (qa/'s drawReasoning, with a random balance
 * target) -> the answer in cfg.answerMode. Null when the scene cannot give an unambiguous question
 * of that type, a box the answer needs is outside the token range, or the sample is too long.
 */
export function reasoningSample(prepared: PreparedScene, type: string, settings: DrawSettings, ctx: SampleContext, rng: Rng): TrainingSample | null {
  const { scene } = prepared;
  const draw = drawReasoning(scene, type, rng, new RandomOutcome(rng), settings, new Set());
  if (draw === null) return null;
  const meta = { stage: 2 as const, task: "reason" as const, type, objects: [] as string[], skipped: [] as string[] };
  if (ctx.cfg.answerMode === "end-to-end") return assemble(prepared, ctx, draw.question, valueTailTokens(type, draw.result.answer), meta);
  const used = draw.result.used.map((n) => scene.objects.find((o) => o.name === n)!);
  const { tokens, kept, skipped } = boxesTokens(prepared, used, (o) => o.name, ctx.cfg);
  if (skipped.length > 0) return null;
  const needsUnit = getProgram(type).answerKind === "length" || type === "count_within_distance";
  const tail = programTailTokens(type, { ...(needsUnit ? { unit: draw.unit } : {}), ...(draw.ctx.radiusM === undefined ? {} : { radiusM: draw.ctx.radiusM }) });
  return assemble(prepared, ctx, draw.question, [...tokens, ...tail], { ...meta, objects: kept });
}
