import { InputError } from "../../errors.js";
import { requiredDifference, slack, type Margins } from "../margin-config.js";
import { cameraDistance, centreDistance, extentAlong } from "../measures.js";
import { fixed, printed } from "../numbers.js";
import { LENGTH_DECIMALS, type PrintedBox } from "../printed-scene.js";
import { defineProgram, type ProgramInput, type QuestionProgram } from "../program.js";
import { countStep, measureStep, radiusStep, referenceDistanceStep } from "../steps.js";
import { formatLength } from "../units.js";

/**
 * Programs over a reference and candidates, or over a list: which candidate is closer to the
 * reference (CV-Bench Distance), closest / farthest / tallest / shortest, an ordering, a count.
 * Distances are between box centres; heights are extents along up. Winners are read from the
 * printed values; on a printed tie the first named candidate wins and the trace says so.
 */

const round = (m: number): number => printed(m, LENGTH_DECIMALS);
const text = (m: number): string => fixed(m, LENGTH_DECIMALS);

/** Index of the best value ("smaller" or "larger" wins), first on ties, and the tied names. */
function best(values: readonly number[], wins: "smaller" | "larger"): { index: number; tied: number[] } {
  let index = 0;
  values.forEach((v, i) => {
    if (wins === "smaller" ? v < values[index]! : v > values[index]!) index = i;
  });
  const tied = values.flatMap((v, i) => (v === values[index] ? [i] : []));
  return { index, tied };
}

/** Slack of the winner over the runner-up under the distance or size rule. */
function winnerSlack(values: readonly number[], wins: "smaller" | "larger", ratio: number, minimum: number): number {
  const sorted = [...values].sort((x, y) => (wins === "smaller" ? x - y : y - x));
  const [first, second] = [sorted[0]!, sorted[1]!];
  return slack(first - second, requiredDifference(first, second, ratio, minimum));
}

function referenceDistances(input: ProgramInput): { reference: PrintedBox; candidates: readonly PrintedBox[]; values: number[]; steps: string[] } {
  const [reference, ...candidates] = input.boxes as [PrintedBox, ...PrintedBox[]];
  const values = candidates.map((c) => round(centreDistance(reference, c)));
  const steps = candidates.map((c, i) => referenceDistanceStep(reference.name, c.name, text(values[i]!)));
  return { reference, candidates, values, steps };
}

const CLOSER_TO_REFERENCE: QuestionProgram = defineProgram({
  type: "closer_to_reference",
  arity: 3,
  kind: "qualitative",
  answerKind: "choice",
  roles: ["R (reference)", "X", "Y"],
  description: "Which is closer to R, X or Y? (CV-Bench Distance; centre-to-centre distances)",
  usesGround: false,
  compute(input) {
    const { reference: r, candidates, values, steps } = referenceDistances(input);
    const [x, y] = [candidates[0]!.name, candidates[1]!.name];
    const options = [x, y];
    if (values[0] === values[1]) {
      return {
        answer: { kind: "choice", value: x, options },
        sentence: `The ${x} and the ${y} are equally close to the ${r.name}; the ${x} is named first.`,
        steps: [...steps, `So ${x} and ${y} are tied; the first named, ${x}, is the answer.`],
      };
    }
    const [winner, loser] = values[0]! < values[1]! ? [x, y] : [y, x];
    return {
      answer: { kind: "choice", value: winner, options },
      sentence: `The ${winner} is closer to the ${r.name} than the ${loser} is.`,
      steps: [...steps, `So ${winner} is closer to ${r.name} than ${loser} is.`],
    };
  },
  margin: (input, m) => winnerSlack(referenceDistances(input).values, "smaller", m.distanceRatio, m.distanceMinM),
  describeMargin: (m) => `the two distances to the reference must differ by at least distanceRatio = ${m.distanceRatio} of the larger and distanceMinM = ${m.distanceMinM} m`,
});

interface SuperlativeSpec {
  readonly type: string;
  readonly wins: "smaller" | "larger";
  /** "the closest to R" / "the tallest". */
  readonly phrase: (reference: string | null) => string;
  readonly description: string;
}

function superlativeByDistance(spec: SuperlativeSpec): QuestionProgram {
  return defineProgram({
    type: spec.type,
    arity: "many",
    minObjects: 3,
    kind: "multi",
    answerKind: "choice",
    roles: ["R (reference)", "candidates..."],
    description: spec.description,
    usesGround: false,
    compute(input) {
      const { reference, candidates, values, steps } = referenceDistances(input);
      return superlativeResult(candidates, values, spec, reference.name, steps);
    },
    margin: (input, m) => winnerSlack(referenceDistances(input).values, spec.wins, m.distanceRatio, m.distanceMinM),
    describeMargin: (m) => `the best distance must beat the runner-up by at least distanceRatio = ${m.distanceRatio} of the larger and distanceMinM = ${m.distanceMinM} m`,
  });
}

function superlativeResult(candidates: readonly PrintedBox[], values: readonly number[], spec: SuperlativeSpec, reference: string | null, steps: string[]) {
  const { index, tied } = best(values, spec.wins);
  const winner = candidates[index]!.name;
  const options = candidates.map((c) => c.name);
  const stepPhrase = spec.phrase(reference);
  const sentencePhrase = spec.phrase(reference === null ? null : `the ${reference}`);
  if (tied.length > 1) {
    const names = tied.map((i) => candidates[i]!.name);
    return {
      answer: { kind: "choice" as const, value: winner, options },
      sentence: `The ${names.join(" and the ")} are tied for ${sentencePhrase}; the ${winner} is named first.`,
      steps: [...steps, `So ${names.join(" and ")} are tied for ${stepPhrase}; the first named, ${winner}, is the answer.`],
    };
  }
  return {
    answer: { kind: "choice" as const, value: winner, options },
    sentence: `The ${winner} is ${sentencePhrase}.`,
    steps: [...steps, `So ${winner} is ${stepPhrase}.`],
  };
}

function heights(input: ProgramInput): { values: number[]; steps: string[] } {
  const values = input.boxes.map((b) => round(extentAlong(b, input.scene.ground.up)));
  return { values, steps: input.boxes.map((b, i) => measureStep("height", b.name, text(values[i]!))) };
}

function superlativeByHeight(spec: SuperlativeSpec): QuestionProgram {
  return defineProgram({
    type: spec.type,
    arity: "many",
    minObjects: 2,
    kind: "multi",
    answerKind: "choice",
    roles: ["candidates..."],
    description: spec.description,
    usesGround: true,
    compute(input) {
      const { values, steps } = heights(input);
      return superlativeResult(input.boxes, values, spec, null, steps);
    },
    margin: (input, m) => winnerSlack(heights(input).values, spec.wins, m.sizeRatio, m.sizeMinM),
    describeMargin: (m) => `the best height must beat the runner-up by at least sizeRatio = ${m.sizeRatio} of the larger and sizeMinM = ${m.sizeMinM} m`,
  });
}

function cameraDistances(input: ProgramInput): { values: number[]; steps: string[] } {
  const values = input.boxes.map((b) => round(cameraDistance(b)));
  return { values, steps: input.boxes.map((b, i) => measureStep("cameraDistance", b.name, text(values[i]!))) };
}

/** Stable ascending order of indices by value. */
function ascending(values: readonly number[]): number[] {
  return values.map((_, i) => i).sort((i, j) => values[i]! - values[j]! || i - j);
}

const ORDER_BY_DISTANCE_TO_CAMERA: QuestionProgram = defineProgram({
  type: "order_by_distance_to_camera",
  arity: "many",
  minObjects: 2,
  kind: "multi",
  answerKind: "order",
  roles: ["objects..."],
  description: "Order the objects from closest to farthest from the camera (distance from the camera to each box centre; ties keep the given order).",
  usesGround: false,
  compute(input) {
    const { values, steps } = cameraDistances(input);
    const order = ascending(values).map((i) => input.boxes[i]!.name);
    return {
      answer: { kind: "order", value: order },
      sentence: `From closest to farthest from the camera: ${order.map((n) => `the ${n}`).join(", ")}.`,
      steps: [...steps, `So from closest to farthest from the camera the order is ${order.join(", ")}.`],
    };
  },
  margin(input, m) {
    const { values } = cameraDistances(input);
    const sorted = ascending(values).map((i) => values[i]!);
    let worst = Infinity;
    for (let i = 1; i < sorted.length; i++) {
      worst = Math.min(worst, slack(sorted[i]! - sorted[i - 1]!, requiredDifference(sorted[i]!, sorted[i - 1]!, m.distanceRatio, m.distanceMinM)));
    }
    return worst;
  },
  describeMargin: (m) => `neighbouring distances must differ by at least distanceRatio = ${m.distanceRatio} of the larger and distanceMinM = ${m.distanceMinM} m`,
});

/** The radius as printed (2 decimals, metres); throws when the context has none. */
function radiusOf(input: ProgramInput): number {
  const r = input.ctx.radiusM;
  if (r === undefined) throw new InputError(input.where, "ctx.radiusM", r, "count_within_distance needs a radius: set ctx.radiusM (metres, > 0)");
  return round(r);
}

const COUNT_WITHIN_DISTANCE: QuestionProgram = defineProgram({
  type: "count_within_distance",
  arity: "many",
  minObjects: 1,
  kind: "multi",
  answerKind: "count",
  roles: ["A (the centre)", "others... (reason() uses every other object when only A is named)"],
  description: "How many of the other objects have their centres within ctx.radiusM metres of the centre of A?",
  usesGround: false,
  compute(input) {
    const radius = radiusOf(input);
    const { reference: a, candidates, values, steps } = referenceDistances(input);
    const inside = candidates.filter((_, i) => values[i]! <= radius).map((c) => c.name);
    const n = inside.length;
    return {
      answer: { kind: "count", value: n },
      sentence: `${n} ${n === 1 ? "object is" : "objects are"} within ${formatLength(radius, input.unit)} of the ${a.name}.`,
      steps: [radiusStep(a.name, text(radius)), ...steps, countStep(a.name, text(radius), inside)],
    };
  },
  margin(input, m: Margins) {
    const radius = radiusOf(input);
    const { values } = referenceDistances(input);
    if (values.length === 0) return null;
    return Math.min(...values.map((d) => slack(d - radius, requiredDifference(d, radius, m.distanceRatio, m.distanceMinM))));
  },
  describeMargin: (m) => `every distance must differ from the radius by at least distanceRatio = ${m.distanceRatio} of the larger and distanceMinM = ${m.distanceMinM} m`,
});

/** closer_to_reference, closest_to, farthest_to, tallest, shortest, order_by_distance_to_camera, count_within_distance. */
export const MULTI_PROGRAMS: readonly QuestionProgram[] = [
  CLOSER_TO_REFERENCE,
  superlativeByDistance({
    type: "closest_to",
    wins: "smaller",
    phrase: (r) => `the closest to ${r}`,
    description: "Which candidate's centre is closest to the centre of R? (reference first, then two or more candidates)",
  }),
  superlativeByDistance({
    type: "farthest_to",
    wins: "larger",
    phrase: (r) => `the farthest from ${r}`,
    description: "Which candidate's centre is farthest from the centre of R? (reference first, then two or more candidates)",
  }),
  superlativeByHeight({ type: "tallest", wins: "larger", phrase: () => "the tallest", description: "Which object is the tallest (extent along up)?" }),
  superlativeByHeight({ type: "shortest", wins: "smaller", phrase: () => "the shortest", description: "Which object is the shortest (extent along up)?" }),
  ORDER_BY_DISTANCE_TO_CAMERA,
  COUNT_WITHIN_DISTANCE,
];
