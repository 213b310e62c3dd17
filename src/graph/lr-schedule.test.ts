import { describe, expect, it } from "vitest";
import { warmupCosineLr } from "./lr-schedule.js";

const opts = { peakLr: 1e-3, warmupSteps: 10, totalSteps: 110, minLr: 1e-4 };

describe("warmupCosineLr", () => {
  it("warms up linearly to the peak, then follows the cosine down to minLr", () => {
    expect(warmupCosineLr(1, opts)).toBeCloseTo(1e-4, 12);
    expect(warmupCosineLr(5, opts)).toBeCloseTo(5e-4, 12);
    expect(warmupCosineLr(10, opts)).toBeCloseTo(1e-3, 12);
    expect(warmupCosineLr(60, opts)).toBeCloseTo((1e-3 + 1e-4) / 2, 12); // halfway through the cosine
    expect(warmupCosineLr(110, opts)).toBe(1e-4);
    expect(warmupCosineLr(500, opts)).toBe(1e-4);
    const decay = Array.from({ length: 100 }, (_, i) => warmupCosineLr(i + 10, opts));
    for (let i = 1; i < decay.length; i++) expect(decay[i]!).toBeLessThan(decay[i - 1]!);
  });

  it("without warm-up starts at the peak", () => {
    const first = warmupCosineLr(1, { ...opts, warmupSteps: 0 });
    expect(first).toBeLessThan(1e-3);
    expect(first).toBeGreaterThan(0.999e-3);
  });

  it("rejects bad settings with the field and value", () => {
    expect(() => warmupCosineLr(0, opts)).toThrow("warmupCosineLr: step = 0: must be an integer >= 1 (steps are 1-based)");
    expect(() => warmupCosineLr(1, { ...opts, minLr: 2e-3 })).toThrow(/minLr = 0.002: must be in \[0, peakLr = 0.001\]/);
    expect(() => warmupCosineLr(1, { ...opts, totalSteps: 5 })).toThrow(/totalSteps = 5/);
    expect(() => warmupCosineLr(1, { ...opts, peakLr: Number.NaN })).toThrow(/peakLr = NaN/);
  });
});
