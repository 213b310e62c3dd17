import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import { createRng } from "../random.js";
import { checkLengthUnit, formatLength, fromMetres, LENGTH_UNITS, roundedInUnit, toMetres } from "./units.js";

describe("units", () => {
  it("round-trips every unit", () => {
    const rng = createRng(7);
    for (let i = 0; i < 500; i++) {
      const m = rng.uniform(0, 50);
      for (const u of LENGTH_UNITS) {
        expect(Math.abs(toMetres(fromMetres(m, u), u) - m)).toBeLessThanOrEqual(1e-12 * Math.max(1, m));
      }
    }
  });

  it("uses the exact foot and inch", () => {
    expect(toMetres(1, "ft")).toBe(0.3048);
    expect(toMetres(12, "in")).toBeCloseTo(0.3048, 15);
    expect(toMetres(250, "cm")).toBe(2.5);
  });

  it("formats sentences at about a centimetre of resolution", () => {
    expect(formatLength(0.91, "m")).toBe("0.91 meters");
    expect(formatLength(0.91, "cm")).toBe("91 centimeters");
    expect(formatLength(0.91, "ft")).toBe("2.99 feet");
    expect(formatLength(0.91, "in")).toBe("35.8 inches");
    expect(formatLength(0.01, "cm")).toBe("1 centimeter");
    expect(formatLength(0.0254, "in")).toBe("1.0 inches");
    expect(roundedInUnit(0.91, "in")).toBe(35.8);
  });

  it("rejects an unknown unit, naming the choices", () => {
    expect(errorOf(() => checkLengthUnit("yd")).message).toBe('checkLengthUnit: unit = "yd": is not a supported length unit; choose one of m, cm, ft, in');
  });
});
