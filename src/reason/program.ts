import { InputError } from "../errors.js";
import type { Margins } from "./margin-config.js";
import { printScene, type PrintedBox, type PrintedScene } from "./printed-scene.js";
import { boxStep, finishResult, upStep } from "./steps.js";
import type { AnswerValue, LengthUnit, ReasonContext, ReasoningResult, SceneObjectBox } from "./types.js";
import { validateContext, validateObjects } from "./validate.js";

/** What a program answers: a length, a yes/no or a choice between two, a clock, or over many objects. */
export type ProgramKind = "quantitative" | "qualitative" | "direction" | "multi";

/**
 * A question program: runs over boxes and returns the answer, its sentence and a chain of
 * thought whose every number is computed from the boxes it prints (see printed-scene.ts).
 */
export interface QuestionProgram {
  /** Registry name (SpatialRGPT-style: `left_predicate`, `height_data`, `direction`). */
  readonly type: string;
  /** Number of objects it takes, or "many" (at least {@link minObjects}). */
  readonly arity: number | "many";
  /** Fewest objects it takes (equals `arity` when that is a number). */
  readonly minObjects: number;
  readonly kind: ProgramKind;
  /** The `kind` of the {@link AnswerValue} it returns. */
  readonly answerKind: AnswerValue["kind"];
  /** What each object is, in order ("A", "B"; "reference", "candidates..."). */
  readonly roles: readonly string[];
  /** The question it answers, in words. */
  readonly description: string;
  /** True when it uses the up direction / ground frame (then a given gravity is printed). */
  readonly usesGround: boolean;
  /** Run on objects (validated here: boxes, names, arity, context) in the order of {@link roles}. */
  run(objects: readonly SceneObjectBox[], ctx?: ReasonContext): ReasoningResult;
  /**
   * How many times over the answer clears its margin of flipping (see margins.ts): >= 1 safe,
   * < 1 too close to call; null when no margin applies.
   */
  margin?(objects: readonly SceneObjectBox[], ctx: ReasonContext, margins: Margins): number | null;
  /** The rule `margin` checks, in words, with the margin values. */
  describeMargin?(margins: Margins): string;
}

/** What a program body receives: the printed view, in role order. */
export interface ProgramInput {
  readonly scene: PrintedScene;
  /** Printed boxes in role order (same as scene.boxes). */
  readonly boxes: readonly PrintedBox[];
  readonly ctx: ReasonContext;
  readonly unit: LengthUnit;
  readonly where: string;
}

/** What a program body returns; box and up steps are added in front of `steps`. */
export interface ProgramOutput {
  readonly answer: AnswerValue;
  readonly sentence: string;
  readonly steps: readonly string[];
}

/** A program's definition before validation and trace framing are wrapped around it. */
export interface ProgramSpec {
  readonly type: string;
  readonly arity: number | "many";
  readonly minObjects?: number;
  readonly kind: ProgramKind;
  readonly answerKind: AnswerValue["kind"];
  readonly roles: readonly string[];
  readonly description: string;
  readonly usesGround: boolean;
  compute(input: ProgramInput): ProgramOutput;
  margin?(input: ProgramInput, margins: Margins): number | null;
  describeMargin?(margins: Margins): string;
}

/** Throw unless `count` objects fit the program's arity. */
export function checkArity(program: Pick<QuestionProgram, "type" | "arity" | "minObjects" | "roles">, count: number, where: string): void {
  const ok = program.arity === "many" ? count >= program.minObjects : count === program.arity;
  if (!ok) {
    const wanted = program.arity === "many" ? `at least ${program.minObjects}` : String(program.arity);
    throw new InputError(where, "objects", count, `${program.type} takes ${wanted} object(s) (${program.roles.join(", ")})`);
  }
}

/** Throw unless every object is a different one (the same object passed twice). */
function checkDistinct(objects: readonly SceneObjectBox[], where: string): void {
  if (!Array.isArray(objects)) return; // validateObjects reports it
  const twice = objects.find((o, i) => objects.indexOf(o) !== i);
  if (twice !== undefined) {
    throw new InputError(where, "objects", objects.map((o) => o?.name), `names the same object twice (${twice?.name}); a question compares different objects`);
  }
}

/** Build a {@link QuestionProgram}: validation, the printed view, box and up steps, the CoT. */
export function defineProgram(spec: ProgramSpec): QuestionProgram {
  const minObjects = spec.arity === "many" ? (spec.minObjects ?? 1) : spec.arity;
  const where = spec.type;
  const prepare = (objects: readonly SceneObjectBox[], ctx: ReasonContext): ProgramInput => {
    validateContext(ctx, where);
    checkDistinct(objects, where);
    validateObjects(objects, where);
    checkArity({ type: spec.type, arity: spec.arity, minObjects, roles: spec.roles }, objects.length, where);
    const scene = printScene(objects, ctx, where);
    return { scene, boxes: scene.boxes, ctx, unit: ctx.unit ?? "m", where };
  };
  const program: QuestionProgram = {
    type: spec.type,
    arity: spec.arity,
    minObjects,
    kind: spec.kind,
    answerKind: spec.answerKind,
    roles: spec.roles,
    description: spec.description,
    usesGround: spec.usesGround,
    run(objects, ctx = {}) {
      const input = prepare(objects, ctx);
      const out = spec.compute(input);
      const head = input.boxes.map(boxStep);
      if (spec.usesGround && input.scene.printedUp !== null) head.push(upStep(input.scene.printedUp));
      return finishResult(spec.type, out.answer, out.sentence, [...head, ...out.steps], objects.map((o) => o.name));
    },
  };
  const marginOf = spec.margin;
  if (marginOf !== undefined) {
    return {
      ...program,
      margin: (objects, ctx, margins) => marginOf(prepare(objects, ctx), margins),
      ...(spec.describeMargin ? { describeMargin: spec.describeMargin } : {}),
    };
  }
  return program;
}
