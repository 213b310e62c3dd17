import { InputError } from "../../errors.js";

/**
 * Depth bands of Omni3D (near / medium / far), by a box centre's planar depth z in metres:
 * near z < 10, medium 10 <= z < 35, far z >= 35. Omni3D writes its ranges as closed intervals
 * ([0, 10], [10, 35], [35, 1e5]), so a box at exactly 10 m or 35 m falls in two bands there; here
 * the bands are half-open so every box is in exactly one. A centre at z <= 0 (behind the camera)
 * counts as near.
 */
export const DEPTH_BAND_NAMES = ["near", "medium", "far"] as const;
export type DepthBand = (typeof DEPTH_BAND_NAMES)[number];

/** The edges between near | medium | far, metres. */
export const DEFAULT_DEPTH_BAND_EDGES_M: readonly [number, number] = [10, 35];

/** Throw an InputError unless the edges are finite, > 0 and increasing; returns them. */
export function validateDepthBandEdges(edgesM: readonly [number, number], where: string): readonly [number, number] {
  const [a, b] = edgesM;
  if (!(Number.isFinite(a) && a > 0)) throw new InputError(where, "depthBandEdgesM[0]", a, "must be a finite number > 0 (metres)");
  if (!(Number.isFinite(b) && b > a)) throw new InputError(where, "depthBandEdgesM[1]", b, `must be a finite number > depthBandEdgesM[0] = ${a} (metres)`);
  return edgesM;
}

/** The band of a centre depth z (metres), with edges [near|medium, medium|far]. */
export function depthBandOf(depthM: number, edgesM: readonly [number, number] = DEFAULT_DEPTH_BAND_EDGES_M): DepthBand {
  if (depthM < edgesM[0]) return "near";
  return depthM < edgesM[1] ? "medium" : "far";
}
