import { InputError } from "../errors.js";
import { boxContainsPoint, clipBox2dToImage, isValidDepth, projectBox3D, type Box3D, type Vec3 } from "../geometry/index.js";
import { liftObject } from "../lift/index.js";
import { DETECTION_TEMPLATES, GROUNDING_TEMPLATES } from "../qa/index.js";
import type { RGBDFrame } from "../rgbd/index.js";
import { OBJ_CLOSE, OBJ_OPEN, type GrammarMode, type ParsedAnswer } from "./answer-grammar.js";
import { decodeBox } from "./box-tokens.js";
import type { ModelConfig } from "./config.js";
import { CachedLogits, greedyDecode, type LogitsSource } from "./generate.js";
import { checkGraphShapes, readModelFolder } from "./model-folder.js";
import { PRETOKENIZER_PATTERN, SPECIAL_TOKENS, type Tokenizer } from "./tokenizer.js";
import { visionInputs } from "./vision-inputs.js";
import { escapeRegExp } from "../regex.js";

/**
 * Frame + prompt -> 3D boxes with the compact model: vision inputs (vision-inputs.ts), the prompt
 * encoded, greedy constrained decoding with the key/value cache (generate.ts), boxes decoded
 * from their bin tokens with the frame's own intrinsics (camera frame, OpenCV, metres).
 *
 * What the grounder refuses to make up:
 * - a prompt with words the vocabulary does not hold ("find the unicorn") names nothing the model
 *   can box: the answer is no boxes and a note, without running the model;
 * - when the prompt names categories, a box may only carry one of them (the label slot of the
 *   grammar is narrowed to those tokens);
 * - a decoded box that no valid depth point supports (none of the frame's points inside the box
 *   grown by {@link SUPPORT_MARGIN}) is empty space, not an object: it is dropped and counted.
 */

/** The prompt used when none is given: the first detection phrasing (detect everything). */
export const DEFAULT_GROUND_PROMPT = DETECTION_TEMPLATES[0]!;

/** A box is grown by this share of each side plus {@link SUPPORT_PAD_M} before counting its depth points. */
export const SUPPORT_MARGIN = 0.25;
/** Metres added to each side of a box before counting its depth points. */
export const SUPPORT_PAD_M = 0.05;
/** Fewest depth points (over a grid of every 2nd pixel) a kept box must hold. */
export const MIN_SUPPORT_POINTS = 3;

/** One grounded object. */
export interface GroundedObject {
  /** The category label. */
  readonly label: string;
  /** `k_label` when the answer named an instance, else the label. */
  readonly name: string;
  /** Camera frame (OpenCV: +x right, +y down, +z forward), metres; yaw about +y, radians. */
  readonly box: Box3D;
  /** Geometric mean of the probabilities of the box's tokens under the constrained decoding, in (0, 1]. */
  readonly score: number;
}

/** What one grounding returned. */
export interface GroundingAnswer {
  readonly prompt: string;
  /** Objects in answer order (left to right for detect and ground prompts). */
  readonly objects: readonly GroundedObject[];
  /** The whole parsed answer (a program or value tail in reasoning modes). */
  readonly answer: ParsedAnswer;
  /** The answer as readable text (empty when the model was not run). */
  readonly answerText: string;
  /** Why fewer boxes than decoded, or why the model was not run; absent when nothing to say. */
  readonly note?: string;
  readonly timing: { readonly visionMs: number; readonly prefillMs: number; readonly decodeMs: number; readonly totalMs: number; readonly answerTokens: number };
}

/** Options of {@link ModelGrounder.ground}. */
export interface GroundOptions {
  /** Default {@link DEFAULT_GROUND_PROMPT}. */
  readonly prompt?: string;
  /** Answer grammar (default "boxes": a grounding answer, boxes then <eos>). */
  readonly mode?: GrammarMode;
  /**
   * Depth refinement (default false): each decoded box's projection, clipped to the image, is
   * lifted with the frame's depth as a box prompt (lift/'s pipeline), and the lifted box replaces
   * the decoded one when lifting keeps it. The model then proposes, the depth measures.
   */
  readonly refine?: boolean;
}

/** The compact model as a grounder. Build with {@link ModelGrounder.load} or {@link ModelGrounder.fromSource}. */
export class ModelGrounder {
  private constructor(
    readonly cfg: ModelConfig,
    readonly tokenizer: Tokenizer,
    private readonly source: LogitsSource,
  ) {}

  /**
   * Load a model folder (model-folder.ts) with `threads` onnxruntime threads (default 2). Throws an
   * InputError for a missing folder (saying how to train one), another folder version, or graphs
   * that do not match config.json.
   */
  static async load(dir: string, options: { readonly threads?: number } = {}): Promise<ModelGrounder> {
    const folder = await readModelFolder(dir);
    const source = await CachedLogits.create(folder.cfg, folder.tokenizer.size, folder.prefillPath, folder.stepPath, { threads: options.threads ?? 2 });
    try {
      checkGraphShapes(folder.cfg, folder.tokenizer.size, source.signatures.prefill, source.signatures.step, folder.dir);
    } catch (err) {
      await source.release();
      throw err;
    }
    return new ModelGrounder(folder.cfg, folder.tokenizer, source);
  }

  /** A grounder over any logits source (e.g. graphs built in memory). Takes ownership of `source`. */
  static fromSource(cfg: ModelConfig, tokenizer: Tokenizer, source: LogitsSource): ModelGrounder {
    return new ModelGrounder(cfg, tokenizer, source);
  }

  /** Release the onnxruntime sessions. */
  async dispose(): Promise<void> {
    await this.source.release();
  }

  /**
   * Ground `options.prompt` on `frame`. Throws an InputError for a malformed frame (depth of another
   * size, no valid depth when the model uses the depth encoding), an empty prompt, or a prompt
   * longer than the model reads.
   */
  ground(frame: RGBDFrame, options: GroundOptions = {}): Promise<GroundingAnswer> {
    // One key/value cache per model: calls run one after another, never interleaved.
    const run = this.queue.then(() => this.groundNow(frame, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private queue: Promise<unknown> = Promise.resolve();

  private async groundNow(frame: RGBDFrame, options: GroundOptions): Promise<GroundingAnswer> {
    const t0 = performance.now();
    const where = "ground";
    const prompt = options.prompt ?? DEFAULT_GROUND_PROMPT;
    if (typeof prompt !== "string" || prompt.trim() === "") throw new InputError(where, "prompt", prompt, "must be a non-empty text");
    const { tokenizer, cfg } = this;
    const unknown = unknownWords(tokenizer, prompt);
    const empty: ParsedAnswer = { objects: [] };
    const vision = visionInputs(frame, cfg, where); // validates the frame even when the prompt is refused
    const visionMs = performance.now() - t0;
    if (unknown.length > 0) {
      const note = `the prompt has words this model does not know (${unknown.join(", ")}); it names nothing the model can box, so nothing was grounded`;
      return { prompt, objects: [], answer: empty, answerText: "", note, timing: { visionMs, prefillMs: 0, decodeMs: 0, totalMs: performance.now() - t0, answerTokens: 0 } };
    }
    const promptIds = tokenizer.encodePrompt(prompt);
    if (promptIds.length > cfg.maxPromptTokens) throw new InputError(where, "prompt", prompt, `is ${promptIds.length} tokens; the model reads at most ${cfg.maxPromptTokens}`);
    const labelIds = promptLabelIds(tokenizer, prompt);
    const decoded = await greedyDecode(this.source, { pixels: vision.patches, depthPE: vision.depthPE, patchDepth: vision.patchDepthM, promptIds }, tokenizer, cfg, { mode: options.mode ?? "boxes", labelIds });
    const spans = objectSpans(tokenizer, decoded.ids);
    const points = supportPoints(frame);
    const objects: GroundedObject[] = [];
    let unsupported = 0;
    decoded.answer.objects.forEach((o, i) => {
      const decodedBox = decodeBox(o.bins, frame.intrinsics, frame.size, cfg, where);
      const box = options.refine === true ? (refineBox(frame, o.label, decodedBox) ?? decodedBox) : decodedBox;
      const [a, b] = spans[i]!;
      const logP = decoded.logProbs.slice(a, b).reduce((s, x) => s + x, 0) / (b - a);
      if (countSupport(points, box) < MIN_SUPPORT_POINTS) unsupported++;
      else objects.push({ label: o.label, name: o.name, box, score: Math.exp(logP) });
    });
    const note = unsupported > 0 ? `${unsupported} decoded box${unsupported === 1 ? "" : "es"} held no depth points (empty space) and ${unsupported === 1 ? "was" : "were"} dropped` : undefined;
    return {
      prompt,
      objects,
      answer: decoded.answer,
      answerText: tokenizer.decode(decoded.ids),
      ...(note === undefined ? {} : { note }),
      timing: { visionMs, prefillMs: decoded.prefillMs, decodeMs: decoded.decodeMs, totalMs: performance.now() - t0, answerTokens: decoded.ids.length },
    };
  }
}

/**
 * `box` re-measured with the frame's depth: its projection clipped to the image, lifted as a box
 * prompt; null when the projection misses the image or lifting rejects it.
 */
export function refineBox(frame: RGBDFrame, label: string, box: Box3D): Box3D | null {
  const projected = projectBox3D(frame.intrinsics, box);
  if (projected === null) return null;
  const clipped = clipBox2dToImage(projected, frame.size);
  if (clipped === null || !(clipped.x2 - clipped.x1 >= 2 && clipped.y2 - clipped.y1 >= 2)) return null;
  const lifted = liftObject(
    { size: frame.size, depthM: frame.depthM, intrinsics: frame.intrinsics, rgb: frame.rgb, ...(frame.pointsM === undefined ? {} : { pointsM: frame.pointsM }), ...(frame.gravity === undefined ? {} : { gravity: frame.gravity }) },
    { label, bbox2d: clipped },
  );
  return lifted.verdict === "kept" ? lifted.box : null;
}

/** Pieces of `prompt` the vocabulary does not hold (as words or inside a phrase token), in order, unique. */
export function unknownWords(tokenizer: Tokenizer, prompt: string): string[] {
  const tokens = tokenizer.tokenize(prompt);
  if (!tokens.includes(SPECIAL_TOKENS[4])) return [];
  const covered = new Set(tokens.flatMap((t) => t.split(" ")));
  const out: string[] = [];
  for (const m of prompt.toLowerCase().matchAll(new RegExp(PRETOKENIZER_PATTERN, "gu"))) {
    const piece = m[0];
    if (m[1] === undefined && !tokenizer.has(piece) && !covered.has(piece) && !out.includes(piece)) out.push(piece);
  }
  return out;
}

/** [start, end) indices of each object's tokens (<obj> ... </obj>) in an answer. */
function objectSpans(tokenizer: Tokenizer, ids: readonly number[]): [number, number][] {
  const open = tokenizer.id(OBJ_OPEN);
  const close = tokenizer.id(OBJ_CLOSE);
  const spans: [number, number][] = [];
  let start = -1;
  ids.forEach((id, i) => {
    if (id === open) start = i;
    else if (id === close && start >= 0) spans.push([start, i + 1]);
  });
  return spans;
}

/** The frame's valid points on every 2nd pixel of every 2nd row, camera frame, metres (what {@link countSupport} counts). */
export function supportPoints(frame: RGBDFrame): Vec3[] {
  const { width, height } = frame.size;
  const K = frame.intrinsics;
  const out: Vec3[] = [];
  for (let v = 0; v < height; v += 2) {
    for (let u = 0; u < width; u += 2) {
      const i = v * width + u;
      if (frame.validMask !== undefined && frame.validMask[i] === 0) continue;
      if (frame.pointsM !== undefined) {
        const p: Vec3 = [frame.pointsM[3 * i]!, frame.pointsM[3 * i + 1]!, frame.pointsM[3 * i + 2]!];
        if (isValidDepth(p[2]) && Number.isFinite(p[0]) && Number.isFinite(p[1])) out.push(p);
        continue;
      }
      const z = frame.depthM[i]!;
      if (isValidDepth(z)) out.push([((u - K.cx) / K.fx) * z, ((v - K.cy) / K.fy) * z, z]);
    }
  }
  return out;
}

/**
 * How many of `points` lie inside `box` grown by {@link SUPPORT_MARGIN} of each side plus
 * {@link SUPPORT_PAD_M}: a box with fewer than {@link MIN_SUPPORT_POINTS} is empty space.
 */
export function countSupport(points: readonly Vec3[], box: Box3D): number {
  const grown: Box3D = { center: box.center, size: box.size.map((s) => s * (1 + SUPPORT_MARGIN) + 2 * SUPPORT_PAD_M) as unknown as Vec3, yaw: box.yaw };
  let n = 0;
  for (const p of points) if (boxContainsPoint(grown, p)) n++;
  return n;
}

const normalizePrompt = (text: string): string => text.trim().replace(/\s+/g, " ").toLowerCase();

/** The grounding templates as patterns capturing the category (`{class}`). */
const GROUNDING_PATTERNS: readonly RegExp[] = GROUNDING_TEMPLATES.map(
  (t) => new RegExp(`^${t.split("{class}").map((part) => escapeRegExp(normalizePrompt(part))).join("(.+?)")}$`),
);

/**
 * The label tokens the answer may use for `prompt`: none (no restriction) for a detection phrasing;
 * the category's label tokens for a grounding phrasing; for any other prompt, every label word in
 * it. The template text itself is not read for labels: "box" is a category, and the phrasings'
 * own "3D box" / "boxes" would otherwise restrict a detection answer to boxes labelled "box".
 */
export function promptLabelIds(tokenizer: Tokenizer, prompt: string): Set<number> {
  const text = normalizePrompt(prompt);
  if (DETECTION_TEMPLATES.some((t) => normalizePrompt(t) === text)) return new Set();
  const category = GROUNDING_PATTERNS.map((re) => re.exec(text)?.[1]).find((c) => c !== undefined);
  const labels = new Set(tokenizer.labels);
  return new Set(Array.from(tokenizer.encodePrompt(category ?? prompt)).filter((id) => labels.has(tokenizer.token(id))));
}
