import type { Vec3 } from "../geometry/index.js";
import { box3DToOfficialFrame, pointToOfficial } from "../formats/index.js";
import { DEFAULT_UP, groundFrameFromUp, type GroundFrame, upDirection } from "./frame-vectors.js";
import { fixed, printed } from "./numbers.js";
import type { PrintFrame, ReasonContext, SceneObjectBox } from "./types.js";

/**
 * The scene as a trace prints it. THE RULE that makes traces exact: every program computes on the
 * boxes AS PRINTED (each number rounded to its printed decimals, in the print frame), never on the
 * full-precision boxes, and every later number is computed from numbers printed before it. A
 * reader who redoes the arithmetic from the trace in float64 gets exactly the printed digits.
 *
 * Printed decimals: centres and sizes 2 (metres), yaw 1 (degrees), the up direction 3.
 */

/** Decimals of printed box centres, sizes and derived lengths (metres). */
export const LENGTH_DECIMALS = 2;
/** Decimals of a printed yaw (degrees). */
export const YAW_DECIMALS = 1;
/** Decimals of the printed up direction (unit vector components). */
export const UP_DECIMALS = 3;

/** A box as printed: print-frame numbers rounded as shown. */
export interface PrintedBox {
  readonly name: string;
  /** Centre in the print frame, metres, rounded to {@link LENGTH_DECIMALS}. */
  readonly center: Vec3;
  /** Full extents along the box's own axes, metres, rounded to {@link LENGTH_DECIMALS}. */
  readonly size: Vec3;
  /**
   * Rotation about the print frame's +y axis in degrees, in (-180, 180], rounded to
   * {@link YAW_DECIMALS}: the box's axes are the columns of R_y(yaw) in that frame (the same
   * matrix form in both frames, see formats/official-frame.ts). Our frame: yaw about +y (down);
   * official frame: angle_y about +y (up) = -our yaw. 0 when it rounds to 0 (then not printed).
   */
  readonly yawDeg: number;
}

/** The printed view a program computes on: printed boxes plus the printed ground frame. */
export interface PrintedScene {
  readonly frame: PrintFrame;
  readonly boxes: readonly PrintedBox[];
  /**
   * The up direction as printed (3 decimals, print frame) when the context gives gravity; null
   * when it does not (then up is the camera's up: [0, -1, 0] ours, [0, 1, 0] official, unprinted).
   */
  readonly printedUp: Vec3 | null;
  /** Ground frame built from the printed up (or the default) with {@link groundFrameFromUp}. */
  readonly ground: GroundFrame;
}

/** Degrees in (-180, 180]. */
function wrapDegrees(deg: number): number {
  let d = deg % 360;
  if (d <= -180) d += 360;
  if (d > 180) d -= 360;
  return d;
}

/** One object's box as the trace prints it, in `frame`. */
export function printBox(object: SceneObjectBox, frame: PrintFrame): PrintedBox {
  let center = object.box.center;
  let angleRad = object.box.yaw;
  if (frame === "official") {
    const official = box3DToOfficialFrame(object.box);
    center = official.centerOfficialM;
    angleRad = official.angleRad;
  }
  const round = (v: Vec3): Vec3 => [printed(v[0], LENGTH_DECIMALS), printed(v[1], LENGTH_DECIMALS), printed(v[2], LENGTH_DECIMALS)];
  return {
    name: object.name,
    center: round(center),
    size: round(object.box.size),
    yawDeg: printed(wrapDegrees((angleRad * 180) / Math.PI), YAW_DECIMALS),
  };
}

/** The up direction in the print frame, rounded to {@link UP_DECIMALS}; null when gravity is unknown. */
export function printUp(ctx: ReasonContext, where: string): Vec3 | null {
  if (ctx.gravity === undefined) return null;
  const up = upDirection(ctx, where);
  const inFrame = (ctx.frame ?? "n3d") === "official" ? pointToOfficial(up) : up;
  return [printed(inFrame[0], UP_DECIMALS), printed(inFrame[1], UP_DECIMALS), printed(inFrame[2], UP_DECIMALS)];
}

/** The default up of a print frame (gravity unknown): camera up. */
export function defaultUp(frame: PrintFrame): Vec3 {
  return frame === "official" ? pointToOfficial(DEFAULT_UP) : DEFAULT_UP;
}

/**
 * The printed view of `objects` under `ctx` (objects assumed validated). The ground frame is
 * built on first use, so a program that needs no "up" (distances, volumes) still runs for a
 * camera looking straight down, where the ground plane has no forward direction.
 */
export function printScene(objects: readonly SceneObjectBox[], ctx: ReasonContext, where: string): PrintedScene {
  const frame = ctx.frame ?? "n3d";
  const printedUp = printUp(ctx, where);
  let ground: GroundFrame | undefined;
  return {
    frame,
    boxes: objects.map((o) => printBox(o, frame)),
    printedUp,
    get ground(): GroundFrame {
      ground ??= groundFrameFromUp(printedUp ?? defaultUp(frame), where);
      return ground;
    },
  };
}

/** Format a printed vector's components ("[0.27, 0.03, 2.97]"). */
export function formatVector(v: readonly number[], decimals: number): string {
  return `[${v.map((x) => fixed(x, decimals)).join(", ")}]`;
}
