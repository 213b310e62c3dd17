import { describe, expect, it } from "vitest";
import { countRingColours, dropBackgroundColours, objectColouredSamples, type ColourOptions } from "./colour.js";
import { DEFAULT_LIFT_OPTIONS } from "./lift.js";

const OPTIONS: ColourOptions = { ...DEFAULT_LIFT_OPTIONS, boxColourRatio: 2, boxColourCoreRatio: 2, boxColourBins: 8, boxColourRingShare: 0.25, boxColourMaxDrop: 0.6 };
const W = 40;
const H = 40;
const GREY = [120, 120, 120] as const;
const RED = [200, 30, 30] as const;
/** The box [10, 29] x [10, 29] (pixel centres). */
const RECT = { u0: 10, u1: 29, v0: 10, v1: 29 };
const CORE = { u0: 15, u1: 24, v0: 15, v1: 24 };

/** A grey image with the given pixels painted red. */
function image(red: (u: number, v: number) => boolean): Uint8Array {
  const rgb = new Uint8Array(W * H * 3);
  for (let v = 0; v < H; v++) {
    for (let u = 0; u < W; u++) rgb.set(red(u, v) ? RED : GREY, 3 * (v * W + u));
  }
  return rgb;
}

const inCore = (u: number, v: number): boolean => u >= CORE.u0 && u <= CORE.u1 && v >= CORE.v0 && v <= CORE.v1;

describe("countRingColours", () => {
  it("counts a ring a share of the box wide around its outside, clipped to the image, not the box", () => {
    const rgb = image((u, v) => u < RECT.u0 || u > RECT.u1 || v < RECT.v0 || v > RECT.v1); // red outside the box only
    const ring = countRingColours(rgb, W, H, RECT, 1, OPTIONS);
    // 5 px ring around a 20 x 20 box: 30 x 30 - 20 x 20.
    expect(ring.count).toBe(30 * 30 - 20 * 20);
    const redCell = ((RED[0] >> 5) << 6) | ((RED[1] >> 5) << 3) | (RED[2] >> 5);
    expect(ring.hist[redCell]).toBe(ring.count);
    const atCorner = countRingColours(rgb, W, H, { u0: 0, u1: 19, v0: 0, v1: 19 }, 1, OPTIONS);
    expect(atCorner.count).toBe(25 * 25 - 20 * 20);
  });
});

describe("objectColouredSamples", () => {
  it("keeps the samples of colours the ring lacks, with their depths, and falls back to all when colour does not separate", () => {
    const rgb = image((u, v) => inCore(u, v) && u % 2 === 0); // red stripes in the core, grey elsewhere
    const ring = countRingColours(rgb, W, H, RECT, 1, OPTIONS);
    const pixels = new Int32Array(400);
    const zs = new Float64Array(400);
    let n = 0;
    for (let v = RECT.v0; v <= RECT.v1; v++) {
      for (let u = RECT.u0; u <= RECT.u1; u++) {
        pixels[n] = v * W + u;
        zs[n++] = inCore(u, v) && u % 2 === 0 ? 2 : 5;
      }
    }
    const k = objectColouredSamples(rgb, ring, pixels, zs, n, OPTIONS);
    expect(k).toBe(50);
    expect([...zs.subarray(0, k)].every((z) => z === 2)).toBe(true);
    for (let j = 0; j < k; j++) expect(pixels[j]! % 2).toBe(0);
    // All grey: nothing is the object's colour; the samples stay as they were.
    const grey = image(() => false);
    expect(objectColouredSamples(grey, countRingColours(grey, W, H, RECT, 1, OPTIONS), pixels, zs, n, OPTIONS)).toBe(n);
    expect(objectColouredSamples(rgb, ring, pixels, zs, n, { ...OPTIONS, boxColourCoreRatio: 0 })).toBe(n);
  });
});

describe("dropBackgroundColours", () => {
  it("drops the selected pixels of the ring's colours and keeps the core's", () => {
    // The object is red in the core; a grey strip along the box's left side continues the surroundings.
    const rgb = image((u, v) => u >= 14 && u <= 29 && v >= 10 && v <= 29);
    const ring = countRingColours(rgb, W, H, RECT, 1, OPTIONS);
    const pixels = new Int32Array(400);
    let n = 0;
    for (let v = RECT.v0; v <= RECT.v1; v++) for (let u = RECT.u0; u <= RECT.u1; u++) pixels[n++] = v * W + u;
    const k = dropBackgroundColours(rgb, ring, W, CORE, pixels, n, OPTIONS);
    expect(k).toBe(16 * 20);
    for (let j = 0; j < k; j++) expect(pixels[j]! % W).toBeGreaterThanOrEqual(14);
  });

  it("drops nothing when more than boxColourMaxDrop would go, or when off", () => {
    const rgb = image((u, v) => u >= 25 && u <= 29 && v >= 10 && v <= 29); // only a quarter of the box is not grey
    const ring = countRingColours(rgb, W, H, RECT, 1, OPTIONS);
    const pixels = new Int32Array(400);
    let n = 0;
    for (let v = RECT.v0; v <= RECT.v1; v++) for (let u = RECT.u0; u <= RECT.u1; u++) pixels[n++] = v * W + u;
    const core = { u0: 20, u1: 29, v0: 10, v1: 29 }; // half red, half grey: the grey is also the object's
    expect(dropBackgroundColours(rgb, ring, W, core, pixels, n, { ...OPTIONS, boxColourMaxDrop: 0.5 })).toBe(n);
    expect(dropBackgroundColours(rgb, ring, W, core, pixels, n, { ...OPTIONS, boxColourMaxDrop: 0.9 })).toBeLessThan(n);
    expect(dropBackgroundColours(rgb, ring, W, core, pixels, n, { ...OPTIONS, boxColourRatio: 0 })).toBe(n);
  });
});
