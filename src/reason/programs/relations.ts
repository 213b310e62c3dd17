import { requiredDifference, slack, type Margins } from "../margin-config.js";
import { fixed, fixedTrimmed, printed } from "../numbers.js";
import { LENGTH_DECIMALS, type PrintedBox, type PrintedScene } from "../printed-scene.js";
import { centreAlong, extentAlong, nearestAlong, volume } from "../measures.js";
import { defineProgram, type ProgramInput, type QuestionProgram } from "../program.js";
import { measureStep, type ObjectMeasure } from "../steps.js";

/**
 * Comparisons of two objects by one measure, each in a predicate form ("Is A to the left of B?",
 * yes/no) and a choice form ("Which is more to the left, A or B?", a name). A family and its
 * inverse (left/right, below/above, ...) share the measure and differ in which way wins.
 *
 * Decisions are read from the PRINTED measures: A relates to B iff m(A) < m(B) (or >), strictly.
 * On a printed tie a predicate answers no, and a choice names the first object and says the two
 * are tied; the ambiguity guard (margins.ts) keeps ties out of generated questions.
 */

/** How a measure is computed on a printed box, and printed. */
interface MeasureDef {
  readonly step: ObjectMeasure;
  readonly usesGround: boolean;
  /** Value as printed. */
  readonly value: (box: PrintedBox, scene: PrintedScene) => number;
  /** Text as printed. */
  readonly text: (value: number) => string;
}

const metres2 = (v: number): string => fixed(v, LENGTH_DECIMALS);
const lengthMeasure = (step: ObjectMeasure, usesGround: boolean, f: (box: PrintedBox, scene: PrintedScene) => number): MeasureDef => ({
  step,
  usesGround,
  value: (box, scene) => printed(f(box, scene), LENGTH_DECIMALS),
  text: metres2,
});

/**
 * The measures comparisons use (see measures.ts for the formulas):
 * - rightPosition: centre along the right direction (left/right; SpatialRGPT's "A.x > B.x" in
 *   its x-left frame is "A is left of B")
 * - upPosition: centre along up (below/above: by centre height)
 * - nearestForward: nearest point along forward (behind/front, as SpatialRGPT compares minimum z)
 * - forwardPosition: centre along forward (the centre-based behind/front variant)
 * - volume: sx sy sz, printed exactly (up to 6 decimals)
 * - height / width: extent along up / right
 * - centreDepth: the centre's camera z, planar depth (CV-Bench Depth: closer to the camera)
 */
export const MEASURES = {
  rightPosition: lengthMeasure("rightPosition", true, (b, s) => centreAlong(b, s.ground.right)),
  upPosition: lengthMeasure("upPosition", true, (b, s) => centreAlong(b, s.ground.up)),
  nearestForward: lengthMeasure("nearestForward", true, (b, s) => nearestAlong(b, s.ground.forward)),
  forwardPosition: lengthMeasure("forwardPosition", true, (b, s) => centreAlong(b, s.ground.forward)),
  height: lengthMeasure("height", true, (b, s) => extentAlong(b, s.ground.up)),
  width: lengthMeasure("width", true, (b, s) => extentAlong(b, s.ground.right)),
  centreDepth: lengthMeasure("centreDepth", false, (b) => b.center[2]),
  volume: {
    step: "volume",
    usesGround: false,
    value: (b) => Number(fixedTrimmed(volume(b), 6, 2)),
    text: (v) => fixedTrimmed(v, 6, 2),
  } satisfies MeasureDef,
} as const;

type MarginRule = "leftRight" | "aboveBelow" | "behindFront" | "size" | "volume" | "distance";

/** Required difference between two printed measure values under a margin rule. */
function required(rule: MarginRule, a: number, b: number, m: Margins): number {
  switch (rule) {
    case "leftRight":
      return m.leftRightM;
    case "aboveBelow":
      return m.aboveBelowM;
    case "behindFront":
      return m.behindFrontM;
    case "size":
      return requiredDifference(a, b, m.sizeRatio, m.sizeMinM);
    case "volume":
      return m.volumeRatio * Math.max(Math.abs(a), Math.abs(b));
    case "distance":
      return requiredDifference(a, b, m.distanceRatio, m.distanceMinM);
  }
}

function describeRule(rule: MarginRule, what: string, m: Margins): string {
  switch (rule) {
    case "leftRight":
      return `the ${what} must differ by at least leftRightM = ${m.leftRightM} m`;
    case "aboveBelow":
      return `the ${what} must differ by at least aboveBelowM = ${m.aboveBelowM} m`;
    case "behindFront":
      return `the ${what} must differ by at least behindFrontM = ${m.behindFrontM} m`;
    case "size":
      return `the ${what} must differ by at least sizeRatio = ${m.sizeRatio} of the larger and sizeMinM = ${m.sizeMinM} m`;
    case "volume":
      return `the ${what} must differ by at least volumeRatio = ${m.volumeRatio} of the larger`;
    case "distance":
      return `the ${what} must differ by at least distanceRatio = ${m.distanceRatio} of the larger and distanceMinM = ${m.distanceMinM} m`;
  }
}

/** One relation family ("left") and how it reads. */
interface Family {
  readonly name: string;
  readonly measure: MeasureDef;
  /** "smaller": A relates to B iff m(A) < m(B); "larger": iff m(A) > m(B). */
  readonly wins: "smaller" | "larger";
  /** "to the left of": "A is to the left of B". */
  readonly phrase: string;
  /** "farther to the left than": the choice form's answer ("A is farther to the left than B"). */
  readonly comparative: string;
  readonly rule: MarginRule;
  /** What the margin compares, in words. */
  readonly compared: string;
  /** Name of the predicate program; defaults to `${name}_predicate`. */
  readonly predicateType?: string;
  /** Name of the choice program; defaults to `${name}_choice`. */
  readonly choiceType?: string;
}

const F = MEASURES;
/** Families in inverse pairs: each even entry's inverse is the next one. */
const FAMILIES: readonly Family[] = [
  { name: "left", measure: F.rightPosition, wins: "smaller", phrase: "to the left of", comparative: "farther to the left than", rule: "leftRight", compared: "centres' positions along the right direction" },
  { name: "right", measure: F.rightPosition, wins: "larger", phrase: "to the right of", comparative: "farther to the right than", rule: "leftRight", compared: "centres' positions along the right direction" },
  { name: "below", measure: F.upPosition, wins: "smaller", phrase: "below", comparative: "lower than", rule: "aboveBelow", compared: "centre heights" },
  { name: "above", measure: F.upPosition, wins: "larger", phrase: "above", comparative: "higher than", rule: "aboveBelow", compared: "centre heights" },
  { name: "behind", measure: F.nearestForward, wins: "larger", phrase: "behind", comparative: "farther back than", rule: "behindFront", compared: "nearest points along the forward direction" },
  { name: "front", measure: F.nearestForward, wins: "smaller", phrase: "in front of", comparative: "farther in front than", rule: "behindFront", compared: "nearest points along the forward direction" },
  { name: "behind_center", measure: F.forwardPosition, wins: "larger", phrase: "behind", comparative: "farther back than", rule: "behindFront", compared: "centres along the forward direction" },
  { name: "front_center", measure: F.forwardPosition, wins: "smaller", phrase: "in front of", comparative: "farther in front than", rule: "behindFront", compared: "centres along the forward direction" },
  { name: "big", measure: F.volume, wins: "larger", phrase: "bigger than", comparative: "bigger than", rule: "volume", compared: "volumes" },
  { name: "small", measure: F.volume, wins: "smaller", phrase: "smaller than", comparative: "smaller than", rule: "volume", compared: "volumes" },
  { name: "tall", measure: F.height, wins: "larger", phrase: "taller than", comparative: "taller than", rule: "size", compared: "heights" },
  { name: "short", measure: F.height, wins: "smaller", phrase: "shorter than", comparative: "shorter than", rule: "size", compared: "heights" },
  { name: "wide", measure: F.width, wins: "larger", phrase: "wider than", comparative: "wider than", rule: "size", compared: "widths" },
  { name: "thin", measure: F.width, wins: "smaller", phrase: "thinner than", comparative: "thinner than", rule: "size", compared: "widths" },
  {
    name: "closer_to_camera", measure: F.centreDepth, wins: "smaller", phrase: "closer to the camera than", comparative: "closer to the camera than",
    rule: "distance", compared: "centre depths", choiceType: "closer_to_camera",
  },
  {
    name: "farther_from_camera", measure: F.centreDepth, wins: "larger", phrase: "farther from the camera than", comparative: "farther from the camera than",
    rule: "distance", compared: "centre depths", choiceType: "farther_from_camera",
  },
];

function measurePair(family: Family, input: ProgramInput): { values: [number, number]; steps: string[] } {
  const [a, b] = [input.boxes[0]!, input.boxes[1]!];
  const m = family.measure;
  const values: [number, number] = [m.value(a, input.scene), m.value(b, input.scene)];
  return { values, steps: [measureStep(m.step, a.name, m.text(values[0])), measureStep(m.step, b.name, m.text(values[1]))] };
}

/** True when A relates to B by the family's rule, read from the printed values. */
function holds(family: Family, a: number, b: number): boolean {
  return family.wins === "smaller" ? a < b : a > b;
}

function familyMargin(family: Family) {
  return (input: ProgramInput, margins: Margins): number => {
    const { values } = measurePair(family, input);
    return slack(values[0] - values[1], required(family.rule, values[0], values[1], margins));
  };
}

function predicate(family: Family): QuestionProgram {
  return defineProgram({
    type: family.predicateType ?? `${family.name}_predicate`,
    arity: 2,
    kind: "qualitative",
    answerKind: "bool",
    roles: ["A", "B"],
    description: `Is A ${family.phrase} B? (yes/no)`,
    usesGround: family.measure.usesGround,
    compute(input) {
      const [a, b] = [input.boxes[0]!.name, input.boxes[1]!.name];
      const { values, steps } = measurePair(family, input);
      const yes = holds(family, values[0], values[1]);
      const not = yes ? "" : "not ";
      return {
        answer: { kind: "bool", value: yes },
        sentence: `${yes ? "Yes" : "No"}, the ${a} is ${not}${family.phrase} the ${b}.`,
        steps: [...steps, `So ${a} is ${not}${family.phrase} ${b}.`],
      };
    },
    margin: familyMargin(family),
    describeMargin: (m) => describeRule(family.rule, family.compared, m),
  });
}

function choice(family: Family): QuestionProgram {
  return defineProgram({
    type: family.choiceType ?? `${family.name}_choice`,
    arity: 2,
    kind: "qualitative",
    answerKind: "choice",
    roles: ["A", "B"],
    description: `Which is ${family.comparative.replace(/ than$/, "")}, A or B? (a name)`,
    usesGround: family.measure.usesGround,
    compute(input) {
      const [a, b] = [input.boxes[0]!.name, input.boxes[1]!.name];
      const { values, steps } = measurePair(family, input);
      const options = [a, b];
      if (values[0] === values[1]) {
        return {
          answer: { kind: "choice", value: a, options },
          sentence: `The ${a} and the ${b} are tied; the ${a} is named first.`,
          steps: [...steps, `So ${a} and ${b} are tied; the first named, ${a}, is the answer.`],
        };
      }
      const [winner, loser] = holds(family, values[0], values[1]) ? [a, b] : [b, a];
      return {
        answer: { kind: "choice", value: winner, options },
        sentence: `The ${winner} is ${family.comparative} the ${loser}.`,
        steps: [...steps, `So ${winner} is ${family.comparative} ${loser}.`],
      };
    },
    margin: familyMargin(family),
    describeMargin: (m) => describeRule(family.rule, family.compared, m),
  });
}

/** Every relation program: for each family, its predicate and choice forms. */
export const RELATION_PROGRAMS: readonly QuestionProgram[] = FAMILIES.flatMap((f) => [predicate(f), choice(f)]);

/**
 * Program type -> the type asking the inverse question (left_predicate <-> right_predicate,
 * big_choice <-> small_choice, closer_to_camera <-> farther_from_camera, ...): for a pair without
 * a tie, the inverse question's answer is the negation (predicates) or the other object (choices).
 */
export const RELATION_INVERSES: Readonly<Record<string, string>> = Object.fromEntries(
  FAMILIES.flatMap((f, i) => {
    const g = FAMILIES[i % 2 === 0 ? i + 1 : i - 1]!;
    return [
      [f.predicateType ?? `${f.name}_predicate`, g.predicateType ?? `${g.name}_predicate`],
      [f.choiceType ?? `${f.name}_choice`, g.choiceType ?? `${g.name}_choice`],
    ];
  }),
);
