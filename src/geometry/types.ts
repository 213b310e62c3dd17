/** A 3-vector. In the camera frame: OpenCV, +x right, +y down, +z forward, metres. */
export type Vec3 = readonly [number, number, number];

/** A 2-vector; for pixels (u, v): u to the right, v down, pixel centres at integer coordinates. */
export type Vec2 = readonly [number, number];

/** Image size in pixels. */
export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/**
 * Pinhole intrinsics in pixels: K = [[fx, 0, cx], [0, fy, cy], [0, 0, 1]].
 * Pixel centres sit at integer coordinates, so the image centre of a W-wide image is (W - 1) / 2.
 */
export interface Intrinsics {
  readonly fx: number;
  readonly fy: number;
  readonly cx: number;
  readonly cy: number;
}
