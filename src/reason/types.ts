import type { Box3D, Vec3 } from "../geometry/index.js";

/**
 * Executed spatial reasoning: a question is a small program over 3D boxes; running it yields the
 * answer and a chain of thought whose every number is computed from the boxes it prints.
 */

/** One object a question may name. */
export interface SceneObjectBox {
  /**
   * The name questions use for it, unique within a scene: the label when it is unique, else
   * `<index>_<label>` as the official release names objects (e.g. `4_hotair ballon`).
   */
  readonly name: string;
  /** Category label ("chair"). */
  readonly label: string;
  /** Camera frame (OpenCV: +x right, +y down, +z forward), metres. */
  readonly box: Box3D;
  /** Optional human attributes, for naming by description. */
  readonly attributes?: { readonly color?: string; readonly size?: string };
}

/** Length units answers may be given in. Programs compute in metres. */
export type LengthUnit = "m" | "cm" | "ft" | "in";

/** The frame numbers are printed in: n3d's (OpenCV) or the official release's (x-left, y-up, z-forward). */
export type PrintFrame = "n3d" | "official";

/** What a program needs besides the boxes. */
export interface ReasonContext {
  /** Gravity direction (unit, pointing down) in the camera frame; unknown means camera +y. */
  readonly gravity?: Vec3;
  /** Frame for the boxes printed in the chain of thought (default "n3d"). */
  readonly frame?: PrintFrame;
  /** Unit of quantitative answers in the sentence (default "m"); the CoT works in metres. */
  readonly unit?: LengthUnit;
  /**
   * Radius in metres for `count_within_distance` (centre-to-centre distance from the first named
   * object); required by that program, ignored by the others. Printed and compared at 2 decimals.
   */
  readonly radiusM?: number;
}

/** A program's answer, in a form scoring can compare without parsing text. */
export type AnswerValue =
  | { readonly kind: "length"; readonly metres: number; readonly unit: LengthUnit; readonly value: number }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "choice"; readonly value: string; readonly options: readonly string[] }
  | { readonly kind: "clock"; readonly value: number }
  | { readonly kind: "count"; readonly value: number }
  | { readonly kind: "order"; readonly value: readonly string[] };

/** The result of running a program. */
export interface ReasoningResult {
  /** Registry name of the program. */
  readonly type: string;
  readonly answer: AnswerValue;
  /** The answer as a sentence ("The chair is 0.91 meters tall."). */
  readonly sentence: string;
  /** Numbered reasoning steps, each computed from the boxes. */
  readonly steps: readonly string[];
  /** The full official-shape trace: `<think>1. ... 2. ...</think> <sentence>`. */
  readonly cot: string;
  /** Names of the objects the program used, in order. */
  readonly used: readonly string[];
}
