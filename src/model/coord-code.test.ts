import { describe, expect, it } from "vitest";
import { axisBins, binToken } from "./box-tokens.js";
import { resolveModelConfig } from "./config.js";
import { binPositions, codeFrequencies, codeLayout, patchCentrePositions, valuePosition } from "./coord-code.js";
import { createTokenizer } from "./tokenizer.js";
import { errorOf } from "../../test/helpers.js";

describe("coordinate codes", () => {
  it("lays the vocabulary out as the tokenizer does: word tokens, then each bin axis in order", () => {
    for (const target of ["uvz", "xyz"] as const) {
      const cfg = resolveModelConfig("tiny", { target });
      const tokenizer = createTokenizer(cfg);
      const layout = codeLayout(cfg, tokenizer.size);
      expect(layout.axes.map((a) => a.axis)).toEqual(target === "uvz" ? ["u", "v", "z", "s", "yaw"] : ["x", "y", "z", "s", "yaw"]);
      for (const a of layout.axes) {
        expect(tokenizer.id(binToken(a.axis, a.bins.first))).toBe(a.firstId);
        expect(tokenizer.id(binToken(a.axis, a.bins.first + a.bins.count - 1))).toBe(a.firstId + a.bins.count - 1);
      }
      expect(tokenizer.decode(Int32Array.of(layout.wordTokens - 1))).not.toMatch(/^<(u|v|x|y|z|s|yaw)_/);
    }
    expect(errorOf(() => codeLayout(resolveModelConfig("tiny"), 10)).message).toMatch(/codeLayout: vocabSize = 10: must exceed the \d+ bin tokens of target uvz/);
  });

  it("puts a value at its bin's position, and patch centres where their bins are", () => {
    const cfg = resolveModelConfig("small");
    for (const axis of ["u", "z", "s", "yaw"] as const) {
      const bins = axisBins(cfg, axis);
      const t = binPositions(bins);
      expect(t[0]).toBe(0);
      expect(t.at(-1)).toBe(1);
      for (const i of [0, 7, Math.floor(bins.count / 2), bins.count - 1]) {
        const c = bins.origin + (bins.first + i) * bins.step;
        expect(valuePosition(bins, bins.scale === "log" ? Math.exp(c) : c)).toBeCloseTo(t[i]!, 9);
      }
    }
    const u = axisBins(cfg, "u");
    // Column c of 12 has its centre at normalized x (c + 0.5) / 12, bin 1000 (c + 0.5) / 12.
    const cols = patchCentrePositions(u, 12);
    expect(cols[0]).toBeCloseTo((1000 / 24 + 250) / 1499, 9);
    expect(cols[11]).toBeCloseTo((1000 * (11.5 / 12) + 250) / 1499, 9);
    // Out of range values are clamped, not extrapolated; a zero depth sits at the near end.
    expect(valuePosition(u, 5)).toBe(1);
    expect(valuePosition(axisBins(cfg, "z"), 0)).toBe(0);
  });

  it("spans half a cycle over the axis to a four-bin wavelength", () => {
    const w = codeFrequencies(1001, 32);
    expect(w[0]).toBeCloseTo(Math.PI, 12);
    expect((2 * Math.PI) / w[31]!).toBeCloseTo(4 / 1000, 12);
    for (let j = 1; j < 32; j++) expect(w[j]! / w[j - 1]!).toBeCloseTo(w[1]! / w[0]!, 9);
    expect(errorOf(() => codeFrequencies(10, 0)).message).toBe("codeFrequencies: frequencies = 0: must be an integer >= 1");
  });
});
