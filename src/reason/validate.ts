import { InputError } from "../errors.js";
import { validateBox3D } from "../geometry/index.js";
import { upDirection } from "./frame-vectors.js";
import type { ReasonContext, SceneObjectBox } from "./types.js";
import { checkLengthUnit } from "./units.js";

/** The print frames a context may ask for. */
export const PRINT_FRAMES = ["n3d", "official"] as const;

/**
 * Throw an InputError unless every object has a non-empty name and label, a valid box (finite
 * numbers, sizes >= 0: the message names the object and the field, e.g.
 * `objects["chair"].box.size[1] = -0.2`) and names are unique.
 */
export function validateObjects(objects: readonly SceneObjectBox[], where: string): void {
  if (!Array.isArray(objects)) throw new InputError(where, "objects", objects, "must be an array of objects with name, label and box");
  const seen = new Set<string>();
  objects.forEach((o, i) => {
    if (o === null || typeof o !== "object") throw new InputError(where, `objects[${i}]`, o, "must be an object with name, label and box");
    if (typeof o.name !== "string" || o.name.trim() === "") throw new InputError(where, `objects[${i}].name`, o.name, "must be a non-empty string");
    const tag = `objects[${JSON.stringify(o.name)}]`;
    if (typeof o.label !== "string" || o.label.trim() === "") throw new InputError(where, `${tag}.label`, o.label, "must be a non-empty string");
    if (o.box === null || typeof o.box !== "object" || !Array.isArray(o.box.center) || !Array.isArray(o.box.size) || o.box.center.length !== 3 || o.box.size.length !== 3) {
      throw new InputError(where, `${tag}.box`, o.box, "must have center [x, y, z] and size [sx, sy, sz] in metres and a yaw in radians");
    }
    validateBox3D(o.box, where, `${tag}.box.`);
    if (seen.has(o.name)) throw new InputError(where, `${tag}.name`, o.name, "is used by two objects; names must be unique (use <index>_<label> when a label repeats)");
    seen.add(o.name);
  });
}

/** Throw an InputError unless the context's fields are valid (frame, unit, gravity, radiusM). */
export function validateContext(ctx: ReasonContext, where: string): void {
  if (ctx === null || typeof ctx !== "object") throw new InputError(where, "ctx", ctx, "must be an object");
  if (ctx.frame !== undefined && !(PRINT_FRAMES as readonly string[]).includes(ctx.frame)) {
    throw new InputError(where, "ctx.frame", ctx.frame, `is not a supported print frame; choose one of ${PRINT_FRAMES.join(", ")}`);
  }
  if (ctx.unit !== undefined) checkLengthUnit(ctx.unit, where, "ctx.unit");
  upDirection(ctx, where);
  if (ctx.radiusM !== undefined && (typeof ctx.radiusM !== "number" || !Number.isFinite(ctx.radiusM) || ctx.radiusM <= 0)) {
    throw new InputError(where, "ctx.radiusM", ctx.radiusM, "must be a finite number > 0 (metres)");
  }
}
