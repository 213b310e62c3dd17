import { describe, expect, it } from "vitest";
import { createRng } from "../random.js";
import {
  depthInlierRange,
  dropSupportPlane,
  isDepthGap,
  largestDepthCluster,
  medianSorted,
  nearestSubstantialCluster,
  percentileSorted,
  percentileUnsorted,
  selectKth,
  type OutlierOptions,
} from "./outliers.js";

const sorted = (xs: readonly number[]): Float64Array => Float64Array.from(xs).sort();
const OPTIONS: OutlierOptions = {
  outlierMethod: "cluster",
  trimPercent: 5,
  madK: 3,
  clusterGapM: 0.05,
  clusterGapRel: 0.02,
  boxSupportTolM: 0.02,
  boxNoisySupportTolM: 0.03,
};

/** An object's depths: 200 values spread over 2.0 ... 2.3 m, plus 6 background values at 5 m and two flying pixels. */
function objectWithOutliers(): Float64Array {
  const rng = createRng(4);
  const zs = Array.from({ length: 200 }, () => 2 + 0.3 * rng.next());
  zs.push(5, 5.01, 5.02, 4.99, 5.03, 5, 3.4, 0.9);
  return sorted(zs);
}

describe("percentiles", () => {
  it("interpolate between sorted neighbours, with the extremes at 0 and 100", () => {
    const s = sorted([4, 1, 3, 2]);
    expect(percentileSorted(s, 4, 0)).toBe(1);
    expect(percentileSorted(s, 4, 100)).toBe(4);
    expect(percentileSorted(s, 4, 50)).toBe(2.5);
    expect(medianSorted(sorted([5, 1, 3]), 3)).toBe(3);
  });

  it("agree between the sorted and the quickselect paths on random data", () => {
    const rng = createRng(9);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + rng.int(300);
      const values = Float64Array.from({ length: n }, () => (rng.next() < 0.2 ? 1 : rng.uniform(-5, 5))); // with ties
      const s = Float64Array.from(values).sort();
      for (const p of [0, 1, 2.5, 50, 97, 100]) {
        expect(percentileUnsorted(Float64Array.from(values), n, p)).toBeCloseTo(percentileSorted(s, n, p), 12);
      }
      const k = rng.int(n);
      const copy = Float64Array.from(values);
      expect(selectKth(copy, n, k)).toBe(s[k]);
      for (let i = 0; i < k; i++) expect(copy[i]).toBeLessThanOrEqual(copy[k]!);
      for (let i = k + 1; i < n; i++) expect(copy[i]).toBeGreaterThanOrEqual(copy[k]!);
    }
  });
});

describe("gap clustering", () => {
  it("keeps the largest cluster and splits at gaps wider than max(gap, rel * z)", () => {
    const s = sorted([1.0, 1.01, 1.02, 2.0, 2.01, 2.02, 2.03, 9.0]);
    const run = largestDepthCluster(s, s.length, 0.05, 0.02);
    expect([s[run.start], s[run.end - 1]]).toEqual([2.0, 2.03]);
    // With rel = 0.5 the 0.98 m gap between 1.02 and 2.0 is below 0.5 * 2.0 m: the two join.
    const joined = largestDepthCluster(s, s.length, 0.05, 0.5);
    expect([s[joined.start], s[joined.end - 1]]).toEqual([1.0, 2.03]);
  });

  it("finds the nearest substantial cluster, else the largest", () => {
    const s = sorted([1.0, 1.01, 1.02, 3.0, 3.01, 3.02, 3.03, 3.04, 8.0]);
    const near = nearestSubstantialCluster(s, s.length, 0.05, 0.02, 0.3);
    expect(s[near.start]).toBe(1.0); // 3 of 9 >= 30 %
    const big = nearestSubstantialCluster(s, s.length, 0.05, 0.02, 0.5);
    expect(s[big.start]).toBe(3.0); // none holds half: the largest
  });
});

describe("depthInlierRange", () => {
  const zs = objectWithOutliers();
  const n = zs.length;
  const kept = (o: Partial<OutlierOptions>): number[] => {
    const { lo, hi } = depthInlierRange(zs, n, { ...OPTIONS, ...o });
    return Array.from(zs).filter((z) => z >= lo && z <= hi);
  };

  it("cluster: keeps exactly the object's depths", () => {
    const inliers = kept({ outlierMethod: "cluster" });
    expect(inliers.length).toBe(200);
    expect(Math.min(...inliers)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...inliers)).toBeLessThanOrEqual(2.3);
  });

  it("mad: drops the background and the flying pixels", () => {
    const inliers = kept({ outlierMethod: "mad", madK: 3 });
    expect(Math.max(...inliers)).toBeLessThan(2.5);
    expect(Math.min(...inliers)).toBeGreaterThan(1.5);
  });

  it("mad: its scale is the median absolute deviation (odd and even counts)", () => {
    for (const values of [[1, 2, 3, 4, 100], [1, 2, 3, 4, 5, 100], [7], [2, 2, 2, 9]]) {
      const s = sorted(values);
      const median = medianSorted(s, s.length);
      const deviations = sorted(values.map((v) => Math.abs(v - median)));
      const mad = medianSorted(deviations, deviations.length);
      const { lo, hi } = depthInlierRange(s, s.length, { ...OPTIONS, outlierMethod: "mad", madK: 1 });
      expect(hi - median).toBeCloseTo(1.4826 * mad, 12);
      expect(median - lo).toBeCloseTo(1.4826 * mad, 12);
    }
  });

  it("percentile: trims the given share at each end", () => {
    const inliers = kept({ outlierMethod: "percentile", trimPercent: 5 });
    expect(inliers.length).toBeGreaterThanOrEqual(Math.floor(0.9 * n) - 1);
    expect(Math.max(...inliers)).toBeLessThan(5);
  });

  it("none: keeps everything", () => {
    expect(kept({ outlierMethod: "none" }).length).toBe(n);
  });
});

describe("isDepthGap", () => {
  it("splits at the larger of the absolute and the relative gap", () => {
    expect(isDepthGap(1, 1.06, 0.05, 0.02)).toBe(true);
    expect(isDepthGap(1, 1.04, 0.05, 0.02)).toBe(false);
    expect(isDepthGap(5, 5.09, 0.05, 0.02)).toBe(false); // 2 % of 5.09 m is 10 cm
    expect(isDepthGap(5, 5.11, 0.05, 0.02)).toBe(true);
  });
});

describe("dropSupportPlane", () => {
  /** An object's front face (y 0.1 ... 0.5 m, camera +y down) on a floor at y = 0.5 seen beside it. */
  function objectOnFloor(): { x: Float64Array; y: Float64Array; z: Float64Array; n: number; objectAbove: number } {
    const xs: number[] = [];
    const ys: number[] = [];
    const zs: number[] = [];
    let objectAbove = 0;
    for (let i = 0; i <= 20; i++) {
      for (let j = 0; j <= 20; j++) {
        const y = 0.1 + (0.4 * j) / 20;
        xs.push(-0.2 + (0.4 * i) / 20);
        ys.push(y);
        zs.push(2);
        if (y <= 0.48 + 1e-12) objectAbove++;
      }
    }
    for (let i = 0; i < 50; i++) {
      xs.push(0.3 + 0.01 * (i % 10));
      ys.push(0.5);
      zs.push(1.9 + 0.01 * Math.floor(i / 10));
    }
    return { x: Float64Array.from(xs), y: Float64Array.from(ys), z: Float64Array.from(zs), n: xs.length, objectAbove };
  }

  it("drops the points within the tolerance of the lowest height along gravity and reports that height", () => {
    const { x, y, z, n, objectAbove } = objectOnFloor();
    const out = dropSupportPlane(n, x, y, z, [0, 1, 0], 0.02, 4);
    expect(out.supportHeightM).toBeCloseTo(0.5, 12);
    expect(out.n).toBe(objectAbove);
    for (let i = 0; i < out.n; i++) expect(y[i]!).toBeLessThanOrEqual(0.48 + 1e-12);
  });

  it("measures height along a tilted gravity", () => {
    const { x, y, z, n } = objectOnFloor();
    // Rotate the scene about the camera x axis; gravity turns with it, so the floor stays the lowest plane.
    const t = 0.3;
    const [c, s] = [Math.cos(t), Math.sin(t)];
    for (let i = 0; i < n; i++) {
      const [py, pz] = [y[i]!, z[i]!];
      y[i] = c * py - s * pz;
      z[i] = s * py + c * pz;
    }
    const out = dropSupportPlane(n, x, y, z, [0, c, s], 0.02, 4);
    expect(out.supportHeightM).toBeCloseTo(0.5, 9);
    for (let i = 0; i < out.n; i++) expect(c * y[i]! + s * z[i]!).toBeLessThanOrEqual(0.48 + 1e-9);
  });

  it("keeps every point when fewer than minKeep would be left", () => {
    const x = Float64Array.from([0, 0.1, 0.2]);
    const y = Float64Array.from([0.5, 0.5, 0.49]);
    const z = Float64Array.from([2, 2, 2]);
    expect(dropSupportPlane(3, x, y, z, [0, 1, 0], 0.02, 1)).toEqual({ n: 3, supportHeightM: null });
  });
});
