// reason/: executed spatial reasoning. A question is a small program over 3D boxes; running it
// gives the answer and a chain of thought whose every number is recomputable from the boxes it
// prints (all arithmetic is done on the printed, rounded boxes; see printed-scene.ts).
export type {
  AnswerValue,
  LengthUnit,
  PrintFrame,
  ReasonContext,
  ReasoningResult,
  SceneObjectBox,
} from "./types.js";
export type { ProgramKind, QuestionProgram } from "./program.js";
export { getProgram, INVERSE_TYPES, PROGRAMS, QUESTION_TYPES } from "./registry.js";
export { reason } from "./reason.js";
export { matchObjects, resolveObject } from "./resolve.js";
export { nameObjects, type UnnamedObject } from "./naming.js";
export { DEFAULT_MARGINS, isAmbiguous, MARGIN_REASONS, resolveMargins, type Margins } from "./margins.js";
export {
  checkLengthUnit,
  formatLength,
  fromMetres,
  isLengthUnit,
  LENGTH_UNITS,
  METRES_PER_UNIT,
  roundedInUnit,
  toMetres,
  UNIT_DECIMALS,
  UNIT_WORDS,
} from "./units.js";
export {
  DEFAULT_UP,
  groundFrame,
  groundFrameFromUp,
  toGround,
  upDirection,
  type GroundFrame,
} from "./frame-vectors.js";
export { clockBoundaryDistanceDeg, clockDifference, clockFromGround, type ClockReading } from "./clock.js";
export { surfaceDistance, type YawedBox } from "./surface-distance.js";
export { printBox, printScene, LENGTH_DECIMALS, UP_DECIMALS, YAW_DECIMALS, type PrintedBox, type PrintedScene } from "./printed-scene.js";
export { fixed } from "./numbers.js";
