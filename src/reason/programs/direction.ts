import type { Vec3 } from "../../geometry/index.js";
import { clockBoundaryDistanceDeg, clockFromGround } from "../clock.js";
import { slack } from "../margin-config.js";
import { groundOffset } from "../measures.js";
import { printed } from "../numbers.js";
import { LENGTH_DECIMALS } from "../printed-scene.js";
import { defineProgram, type ProgramInput, type QuestionProgram } from "../program.js";
import { clockStep, groundVectorStep } from "../steps.js";

/**
 * "If you stand at A facing the camera's forward direction, at what clock position is B?"
 * The SpatialRGPT clock rule (clock.ts) on the printed ground-plane offset [right, forward] from
 * the centre of A to the centre of B.
 */

function offset(input: ProgramInput): Vec3 {
  const g = groundOffset(input.scene, input.boxes[0]!, input.boxes[1]!);
  return [printed(g[0], LENGTH_DECIMALS), printed(g[1], LENGTH_DECIMALS), printed(g[2], LENGTH_DECIMALS)];
}

/** `direction`: the clock position of B seen from A (answer kind "clock"). */
export const DIRECTION_PROGRAM: QuestionProgram = defineProgram({
  type: "direction",
  arity: 2,
  kind: "direction",
  answerKind: "clock",
  roles: ["A (where you stand)", "B (what you look for)"],
  description: "Standing at A and facing the camera's forward direction, at what clock position is B?",
  usesGround: true,
  compute(input) {
    const [a, b] = [input.boxes[0]!.name, input.boxes[1]!.name];
    const g = offset(input);
    const { angleDeg, clock } = clockFromGround(g[0], g[1]);
    return {
      answer: { kind: "clock", value: clock },
      sentence: `The ${b} is at ${clock} o'clock from the ${a}.`,
      steps: [groundVectorStep(a, b, g), clockStep(a, b, angleDeg, clock)],
    };
  },
  margin(input, margins) {
    const g = offset(input);
    const horizontal = Math.sqrt(g[0] * g[0] + g[1] * g[1]);
    let angle = (Math.atan2(-g[0], g[1]) * 180) / Math.PI;
    if (angle < 0) angle += 360;
    return Math.min(slack(horizontal, margins.directionMinM), slack(clockBoundaryDistanceDeg(angle), margins.clockBoundaryDeg));
  },
  describeMargin: (m) =>
    `the centres must be at least directionMinM = ${m.directionMinM} m apart horizontally and the direction at least clockBoundaryDeg = ${m.clockBoundaryDeg} degrees from a clock boundary`,
});
