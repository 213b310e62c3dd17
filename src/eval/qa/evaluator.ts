import { InputError } from "../../errors.js";
import type { EvalResults, Evaluator, SkippedInput } from "../types.js";
import { SPATIALRGPT_QUALITATIVE, SPATIALRGPT_QUANTITATIVE } from "./load-spatialrgpt.js";
import { getQaBenchmark } from "./loaders.js";
import { isQaScoringRule, QA_SCORING_RULES, type QaOutcome, type ScorableItem } from "./rules.js";
import type { QaBenchmarkName, QaInput, QaReading } from "./types.js";

/**
 * Spatial-QA evaluator (Detectron2 contract: reset / process / evaluate). Each input is scored by
 * its item's rule; evaluate() returns
 *
 *   overall              every item
 *   group:<group>        SpatialRGPT-Bench qualitative / quantitative; CV-Bench 3D (2D);
 *                        N3D-Bench open / numeric / choice
 *   category:<category>  SpatialRGPT-Bench categories (left/right, ..., direct_distance, ...,
 *                        direction); CV-Bench tasks (Depth, Distance); N3D-Bench question types
 *
 * each with the metrics
 *
 *   accuracy                 correct / scored (a fraction in [0, 1]; absent when nothing scored)
 *   correct, scored, items   scored = items whose truth parsed; an unparseable or missing
 *                            prediction is scored as wrong
 *   unparseablePredictions   predictions from which no answer could be read
 *   missingPredictions       items with no prediction
 *   unparseableTruths        items whose truth could not be read (not scored)
 *   relErrorMean, relErrorCount  within25pct items with a readable prediction: mean of
 *                            |p - g| / (g + 1e-4) and how many it is over
 *
 * and `overall` also `categoryMeanAccuracy`, the unweighted mean of the categories' accuracies.
 * Metrics with an empty denominator are left out, never NaN.
 */

/** Options of {@link QaEvaluator}. */
export interface QaEvaluatorOptions {
  /** The benchmark whose items this evaluator scores: "n3d" | "spatialrgpt" | "cvbench". */
  readonly rules: string;
}

/** How one item fared. */
export type QaItemOutcome = QaOutcome | "missing" | "unparseable-truth";

/** One scored item, for reports. */
export interface QaItemResult {
  readonly id: string;
  readonly category: string;
  readonly group: string;
  readonly rule: string;
  readonly outcome: QaItemOutcome;
  readonly prediction: string | null;
  readonly truthText: string;
  /** What was read from the prediction. */
  readonly reading: QaReading | null;
  /** Where the reading came from: the judge's or the rule-based extractor. */
  readonly readBy: "judge" | "rules" | null;
  readonly relError?: number;
}

interface Tally {
  items: number;
  scored: number;
  correct: number;
  unparseablePredictions: number;
  missingPredictions: number;
  unparseableTruths: number;
  relErrorSum: number;
  relErrorCount: number;
}

function emptyTally(): Tally {
  return { items: 0, scored: 0, correct: 0, unparseablePredictions: 0, missingPredictions: 0, unparseableTruths: 0, relErrorSum: 0, relErrorCount: 0 };
}

function add(t: Tally, r: QaItemResult): void {
  t.items++;
  if (r.outcome === "unparseable-truth") {
    t.unparseableTruths++;
    return;
  }
  t.scored++;
  if (r.outcome === "correct") t.correct++;
  else if (r.outcome === "unparseable") t.unparseablePredictions++;
  else if (r.outcome === "missing") t.missingPredictions++;
  if (r.relError !== undefined) {
    t.relErrorSum += r.relError;
    t.relErrorCount++;
  }
}

function metrics(t: Tally): Record<string, number> {
  const out: Record<string, number> = {};
  if (t.scored > 0) out["accuracy"] = t.correct / t.scored;
  Object.assign(out, {
    correct: t.correct,
    scored: t.scored,
    items: t.items,
    unparseablePredictions: t.unparseablePredictions,
    missingPredictions: t.missingPredictions,
    unparseableTruths: t.unparseableTruths,
  });
  if (t.relErrorCount > 0) {
    out["relErrorMean"] = t.relErrorSum / t.relErrorCount;
    out["relErrorCount"] = t.relErrorCount;
  }
  return out;
}

/** The paper's order of SpatialRGPT-Bench categories. */
const SPATIALRGPT_ORDER = [...SPATIALRGPT_QUALITATIVE.map(([name]) => name), ...Object.values(SPATIALRGPT_QUANTITATIVE)];

/** Sort keys: known ones in `order` first, then the rest alphabetically. */
function ordered(keys: Iterable<string>, order: readonly string[]): string[] {
  const rank = (k: string): number => {
    const i = order.indexOf(k);
    return i < 0 ? order.length : i;
  };
  return [...keys].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Scores free-text answers against one benchmark's items by that benchmark's rules. */
export class QaEvaluator implements Evaluator<QaInput> {
  readonly name = "qa";
  /** The benchmark scored. */
  readonly rules: QaBenchmarkName;
  #results: QaItemResult[] = [];
  #seen = new Set<string>();
  #skipped: SkippedInput[] = [];

  constructor(options: QaEvaluatorOptions) {
    if (typeof options !== "object" || options === null) throw new InputError("QaEvaluator", "options", options, "must be an object {rules}");
    this.rules = getQaBenchmark(options.rules, "QaEvaluator").name;
  }

  reset(): void {
    this.#results = [];
    this.#seen = new Set();
    this.#skipped = [];
  }

  /** Score a batch. Inputs that cannot be scored (duplicates, another benchmark's items) are skipped with the reason. */
  process(inputs: readonly QaInput[]): void {
    for (const input of inputs) {
      const skip = this.#check(input);
      if (skip !== null) {
        this.#skipped.push({ id: typeof input?.id === "string" ? input.id : "(no id)", reason: skip });
        continue;
      }
      let result: QaItemResult;
      try {
        result = scoreQaInput(input);
      } catch (err) {
        // Only hand-made items get here (loaders check that rule and truth fit).
        if (!(err instanceof InputError)) throw err;
        this.#skipped.push({ id: input.id, reason: err.message });
        continue;
      }
      this.#seen.add(input.id);
      this.#results.push(result);
    }
  }

  #check(input: QaInput): string | null {
    if (typeof input !== "object" || input === null || typeof input.id !== "string" || typeof input.truth !== "object" || input.truth === null) return "not a {id, prediction, truth} input";
    if (input.id !== input.truth.id) return `id does not match its truth's id ${JSON.stringify(input.truth.id)}`;
    if (input.truth.benchmark !== this.rules) return `a ${input.truth.benchmark} item given to the ${this.rules} evaluator`;
    if (!isQaScoringRule(input.truth.rule)) return `unknown scoring rule ${JSON.stringify(input.truth.rule)}`;
    if (input.prediction !== null && typeof input.prediction !== "string") return "prediction must be a string or null";
    if (this.#seen.has(input.id)) return "duplicated id (the first one is scored)";
    return null;
  }

  evaluate(): EvalResults {
    const overall = emptyTally();
    const groups = new Map<string, Tally>();
    const categories = new Map<string, Tally>();
    for (const r of this.#results) {
      add(overall, r);
      if (!groups.has(r.group)) groups.set(r.group, emptyTally());
      add(groups.get(r.group)!, r);
      if (!categories.has(r.category)) categories.set(r.category, emptyTally());
      add(categories.get(r.category)!, r);
    }
    const out: EvalResults = { overall: metrics(overall) };
    const accuracies = [...categories.values()].filter((t) => t.scored > 0).map((t) => t.correct / t.scored);
    if (accuracies.length > 0) out["overall"]!["categoryMeanAccuracy"] = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
    const order = this.rules === "spatialrgpt" ? ["qualitative", "quantitative", ...SPATIALRGPT_ORDER] : [];
    for (const g of ordered(groups.keys(), order)) out[`group:${g}`] = metrics(groups.get(g)!);
    for (const c of ordered(categories.keys(), order)) out[`category:${c}`] = metrics(categories.get(c)!);
    return out;
  }

  /** Every scored item, in the order processed (for reports and error analysis). */
  get results(): readonly QaItemResult[] {
    return this.#results;
  }

  /** Inputs process() did not score, with the reason. */
  get skipped(): readonly SkippedInput[] {
    return this.#skipped;
  }
}

/** Score one input by its item's rule. */
export function scoreQaInput(input: QaInput): QaItemResult {
  const item = input.truth;
  const base = { id: item.id, category: item.category, group: item.group, rule: item.rule, prediction: input.prediction, truthText: item.truthText };
  if (item.truth === null) return { ...base, outcome: "unparseable-truth", reading: null, readBy: null };
  if (input.prediction === null) return { ...base, outcome: "missing", reading: null, readBy: null };
  if (!isQaScoringRule(item.rule)) throw new InputError("scoreQaInput", "truth.rule", item.rule, "is not a supported scoring rule");
  const score = QA_SCORING_RULES[item.rule].score(input.prediction, item as ScorableItem, input.reading);
  const byJudge = input.reading !== undefined && score.reading === input.reading;
  return {
    ...base,
    outcome: score.outcome,
    reading: score.reading,
    readBy: score.reading === null ? null : byJudge ? "judge" : "rules",
    ...(score.relError === undefined ? {} : { relError: score.relError }),
  };
}
