import { InputError } from "../errors.js";

/**
 * How far an answer must be from flipping before a question about it may be asked. Boxes lifted
 * from real depth are off by centimetres (more at range); a question whose answer a few
 * centimetres of box error would flip teaches and measures noise. Every field has a default and
 * a reason ({@link MARGIN_REASONS}); override with {@link resolveMargins}.
 */
export interface Margins {
  /** Left/right: |difference of the centres along the right direction| >= this, metres. */
  readonly leftRightM: number;
  /** Above/below: |difference of the centre heights| >= this, metres. */
  readonly aboveBelowM: number;
  /** Behind/in front (nearest point or centre along forward): |difference| >= this, metres. */
  readonly behindFrontM: number;
  /** Taller/wider and tallest/shortest: |difference| >= this fraction of the larger extent ... */
  readonly sizeRatio: number;
  /** ... and >= this many metres. */
  readonly sizeMinM: number;
  /** Bigger/smaller: |difference of volumes| >= this fraction of the larger volume. */
  readonly volumeRatio: number;
  /** Distances compared (to the camera, to a reference, ordering, against a radius): |difference| >= this fraction of the larger ... */
  readonly distanceRatio: number;
  /** ... and >= this many metres. */
  readonly distanceMinM: number;
  /** Direction: the horizontal distance between the centres >= this, metres. */
  readonly directionMinM: number;
  /** Direction: the angle is at least this many degrees from a clock boundary (a multiple of 30). */
  readonly clockBoundaryDeg: number;
  /** Quantitative answers: the length asked for >= this, metres. */
  readonly minLengthM: number;
}

/** The default margins. */
export const DEFAULT_MARGINS: Margins = {
  leftRightM: 0.1,
  aboveBelowM: 0.1,
  behindFrontM: 0.1,
  sizeRatio: 0.1,
  sizeMinM: 0.05,
  volumeRatio: 0.2,
  distanceRatio: 0.1,
  distanceMinM: 0.1,
  directionMinM: 0.3,
  clockBoundaryDeg: 2,
  minLengthM: 0.05,
};

/** Why each default is what it is. */
export const MARGIN_REASONS: Readonly<Record<keyof Margins, string>> = {
  leftRightM: "lifted box centres are off by a few cm sideways; a 10 cm offset survives that and is visible in the image",
  aboveBelowM: "as for left/right: 10 cm of height difference is beyond centre error and visible",
  behindFrontM: "depth errors are the largest (several cm at 3 m); 10 cm keeps in-front/behind stable",
  sizeRatio: "extents of lifted boxes carry ~5% error; 10% keeps taller/wider questions answerable",
  sizeMinM: "for small objects 10% is under a centimetre, below what a depth map resolves",
  volumeRatio: "a volume multiplies three noisy extents, so its relative error is about three times a size's",
  distanceRatio: "distance error grows with range; 10% of the larger distance stays ahead of it",
  distanceMinM: "near the camera 10% is only a few cm; keep at least 10 cm",
  directionMinM: "a clock direction between centres closer than 30 cm horizontally swings with centre error",
  clockBoundaryDeg: "near a 30-degree boundary the floor rule flips the hour with tiny offsets (scoring tolerates 1 hour; training targets should not)",
  minLengthM: "a length under 5 cm is within the boxes' own error, and a +-25% score on it measures noise",
};

const KEYS = Object.keys(DEFAULT_MARGINS) as (keyof Margins)[];

/**
 * Defaults with `overrides` applied. Throws an InputError on an unknown key (naming the valid
 * ones) or a value that is not a finite number >= 0.
 */
export function resolveMargins(overrides: Partial<Margins> = {}, where = "resolveMargins"): Margins {
  const out: Record<string, number> = { ...DEFAULT_MARGINS };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(KEYS as string[]).includes(key)) throw new InputError(where, key, value, `is not a margin; choose one of ${KEYS.join(", ")}`);
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new InputError(where, key, value, "must be a finite number >= 0");
    }
    out[key] = value;
  }
  return out as unknown as Margins;
}

/**
 * How many times over a difference clears its required minimum: >= 1 is safe, < 1 ambiguous.
 * A required minimum of 0 makes any non-zero difference safe and a zero difference (a tie)
 * ambiguous.
 */
export function slack(difference: number, required: number): number {
  const d = Math.abs(difference);
  if (required > 0) return d / required;
  return d > 0 ? Infinity : 0;
}

/** Required difference for two non-negative quantities: max(minimum, ratio * larger). */
export function requiredDifference(a: number, b: number, ratio: number, minimum: number): number {
  return Math.max(minimum, ratio * Math.max(Math.abs(a), Math.abs(b)));
}
