import { describe, expect, it } from "vitest";
import { createRng, deriveSeed } from "./random.js";

describe("createRng", () => {
  it("repeats for the same seed and differs for another", () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it("stays in range with a mean near 1/2", () => {
    const rng = createRng(1);
    let sum = 0;
    for (let i = 0; i < 10000; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(Math.abs(sum / 10000 - 0.5)).toBeLessThan(0.01);
    const k = Array.from({ length: 1000 }, () => rng.int(3));
    expect(new Set(k)).toEqual(new Set([0, 1, 2]));
  });
});

describe("deriveSeed", () => {
  it("is a pure function of (seed, index) and spreads neighbours apart", () => {
    expect(deriveSeed(1, 2)).toBe(deriveSeed(1, 2));
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => deriveSeed(42, i)));
    expect(seeds.size).toBe(1000);
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(2, 1));
  });
});
