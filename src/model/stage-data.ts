import { InputError } from "../errors.js";
import type { Box3D, ImageSize } from "../geometry/index.js";
import { parseRepository, resolveQaOptions, sceneFilePath, type QaOptions, type QaRepository, type QaScene } from "../qa/index.js";
import { createRng, deriveSeed, type Rng } from "../random.js";
import { QUESTION_TYPES } from "../reason/index.js";
import { loadFrame, type RGBDFrame } from "../rgbd/index.js";
import { annotateScene, applySensorNoise, CATEGORY_NAMES, DEFAULT_SYNTH_SIZE, noisePreset, renderScene, sampleScenePlan, type NoisePresetName } from "../synth/index.js";
import { patchGrid, type ModelConfig } from "./config.js";
import { detectSample, groundSample, prepareScene, reasoningSample, type ObjectMap, type PreparedScene, type SampleContext, type TrainingSample } from "./samples.js";
import { createTokenizer, IGNORE_INDEX, type Tokenizer } from "./tokenizer.js";

/**
 * Training data per stage: where scenes come from (synthetic scenes rendered in memory, or a 3D
 * annotation repository on disk: `n3d synth` output or lifted shards), a deterministic sample
 * stream, and batching with the prefix attention mask.
 *
 * Determinism: sample i of a stream is a pure function of (seed, i): its generator is seeded with
 * deriveSeed(seed, i) and every choice (scene, task, phrasing, question, objects) is drawn from
 * it; scenes are pure functions of their index. So training resumes exactly at any step, and
 * samples can be built in any order or in parallel. The scene cache only saves work.
 */

/** Where scenes come from. */
export interface SceneSource {
  /** For scene ids: `synth:<seed>` or the repository's annotations path. */
  readonly name: string;
  /** Distinct scenes (the training-set size): indices 0 ... count - 1. */
  readonly count: number;
  /** Category labels the scenes use (grounding asks for these, the tokenizer must hold them). */
  readonly labels: readonly string[];
  /** Scene `index`: its frame and its named, left-to-right objects. Pure in `index`. */
  load(index: number): Promise<{ readonly frame: RGBDFrame; readonly scene: QaScene; readonly objectMap?: ObjectMap }>;
}

/** Options of {@link synthSource}. */
export interface SynthSourceOptions {
  /** Seed of the scene set: scene i is rendered from deriveSeed(seed, i), as `n3d synth` does. */
  readonly seed: number;
  /** Distinct scenes (training-set size ablation); default 2^32, every seed a new scene. */
  readonly count?: number;
  /** Render size (default n3d synth's 320x240, so in-memory and on-disk scenes match). */
  readonly size?: ImageSize;
  /** Sensor noise preset (default "none", as `n3d synth`). */
  readonly noise?: NoisePresetName;
  /** Objects per scene (default the layout's 2 ... 12). */
  readonly minObjects?: number;
  readonly maxObjects?: number;
  /** Objects showing fewer pixels than this are not annotated (default 25, SpatialRGPT's mask filter). */
  readonly minVisiblePixels?: number;
}

/** Default {@link SynthSourceOptions.minVisiblePixels}. */
export const DEFAULT_MIN_VISIBLE_PIXELS = 25;

/**
 * Synthetic scenes made in memory by synth/ (plan, render, annotate, sensor noise), read through
 * qa/'s repository parser so object order and names follow the same rules as a repository on disk.
 */
export function synthSource(options: SynthSourceOptions): SceneSource {
  const where = "synthSource";
  const { seed } = options;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new InputError(where, "seed", seed, "must be an integer in [0, 4294967295]");
  const count = options.count ?? 2 ** 32;
  if (!Number.isInteger(count) || count < 1 || count > 2 ** 32) throw new InputError(where, "count", count, "must be an integer in [1, 2^32]");
  const size = options.size ?? DEFAULT_SYNTH_SIZE;
  const noise = noisePreset(options.noise ?? "none");
  const minVisible = options.minVisiblePixels ?? DEFAULT_MIN_VISIBLE_PIXELS;
  if (!Number.isInteger(minVisible) || minVisible < 1) throw new InputError(where, "minVisiblePixels", minVisible, "must be an integer >= 1");
  const layout = {
    size,
    ...(options.minObjects === undefined ? {} : { minObjects: options.minObjects }),
    ...(options.maxObjects === undefined ? {} : { maxObjects: options.maxObjects }),
  };
  sampleScenePlan(0, layout); // checks the layout options now rather than at the first sample
  const name = `synth:${seed}`;
  return {
    name,
    count,
    labels: CATEGORY_NAMES,
    load(index) {
      checkIndex(index, count, name);
      const sceneSeed = deriveSeed(seed, index);
      const plan = sampleScenePlan(sceneSeed, layout);
      const rendered = renderScene(plan);
      const annotations = annotateScene(plan, rendered);
      const sensed = applySensorNoise(rendered.depthM, rendered.rgb, rendered.specular, size, plan.camera.intrinsics, noise, createRng(deriveSeed(sceneSeed, 1)));
      const doc = {
        images: [{ id: index, file_name: "memory", depth_file: "memory", width: size.width, height: size.height, intrinsics: sensed.intrinsics, gravity: plan.camera.gravity }],
        annotations: annotations.map((a) => ({
          id: a.id,
          image_id: index,
          label: a.label,
          bbox3d: a.bbox3d,
          visible: a.visiblePixels >= minVisible,
          attributes: a.attributes,
        })),
      };
      const scene = parseRepository(doc, `${name} scene ${index}`, "/")[0]!;
      const frame: RGBDFrame = { size, rgb: rendered.rgb, depthM: sensed.depthM, intrinsics: sensed.intrinsics, gravity: plan.camera.gravity };
      const boxes: (Box3D | null)[] = plan.objects.map(() => null);
      for (const a of annotations) if (a.id >= 0 && a.id < boxes.length) boxes[a.id] = a.bbox3d;
      const objectMap: ObjectMap = { index: rendered.objectIndex, labels: plan.objects.map((o) => o.label), boxes };
      return Promise.resolve({ frame, scene, objectMap });
    },
  };
}

/**
 * Scenes of a repository read with qa/'s readRepository (`n3d synth` output or lifted shards):
 * frames are loaded from disk with the repository's intrinsics. `count` keeps the first scenes
 * only (training-set size ablation).
 */
export function repositorySource(repo: QaRepository, options: { readonly count?: number } = {}): SceneSource {
  const count = options.count ?? repo.scenes.length;
  if (!Number.isInteger(count) || count < 1 || count > repo.scenes.length) {
    throw new InputError("repositorySource", "count", count, `must be an integer in [1, ${repo.scenes.length}] (the repository's scenes)`);
  }
  const labels = [...new Set(repo.scenes.slice(0, count).flatMap((s) => s.objects.map((o) => o.label)))].sort();
  return {
    name: repo.annotationsPath,
    count,
    labels,
    async load(index) {
      checkIndex(index, count, repo.annotationsPath);
      const scene = repo.scenes[index]!;
      const depth = sceneFilePath(scene, scene.depthFile);
      const frame = await loadFrame({
        image: sceneFilePath(scene, scene.imageFile),
        depth,
        intrinsics: scene.intrinsics,
        // Only integer depth (PNG16) has a scale; float .npy / .npz depth is metres already.
        ...(scene.depthScale !== undefined && depth.toLowerCase().endsWith(".png") ? { depthScale: scene.depthScale } : {}),
      });
      return { frame: scene.gravity === undefined ? frame : { ...frame, gravity: scene.gravity }, scene };
    },
  };
}

function checkIndex(index: number, count: number, where: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new InputError(where, "scene index", index, `must be an integer in [0, ${count - 1}]`);
}

/** Options of {@link sampleStream}; every field but `stage` and `source` has a default. */
export interface StreamOptions {
  /** 1: localization (detect all, ground a category); 2: grounded reasoning mixed with stage-1 data. */
  readonly stage: 1 | 2;
  readonly source: SceneSource;
  /** Default: createTokenizer(cfg) with the source's labels added. */
  readonly tokenizer?: Tokenizer;
  /** Stage 2: share of stage-1 samples mixed in. */
  readonly stage1Share?: number;
  /** Stage-1 samples: share grounding a category (the rest detect all). */
  readonly groundShare?: number;
  /** Grounding samples: share asking for a category the scene does not hold (answer: nothing). */
  readonly absentShare?: number;
  /** Stage 2: question types drawn from, uniformly (default every type reason/ knows). */
  readonly types?: readonly string[];
  /** Question drawing (units, margins, maxNamed, attempts, radii) as qa/'s options. */
  readonly qa?: Omit<QaOptions, "seed" | "forms" | "types" | "perImage" | "groundingPerImage" | "heldOut">;
  /** Scenes tried per sample before giving up. */
  readonly attempts?: number;
  /** Prepared scenes kept in memory (vision inputs computed once per scene). */
  readonly cacheScenes?: number;
  /**
   * Expected uses of each scene (1: every sample draws a scene from the whole source). With R > 1
   * sample i draws from the window of {@link SCENE_WINDOW} scenes starting at floor(i / R), so a
   * scene rendered once serves about R samples with different prompts while it is in the cache.
   */
  readonly sceneReuse?: number;
}

/** Scenes a sample draws from when scenes are reused (StreamOptions.sceneReuse > 1). */
export const SCENE_WINDOW = 32;

/** The defaults of {@link StreamOptions}. */
export const DEFAULT_STREAM_OPTIONS = { stage1Share: 0.3, groundShare: 0.5, absentShare: 0.1, attempts: 16, cacheScenes: 64, sceneReuse: 1 } as const;

/** Why each default is what it is. */
export const STREAM_OPTION_REASONS: Readonly<Record<keyof typeof DEFAULT_STREAM_OPTIONS, string>> = {
  stage1Share: "stage 2 keeps training localization (the paper mixes grounding data into stage 2) so reasoning does not erode the boxes it reasons on; 30% keeps most steps on reasoning",
  groundShare: "half grounding, half detection: both prompts of the official release, equally",
  absentShare: "one grounding prompt in ten names something absent, so the model learns to answer nothing instead of inventing a box",
  attempts: "a synth scene fails a draw mainly when it has too few objects for the type; 16 draws make a failure practically impossible",
  cacheScenes: "64 prepared scenes (~0.5 MB each at the small preset) make small training sets and disk repositories cheap without much memory",
  sceneReuse: "1 keeps every sample's scene independent; training on scenes made on the fly sets 4 (rendering a 320x240 scene takes ~40 ms, about a tenth of a small training step per sample)",
};

/** A deterministic stream of samples: sample(i) depends only on (seed, i). */
export interface SampleStream {
  readonly seed: number;
  readonly cfg: ModelConfig;
  readonly tokenizer: Tokenizer;
  readonly stage: 1 | 2;
  /** Sample `index` (an integer >= 0). */
  sample(index: number): Promise<TrainingSample>;
  /** Samples start ... start + count - 1. */
  batch(start: number, count: number): Promise<TrainingSample[]>;
}

function checkShare(value: number, where: string, field: string): number {
  if (!(value >= 0 && value <= 1)) throw new InputError(where, field, value, "must be a number in [0, 1]");
  return value;
}

/** A deterministic sample stream (see the file comment). Validates options up front. */
export function sampleStream(seed: number, cfg: ModelConfig, options: StreamOptions): SampleStream {
  const where = "sampleStream";
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new InputError(where, "seed", seed, "must be an integer in [0, 4294967295]");
  if (options.stage !== 1 && options.stage !== 2) throw new InputError(where, "stage", options.stage, "must be 1 or 2");
  const stage1Share = options.stage === 1 ? 1 : checkShare(options.stage1Share ?? DEFAULT_STREAM_OPTIONS.stage1Share, where, "stage1Share");
  const groundShare = checkShare(options.groundShare ?? DEFAULT_STREAM_OPTIONS.groundShare, where, "groundShare");
  const absentShare = checkShare(options.absentShare ?? DEFAULT_STREAM_OPTIONS.absentShare, where, "absentShare");
  const attempts = options.attempts ?? DEFAULT_STREAM_OPTIONS.attempts;
  if (!Number.isInteger(attempts) || attempts < 1) throw new InputError(where, "attempts", attempts, "must be an integer >= 1");
  const cacheSize = options.cacheScenes ?? DEFAULT_STREAM_OPTIONS.cacheScenes;
  if (!Number.isInteger(cacheSize) || cacheSize < 0) throw new InputError(where, "cacheScenes", cacheSize, "must be an integer >= 0");
  const reuse = options.sceneReuse ?? DEFAULT_STREAM_OPTIONS.sceneReuse;
  if (!Number.isInteger(reuse) || reuse < 1) throw new InputError(where, "sceneReuse", reuse, "must be an integer >= 1");
  const qa = resolveQaOptions({ ...options.qa, seed: 0, types: options.types ?? QUESTION_TYPES }, where);
  if (qa.types.length === 0 && options.stage === 2 && stage1Share < 1) throw new InputError(where, "types", qa.types, "stage 2 needs at least one question type");
  const source = options.source;
  const tokenizer = options.tokenizer ?? createTokenizer(cfg, { extraLabels: source.labels });
  if (tokenizer.target !== cfg.target) throw new InputError(where, "tokenizer.target", tokenizer.target, `does not match the config's target ${cfg.target}`);
  const missing = source.labels.filter((l) => !tokenizer.labels.includes(l.trim().toLowerCase()));
  if (missing.length > 0) throw new InputError(where, "tokenizer.labels", missing, "the source uses labels the tokenizer does not hold; build it with these as extraLabels");

  const cache = new Map<number, Promise<PreparedScene>>();
  const prepared = (index: number): Promise<PreparedScene> => {
    const hit = cache.get(index);
    if (hit !== undefined) {
      cache.delete(index); // re-insert: most recently used last
      cache.set(index, hit);
      return hit;
    }
    const made = source.load(index).then(({ frame, scene, objectMap }) => prepareScene(`${source.name}#${index}`, frame, scene, cfg, objectMap));
    if (cacheSize > 0) {
      cache.set(index, made);
      made.catch(() => cache.delete(index));
      while (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
    }
    return made;
  };

  const stage1 = (scene: PreparedScene, ctx: SampleContext, rng: Rng): TrainingSample | null => {
    if (rng.next() >= groundShare) return detectSample(scene, ctx, rng);
    const present = [...new Set(scene.scene.objects.map((o) => o.label))].sort();
    const absent = source.labels.filter((l) => !present.includes(l));
    const askAbsent = present.length === 0 || (absent.length > 0 && rng.next() < absentShare);
    const pool = askAbsent ? absent : present;
    if (pool.length === 0) return null;
    return groundSample(scene, pool[rng.int(pool.length)]!, ctx, rng);
  };

  const sample = async (index: number): Promise<TrainingSample> => {
    if (!Number.isInteger(index) || index < 0) throw new InputError(where, "index", index, "must be an integer >= 0");
    const rng = createRng(deriveSeed(seed, index));
    const ctx: SampleContext = { cfg, tokenizer, index };
    for (let attempt = 0; attempt < attempts; attempt++) {
      const drawn = reuse === 1 ? rng.int(source.count) : (Math.floor(index / reuse) + rng.int(SCENE_WINDOW)) % source.count;
      const scene = await prepared(drawn);
      const out =
        rng.next() < stage1Share
          ? stage1(scene, ctx, rng)
          : reasoningSample(scene, qa.types[rng.int(qa.types.length)]!, qa.draw, ctx, rng);
      if (out !== null) return options.stage === 2 ? { ...out, meta: { ...out.meta, stage: 2 } } : out;
    }
    throw new InputError(where, `sample ${index}`, attempts, `no scene gave a sample in ${attempts} attempts (scenes too empty for the task, or answers longer than maxAnswerTokens ${cfg.maxAnswerTokens})`);
  };

  return {
    seed,
    cfg,
    tokenizer,
    stage: options.stage,
    sample,
    async batch(start, count) {
      if (!Number.isInteger(count) || count < 0) throw new InputError(where, "count", count, "must be an integer >= 0");
      const out: TrainingSample[] = [];
      for (let i = 0; i < count; i++) out.push(await sample(start + i));
      return out;
    },
  };
}

/**
 * A batch. Sequence layout per sample: [vision (P) | prompt | answer | padding], L = P + T
 * positions, T the longest prompt + answer in the batch (or `padTo`).
 *
 * Attention (the prefix mask): query i may attend key j when j < total_b and (j < prefix_b or
 * j <= i): vision and prompt attend to each other in both directions, answer tokens see the whole
 * prefix and the answer so far. Padding queries (i >= total_b) see the whole sample, so no
 * softmax row is empty; their outputs carry no loss.
 *
 * Loss: the logits at text position t predict targets[b, t]: the next token when it is an answer
 * token (so the last prompt token, <sep>, predicts the first answer token and <eos> is
 * predicted), IGNORE_INDEX (-100) everywhere else.
 */
export interface Batch {
  /** B. */
  readonly size: number;
  /** P: vision tokens per sample. */
  readonly visionTokens: number;
  /** T: text positions (prompt + answer + padding). */
  readonly textLength: number;
  /** [B, P, patchDim]. */
  readonly pixels: Float32Array;
  /** [B, P, dModel]. */
  readonly depthPE: Float32Array;
  /** [B, P] mean planar depth per patch, metres. */
  readonly patchDepth: Float32Array;
  /** [B * P] the category label of the object covering each patch (samples.ts patchLabels), null where none or unknown. */
  readonly patchLabels: readonly (string | null)[];
  /** [B * P] that object's seven box tokens, null where none or unknown. */
  readonly patchBoxes: readonly (readonly string[] | null)[];
  /** [B, T] prompt then answer ids, right-padded with <pad> (id 0). */
  readonly inputIds: Int32Array;
  /** [B, T] next-token targets on answer positions, IGNORE_INDEX elsewhere. */
  readonly targets: Int32Array;
  /** [B] P + prompt length: positions below it form the bidirectional prefix. */
  readonly prefixLength: Int32Array;
  /** [B] P + prompt length + answer length: positions at or above it are padding. */
  readonly totalLength: Int32Array;
  /** [B, L, L], L = P + T: 1 where query i may attend key j (see above). */
  readonly attentionMask: Uint8Array;
}

/** The [L, L] prefix mask of one sequence (1 = may attend); see {@link Batch}. */
export function prefixAttentionMask(prefixLength: number, totalLength: number, length: number): Uint8Array {
  const out = new Uint8Array(length * length);
  for (let i = 0; i < length; i++) {
    for (let j = 0; j < totalLength; j++) out[i * length + j] = j < prefixLength || j <= i ? 1 : 0;
  }
  return out;
}

/**
 * Stack samples into a {@link Batch}. Every sample must have the same vision shapes. `padTo`
 * fixes T (e.g. cfg.maxPromptTokens + cfg.maxAnswerTokens for a static-shape graph); it must be
 * at least the longest prompt + answer.
 */
export function collate(samples: readonly TrainingSample[], cfg: ModelConfig, options: { readonly padTo?: number } = {}): Batch {
  const where = "collate";
  if (samples.length === 0) throw new InputError(where, "samples", 0, "a batch needs at least one sample");
  const grid = patchGrid(cfg);
  const P = grid.count;
  samples.forEach((s, b) => {
    if (s.pixels.length !== P * grid.patchDim) throw new InputError(where, `samples[${b}].pixels length`, s.pixels.length, `expected ${P} x ${grid.patchDim}`);
    if (s.depthPE.length !== P * cfg.dModel) throw new InputError(where, `samples[${b}].depthPE length`, s.depthPE.length, `expected ${P} x ${cfg.dModel}`);
    if (s.answerIds.length === 0) throw new InputError(where, `samples[${b}].answerIds`, 0, "an answer has at least <eos>");
  });
  const longest = Math.max(...samples.map((s) => s.promptIds.length + s.answerIds.length));
  const T = options.padTo ?? longest;
  if (!Number.isInteger(T) || T < longest) throw new InputError(where, "padTo", T, `must be an integer >= the longest prompt + answer (${longest})`);
  const B = samples.length;
  const L = P + T;
  const pixels = new Float32Array(B * P * grid.patchDim);
  const depthPE = new Float32Array(B * P * cfg.dModel);
  const patchDepth = new Float32Array(B * P);
  const patchLabels: (string | null)[] = [];
  const patchBoxes: (readonly string[] | null)[] = [];
  const inputIds = new Int32Array(B * T); // <pad> is id 0
  const targets = new Int32Array(B * T).fill(IGNORE_INDEX);
  const prefixLength = new Int32Array(B);
  const totalLength = new Int32Array(B);
  const attentionMask = new Uint8Array(B * L * L);
  samples.forEach((s, b) => {
    pixels.set(s.pixels, b * P * grid.patchDim);
    depthPE.set(s.depthPE, b * P * cfg.dModel);
    patchDepth.set(s.patchDepth, b * P);
    for (let p = 0; p < P; p++) patchLabels.push(s.patchLabels?.[p] ?? null);
    for (let p = 0; p < P; p++) patchBoxes.push(s.patchBoxes?.[p] ?? null);
    const n = s.promptIds.length;
    const m = s.answerIds.length;
    inputIds.set(s.promptIds, b * T);
    inputIds.set(s.answerIds, b * T + n);
    for (let t = n - 1; t < n + m - 1; t++) targets[b * T + t] = inputIds[b * T + t + 1]!;
    prefixLength[b] = P + n;
    totalLength[b] = P + n + m;
    attentionMask.set(prefixAttentionMask(P + n, P + n + m, L), b * L * L);
  });
  return { size: B, visionTokens: P, textLength: T, pixels, depthPE, patchDepth, patchLabels, patchBoxes, inputIds, targets, prefixLength, totalLength, attentionMask };
}
