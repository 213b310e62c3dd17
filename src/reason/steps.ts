import type { Vec3 } from "../geometry/index.js";
import { fixed } from "./numbers.js";
import { formatVector, LENGTH_DECIMALS, type PrintedBox, UP_DECIMALS, YAW_DECIMALS } from "./printed-scene.js";
import { formatLength } from "./units.js";
import type { LengthUnit, ReasoningResult, AnswerValue } from "./types.js";

/**
 * The phrasebook: every sentence a trace can contain, in one place, so the wording stays
 * uniform and a checker can parse it. Object names are printed bare in steps (as the release's
 * "The 3D bbox of person is ..."), and with "the" in answer sentences.
 */

/** A length in metres as printed in steps (2 decimals). */
export function metresText(m: number): string {
  return fixed(m, LENGTH_DECIMALS);
}

/** "The 3D bbox of person is [0.27, 0.03, 2.97, 0.61, 0.91, 0.76]." (+ " with yaw 30.0 degrees" when turned). */
export function boxStep(box: PrintedBox): string {
  const numbers = formatVector([...box.center, ...box.size], LENGTH_DECIMALS);
  const yaw = box.yawDeg !== 0 ? ` with yaw ${fixed(box.yawDeg, YAW_DECIMALS)} degrees` : "";
  return `The 3D bbox of ${box.name} is ${numbers}${yaw}.`;
}

/** "The up direction is [0.000, -0.866, -0.500]." (only when the context gives gravity). */
export function upStep(up: Vec3): string {
  return `The up direction is ${formatVector(up, UP_DECIMALS)}.`;
}

/** "The vector from the center of A to the center of B is [dx, dy, dz]." */
export function vectorStep(a: string, b: string, d: Vec3): string {
  return `The vector from the center of ${a} to the center of ${b} is ${formatVector(d, LENGTH_DECIMALS)}.`;
}

/** "In ground coordinates (right, forward, up), the vector from the center of A to the center of B is [r, f, u]." */
export function groundVectorStep(a: string, b: string, g: Vec3): string {
  return `In ground coordinates (right, forward, up), the vector from the center of ${a} to the center of ${b} is ${formatVector(g, LENGTH_DECIMALS)}.`;
}

/** Quantities of one object that steps print, each with its sentence. */
export type ObjectMeasure =
  | "rightPosition"
  | "upPosition"
  | "forwardPosition"
  | "nearestForward"
  | "centreDepth"
  | "cameraDistance"
  | "width"
  | "height"
  | "depth"
  | "volume";

/** One object's measure as a step; `so` starts it with "So" (a program's final step). */
export function measureStep(measure: ObjectMeasure, name: string, value: string, so = false): string {
  const the = so ? "So the" : "The";
  switch (measure) {
    case "rightPosition":
      return `The center of ${name} is at ${value} meters along the right direction.`;
    case "upPosition":
      return `The center of ${name} is at ${value} meters along the up direction.`;
    case "forwardPosition":
      return `The center of ${name} is at ${value} meters along the forward direction.`;
    case "nearestForward":
      return `The nearest point of ${name} is at ${value} meters along the forward direction.`;
    case "centreDepth":
      return `The center of ${name} is at depth ${value} meters.`;
    case "cameraDistance":
      return `${the} distance from the camera to the center of ${name} is ${value} meters.`;
    case "width":
    case "height":
    case "depth":
      return `${the} ${measure} of ${name} is ${value} meters.`;
    case "volume":
      return `The volume of ${name} is ${value} cubic meters.`;
  }
}

/** Quantities of a pair that final steps print. */
export type PairMeasure = "distance" | "surfaceDistance" | "horizontalDistance" | "verticalDistance";

/** "So the distance between A and B is 1.25 meters." and its siblings. */
export function pairStep(measure: PairMeasure, a: string, b: string, value: string): string {
  switch (measure) {
    case "distance":
      return `So the distance between ${a} and ${b} is ${value} meters.`;
    case "surfaceDistance":
      return `So the distance between the surfaces of ${a} and ${b} is ${value} meters.`;
    case "horizontalDistance":
      return `So the horizontal distance between ${a} and ${b} is ${value} meters.`;
    case "verticalDistance":
      return `So the vertical distance between ${a} and ${b} is ${value} meters.`;
  }
}

/** "The distance from the center of R to the center of X is 1.20 meters." */
export function referenceDistanceStep(reference: string, name: string, value: string): string {
  return `The distance from the center of ${reference} to the center of ${name} is ${value} meters.`;
}

/** "0.91 meters is 2.99 feet." (only when the answer unit is not metres). */
export function conversionStep(metres: number, unit: LengthUnit): string {
  return `${metresText(metres)} meters is ${formatLength(metres, unit)}.`;
}

/** "Measured counter-clockwise from the forward direction, the direction from A to B is 315.0 degrees, which is 2 o'clock." */
export function clockStep(a: string, b: string, angleDeg: number, clock: number): string {
  return `Measured counter-clockwise from the forward direction, the direction from ${a} to ${b} is ${fixed(angleDeg, 1)} degrees, which is ${clock} o'clock.`;
}

/** "Count the objects whose centers are within 1.50 meters of the center of A." */
export function radiusStep(name: string, radius: string): string {
  return `Count the objects whose centers are within ${radius} meters of the center of ${name}.`;
}

/** "So 2 of them are within 1.50 meters of A: X, Y." */
export function countStep(name: string, radius: string, inside: readonly string[]): string {
  const n = inside.length;
  const list = n > 0 ? `: ${inside.join(", ")}` : "";
  return `So ${n} of them ${n === 1 ? "is" : "are"} within ${radius} meters of ${name}${list}.`;
}

/** Assemble a result: `cot = "<think>1. step 2. step</think> sentence"`. */
export function finishResult(
  type: string,
  answer: AnswerValue,
  sentence: string,
  steps: readonly string[],
  used: readonly string[],
): ReasoningResult {
  const numbered = steps.map((s, i) => `${i + 1}. ${s}`).join(" ");
  return { type, answer, sentence, steps, cot: `<think>${numbered}</think> ${sentence}`, used };
}

/** Capitalize the first letter of a sentence. */
export function capitalize(text: string): string {
  return text.length > 0 ? text[0]!.toUpperCase() + text.slice(1) : text;
}
