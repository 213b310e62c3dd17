import { InputError } from "../errors.js";
import type { QuestionProgram } from "./program.js";
import { DIRECTION_PROGRAM } from "./programs/direction.js";
import { MULTI_PROGRAMS } from "./programs/multi.js";
import { QUANTITATIVE_PROGRAMS } from "./programs/quantitative.js";
import { RELATION_INVERSES, RELATION_PROGRAMS } from "./programs/relations.js";

const ALL: readonly QuestionProgram[] = [...QUANTITATIVE_PROGRAMS, ...RELATION_PROGRAMS, DIRECTION_PROGRAM, ...MULTI_PROGRAMS];

/** Registry: question type -> program. Names follow SpatialRGPT's categories where one exists. */
export const PROGRAMS: Readonly<Record<string, QuestionProgram>> = Object.fromEntries(ALL.map((p) => [p.type, p]));
if (Object.keys(PROGRAMS).length !== ALL.length) throw new Error("reason: two programs share a type");

/** Every question type, in registry order (quantitative, relations, direction, multi-object). */
export const QUESTION_TYPES: readonly string[] = ALL.map((p) => p.type);

/**
 * Question type -> the type asking the inverse question (left_predicate <-> right_predicate,
 * tall_choice <-> short_choice, closer_to_camera <-> farther_from_camera, ...). For two objects
 * whose measures are not tied, a predicate and its inverse answer opposite booleans on the same
 * (A, B), and a choice and its inverse name different objects.
 */
export const INVERSE_TYPES: Readonly<Record<string, string>> = RELATION_INVERSES;

/** The program for `type`; throws "X is not a supported question type; choose one of ...". */
export function getProgram(type: string, where = "getProgram"): QuestionProgram {
  const program = typeof type === "string" && Object.prototype.hasOwnProperty.call(PROGRAMS, type) ? PROGRAMS[type] : undefined;
  if (!program) throw new InputError(where, "type", type, `is not a supported question type; choose one of ${QUESTION_TYPES.join(", ")}`);
  return program;
}
