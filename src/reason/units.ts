import { InputError } from "../errors.js";
import { fixed } from "./numbers.js";
import type { LengthUnit } from "./types.js";

/**
 * Length units for answers. Programs compute in metres; an answer in another unit is the metre
 * value divided by the unit's length in metres (the factors SpatialRGPT-Bench scores with:
 * 1 ft = 0.3048 m, 1 in = 0.0254 m, 1 cm = 0.01 m).
 */

/** Every unit an answer may be given in, metres first. */
export const LENGTH_UNITS: readonly LengthUnit[] = ["m", "cm", "ft", "in"];

/** Length of one unit, in metres (exact by definition of the foot and inch). */
export const METRES_PER_UNIT: Readonly<Record<LengthUnit, number>> = { m: 1, cm: 0.01, ft: 0.3048, in: 0.0254 };

/**
 * Decimals an answer shows in each unit: about a centimetre of resolution everywhere
 * ("0.91 meters", "91 centimeters", "2.99 feet", "35.8 inches").
 */
export const UNIT_DECIMALS: Readonly<Record<LengthUnit, number>> = { m: 2, cm: 0, ft: 2, in: 1 };

/** The unit's name in sentences: [singular, plural]. */
export const UNIT_WORDS: Readonly<Record<LengthUnit, readonly [string, string]>> = {
  m: ["meter", "meters"],
  cm: ["centimeter", "centimeters"],
  ft: ["foot", "feet"],
  in: ["inch", "inches"],
};

/** True when `unit` names a supported {@link LengthUnit}. */
export function isLengthUnit(unit: unknown): unit is LengthUnit {
  return typeof unit === "string" && (LENGTH_UNITS as readonly string[]).includes(unit);
}

/** Throw "X is not a supported length unit; choose one of ..." unless `unit` is a {@link LengthUnit}. */
export function checkLengthUnit(unit: unknown, where = "checkLengthUnit", field = "unit"): LengthUnit {
  if (!isLengthUnit(unit)) throw new InputError(where, field, unit, `is not a supported length unit; choose one of ${LENGTH_UNITS.join(", ")}`);
  return unit;
}

/** A length given in `unit`, in metres. */
export function toMetres(value: number, unit: LengthUnit): number {
  return value * METRES_PER_UNIT[unit];
}

/** A length in metres, expressed in `unit` (full precision). */
export function fromMetres(metres: number, unit: LengthUnit): number {
  return metres / METRES_PER_UNIT[unit];
}

/** A length in metres, expressed in `unit` and rounded to the unit's {@link UNIT_DECIMALS}. */
export function roundedInUnit(metres: number, unit: LengthUnit): number {
  return Number(fixed(fromMetres(metres, unit), UNIT_DECIMALS[unit]));
}

/**
 * A length in metres as sentence text in `unit`: the rounded number and the unit's name
 * ("0.91 meters", "91 centimeters", "2.99 feet", "35.8 inches"; "1 foot" when it reads exactly 1).
 */
export function formatLength(metres: number, unit: LengthUnit): string {
  const text = fixed(fromMetres(metres, unit), UNIT_DECIMALS[unit]);
  const [singular, plural] = UNIT_WORDS[unit];
  return `${text} ${text === "1" ? singular : plural}`;
}
