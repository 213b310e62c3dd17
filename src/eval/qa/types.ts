import type { LengthUnit } from "../../reason/index.js";
import type { SkippedInput } from "../types.js";

/**
 * Spatial-QA evaluation types. Every benchmark is loaded into the same {@link QaItem}: a question,
 * its truth as a value ({@link QaTruth}, parsed once at load) and the name of the scoring rule
 * (rules.ts). A prediction is free text; extraction turns it into a {@link QaReading} of the kind the
 * truth has, and the rule compares the two.
 */

/** Units answers are read in: n3d's four plus millimetres and kilometres. */
export type AnswerUnit = LengthUnit | "mm" | "km";

/** The benchmarks whose rules n3d implements. */
export type QaBenchmarkName = "n3d" | "spatialrgpt" | "cvbench";

/** A truth value, in the units scoring uses (lengths in metres, clock hours 1..12). */
export type QaTruth =
  | { readonly kind: "length"; readonly metres: number }
  | { readonly kind: "clock"; readonly hour: number }
  | { readonly kind: "bool"; readonly value: boolean }
  /** `value` is one of `options` (option texts: object names, "Region [0]", "yes"). */
  | { readonly kind: "choice"; readonly value: string; readonly options: readonly string[] }
  | { readonly kind: "count"; readonly value: number }
  | { readonly kind: "order"; readonly value: readonly string[] };

/** What was read from a prediction; the same kinds as {@link QaTruth}, without the options. */
export type QaReading =
  | { readonly kind: "length"; readonly metres: number }
  | { readonly kind: "clock"; readonly hour: number }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "choice"; readonly value: string }
  | { readonly kind: "count"; readonly value: number }
  | { readonly kind: "order"; readonly value: readonly string[] };

/** One benchmark question, loaded. */
export interface QaItem {
  /** Unique within its benchmark; predictions refer to it. */
  readonly id: string;
  readonly benchmark: QaBenchmarkName;
  /**
   * The group results are reported per: SpatialRGPT-Bench's category ("left/right",
   * "direct_distance"), CV-Bench's task ("Depth", "Distance"), N3D-Bench's question type.
   */
  readonly category: string;
  /**
   * A coarser group: SpatialRGPT-Bench "qualitative" / "quantitative", CV-Bench the row's type
   * ("3D"), N3D-Bench the item's format ("open", "numeric", "choice").
   */
  readonly group: string;
  /** Scoring rule name (rules.ts). */
  readonly rule: string;
  readonly question: string;
  /** The reference answer as the benchmark writes it. */
  readonly truthText: string;
  /** The truth as a value; null when it could not be parsed (see `truthProblem`). */
  readonly truth: QaTruth | null;
  /** Why `truth` is null. */
  readonly truthProblem?: string;
  /** Multiple choice: the options' texts in letter order (A, B, ...); their letters are the answers. */
  readonly choices?: readonly string[];
  /** Multiple choice: the right letter ("A"). */
  readonly truthLetter?: string;
  /**
   * The unit a bare number in the answer is read in (N3D-Bench: the question names it). Without it
   * a number with no unit is unparseable, never guessed.
   */
  readonly unit?: AnswerUnit;
}

/** A loaded benchmark: its items, what was not used, and notes about fields the loader ignored. */
export interface QaLoadResult {
  readonly benchmark: QaBenchmarkName;
  readonly items: readonly QaItem[];
  /** Rows that could not be turned into items, with the reason. */
  readonly skipped: readonly SkippedInput[];
  /**
   * Non-fatal notes: "unknown field 'foo' in row 3", "truth of quantitative_12 cannot be parsed:
   * ...". The item is still loaded (with a null truth in the second case).
   */
  readonly warnings: readonly string[];
}

/** One (prediction, truth) pair for {@link QaEvaluator}. */
export interface QaInput {
  /** The item's id. */
  readonly id: string;
  /** The model's free-text answer; null when the predictions file had none for this id. */
  readonly prediction: string | null;
  readonly truth: QaItem;
  /**
   * A reading made elsewhere (the LLM judge); when present it replaces rule-based extraction. The
   * CV-Bench letter rule never uses it.
   */
  readonly reading?: QaReading;
}
