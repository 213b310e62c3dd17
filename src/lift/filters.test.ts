import { describe, expect, it } from "vitest";
import { DEFAULT_LIFT_OPTIONS } from "./lift.js";
import { runFilters, type FilterEvidence } from "./filters.js";
import { plausibleSizeRange } from "./priors.js";

/** A chair 0.9 m tall 3 m away, seen well: passes every filter. */
const GOOD: FilterEvidence = {
  label: "chair",
  box: { center: [0, 0.3, 3], size: [0.5, 0.9, 0.5], yaw: 0 },
  areaPx: 2000,
  boxAreaPx: 3000,
  imageAreaPx: 320 * 240,
  validPx: 1900,
  borderCutShare: 0,
};

describe("runFilters", () => {
  it("passes a plausible, well-seen object", () => {
    expect(runFilters(GOOD, DEFAULT_LIFT_OPTIONS)).toBeNull();
  });

  it.each([
    ["mask_too_small", { areaPx: 12 }, "area 12 px < 20 px"],
    ["box_too_large", { boxAreaPx: 0.9 * 320 * 240 }, "2D box covers 90.0% of the image > 80.0%"],
    ["too_few_pixels", { validPx: 7 }, "7 valid depth pixels < 10"],
    ["too_few_pixels", { box: null, validPx: 3 }, "3 valid depth pixels < 10"],
    ["depth_out_of_range", { box: { ...GOOD.box!, center: [0, 0, 55.5] } }, "centre depth 55.50 m > 40.00 m"],
    ["depth_out_of_range", { box: { ...GOOD.box!, center: [0, 0, 0.05] } }, "centre depth 0.050 m < 0.100 m"],
    ["truncated", { borderCutShare: 0.85 }, "image border cuts 85.0% of the object's side > 70.0%"],
  ] as const)("rejects %s with the numbers (%j)", (reason, change, detail) => {
    expect(runFilters({ ...GOOD, ...change }, DEFAULT_LIFT_OPTIONS)).toEqual({ reason, detail });
  });

  it("rejects implausible_size against the category's plausible range", () => {
    const range = plausibleSizeRange("chair");
    const tooBig = runFilters({ ...GOOD, box: { ...GOOD.box!, size: [0.5, 14.2, 0.5] } }, DEFAULT_LIFT_OPTIONS);
    expect(tooBig?.reason).toBe("implausible_size");
    const big = /^size 14\.20 m > ([\d.]+) m for chair$/.exec(tooBig!.detail);
    expect(Number(big?.[1])).toBeCloseTo(range.maxM, 2);
    const tooSmall = runFilters({ ...GOOD, box: { ...GOOD.box!, size: [0.05, 0.08, 0.05] } }, DEFAULT_LIFT_OPTIONS);
    const small = /^size 0\.080 m < ([\d.]+) m for chair$/.exec(tooSmall!.detail);
    expect(Number(small?.[1])).toBeCloseTo(range.minM, 3);
  });

  it("reports the first failing filter in its fixed order", () => {
    const everything = { ...GOOD, areaPx: 5, boxAreaPx: 320 * 240, validPx: 0, borderCutShare: 1 };
    expect(runFilters(everything, DEFAULT_LIFT_OPTIONS)?.reason).toBe("mask_too_small");
    expect(runFilters({ ...everything, areaPx: 5000 }, DEFAULT_LIFT_OPTIONS)?.reason).toBe("box_too_large");
  });

  it("skips the size check when asked to", () => {
    const huge = { ...GOOD, box: { ...GOOD.box!, size: [0.5, 14.2, 0.5] as const } };
    expect(runFilters(huge, { ...DEFAULT_LIFT_OPTIONS, checkSize: false })).toBeNull();
  });
});
