import { describe, expect, it } from "vitest";
import { axisBins, binToken } from "./box-tokens.js";
import { softTargets } from "./soft-targets.js";
import { TINY, tinyTokenizer } from "./testing/tiny-model.js";
import { resolveModelConfig } from "./config.js";
import { createTokenizer } from "./tokenizer.js";

describe("softTargets", () => {
  const small = resolveModelConfig("small");
  const tokenizer = createTokenizer(small);

  it("keeps 1 - share on the true bin and spreads share symmetrically over same-axis neighbours", () => {
    const t = softTargets(tokenizer, small, 0.5);
    const id = tokenizer.id(binToken("u", 500));
    const { ids, weights } = t.target(id);
    expect(weights.reduce((a, w) => a + w, 0)).toBeCloseTo(1, 12);
    expect(ids.length).toBeLessThanOrEqual(t.support);
    const at = (j: number) => weights[ids.indexOf(id + j)]!;
    expect(at(0)).toBeGreaterThan(0.5);
    for (const j of [1, 5, 10]) expect(at(j)).toBeCloseTo(at(-j), 12);
    expect(at(1)).toBeGreaterThan(at(5));
    expect(ids.every((x) => tokenizer.token(x).startsWith("<u_"))).toBe(true);
  });

  it("stops at the axis ends, and leaves labels, markers and <eos> one-hot", () => {
    const t = softTargets(tokenizer, small, 0.5);
    const u = axisBins(small, "u");
    const first = tokenizer.id(binToken("u", u.first));
    const edge = t.target(first);
    expect(Math.min(...edge.ids)).toBe(first);
    expect(edge.weights.reduce((a, w) => a + w, 0)).toBeCloseTo(1, 12);
    for (const token of ["chair", "<obj>", "<eos>"]) expect(t.target(tokenizer.id(token))).toEqual({ ids: [tokenizer.id(token)], weights: [1] });
  });

  it("is the plain one-hot target with share 0, and rejects a share outside [0, 1)", () => {
    const tiny = tinyTokenizer();
    const t = softTargets(tiny, TINY, 0);
    expect(t.support).toBe(1);
    const id = tiny.id(binToken("z", 10));
    expect(t.target(id)).toEqual({ ids: [id], weights: [1] });
    expect(() => softTargets(tiny, TINY, 1)).toThrow(/share = 1: must be in \[0, 1\)/);
  });
});
