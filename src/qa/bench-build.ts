import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fsutil.js";
import { createRng, deriveSeed, type Rng } from "../random.js";
import { formatLength, type AnswerValue, type LengthUnit, type Margins } from "../reason/index.js";
import { BalanceTracker } from "./balance.js";
import { drawReasoning, type ReasoningDraw } from "./draw.js";
import { resolveQaOptions } from "./generate.js";
import { hash32 } from "./hash.js";
import type { ImageId, QaScene } from "./repository.js";
import { DEFAULT_HELD_OUT_SHARE, isHeldOut } from "./split.js";

/**
 * N3D-Bench: a balanced benchmark drawn from the held-out images only (split.ts), so no bench
 * image is ever in training QA. For every question type up to `perType` questions are drawn (the
 * ambiguity guard applied, yes/no and option positions balanced as in training QA), and each is
 * written in the forms its answer allows, every item carrying its truth and the name of the rule
 * that scores it.
 */

/** How an item asks for its answer. */
export type BenchFormat = "open" | "numeric" | "choice";

/** Every bench format, in the order an item's forms are written. */
export const BENCH_FORMATS: readonly BenchFormat[] = ["open", "numeric", "choice"];

/** Scoring rules by name; eval/ implements them, the bench records which applies. */
export const SCORING_RULES = {
  within25pct: "the number (with its unit, converted to metres) is within [0.75, 1.25] x the truth in metres (SpatialRGPT-Bench)",
  "clock-within-1": "the clock hour differs from the truth by at most 1, cyclically: min(d, 12 - d) <= 1 (SpatialRGPT-Bench)",
  "yes-no": "the answer's yes or no equals the truth",
  "exact-choice": "the chosen option, by its letter or its text, equals the truth (CV-Bench rule for letters)",
  "exact-count": "the integer in the answer equals the truth",
  "exact-order": "the answer lists the truth's names in the truth's order",
} as const;

/** A scoring rule's name. */
export type ScoringRule = keyof typeof SCORING_RULES;

/** The instruction appended to multiple-choice questions (CV-Bench's). */
export const CHOICE_SUFFIX = "Answer with the option's letter from the given choices directly.";

/** One benchmark question. */
export interface BenchItem {
  /** `<group>:<format>`. */
  readonly id: string;
  /** Shared by the forms of one drawn question: `<type>:<k>`. */
  readonly group: string;
  readonly imageId: ImageId;
  readonly imageFile: string;
  readonly depthFile: string;
  readonly type: string;
  readonly format: BenchFormat;
  readonly question: string;
  /** Multiple choice: the options' texts in letter order (A, B, ...). */
  readonly choices?: readonly string[];
  /** The program's answer. */
  readonly truth: AnswerValue;
  /** The reference answer as text: the sentence (open), the number (numeric), "(B)" (choice). */
  readonly truthText: string;
  /** Multiple choice: the right letter. */
  readonly truthChoice?: string;
  readonly scoring: ScoringRule;
  /** The unit the question asks in, for lengths (and count radii). */
  readonly unit?: LengthUnit;
  /** Objects the answer uses. */
  readonly objects: readonly string[];
  /** The reference chain of thought (n3d frame). */
  readonly cot: string;
}

/** A built benchmark, as written to its JSON file. */
export interface N3dBench {
  readonly format: "n3d-bench";
  readonly version: 1;
  readonly seed: number;
  readonly perType: number;
  /** Share of images held out (split.ts); the bench uses exactly those. */
  readonly heldOut: number;
  /** Held-out image ids, in repository order. */
  readonly images: readonly ImageId[];
  readonly types: readonly string[];
  /** Items per type and format. */
  readonly counts: Readonly<Record<string, Readonly<Partial<Record<BenchFormat, number>>>>>;
  readonly scoringRules: typeof SCORING_RULES;
  readonly items: readonly BenchItem[];
}

/** Options of {@link buildN3dBench}. */
export interface BenchOptions {
  readonly seed: number;
  /** Most questions drawn per type (each written in up to three formats). */
  readonly perType: number;
  /** Share of images held out (default {@link DEFAULT_HELD_OUT_SHARE}); must match training QA's. */
  readonly heldOut?: number;
  /** Question types (default all of reason/'s). */
  readonly types?: readonly string[];
  /** Units lengths are asked in (default all four). */
  readonly units?: readonly LengthUnit[];
  readonly margins?: Partial<Margins>;
  /** Formats written (default all three). */
  readonly formats?: readonly BenchFormat[];
}

/** Passes over the held-out scenes per type before settling for fewer than perType questions. */
const MAX_PASSES = 8;
/** Length distractors as multiples of the truth: any two differ by more than the 25% rule. */
const LENGTH_FACTORS = [0.4, 0.6, 1.6, 2.5] as const;

const LETTERS = "ABCDEFGHIJ";

/**
 * Build N3D-Bench from the held-out scenes of `scenes`. Throws an InputError when no scene is
 * held out (too few images for the share) or an option is invalid. Deterministic in (scenes,
 * options).
 */
export function buildN3dBench(scenes: readonly QaScene[], options: BenchOptions): N3dBench {
  const where = "buildN3dBench";
  const heldOut = options.heldOut ?? DEFAULT_HELD_OUT_SHARE;
  const resolved = resolveQaOptions(
    {
      seed: options.seed,
      heldOut,
      ...(options.types ? { types: options.types } : {}),
      ...(options.units ? { units: options.units } : {}),
      ...(options.margins ? { margins: options.margins } : {}),
    },
    where,
  );
  if (!Number.isInteger(options.perType) || options.perType < 1) throw new InputError(where, "perType", options.perType, "must be an integer >= 1");
  const formats = options.formats ?? BENCH_FORMATS;
  for (const f of formats) {
    if (!(BENCH_FORMATS as readonly string[]).includes(f)) throw new InputError(where, "formats", f, `is not a supported bench format; choose one of ${BENCH_FORMATS.join(", ")}`);
  }
  const bench = scenes.filter((s) => isHeldOut(s.imageId, heldOut) && s.objects.length > 0);
  if (bench.length === 0) {
    throw new InputError(where, "heldOut", heldOut, `no image with objects among the ${scenes.length} is held out; use more images or a larger share`);
  }

  const tracker = new BalanceTracker();
  const choicePositions = new Map<string, number>();
  const items: BenchItem[] = [];
  const counts: Record<string, Partial<Record<BenchFormat, number>>> = {};
  for (const type of resolved.types) {
    const typeSeed = deriveSeed(resolved.seed, hash32(type));
    const order = shuffled(bench, createRng(typeSeed));
    const seen = new Map<string, Set<string>>();
    let drawn = 0;
    for (let pass = 0; pass < MAX_PASSES && drawn < options.perType; pass++) {
      const before = drawn;
      for (const scene of order) {
        if (drawn >= options.perType) break;
        const rng = createRng(deriveSeed(deriveSeed(typeSeed, hash32(String(scene.imageId))), pass));
        let sceneSeen = seen.get(String(scene.imageId));
        if (sceneSeen === undefined) seen.set(String(scene.imageId), (sceneSeen = new Set()));
        const draw = drawReasoning(scene, type, rng, tracker, resolved.draw, sceneSeen);
        if (draw === null) continue;
        const group = `${type}:${drawn}`;
        for (const item of benchForms(scene, draw, group, formats, rng, choicePositions)) {
          items.push(item);
          const c = (counts[type] ??= {});
          c[item.format] = (c[item.format] ?? 0) + 1;
        }
        drawn++;
      }
      if (drawn === before) break;
    }
  }
  return {
    format: "n3d-bench",
    version: 1,
    seed: resolved.seed,
    perType: options.perType,
    heldOut,
    images: bench.map((s) => s.imageId),
    types: resolved.types,
    counts,
    scoringRules: SCORING_RULES,
    items,
  };
}

/** The bench as JSON text (two-space indented, ending in "\n"). */
export function serializeN3dBench(bench: N3dBench): string {
  return `${JSON.stringify(bench, null, 2)}\n`;
}

/** Write {@link serializeN3dBench} atomically. */
export async function writeN3dBench(path: string, bench: N3dBench): Promise<void> {
  await writeFileAtomic(path, serializeN3dBench(bench));
}

function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The scoring rule of an answer written freely (open) or as a bare number (numeric). */
function freeRule(answer: AnswerValue): ScoringRule {
  switch (answer.kind) {
    case "length":
      return "within25pct";
    case "clock":
      return "clock-within-1";
    case "bool":
      return "yes-no";
    case "choice":
      return "exact-choice";
    case "count":
      return "exact-count";
    case "order":
      return "exact-order";
  }
}

/**
 * The numeric form's instruction and truth text, or null when the answer is not a number. A length
 * question already names its unit, so the bare number is read in that unit.
 */
function numericForm(answer: AnswerValue): { suffix: string; truthText: string } | null {
  switch (answer.kind) {
    case "length":
      return { suffix: "Answer with a single number.", truthText: String(answer.value) };
    case "clock":
      return { suffix: "Answer with a single clock hour from 1 to 12.", truthText: String(answer.value) };
    case "count":
      return { suffix: "Answer with a single whole number.", truthText: String(answer.value) };
    default:
      return null;
  }
}

/** Options of a multiple-choice form (truth first), or null when the answer has none. */
function choiceOptions(answer: AnswerValue, unit: LengthUnit, rng: Rng): { truth: string; others: string[] } | null {
  switch (answer.kind) {
    case "bool":
      return { truth: answer.value ? "yes" : "no", others: [answer.value ? "no" : "yes"] };
    case "choice":
      return { truth: answer.value, others: answer.options.filter((o) => o !== answer.value) };
    case "length": {
      const factors = shuffled(LENGTH_FACTORS, rng).slice(0, 3);
      const truth = formatLength(answer.metres, unit);
      const others = factors.map((f) => formatLength(answer.metres * f, unit));
      return new Set([truth, ...others]).size === 4 ? { truth, others } : null;
    }
    case "clock": {
      const hour = (h: number): string => `${((h - 1 + 12) % 12) + 1} o'clock`;
      return { truth: hour(answer.value), others: [3, 6, 9].map((d) => hour(answer.value + d)) };
    }
    case "count": {
      const n = answer.value;
      const pool = [n + 1, n + 2, n + 3, n - 1, n - 2].filter((x) => x >= 0);
      return { truth: String(n), others: shuffled(pool, rng).slice(0, 3).map(String) };
    }
    case "order":
      return null;
  }
}

/** The forms one drawn question is written in. */
function benchForms(
  scene: QaScene,
  draw: ReasoningDraw,
  group: string,
  formats: readonly BenchFormat[],
  rng: Rng,
  positions: Map<string, number>,
): BenchItem[] {
  const answer = draw.result.answer;
  const isLength = answer.kind === "length" || draw.ctx.radiusM !== undefined;
  const common = {
    group,
    imageId: scene.imageId,
    imageFile: scene.imageFile,
    depthFile: scene.depthFile,
    type: draw.type,
    truth: answer,
    objects: draw.result.used,
    cot: draw.result.cot,
    ...(isLength ? { unit: draw.unit } : {}),
  };
  const out: BenchItem[] = [];
  if (formats.includes("open")) {
    out.push({ ...common, id: `${group}:open`, format: "open", question: draw.question, truthText: draw.result.sentence, scoring: freeRule(answer) });
  }
  const numeric = numericForm(answer);
  if (formats.includes("numeric") && numeric !== null) {
    out.push({ ...common, id: `${group}:numeric`, format: "numeric", question: `${draw.question} ${numeric.suffix}`, truthText: numeric.truthText, scoring: freeRule(answer) });
  }
  const options = formats.includes("choice") ? choiceOptions(answer, draw.unit, rng) : null;
  if (options !== null) {
    let choices: string[];
    let at: number;
    if (answer.kind === "choice") {
      // Options are the objects in the order the question names them; the draw already balanced
      // which position is right.
      choices = [...answer.options];
      at = choices.indexOf(answer.value);
    } else {
      // The right letter rotates through the positions, counted per type and per outcome (yes and
      // no separately), so every letter is right equally often for each outcome.
      const n = options.others.length + 1;
      const key = `${draw.type}|${draw.outcome ?? ""}`;
      const k = positions.get(key) ?? 0;
      positions.set(key, k + 1);
      at = k % n;
      choices = [...options.others.slice(0, at), options.truth, ...options.others.slice(at)];
    }
    const letter = LETTERS[at]!;
    const lines = choices.map((c, i) => `(${LETTERS[i]}) ${c}`).join("\n");
    out.push({
      ...common,
      id: `${group}:choice`,
      format: "choice",
      question: `${draw.question}\n${lines}\n${CHOICE_SUFFIX}`,
      choices,
      truthText: `(${letter})`,
      truthChoice: letter,
      scoring: "exact-choice",
    });
  }
  return out;
}
