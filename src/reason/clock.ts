/**
 * Direction as a clock position, by SpatialRGPT's rule (reference/FORMATS.md section 3):
 *
 *   v = (v0, v1) from A to B on the ground plane, angle = atan2(v0, v1) in degrees, normalized to
 *   [0, 360); clock = 12 - floor(angle / 30); if clock <= 0, add 12.
 *
 * SpatialRGPT writes v in its x-left frame, so v0 is the LEFT component and v1 the forward one:
 * the angle is measured counter-clockwise (seen from above) from straight ahead. In ground
 * coordinates [right, forward] that is v = (-right, forward). By hand: ahead (0, 1) -> 0 deg ->
 * 12; right (-1, 0) -> 270 deg -> 3; behind (0, -1) -> 180 deg -> 6; left (1, 0) -> 90 deg -> 9;
 * 45 deg right of ahead (-1, 1) -> 315 deg -> floor(10.5) = 10 -> 2 o'clock. Because of the floor,
 * straight ahead sits on the 12/1 boundary: a hair to the right is already 1 o'clock.
 *
 * The angle is TRUNCATED (not rounded) to 0.1 degree before the clock is read from it. Every
 * multiple of 30 degrees lies on the 0.1 grid, so floor(truncated / 30) = floor(exact / 30): the
 * clock read from the printed angle always equals the exact rule's.
 */
export interface ClockReading {
  /** Angle counter-clockwise from forward in degrees, in [0, 360), truncated to 0.1. */
  readonly angleDeg: number;
  /** Clock position 1..12 (12 = straight ahead, 3 = right). */
  readonly clock: number;
}

/** The clock reading of a ground-plane vector given as [right, forward] components (any length unit). */
export function clockFromGround(right: number, forward: number): ClockReading {
  let angle = (Math.atan2(0 - right, forward) * 180) / Math.PI;
  if (angle < 0) angle += 360;
  if (angle >= 360) angle -= 360;
  const tenths = Math.floor(angle * 10);
  let clock = 12 - Math.floor(tenths / 300);
  if (clock <= 0) clock += 12;
  return { angleDeg: tenths / 10, clock };
}

/** Distance in degrees from `angleDeg` to the nearest clock boundary (a multiple of 30). */
export function clockBoundaryDistanceDeg(angleDeg: number): number {
  const r = ((angleDeg % 30) + 30) % 30;
  return Math.min(r, 30 - r);
}

/** Hours between two clock positions on the dial, 0..6 (the scoring tolerance is 1). */
export function clockDifference(a: number, b: number): number {
  const d = (((a - b) % 12) + 12) % 12;
  return Math.min(d, 12 - d);
}
