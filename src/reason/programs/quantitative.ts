import type { Vec3 } from "../../geometry/index.js";
import { slack } from "../margin-config.js";
import { cameraDistance, centreOffset, extentAlong, groundOffset, yawRad } from "../measures.js";
import { printed } from "../numbers.js";
import { LENGTH_DECIMALS, type PrintedBox } from "../printed-scene.js";
import { defineProgram, type ProgramInput, type QuestionProgram } from "../program.js";
import { conversionStep, groundVectorStep, measureStep, metresText, pairStep, vectorStep } from "../steps.js";
import { surfaceDistance } from "../surface-distance.js";
import { roundedInUnit, formatLength } from "../units.js";
import { norm } from "../frame-vectors.js";

/**
 * Quantitative programs: one length in metres, computed on the printed boxes, printed with 2
 * decimals; the answer carries that metre value and its value in the requested unit.
 */

const round = (m: number): number => printed(m, LENGTH_DECIMALS);
const roundVec = (v: Vec3): Vec3 => [round(v[0]), round(v[1]), round(v[2])];

interface Measured {
  /** The steps that compute it (after the box and up steps). */
  readonly steps: readonly string[];
  /** The length as printed, metres. */
  readonly metres: number;
}

interface QuantitativeSpec {
  readonly type: string;
  readonly arity: 1 | 2;
  readonly description: string;
  readonly usesGround: boolean;
  readonly measure: (input: ProgramInput) => Measured;
  /** The answer sentence for the length text ("0.91 meters") and the object names. */
  readonly sentence: (length: string, names: readonly string[]) => string;
}

function quantitative(spec: QuantitativeSpec): QuestionProgram {
  return defineProgram({
    type: spec.type,
    arity: spec.arity,
    kind: "quantitative",
    answerKind: "length",
    roles: spec.arity === 1 ? ["A"] : ["A", "B"],
    description: spec.description,
    usesGround: spec.usesGround,
    compute(input) {
      const { steps, metres } = spec.measure(input);
      const names = input.boxes.map((b) => b.name);
      return {
        answer: { kind: "length", metres, unit: input.unit, value: roundedInUnit(metres, input.unit) },
        sentence: spec.sentence(formatLength(metres, input.unit), names),
        steps: input.unit === "m" ? steps : [...steps, conversionStep(metres, input.unit)],
      };
    },
    margin: (input, margins) => slack(spec.measure(input).metres, margins.minLengthM),
    describeMargin: (margins) => `the length asked for must be at least minLengthM = ${margins.minLengthM} m`,
  });
}

function pair(input: ProgramInput): readonly [PrintedBox, PrintedBox] {
  return [input.boxes[0]!, input.boxes[1]!];
}

/** Ground-coordinate offset between the two centres, as printed, with its step. */
function groundMeasure(input: ProgramInput): { g: Vec3; step: string } {
  const [a, b] = pair(input);
  const g = roundVec(groundOffset(input.scene, a, b));
  return { g, step: groundVectorStep(a.name, b.name, g) };
}

/** Extent of the single box along one ground axis. */
function extentMeasure(input: ProgramInput, axis: "width" | "height" | "depth"): Measured {
  const a = input.boxes[0]!;
  const g = input.scene.ground;
  const n = axis === "width" ? g.right : axis === "height" ? g.up : g.forward;
  const metres = round(extentAlong(a, n));
  return { steps: [measureStep(axis, a.name, metresText(metres), true)], metres };
}

/**
 * direct_distance, direct_distance_surface, horizontal_distance, vertical_distance, width_data,
 * height_data, depth_data, distance_to_camera.
 */
export const QUANTITATIVE_PROGRAMS: readonly QuestionProgram[] = [
  quantitative({
    type: "direct_distance",
    arity: 2,
    description: "How far apart are A and B? Distance between the box centres.",
    usesGround: false,
    measure(input) {
      const [a, b] = pair(input);
      const d = roundVec(centreOffset(a, b));
      const metres = round(norm(d));
      return { steps: [vectorStep(a.name, b.name, d), pairStep("distance", a.name, b.name, metresText(metres))], metres };
    },
    sentence: (len, [a, b]) => `The distance between the ${a} and the ${b} is ${len}.`,
  }),
  quantitative({
    type: "direct_distance_surface",
    arity: 2,
    description: "How far apart are A and B? Distance between the closest points of the two boxes (0 when they touch).",
    usesGround: false,
    measure(input) {
      const [a, b] = pair(input);
      const metres = round(surfaceDistance({ ...a, yawRad: yawRad(a) }, { ...b, yawRad: yawRad(b) }));
      return { steps: [pairStep("surfaceDistance", a.name, b.name, metresText(metres))], metres };
    },
    sentence: (len, [a, b]) => `The closest surfaces of the ${a} and the ${b} are ${len} apart.`,
  }),
  quantitative({
    type: "horizontal_distance",
    arity: 2,
    description: "Horizontal distance between the centres of A and B on the ground plane (perpendicular to gravity).",
    usesGround: true,
    measure(input) {
      const [a, b] = pair(input);
      const { g, step } = groundMeasure(input);
      const metres = round(Math.sqrt(g[0] * g[0] + g[1] * g[1]));
      return { steps: [step, pairStep("horizontalDistance", a.name, b.name, metresText(metres))], metres };
    },
    sentence: (len, [a, b]) => `The horizontal distance between the ${a} and the ${b} is ${len}.`,
  }),
  quantitative({
    type: "vertical_distance",
    arity: 2,
    description: "Vertical distance between A and B: the difference of their centre heights along up.",
    usesGround: true,
    measure(input) {
      const [a, b] = pair(input);
      const { g, step } = groundMeasure(input);
      const metres = Math.abs(g[2]);
      return { steps: [step, pairStep("verticalDistance", a.name, b.name, metresText(metres))], metres };
    },
    sentence: (len, [a, b]) => `The vertical distance between the ${a} and the ${b} is ${len}.`,
  }),
  quantitative({
    type: "width_data",
    arity: 1,
    description: "How wide is A? Its extent along the right direction (across the view, horizontal).",
    usesGround: true,
    measure: (input) => extentMeasure(input, "width"),
    sentence: (len, [a]) => `The ${a} is ${len} wide.`,
  }),
  quantitative({
    type: "height_data",
    arity: 1,
    description: "How tall is A? Its extent along the up direction.",
    usesGround: true,
    measure: (input) => extentMeasure(input, "height"),
    sentence: (len, [a]) => `The ${a} is ${len} tall.`,
  }),
  quantitative({
    type: "depth_data",
    arity: 1,
    description: "How deep (long) is A? Its extent along the forward direction (along the view, horizontal).",
    usesGround: true,
    measure: (input) => extentMeasure(input, "depth"),
    sentence: (len, [a]) => `The ${a} is ${len} deep.`,
  }),
  quantitative({
    type: "distance_to_camera",
    arity: 1,
    description: "How far is A from the camera? Distance from the camera centre to the box centre.",
    usesGround: false,
    measure(input) {
      const a = input.boxes[0]!;
      const metres = round(cameraDistance(a));
      return { steps: [measureStep("cameraDistance", a.name, metresText(metres), true)], metres };
    },
    sentence: (len, [a]) => `The ${a} is ${len} from the camera.`,
  }),
];
