import { InputError } from "../errors.js";
import { box3DToOfficial, serializeBboxLines, serializeN3dBoxesJson, toN3dJson, type BboxRecord } from "../formats/index.js";
import { createRng, deriveSeed, type Rng } from "../random.js";
import { checkLengthUnit, getProgram, LENGTH_UNITS, QUESTION_TYPES, resolveMargins, type LengthUnit, type Margins } from "../reason/index.js";
import { BalanceTracker } from "./balance.js";
import { drawReasoning, type DrawSettings } from "./draw.js";
import { hash32 } from "./hash.js";
import type { QaScene, QaSceneObject } from "./repository.js";
import { checkShare, DEFAULT_HELD_OUT_SHARE, isHeldOut } from "./split.js";
import { DETECTION_TEMPLATES, fillTemplate, GROUNDING_TEMPLATES } from "./templates.js";
import type { QaForm, QaRecord } from "./types.js";

/** Every QA form, in the order a scene's records are written. */
export const QA_FORMS: readonly QaForm[] = ["detection", "grounding", "reasoning"];

/** Options of {@link generateQa}; every field but the seed has a default ({@link DEFAULT_QA_OPTIONS}). */
export interface QaOptions {
  /** Run seed: same seed and scenes, same records. */
  readonly seed: number;
  /** Forms to generate. */
  readonly forms?: readonly QaForm[];
  /** Reasoning question types (reason/'s registry names). */
  readonly types?: readonly string[];
  /** Reasoning questions per type per image (fewer when the scene cannot give more). */
  readonly perImage?: number;
  /** Categories grounded per image. */
  readonly groundingPerImage?: number;
  /** Units quantitative answers are drawn from (uniformly). */
  readonly units?: readonly LengthUnit[];
  /** Ambiguity margins (reason/'s Margins; unset fields keep their defaults). */
  readonly margins?: Partial<Margins>;
  /** Share of images held out for N3D-Bench and so skipped here (split.ts). */
  readonly heldOut?: number;
  /** Most objects a many-object question (closest, tallest, ordering) names. */
  readonly maxNamed?: number;
  /** Object draws per question before giving up on it. */
  readonly attempts?: number;
  /** Radii (metres) count_within_distance questions pick from. */
  readonly radiiM?: readonly number[];
}

/** The defaults. */
export const DEFAULT_QA_OPTIONS = {
  forms: QA_FORMS,
  types: QUESTION_TYPES,
  perImage: 1,
  groundingPerImage: 2,
  units: LENGTH_UNITS,
  heldOut: DEFAULT_HELD_OUT_SHARE,
  maxNamed: 4,
  attempts: 12,
  radiiM: [0.5, 1, 1.5, 2, 3],
} as const;

/** Why each default is what it is. */
export const QA_OPTION_REASONS: Readonly<Record<keyof typeof DEFAULT_QA_OPTIONS, string>> = {
  forms: "stage 1 trains detection and grounding, stage 2 reasoning; a training set wants all three",
  types: "every program reason/ knows, so no question type is missing from training",
  perImage: "one question per type per image spreads questions over many scenes instead of many over one",
  groundingPerImage: "two categories per image cover most synthetic scenes' distinct labels without repeating detection",
  units: "SpatialRGPT-Bench asks in metres, centimetres, feet and inches; training on all four teaches the conversion",
  heldOut: "one image in ten goes to N3D-Bench (split.ts), so benchmark images never appear in training QA",
  maxNamed: "four named objects keep many-object questions readable and their traces short",
  attempts: "twelve draws find an unambiguous, balance-matching question in nearly every scene with three or more objects",
  radiiM: "radii from half a metre to three metres make within-distance counts vary over room-sized scenes",
};

/** {@link QaOptions} with every default applied and checked. */
export interface ResolvedQaOptions {
  readonly seed: number;
  readonly forms: readonly QaForm[];
  readonly types: readonly string[];
  readonly perImage: number;
  readonly groundingPerImage: number;
  readonly heldOut: number;
  readonly draw: DrawSettings;
}

function checkInt(value: unknown, where: string, field: string, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) throw new InputError(where, field, value, `must be an integer >= ${min}`);
  return value;
}

/**
 * Apply defaults and validate: an unknown form or type throws "X is not a supported QA form /
 * question type; choose one of ...", a bad unit "X is not a supported length unit; ...".
 */
export function resolveQaOptions(options: QaOptions, where = "generateQa"): ResolvedQaOptions {
  const seed = checkInt(options.seed, where, "seed", 0);
  const forms = options.forms ?? DEFAULT_QA_OPTIONS.forms;
  for (const f of forms) {
    if (!(QA_FORMS as readonly string[]).includes(f)) throw new InputError(where, "forms", f, `is not a supported QA form; choose one of ${QA_FORMS.join(", ")}`);
  }
  const types = options.types ?? DEFAULT_QA_OPTIONS.types;
  for (const t of types) getProgram(t, where);
  const units = (options.units ?? DEFAULT_QA_OPTIONS.units).map((u) => checkLengthUnit(u, where, "units"));
  if (units.length === 0) throw new InputError(where, "units", units, `must list at least one unit; choose from ${LENGTH_UNITS.join(", ")}`);
  const radiiM = options.radiiM ?? DEFAULT_QA_OPTIONS.radiiM;
  if (radiiM.length === 0 || radiiM.some((r) => !(Number.isFinite(r) && r > 0))) throw new InputError(where, "radiiM", radiiM, "must list radii > 0 (metres)");
  return {
    seed,
    forms: [...new Set(forms)],
    types: [...new Set(types)],
    perImage: checkInt(options.perImage ?? DEFAULT_QA_OPTIONS.perImage, where, "perImage", 0),
    groundingPerImage: checkInt(options.groundingPerImage ?? DEFAULT_QA_OPTIONS.groundingPerImage, where, "groundingPerImage", 0),
    heldOut: checkShare(options.heldOut ?? DEFAULT_QA_OPTIONS.heldOut, where),
    draw: {
      units,
      margins: resolveMargins(options.margins ?? {}, where),
      maxNamed: checkInt(options.maxNamed ?? DEFAULT_QA_OPTIONS.maxNamed, where, "maxNamed", 2),
      attempts: checkInt(options.attempts ?? DEFAULT_QA_OPTIONS.attempts, where, "attempts", 1),
      radiiM: radiiM.map((r) => Number(r.toFixed(2))),
    },
  };
}

/** The generator of one scene: seeded by the run seed and the image id, so shards can run in any order. */
export function sceneRng(seed: number, scene: QaScene): Rng {
  return createRng(deriveSeed(seed, hash32(String(scene.imageId))));
}

/**
 * Generate QA over `scenes` in order: per scene a detection question, grounding questions for up to
 * `groundingPerImage` categories, and up to `perImage` questions of every reasoning type. Scenes
 * held out for the bench are skipped, as are scenes without objects. Binary answers are balanced
 * per type over the whole run (yes as often as no, each option position as often as the others).
 * Deterministic: the same scenes and options give the same records.
 */
export function generateQa(scenes: readonly QaScene[], options: QaOptions): QaRecord[] {
  const resolved = resolveQaOptions(options);
  const tracker = new BalanceTracker();
  const out: QaRecord[] = [];
  for (const scene of scenes) {
    if (resolved.heldOut > 0 && isHeldOut(scene.imageId, resolved.heldOut)) continue;
    out.push(...generateSceneQa(scene, resolved, tracker));
  }
  return out;
}

/**
 * One scene's records (the held-out check is the caller's). `tracker` carries the answer balance
 * across scenes; a shard uses one tracker for all its scenes.
 */
export function generateSceneQa(scene: QaScene, options: ResolvedQaOptions, tracker: BalanceTracker): QaRecord[] {
  if (scene.objects.length === 0) return [];
  const rng = sceneRng(options.seed, scene);
  const out: QaRecord[] = [];
  if (options.forms.includes("detection")) out.push(detectionRecord(scene, rng));
  if (options.forms.includes("grounding")) out.push(...groundingRecords(scene, options.groundingPerImage, rng));
  if (options.forms.includes("reasoning")) {
    const seen = new Set<string>();
    for (const type of options.types) {
      for (let k = 0; k < options.perImage; k++) {
        const draw = drawReasoning(scene, type, rng, tracker, options.draw, seen);
        if (draw === null) break;
        const usedObjects = draw.result.used.map((n) => scene.objects.find((o) => o.name === n)!);
        const isLength = draw.result.answer.kind === "length" || draw.ctx.radiusM !== undefined;
        out.push({
          ...base(scene, `reasoning:${type}:${k}`),
          type,
          form: "reasoning",
          question: draw.question,
          answer: draw.result.sentence,
          answerValue: draw.result.answer,
          cot: draw.result.cot,
          cotOfficial: draw.cotOfficial,
          bboxLines: officialLines(scene, usedObjects),
          objects: draw.result.used,
          ...(isLength ? { unit: draw.unit } : {}),
          template: draw.template,
        });
      }
    }
  }
  return out;
}

function base(scene: QaScene, suffix: string): Pick<QaRecord, "id" | "imageId" | "imageFile" | "depthFile"> {
  return { id: `${scene.imageId}:${suffix}`, imageId: scene.imageId, imageFile: scene.imageFile, depthFile: scene.depthFile };
}

/**
 * Official float-form box lines of `objects` in the order given, numbered bbox_0, bbox_1, ... with
 * the object's label as the class (u, v normalized, z metric depth, sizes in metres).
 */
export function officialLines(scene: QaScene, objects: readonly QaSceneObject[]): string {
  const records: BboxRecord[] = objects.map((o, id) =>
    box3DToOfficial(o.label, o.box, { K: scene.intrinsics, size: scene.size, form: "float", id, where: `${scene.imageFile} (${o.name})` }),
  );
  return serializeBboxLines(records);
}

function detectionRecord(scene: QaScene, rng: Rng): QaRecord {
  const template = rng.int(DETECTION_TEMPLATES.length);
  const boxes = scene.objects.map((o) => ({ label: o.label, box: o.box }));
  return {
    ...base(scene, "detection:detection:0"),
    type: "detection",
    form: "detection",
    question: DETECTION_TEMPLATES[template]!,
    answer: serializeN3dBoxesJson(boxes, scene.intrinsics),
    answerValue: { kind: "boxes", boxes: boxes.map((b) => toN3dJson(b, scene.intrinsics)) },
    bboxLines: officialLines(scene, scene.objects),
    objects: scene.objects.map((o) => o.name),
    template,
  };
}

/** Up to `count` categories of the scene, drawn without replacement; all instances of each. */
function groundingRecords(scene: QaScene, count: number, rng: Rng): QaRecord[] {
  const labels = [...new Set(scene.objects.map((o) => o.label))].sort();
  const out: QaRecord[] = [];
  for (let k = 0; k < Math.min(count, labels.length); k++) {
    const j = k + rng.int(labels.length - k);
    [labels[k], labels[j]] = [labels[j]!, labels[k]!];
    const category = labels[k]!;
    const instances = scene.objects.filter((o) => o.label === category);
    const template = rng.int(GROUNDING_TEMPLATES.length);
    const boxes = instances.map((o) => ({ label: o.label, box: o.box }));
    out.push({
      ...base(scene, `grounding:grounding:${k}`),
      type: "grounding",
      form: "grounding",
      question: fillTemplate(GROUNDING_TEMPLATES[template]!, { class: category }),
      answer: serializeN3dBoxesJson(boxes, scene.intrinsics),
      answerValue: { kind: "boxes", boxes: boxes.map((b) => toN3dJson(b, scene.intrinsics)) },
      bboxLines: officialLines(scene, instances),
      category,
      objects: instances.map((o) => o.name),
      template,
    });
  }
  return out;
}
