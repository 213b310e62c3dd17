import type { Box2D, Box3D, Intrinsics, Vec3 } from "../geometry/index.js";

/**
 * The 2D box as a constraint on the fitted 3D box's extents. A tight 2D box is the object's
 * silhouette's bounding box, and the amodal 3D box contains the object, so the 3D box's projection
 * covers the 2D box: the box's outermost corners reach at least the 2D box's left and right edges
 * (and its top and bottom). A fit from depth pixels falls short where the selection lost the
 * object's edge pixels (noise pushed them out of the depth band, extents trimmed at a percentile),
 * which is what {@link coverBox2d} repairs: it moves the box's lateral faces (and, when asked, its
 * top and bottom faces) outwards until the projection reaches the 2D box's edges, keeping the depth
 * faces. "match" also moves faces inwards, to the 2D box's edges, when the projection overshoots.
 */

/** How the 2D box constrains the fitted box; see {@link coverBox2d}. */
export type CoverMode = "off" | "extend" | "match";
export const COVER_MODES: readonly CoverMode[] = ["off", "extend", "match"];

/** Which faces the 2D box constrains: the lateral ones (left / right) or all four. */
export type CoverSides = "lateral" | "all";
export const COVER_SIDES: readonly CoverSides[] = ["lateral", "all"];

/** Parameters (fields of LiftOptions; defaults and reasons in lift.ts). */
export interface CoverOptions {
  /** Box only: "extend" faces outwards to cover the 2D box, "match" also pull them in to it, "off". */
  readonly boxCover: CoverMode;
  /** Box only: the lateral faces, or the top and bottom too. */
  readonly boxCoverSides: CoverSides;
  /** A face moves by at most this share of the box's size along it (a fit at a wrong depth is not stretched without bound). */
  readonly boxCoverMaxShare: number;
}

/**
 * `box` (camera frame, yaw about camera +y) with its faces moved so that its projection through
 * `K` reaches the edges of `bbox2d` (continuous pixels), per `options` (see the file comment). The
 * lateral axis is the horizontal box axis more across the ray to the box's centre. A box whose
 * corners are not all in front of the camera is returned unchanged.
 */
export function coverBox2d(box: Box3D, bbox2d: Box2D, K: Intrinsics, options: CoverOptions): Box3D {
  if (options.boxCover === "off") return box;
  const [cx0, cy0, cz0] = box.center;
  const c = Math.cos(box.yaw);
  const s = Math.sin(box.yaw);
  // Local x along (c, 0, -s), local z along (s, 0, c).
  const alongX = Math.abs(cx0 * c - cz0 * s);
  const alongZ = Math.abs(cx0 * s + cz0 * c);
  const lateralIsX = alongX <= alongZ;
  let ewx = lateralIsX ? c : s;
  let ewz = lateralIsX ? -s : c;
  const edx = lateralIsX ? s : c;
  const edz = lateralIsX ? c : -s;
  const halfW = (lateralIsX ? box.size[0] : box.size[2]) / 2;
  const halfD = (lateralIsX ? box.size[2] : box.size[0]) / 2;
  // Orient the lateral axis so that moving along it moves the projection right.
  if (ewx * cz0 - cx0 * ewz < 0) {
    ewx = -ewx;
    ewz = -ewz;
  }
  const { fx, fy, cx, cy } = K;
  const extend = options.boxCover !== "match";
  const maxMove = options.boxCoverMaxShare * 2 * halfW;
  // The near and far vertical edges' (x, z) at lateral offset 0.
  const ax = cx0 + halfD * edx;
  const az = cz0 + halfD * edz;
  const bx = cx0 - halfD * edx;
  const bz = cz0 - halfD * edz;
  if (!(az - halfW * Math.abs(ewz) > 0 && bz - halfW * Math.abs(ewz) > 0)) return box;
  // Lateral offset t at which the point (px + t ewx, pz + t ewz) projects to column u.
  const offsetAt = (px: number, pz: number, u: number): number => {
    const k = (u - cx) / fx;
    const den = ewx - k * ewz;
    return den > 1e-9 ? (k * pz - px) / den : NaN;
  };
  let tL = -halfW;
  let tR = halfW;
  const leftTarget = Math.max(offsetAt(ax, az, bbox2d.x1), offsetAt(bx, bz, bbox2d.x1));
  const rightTarget = Math.min(offsetAt(ax, az, bbox2d.x2), offsetAt(bx, bz, bbox2d.x2));
  if (Number.isFinite(leftTarget) && (leftTarget < tL || !extend)) tL = Math.max(tL - maxMove, Math.min(tL + maxMove, leftTarget));
  if (Number.isFinite(rightTarget) && (rightTarget > tR || !extend)) tR = Math.min(tR + maxMove, Math.max(tR - maxMove, rightTarget));
  if (!(tR > tL)) return box;
  const shift = (tL + tR) / 2;
  let center: Vec3 = [cx0 + shift * ewx, cy0, cz0 + shift * ewz];
  const width = tR - tL;
  let height = box.size[1];
  if (options.boxCoverSides === "all") {
    // Top (smallest y) and bottom faces, at constant y: the face's highest (lowest) image row is at
    // its nearest or farthest corner, by the side of the optical axis the 2D box's edge is on.
    const halfH = height / 2;
    const maxMoveV = options.boxCoverMaxShare * height;
    let zMin = Infinity;
    let zMax = -Infinity;
    for (const dd of [halfD, -halfD]) {
      for (const ww of [tL, tR]) {
        const z = center[2] + dd * edz + (ww - shift) * ewz;
        zMin = Math.min(zMin, z);
        zMax = Math.max(zMax, z);
      }
    }
    if (zMin > 0) {
      let top = center[1] - halfH;
      let bottom = center[1] + halfH;
      const kt = (bbox2d.y1 - cy) / fy;
      const kb = (bbox2d.y2 - cy) / fy;
      const topTarget = kt * (kt < 0 ? zMin : zMax);
      const bottomTarget = kb * (kb > 0 ? zMin : zMax);
      if (topTarget < top || !extend) top = Math.max(top - maxMoveV, Math.min(top + maxMoveV, topTarget));
      if (bottomTarget > bottom || !extend) bottom = Math.min(bottom + maxMoveV, Math.max(bottom - maxMoveV, bottomTarget));
      if (bottom > top) {
        center = [center[0], (top + bottom) / 2, center[2]];
        height = bottom - top;
      }
    }
  }
  const size: Vec3 = lateralIsX ? [width, height, box.size[2]] : [box.size[0], height, width];
  return { center, size, yaw: box.yaw };
}
