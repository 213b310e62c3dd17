import { describe, expect, it } from "vitest";
import type { ImageSize } from "../geometry/index.js";
import { createRng } from "../random.js";
import { medianOf_, RELATIVE_MAX_DEPTH_RATIO, relativeDisparityToDepth_, resamplePrediction, scaleMetricDepth_ } from "./prediction.js";
import type { PredictionGrid } from "./prediction.js";

/** Slow, obviously-right bilinear sample at continuous (x, y), clamped to the first width x height cells. */
function sample(grid: PredictionGrid, x: number, y: number, width = grid.size.width, height = grid.size.height): number {
  const at = (i: number, j: number) => grid.values[Math.min(Math.max(j, 0), height - 1) * grid.size.width + Math.min(Math.max(i, 0), width - 1)]!;
  const cx = Math.min(Math.max(x, 0), width - 1);
  const cy = Math.min(Math.max(y, 0), height - 1);
  const i = Math.floor(cx);
  const j = Math.floor(cy);
  const a = cx - i;
  const b = cy - j;
  return (1 - a) * (1 - b) * at(i, j) + a * (1 - b) * at(i + 1, j) + (1 - a) * b * at(i, j + 1) + a * b * at(i + 1, j + 1);
}

function randomGrid(size: ImageSize, seed: number): PredictionGrid {
  const rng = createRng(seed);
  return { size, values: Float32Array.from({ length: size.width * size.height }, () => rng.uniform(0.5, 5)) };
}

describe("resamplePrediction", () => {
  it("is the identity when the prediction already has the image's size", () => {
    const grid = randomGrid({ width: 7, height: 5 }, 1);
    expect(Array.from(resamplePrediction(grid, grid.size))).toEqual(Array.from(grid.values));
  });

  it("matches a slow reference for up- and down-sampling and for a padded (partly covered) grid", () => {
    const grid = randomGrid({ width: 6, height: 4 }, 2);
    const cases: Array<[ImageSize, ImageSize]> = [
      [{ width: 17, height: 9 }, grid.size],
      [{ width: 3, height: 2 }, grid.size],
      [{ width: 10, height: 10 }, { width: 4.5, height: 3 }],
    ];
    for (const [image, covered] of cases) {
      const out = resamplePrediction(grid, image, covered);
      expect(out).toHaveLength(image.width * image.height);
      for (let v = 0; v < image.height; v++) {
        for (let u = 0; u < image.width; u++) {
          const x = ((u + 0.5) * covered.width) / image.width - 0.5;
          const y = ((v + 0.5) * covered.height) / image.height - 0.5;
          const want = sample(grid, x, y, Math.ceil(covered.width), Math.ceil(covered.height));
          expect(out[v * image.width + u]).toBeCloseTo(want, 5);
        }
      }
    }
  });

  it("doubles a 2x1 grid the way align_corners=False does", () => {
    const out = resamplePrediction({ size: { width: 2, height: 1 }, values: Float32Array.of(0, 4) }, { width: 4, height: 1 });
    expect(Array.from(out)).toEqual([0, 1, 3, 4]);
  });

  it("only reads the covered part of a padded grid", () => {
    // Right half is padding (huge values); the image maps onto the left half only.
    const values = Float32Array.of(1, 1, 1e9, 1e9, 1, 1, 1e9, 1e9);
    const out = resamplePrediction({ size: { width: 4, height: 2 }, values }, { width: 4, height: 4 }, { width: 2, height: 2 });
    expect(Array.from(out).every((z) => z === 1)).toBe(true);
  });

  it("rejects values that do not fill the grid, and an empty covered part", () => {
    expect(() => resamplePrediction({ size: { width: 3, height: 3 }, values: new Float32Array(8) }, { width: 3, height: 3 })).toThrow(/values length = 8: expected 3x3 = 9/);
    expect(() => resamplePrediction({ size: { width: 3, height: 3 }, values: new Float32Array(9) }, { width: 3, height: 3 }, { width: 0, height: 3 })).toThrow(/covered size = "0x3"/);
  });
});

describe("scaleMetricDepth_", () => {
  it("scales in place and marks non-finite or non-positive values invalid (0), counting the valid ones", () => {
    const values = Float32Array.of(2, -1, 0, NaN, Infinity, 0.5);
    expect(scaleMetricDepth_(values, 3)).toBe(2);
    expect(Array.from(values)).toEqual([6, 0, 0, 0, 0, 1.5]);
  });
});

describe("relativeDisparityToDepth_", () => {
  it("puts the median pixel at the hint and keeps depth inversely proportional to disparity", () => {
    const d = Float32Array.of(1, 2, 4, 8, 16);
    expect(relativeDisparityToDepth_(d, 3, "img")).toBe(5);
    expect(d[2]).toBe(3); // median disparity 4 -> 3 m
    expect(Array.from(d)).toEqual([12, 6, 3, 1.5, 0.75]);
    for (let i = 1; i < d.length; i++) expect(d[i]!).toBeLessThan(d[i - 1]!); // nearer = larger disparity
  });

  it("marks non-positive, non-finite and too-far (sky-like) disparities invalid", () => {
    const median = 10;
    const d = Float32Array.of(-1, 0, NaN, median / RELATIVE_MAX_DEPTH_RATIO / 2, median, median, median);
    expect(relativeDisparityToDepth_(d, 2, "img")).toBe(3);
    expect(Array.from(d.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(d.subarray(4))).toEqual([2, 2, 2]);
  });

  it("throws, naming the image, when nothing has positive disparity", () => {
    expect(() => relativeDisparityToDepth_(Float32Array.of(0, -2, NaN), 3, "a.png")).toThrow(/a\.png: predicted_depth = "3 values": .*no positive disparity/);
  });
});

describe("medianOf_", () => {
  it("matches the median of a full sort for odd and even lengths, duplicates included", () => {
    const rng = createRng(3);
    for (const n of [1, 2, 3, 4, 5, 10, 11, 100, 101, 1000]) {
      for (const levels of [3, 1000]) {
        const xs = Float32Array.from({ length: n }, () => rng.int(levels) + rng.int(2) * 0.5);
        const sorted = Array.from(xs).sort((a, b) => a - b);
        const want = n % 2 === 1 ? sorted[n >> 1]! : (sorted[(n >> 1) - 1]! + sorted[n >> 1]!) / 2;
        expect(medianOf_(xs), `n=${n} levels=${levels}`).toBe(want);
      }
    }
  });
});
