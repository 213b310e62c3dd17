import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import { createRng } from "../random.js";
import { COLOR_NAMES, colorRgb, isColorName, jitterColor, makeMaterial, MATERIAL_KINDS, MATERIALS, PALETTE, WOOD_COLORS } from "./materials.js";

describe("palette", () => {
  it("has the colour names people use, as integer sRGB", () => {
    for (const name of ["red", "blue", "green", "yellow", "white", "black", "grey", "brown", "light brown", "beige", "orange", "pink", "purple", "silver"]) {
      expect(isColorName(name)).toBe(true);
    }
    for (const name of COLOR_NAMES) {
      const rgb = PALETTE[name];
      expect(rgb).toHaveLength(3);
      for (const c of rgb) expect(Number.isInteger(c) && c >= 0 && c <= 255).toBe(true);
    }
    for (const w of WOOD_COLORS) expect(isColorName(w)).toBe(true);
  });

  it("orders colours the way their names say", () => {
    const lum = (n: string): number => colorRgb(n).reduce((a, b) => a + b, 0);
    expect(lum("white")).toBeGreaterThan(lum("light grey"));
    expect(lum("light grey")).toBeGreaterThan(lum("grey"));
    expect(lum("grey")).toBeGreaterThan(lum("dark grey"));
    expect(lum("dark grey")).toBeGreaterThan(lum("black"));
    expect(lum("light brown")).toBeGreaterThan(lum("brown"));
    expect(lum("brown")).toBeGreaterThan(lum("dark brown"));
    const [r, g, b] = colorRgb("red");
    expect(r).toBeGreaterThan(2 * Math.max(g, b));
  });

  it("rejects an unknown colour, listing the supported ones", () => {
    const err = errorOf(() => colorRgb("mauve"));
    expect(err.message).toContain('"mauve"');
    expect(err.message).toContain("is not a supported colour; choose one of red,");
  });

  it("jitters brightness a little, deterministically and within 0..255", () => {
    const a = jitterColor(colorRgb("white"), createRng(3));
    expect(a).toEqual(jitterColor(colorRgb("white"), createRng(3)));
    const rng = createRng(9);
    for (let i = 0; i < 200; i++) {
      const base = colorRgb("orange");
      const j = jitterColor(base, rng, 0.08);
      j.forEach((c, k) => {
        expect(Number.isInteger(c) && c >= 0 && c <= 255).toBe(true);
        expect(Math.abs(c - base[k]!)).toBeLessThanOrEqual(Math.ceil(base[k]! * 0.08) + 1);
      });
    }
  });
});

describe("materials", () => {
  it("builds every kind with a valid texture setup", () => {
    for (const kind of MATERIAL_KINDS) {
      const m = makeMaterial(kind, "red");
      expect(m.rgb).toEqual(PALETTE.red);
      expect(m.textureScaleM).toBeGreaterThan(0);
      expect(m.textureStrength).toBeGreaterThanOrEqual(0);
      expect(m.textureStrength).toBeLessThanOrEqual(1);
    }
  });

  it("marks shiny surfaces specular and matte ones not", () => {
    for (const kind of ["metal", "glass", "screen"] as const) expect(MATERIALS[kind]([1, 2, 3]).specular).toBe(true);
    for (const kind of ["wood", "fabric", "ceramic", "paper"] as const) expect(MATERIALS[kind]([1, 2, 3]).specular ?? false).toBe(false);
    expect(makeMaterial("wood", [10, 20, 30]).texture).toBe("wood");
  });

  it("rejects an unknown material kind", () => {
    expect(errorOf(() => makeMaterial("velvet", "red")).message).toContain("is not a supported material; choose one of wood,");
  });
});
