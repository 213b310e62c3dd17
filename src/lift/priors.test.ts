import { describe, expect, it } from "vitest";
import { CATEGORY_NAMES, getCategory } from "../synth/index.js";
import { LEARNED_FOOTPRINT_PRIORS } from "./priors-data.js";
import {
  CATEGORY_ALIASES,
  COCO_SIZE_RANGES_M,
  FALLBACK_SIZE_RANGE,
  footprintPriorFor,
  normalizeLabel,
  plausibleSizeRange,
  predictHiddenExtentM,
  type FootprintPrior,
} from "./priors.js";

describe("footprint priors", () => {
  it("were learned for every catalog category, from training data, with sane ratios", () => {
    expect(Object.keys(LEARNED_FOOTPRINT_PRIORS.categories).sort()).toEqual([...CATEGORY_NAMES].sort());
    expect(LEARNED_FOOTPRINT_PRIORS.source.objects).toBeGreaterThan(1000);
    for (const p of [LEARNED_FOOTPRINT_PRIORS.fallback, ...Object.values(LEARNED_FOOTPRINT_PRIORS.categories)]) {
      expect(p.count).toBeGreaterThan(0);
      expect(p.shortPerHeight).toBeGreaterThan(0);
      expect(p.longPerHeight).toBeGreaterThanOrEqual(p.shortPerHeight);
    }
  });

  it("agree with the catalog's own proportions (a car is long, a person thin, a ball round)", () => {
    const { categories } = LEARNED_FOOTPRINT_PRIORS;
    for (const name of ["car", "person", "ball", "bed", "door"]) {
      const { min, max } = getCategory(name).extentsM;
      const p = categories[name]!;
      const lo = Math.min(min[0], min[2]) / max[1];
      const hi = Math.max(max[0], max[2]) / min[1];
      expect(p.shortPerHeight).toBeGreaterThanOrEqual(lo * 0.9);
      expect(p.longPerHeight).toBeLessThanOrEqual(hi * 1.1);
    }
  });

  it("are found by name, by synonym, or fall back", () => {
    expect(normalizeLabel("  Trash_Can ")).toBe("trash can");
    expect(footprintPriorFor("Chair")).toEqual({ prior: LEARNED_FOOTPRINT_PRIORS.categories.chair, source: "category" });
    expect(footprintPriorFor("couch")).toEqual({ prior: LEARNED_FOOTPRINT_PRIORS.categories[CATEGORY_ALIASES.couch!], source: "alias" });
    expect(footprintPriorFor("spaceship")).toEqual({ prior: LEARNED_FOOTPRINT_PRIORS.fallback, source: "fallback" });
    expect(footprintPriorFor("constructor").source).toBe("fallback"); // no prototype keys
  });
});

describe("predictHiddenExtentM", () => {
  const car: FootprintPrior = { shortPerHeight: 1.2, longPerHeight: 3, count: 1 };

  it("predicts the short side when the long side is seen, and the long side when the short one is", () => {
    // Side-on: 4.5 m seen, 1.5 m tall (ratio 3 = long): hidden = sqrt(4.5 * 1.2 / 3 * 1.5 * 1.2).
    expect(predictHiddenExtentM(car, 4.5, 1.5)).toBeCloseTo(Math.sqrt(((4.5 * 1.2) / 3) * 1.5 * 1.2), 12);
    // Head-on: 1.8 m seen (ratio 1.2 = short): hidden = sqrt(1.8 * 3 / 1.2 * 1.5 * 3).
    expect(predictHiddenExtentM(car, 1.8, 1.5)).toBeCloseTo(Math.sqrt(((1.8 * 3) / 1.2) * 1.5 * 3), 12);
  });

  it("gives the width back for a square footprint whose proportions match, and 0 for no width", () => {
    const square: FootprintPrior = { shortPerHeight: 0.5, longPerHeight: 0.5, count: 1 };
    expect(predictHiddenExtentM(square, 0.4, 0.8)).toBeCloseTo(0.4, 12);
    expect(predictHiddenExtentM(square, 0, 0.8)).toBe(0);
    expect(predictHiddenExtentM(car, 2, 0)).toBeCloseTo(2 * Math.sqrt(3 / 1.2), 12);
  });
});

describe("plausibleSizeRange", () => {
  it("covers the 80 COCO names", () => {
    expect(Object.keys(COCO_SIZE_RANGES_M)).toHaveLength(80);
    for (const [lo, hi] of Object.values(COCO_SIZE_RANGES_M)) expect(lo).toBeLessThan(hi);
  });

  it("widens the catalog's extents, joins them with COCO's, and falls back for unknown names", () => {
    const vase = plausibleSizeRange("vase");
    expect(vase.source).toBe("catalog+coco");
    const catalogVase = getCategory("vase").extentsM;
    expect(vase.maxM).toBeGreaterThanOrEqual(Math.hypot(...catalogVase.max));
    expect(vase.minM).toBeLessThanOrEqual(Math.max(...catalogVase.min));
    expect(plausibleSizeRange("traffic cone").source).toBe("catalog");
    expect(plausibleSizeRange("giraffe")).toEqual({ minM: 1.5, maxM: 7, source: "coco" });
    expect(plausibleSizeRange("spaceship")).toBe(FALLBACK_SIZE_RANGE);
  });
});
