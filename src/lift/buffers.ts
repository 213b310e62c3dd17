/**
 * Reusable typed arrays for lifting one object: the selected pixels, their camera-frame points and
 * sorting scratch. `liftObject` keeps one set for the process and grows it on demand, so the inner
 * loops allocate nothing per pixel or per object (the runner's target is >= 500 images/s per core).
 * Contents are only meaningful during one call; nothing is read from a previous call.
 */
export class LiftBuffers {
  /** Linear pixel indices (v * W + u) of the selected pixels. */
  pixelIndex = new Int32Array(0);
  /** 1 when the selected pixel is interior to its mask (no 4-neighbour outside it). */
  interior = new Uint8Array(0);
  /** Camera-frame points, metres (OpenCV frame), one per selected pixel. */
  x = new Float64Array(0);
  y = new Float64Array(0);
  z = new Float64Array(0);
  /** Scratch for sorting and projections. */
  a = new Float64Array(0);
  b = new Float64Array(0);
  c = new Float64Array(0);
  /** Scratch for hull indices. */
  order = new Int32Array(0);
  hull = new Int32Array(0);

  /** Make every buffer hold at least n entries (contents are not kept when growing). */
  ensure(n: number): void {
    if (this.pixelIndex.length >= n) return;
    const size = Math.max(n, this.pixelIndex.length * 2, 1024);
    this.pixelIndex = new Int32Array(size);
    this.interior = new Uint8Array(size);
    this.x = new Float64Array(size);
    this.y = new Float64Array(size);
    this.z = new Float64Array(size);
    this.a = new Float64Array(size);
    this.b = new Float64Array(size);
    this.c = new Float64Array(size);
    this.order = new Int32Array(size);
    this.hull = new Int32Array(size + 1);
  }
}
