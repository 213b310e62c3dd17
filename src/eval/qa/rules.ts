import { InputError } from "../../errors.js";
import { SCORING_RULES, type ScoringRule as ScoringRuleName } from "../../qa/index.js";
import { clockDifference } from "../../reason/index.js";
import { CHOICE_LETTERS, cvBenchAnswerText, cvBenchLetter, readAnswer } from "./extract.js";
import type { QaItem, QaTruth, QaReading } from "./types.js";

/**
 * Scoring rules, by the names N3D-Bench items carry (qa/bench-build.ts SCORING_RULES, whose
 * descriptions are reused here). SpatialRGPT-Bench and CV-Bench items are loaded with the same
 * names: quantitative -> within25pct, direction -> clock-within-1, predicates -> yes-no, choices
 * and CV-Bench rows -> exact-choice.
 *
 * An answer that cannot be read scores as wrong, and is counted as unparseable.
 */

/** How one prediction scored. */
export type QaOutcome = "correct" | "wrong" | "unparseable";

/** The score of one prediction. */
export interface QaScore {
  /** "unparseable" counts as wrong in every accuracy. */
  readonly outcome: QaOutcome;
  /** What was read from the prediction (null when nothing was). */
  readonly reading: QaReading | null;
  /** within25pct with a readable prediction: |p - g| / (g + 1e-4), both in metres. */
  readonly relError?: number;
}

/** An item whose truth parsed. */
export type ScorableItem = QaItem & { readonly truth: QaTruth };

/** A scoring rule: compares a free-text prediction with an item's truth. */
export interface QaScoringRule {
  readonly name: ScoringRuleName;
  readonly description: string;
  /**
   * Score `prediction`. `reading`, when given (the LLM judge's), replaces rule-based extraction if
   * it has the truth's kind; the CV-Bench letter rule ignores it.
   */
  score(prediction: string, item: ScorableItem, reading?: QaReading): QaScore;
}

/**
 * Relative slack on the 25% bounds. The rule is 0.75 g <= p <= 1.25 g exactly; the slack only
 * absorbs floating-point rounding from unit conversion (3 ft is 0.9144000000000001 m, 1.25 x 1.1 is
 * 1.3750000000000002), so an answer exactly 25% off is on the boundary and succeeds. It is a
 * billionth of the truth: 1.2501 g still fails.
 */
export const WITHIN_25PCT_SLACK = 1e-9;

/** SpatialRGPT-Bench's success test: 0.75 * truth <= pred <= 1.25 * truth, both in metres. */
export function isWithin25Percent(predM: number, truthM: number): boolean {
  return predM >= 0.75 * truthM * (1 - WITHIN_25PCT_SLACK) && predM <= 1.25 * truthM * (1 + WITHIN_25PCT_SLACK);
}

/** SpatialRGPT-Bench's relative error |p - g| / (g + 1e-4), both in metres. */
export function relativeError(predM: number, truthM: number): number {
  return Math.abs(predM - truthM) / (truthM + 1e-4);
}

/** The clock rule (reference/FORMATS.md section 3): min(d, 12 - d) <= 1. */
export function isClockWithinOne(predHour: number, truthHour: number): boolean {
  return clockDifference(predHour, truthHour) <= 1;
}

/** The reading to score: the judge's when it has the truth's kind, else the rule-based one. */
function readingFor(prediction: string, item: ScorableItem, given: QaReading | undefined): QaReading | null {
  if (given !== undefined && given.kind === item.truth.kind) return given;
  return readAnswer(prediction, item, item.truth);
}

function outcome(ok: boolean): QaOutcome {
  return ok ? "correct" : "wrong";
}

/** The truth kinds a rule can score without lettered choices. */
export const RULE_TRUTH_KINDS: Readonly<Record<ScoringRuleName, readonly QaTruth["kind"][]>> = {
  within25pct: ["length"],
  "clock-within-1": ["clock"],
  "yes-no": ["bool"],
  "exact-choice": ["choice"],
  "exact-count": ["count"],
  "exact-order": ["order"],
};

/**
 * Why `item`'s rule cannot score its truth, or null when it can: loaders call this so that
 * scoring never meets a mismatch. exact-choice scores any truth when the item has lettered
 * choices and a truth letter.
 */
export function ruleMismatch(item: Pick<QaItem, "rule" | "choices" | "truthLetter">, truth: QaTruth): string | null {
  if (!isQaScoringRule(item.rule)) return `rule ${JSON.stringify(item.rule)} is not a supported scoring rule; choose one of ${QA_SCORING_RULE_NAMES.join(", ")}`;
  if (item.rule === "exact-choice" && item.choices !== undefined && item.truthLetter !== undefined) {
    const at = CHOICE_LETTERS.indexOf(item.truthLetter);
    return at >= 0 && at < item.choices.length ? null : `truth letter ${JSON.stringify(item.truthLetter)} names none of the ${item.choices.length} choices`;
  }
  const kinds = RULE_TRUTH_KINDS[item.rule];
  return kinds.includes(truth.kind) ? null : `rule ${item.rule} scores ${kinds.join(", ")}, not a ${truth.kind} truth`;
}

/** Lower case, trimmed, no trailing full stop, no leading "the ": how option texts are compared. */
function optionKey(text: string): string {
  return text.trim().toLowerCase().replace(/[.!]+$/, "").trim().replace(/^the\s+/, "");
}

/**
 * CV-Bench's rule (reference/FORMATS.md section 5): of the text after "answer is" / "answer:", the
 * first character (after one opening parenthesis) must be the right letter, or the whole answer
 * must be the right option's text (compared case-insensitively, without a trailing full stop or a
 * leading "the"). An answer that is neither any option's letter nor any option's text is
 * unparseable.
 */
export function scoreLetterChoice(prediction: string, choices: readonly string[], truthLetter: string): QaScore {
  const letters = CHOICE_LETTERS.slice(0, choices.length);
  const letter = cvBenchLetter(prediction);
  const text = optionKey(cvBenchAnswerText(prediction));
  let chosen = letter !== null && letters.includes(letter) ? letters.indexOf(letter) : -1;
  if (chosen < 0) chosen = choices.findIndex((c) => optionKey(c) === text && text !== "");
  if (chosen < 0) return { outcome: "unparseable", reading: null };
  return { outcome: outcome(letters[chosen] === truthLetter), reading: { kind: "choice", value: choices[chosen]! } };
}

function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Score by comparing a reading with the truth (every rule but lettered choices). */
function compareRule(name: ScoringRuleName, same: (r: QaReading, t: QaTruth) => boolean): QaScoringRule {
  const kinds = RULE_TRUTH_KINDS[name];
  return {
    name,
    description: SCORING_RULES[name],
    score(prediction, item, given) {
      if (!kinds.includes(item.truth.kind)) {
        throw new InputError(`scoring rule ${name}`, "truth.kind", item.truth.kind, `cannot be scored by ${name}; it scores ${kinds.join(", ")}`);
      }
      const reading = readingFor(prediction, item, given);
      if (reading === null) return { outcome: "unparseable", reading: null };
      return { outcome: outcome(same(reading, item.truth)), reading };
    },
  };
}

const within25pct: QaScoringRule = {
  name: "within25pct",
  description: SCORING_RULES.within25pct,
  score(prediction, item, given) {
    if (item.truth.kind !== "length") throw new InputError("scoring rule within25pct", "truth.kind", item.truth.kind, "cannot be scored by within25pct; it scores length");
    const reading = readingFor(prediction, item, given);
    if (reading === null || reading.kind !== "length") return { outcome: "unparseable", reading: null };
    const g = item.truth.metres;
    return { outcome: outcome(isWithin25Percent(reading.metres, g)), reading, relError: relativeError(reading.metres, g) };
  },
};

const exactChoice: QaScoringRule = {
  name: "exact-choice",
  description: SCORING_RULES["exact-choice"],
  score(prediction, item, given) {
    if (item.choices !== undefined && item.truthLetter !== undefined) return scoreLetterChoice(prediction, item.choices, item.truthLetter);
    if (item.truth.kind !== "choice") {
      throw new InputError("scoring rule exact-choice", "choices", item.choices, "missing; a non-choice truth needs lettered choices and truthLetter");
    }
    const reading = readingFor(prediction, item, given);
    if (reading === null || reading.kind !== "choice") return { outcome: "unparseable", reading: null };
    return { outcome: outcome(reading.value === item.truth.value), reading };
  },
};

/** Every scoring rule by name. */
export const QA_SCORING_RULES: Readonly<Record<ScoringRuleName, QaScoringRule>> = {
  within25pct,
  "clock-within-1": compareRule("clock-within-1", (r, t) => r.kind === "clock" && t.kind === "clock" && isClockWithinOne(r.hour, t.hour)),
  "yes-no": compareRule("yes-no", (r, t) => r.kind === "bool" && t.kind === "bool" && r.value === t.value),
  "exact-choice": exactChoice,
  "exact-count": compareRule("exact-count", (r, t) => r.kind === "count" && t.kind === "count" && r.value === t.value),
  "exact-order": compareRule("exact-order", (r, t) => r.kind === "order" && t.kind === "order" && sameOrder(r.value, t.value)),
};

/** Names of every scoring rule. */
export const QA_SCORING_RULE_NAMES = Object.keys(QA_SCORING_RULES) as ScoringRuleName[];

/** Whether `name` is a scoring rule. */
export function isQaScoringRule(name: unknown): name is ScoringRuleName {
  return typeof name === "string" && Object.prototype.hasOwnProperty.call(QA_SCORING_RULES, name);
}

/** The rule called `name`; throws "X is not a supported scoring rule; choose one of ...". */
export function getQaScoringRule(name: string, where = "getQaScoringRule"): QaScoringRule {
  if (!isQaScoringRule(name)) throw new InputError(where, "rule", name, `is not a supported scoring rule; choose one of ${QA_SCORING_RULE_NAMES.join(", ")}`);
  return QA_SCORING_RULES[name];
}
