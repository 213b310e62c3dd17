import { describe, expect, it } from "vitest";
import { createRng } from "../random.js";
import { textureBrightness, texturePattern, valueNoise3 } from "./texture.js";
import type { Material, TextureKind } from "./types.js";

const KINDS: readonly TextureKind[] = ["plain", "stripes", "checker", "noise", "wood", "fabric"];

function material(texture: TextureKind, textureStrength = 0.5, textureScaleM = 0.1): Material {
  return { rgb: [200, 100, 50], texture, textureScaleM, textureStrength };
}

describe("texture", () => {
  it("every pattern stays in [0, 1] and brightness in [1 - strength, 1]", () => {
    const rng = createRng(3);
    for (const kind of KINDS) {
      const m = material(kind, 0.4);
      for (let k = 0; k < 2000; k++) {
        const [x, y, z] = [rng.uniform(-5, 5), rng.uniform(-5, 5), rng.uniform(-5, 5)];
        const p = texturePattern(kind, x, y, z);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        const b = textureBrightness(m, x, y, z);
        expect(b).toBeGreaterThanOrEqual(0.6);
        expect(b).toBeLessThanOrEqual(1);
      }
    }
  });

  it("plain and zero strength leave the colour alone", () => {
    expect(textureBrightness(material("plain", 1), 0.3, 0.2, 0.1)).toBe(1);
    for (const kind of KINDS) expect(textureBrightness(material(kind, 0), 0.31, 0.27, 0.19)).toBe(1);
  });

  it("is deterministic: the same point gives the same value", () => {
    for (const kind of KINDS) {
      expect(texturePattern(kind, 1.234, -5.6, 7.89)).toBe(texturePattern(kind, 1.234, -5.6, 7.89));
    }
    expect(valueNoise3(0.5, 0.25, -3.75)).toBe(valueNoise3(0.5, 0.25, -3.75));
  });

  it("the non-plain patterns actually vary over a few periods", () => {
    const rng = createRng(4);
    for (const kind of KINDS.filter((k) => k !== "plain")) {
      const values = Array.from({ length: 200 }, () => texturePattern(kind, rng.uniform(0, 4), rng.uniform(0, 4), rng.uniform(0, 4)));
      expect(Math.max(...values) - Math.min(...values), kind).toBeGreaterThan(0.3);
    }
  });

  it("stripes are horizontal bands with the material's period in metres", () => {
    const m = material("stripes", 1, 0.2);
    const rng = createRng(5);
    for (let k = 0; k < 100; k++) {
      const [x, y, z] = [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)];
      expect(textureBrightness(m, x, y + 0.2, z)).toBeCloseTo(textureBrightness(m, x, y, z), 9);
      expect(textureBrightness(m, x + 0.37, y, z - 0.11)).toBe(textureBrightness(m, x, y, z));
    }
  });

  it("checker flips between neighbouring cells and repeats every two", () => {
    const a = texturePattern("checker", 0.1, 0.1, 0.1);
    expect(texturePattern("checker", 1.1, 0.1, 0.1)).toBe(1 - a);
    expect(texturePattern("checker", 0.1, 1.1, 0.1)).toBe(1 - a);
    expect(texturePattern("checker", 0.1, 0.1, 2.1)).toBe(a);
  });

  it("value noise is continuous and varies from lattice point to lattice point", () => {
    const rng = createRng(6);
    for (let k = 0; k < 200; k++) {
      const [x, y, z] = [rng.uniform(-9, 9), rng.uniform(-9, 9), rng.uniform(-9, 9)];
      expect(Math.abs(valueNoise3(x + 1e-7, y, z) - valueNoise3(x, y, z))).toBeLessThan(1e-5);
    }
    const lattice = Array.from({ length: 50 }, (_, i) => valueNoise3(i, 2 * i, -i));
    expect(new Set(lattice).size).toBeGreaterThan(35); // 256 lattice values: a few repeats, not a constant
  });
});
