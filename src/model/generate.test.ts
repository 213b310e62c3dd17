import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import type { GrammarMode } from "./answer-grammar.js";
import { decodeBox } from "./box-tokens.js";
import { createRng } from "../random.js";
import { greedyDecode, type CachedLogits, type FullRecomputeLogits, type GenerationPrefix, type LogitsSource } from "./generate.js";
import { sampleStream } from "./stage-data.js";
import { cachedSource, fullSource, loudParams, TINY, tinySource, tinyTokenizer } from "./testing/tiny-model.js";

const tokenizer = tinyTokenizer();
const V = tokenizer.size;
const stream = sampleStream(8, TINY, { stage: 2, source: tinySource(), tokenizer });
const K = { fx: 40, fy: 40, cx: 15.5, cy: 11.5 };
const size = { width: 32, height: 24 };

/** A logits source of seeded uniform noise, with <eos> held back so answers run long. */
function randomLogits(seed: number): LogitsSource {
  const rng = createRng(seed);
  const draw = (): Float32Array => {
    const z = Float32Array.from({ length: V }, () => rng.uniform(-3, 3));
    z[tokenizer.eos] = -2;
    return z;
  };
  return { start: async () => draw(), next: async () => draw(), release: async () => undefined };
}

let cached: CachedLogits;
let full: FullRecomputeLogits;
let prefixes: GenerationPrefix[];

beforeAll(async () => {
  const params = loudParams(TINY, V, 11);
  cached = await cachedSource(TINY, V, params);
  full = await fullSource(TINY, V, params);
  prefixes = (await stream.batch(0, 4)).map((s) => ({ pixels: s.pixels, depthPE: s.depthPE, patchDepth: s.patchDepth, promptIds: s.promptIds }));
});

afterAll(async () => {
  await cached.release();
  await full.release();
});

describe("greedyDecode", () => {
  it("gives the same tokens with the key/value cache as with full recomputation", async () => {
    let longest = 0;
    for (const [i, prefix] of prefixes.entries()) {
      const mode: GrammarMode = (["any", "grounding-first", "boxes", "end-to-end"] as const)[i % 4]!;
      const a = await greedyDecode(cached, prefix, tokenizer, TINY, { mode });
      const b = await greedyDecode(full, prefix, tokenizer, TINY, { mode });
      expect(a.ids).toEqual(b.ids);
      a.logProbs.forEach((lp, t) => expect(Math.abs(lp - b.logProbs[t]!)).toBeLessThan(1e-3));
      longest = Math.max(longest, a.ids.length);
    }
    expect(longest).toBeGreaterThan(10); // the comparison covered real multi-token answers
  });

  it("always ends with a well-formed answer whose boxes decode, whatever the logits, also when the length cap bites", async () => {
    // Random logits stand in for any model: the grammar alone must keep every answer well-formed.
    let boxes = 0;
    let capped = 0;
    for (let seed = 0; seed < 60; seed++) {
      const mode = (["boxes", "grounding-first", "end-to-end", "any"] as const)[seed % 4]!;
      const maxLength = seed % 3 === 0 ? 26 : TINY.maxAnswerTokens;
      const d = await greedyDecode(randomLogits(seed), prefixes[0]!, tokenizer, TINY, { mode, maxLength });
      expect(d.ids.length).toBeLessThanOrEqual(maxLength);
      expect(d.ids.at(-1)).toBe(tokenizer.eos);
      expect(tokenizer.parseAnswer(d.ids, mode)).toEqual(d.answer);
      for (const o of d.answer.objects) {
        const box = decodeBox(o.bins, K, size, TINY);
        expect(box.size.every((s) => s > 0) && box.center[2] > 0).toBe(true);
        boxes++;
      }
      if (maxLength === 26 && d.ids.length > 20) capped++;
      expect(d.logProbs.every((lp) => lp <= 0 && Number.isFinite(lp))).toBe(true);
    }
    expect(boxes).toBeGreaterThan(30);
    expect(capped).toBeGreaterThan(0);
  });

  it("keeps box labels to the ones asked for", async () => {
    const chair = tokenizer.id("chair");
    for (const prefix of prefixes) {
      const d = await greedyDecode(cached, prefix, tokenizer, TINY, { mode: "grounding-first", labelIds: new Set([chair]) });
      expect(d.answer.objects.length).toBeGreaterThan(0);
      for (const o of d.answer.objects) expect(o.label).toBe("chair");
    }
  });

  it("follows a forced answer and scores it, and refuses one the grammar does not allow", async () => {
    const sample = await stream.sample(1);
    const prefix = { pixels: sample.pixels, depthPE: sample.depthPE, patchDepth: sample.patchDepth, promptIds: sample.promptIds };
    const d = await greedyDecode(cached, prefix, tokenizer, TINY, { mode: "any", force: Array.from(sample.answerIds) });
    expect(d.ids).toEqual(Array.from(sample.answerIds));
    const err = await greedyDecode(cached, prefix, tokenizer, TINY, { mode: "any", force: [tokenizer.id("</obj>")] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/force\[0\].*not allowed/);
  });

  it("rejects a prompt longer than the model reads, naming it", async () => {
    const long = { ...prefixes[0]!, promptIds: new Int32Array(TINY.maxPromptTokens + 1).fill(5) };
    await expect(greedyDecode(cached, long, tokenizer, TINY)).rejects.toThrow(/prompt length = 49: must be in \[2, 48\]/);
  });
});
