import type { Vec3 } from "./types.js";

/** Row-major 3x3 matrix [m00, m01, m02, m10, ..., m22]. */
export type Mat3 = readonly [number, number, number, number, number, number, number, number, number];

/**
 * A rigid transform taking points of a child frame into a parent frame: p_parent = R p_child + t.
 * Name poses after what they map: `worldFromObject`, `cameraFromWorld`.
 */
export interface Pose {
  readonly rotation: Mat3;
  readonly translation: Vec3;
}

export const IDENTITY_MAT3: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
export const IDENTITY_POSE: Pose = { rotation: IDENTITY_MAT3, translation: [0, 0, 0] };

/** Right-handed rotation by `rad` about +x. */
export function rotationX(rad: number): Mat3 {
  const c = Math.cos(rad);
  const s = Math.sin(rad);
  return [1, 0, 0, 0, c, -s, 0, s, c];
}

/** Right-handed rotation by `rad` about +y (the same R_y as Box3D's yaw). */
export function rotationY(rad: number): Mat3 {
  const c = Math.cos(rad);
  const s = Math.sin(rad);
  return [c, 0, s, 0, 1, 0, -s, 0, c];
}

/** Right-handed rotation by `rad` about +z. */
export function rotationZ(rad: number): Mat3 {
  const c = Math.cos(rad);
  const s = Math.sin(rad);
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}

/** a * b. */
export function mulMat3(a: Mat3, b: Mat3): Mat3 {
  const out: number[] = new Array(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      out[3 * i + j] = a[3 * i]! * b[j]! + a[3 * i + 1]! * b[3 + j]! + a[3 * i + 2]! * b[6 + j]!;
    }
  }
  return out as unknown as Mat3;
}

/** Transpose (the inverse of a rotation). */
export function transposeMat3(m: Mat3): Mat3 {
  return [m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]];
}

/** m * v. */
export function mulMat3Vec(m: Mat3, v: Vec3): Vec3 {
  return [
    m[0] * v[0] + m[1] * v[1] + m[2] * v[2],
    m[3] * v[0] + m[4] * v[1] + m[5] * v[2],
    m[6] * v[0] + m[7] * v[1] + m[8] * v[2],
  ];
}

/** Apply a pose to a point: R p + t. */
export function applyPose(pose: Pose, p: Vec3): Vec3 {
  const r = mulMat3Vec(pose.rotation, p);
  return [r[0] + pose.translation[0], r[1] + pose.translation[1], r[2] + pose.translation[2]];
}

/** Apply only the rotation (for directions and normals). */
export function rotateByPose(pose: Pose, v: Vec3): Vec3 {
  return mulMat3Vec(pose.rotation, v);
}

/** aFromC = aFromB ∘ bFromC. */
export function composePoses(aFromB: Pose, bFromC: Pose): Pose {
  return { rotation: mulMat3(aFromB.rotation, bFromC.rotation), translation: applyPose(aFromB, bFromC.translation) };
}

/** bFromA from aFromB (rigid inverse: R^T, -R^T t). */
export function invertPose(aFromB: Pose): Pose {
  const rt = transposeMat3(aFromB.rotation);
  const t = mulMat3Vec(rt, aFromB.translation);
  return { rotation: rt, translation: [-t[0], -t[1], -t[2]] };
}
