import type { N3dBoxJson } from "../formats/index.js";
import type { AnswerValue, LengthUnit } from "../reason/index.js";
import type { ImageId } from "./repository.js";

/** The three kinds of QA the generator writes. */
export type QaForm = "detection" | "grounding" | "reasoning";

/** A detection or grounding answer: the boxes, as n3d JSON (camera frame, metres). */
export interface BoxesAnswer {
  readonly kind: "boxes";
  readonly boxes: readonly N3dBoxJson[];
}

/** What a QA record's answer is, for scoring without parsing text. */
export type QaAnswerValue = AnswerValue | BoxesAnswer;

/**
 * One generated question with its answer: a line of the n3d JSONL export.
 *
 * Two renderings of every record are kept, so both training stacks read the same truth:
 * - n3d's own: `question` (a plain phrasing, paraphrasable) and `answer` (detection and grounding:
 *   the n3d JSON boxes array; reasoning: the answer sentence), with `cot` the executed chain of
 *   thought in n3d's frame.
 * - the official release's: `bboxLines`, the official float-form `Bbox(...)` lines (detection: all
 *   objects; grounding: the category's instances; reasoning: the objects the question uses, the
 *   stage-1 answer), and `cotOfficial`, the same trace printed in the official frame. The official
 *   prompts are fixed strings built from `type`, `category` and `question` at export time
 *   (templates.ts), so a paraphrased question flows into them.
 */
export interface QaRecord {
  /** Unique and stable: `<imageId>:<form>:<type>:<k>`. */
  readonly id: string;
  readonly imageId: ImageId;
  /** As stored in the repository: absolute or relative to its folder. */
  readonly imageFile: string;
  readonly depthFile: string;
  /** "detection", "grounding", or the reasoning program's registry name. */
  readonly type: string;
  readonly form: QaForm;
  /** The question in n3d's plain form. */
  readonly question: string;
  /** The answer text in n3d's form. */
  readonly answer: string;
  readonly answerValue: QaAnswerValue;
  /** Reasoning: `<think>...</think> sentence`, boxes printed in n3d's frame (OpenCV). */
  readonly cot?: string;
  /** Reasoning: the same trace with boxes printed in the official frame (x-left, y-up). */
  readonly cotOfficial?: string;
  /** Official float-form box lines answering the (stage-1) grounding question. */
  readonly bboxLines: string;
  /** Grounding: the category asked for. */
  readonly category?: string;
  /** Names of the objects the answer uses, in order. */
  readonly objects: readonly string[];
  /** Quantitative answers: the unit the question asks for and the sentence uses. */
  readonly unit?: LengthUnit;
  /** Index of the phrasing used in the type's template list. */
  readonly template: number;
  /** Name of the paraphraser that reworded `question`, when one did. */
  readonly paraphrasedBy?: string;
}
