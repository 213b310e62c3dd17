import type { Mat3, Vec3 } from "../../geometry/index.js";
import { IDENTITY_MAT3, rotationX, rotationZ } from "../../geometry/index.js";
import type { Material, Part } from "../types.js";

/**
 * Small constructors for the parts objects are made of, all in the OBJECT frame (metres, +y up,
 * front of the object towards +z). They say where a part spans rather than where its centre is,
 * so a builder reads like a drawing: "a leg from the floor to under the seat".
 */

/** A box spanning min..max on each axis (no rotation). */
export function boxSpan(min: Vec3, max: Vec3, material: Material): Part {
  return {
    shape: { kind: "box", size: [max[0] - min[0], max[1] - min[1], max[2] - min[2]] },
    pose: { rotation: IDENTITY_MAT3, translation: [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2] },
    material,
  };
}

/** A box of `size` centred at `center`, rotated by `rotation` about its centre. */
export function boxAt(center: Vec3, size: Vec3, material: Material, rotation: Mat3 = IDENTITY_MAT3): Part {
  return { shape: { kind: "box", size }, pose: { rotation, translation: center }, material };
}

/** An upright cylinder at (x, z) spanning heights y0..y1. */
export function cylinderY(x: number, z: number, y0: number, y1: number, radius: number, material: Material): Part {
  return {
    shape: { kind: "cylinder", radius, height: y1 - y0 },
    pose: { rotation: IDENTITY_MAT3, translation: [x, (y0 + y1) / 2, z] },
    material,
  };
}

/** An upright frustum at (x, z) spanning heights y0..y1, radius rBottom at y0 and rTop at y1. */
export function frustumY(x: number, z: number, y0: number, y1: number, rBottom: number, rTop: number, material: Material): Part {
  return {
    shape: { kind: "frustum", radiusBottom: rBottom, radiusTop: rTop, height: y1 - y0 },
    pose: { rotation: IDENTITY_MAT3, translation: [x, (y0 + y1) / 2, z] },
    material,
  };
}

/** A sphere. */
export function sphereAt(center: Vec3, radius: number, material: Material): Part {
  return { shape: { kind: "sphere", radius }, pose: { rotation: IDENTITY_MAT3, translation: center }, material };
}

/** A cylinder with its axis along the object's x axis (a wheel on an axle, a handlebar). */
export function cylinderX(center: Vec3, radius: number, length: number, material: Material): Part {
  return { shape: { kind: "cylinder", radius, height: length }, pose: { rotation: rotationZ(Math.PI / 2), translation: center }, material };
}

/** A cylinder with its axis along the object's z axis (a nozzle pointing forward). */
export function cylinderZ(center: Vec3, radius: number, length: number, material: Material): Part {
  return { shape: { kind: "cylinder", radius, height: length }, pose: { rotation: rotationX(Math.PI / 2), translation: center }, material };
}

/** A cylinder whose axis runs from `from` to `to` (a bicycle tube, a splayed leg). */
export function rod(from: Vec3, to: Vec3, radius: number, material: Material): Part {
  const d: Vec3 = [to[0] - from[0], to[1] - from[1], to[2] - from[2]];
  const length = Math.hypot(d[0], d[1], d[2]);
  if (!(length > 0)) throw new Error("rod: the two ends coincide");
  return {
    shape: { kind: "cylinder", radius, height: length },
    pose: {
      rotation: rotationYTo([d[0] / length, d[1] / length, d[2] / length]),
      translation: [(from[0] + to[0]) / 2, (from[1] + to[1]) / 2, (from[2] + to[2]) / 2],
    },
    material,
  };
}

/**
 * The rotation taking +y onto the unit vector u by the shortest arc (Rodrigues about y x u):
 * R = c I + s [k]x + (1 - c) k k^T with c = u_y, s = |y x u|, k = (u_z, 0, -u_x) / s.
 */
export function rotationYTo(u: Vec3): Mat3 {
  const c = u[1];
  const s = Math.hypot(u[0], u[2]);
  if (s < 1e-12) return c > 0 ? IDENTITY_MAT3 : rotationX(Math.PI);
  const kx = u[2] / s;
  const kz = -u[0] / s;
  const v = 1 - c;
  return [
    c + v * kx * kx, -s * kz, v * kx * kz,
    s * kz, c, -s * kx,
    v * kz * kx, s * kx, c + v * kz * kz,
  ];
}
