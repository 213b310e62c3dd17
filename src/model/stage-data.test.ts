import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import { synthRepository } from "../qa/testing/fixtures.js";
import { resolveModelConfig } from "./config.js";
import type { TrainingSample } from "./samples.js";
import { collate, prefixAttentionMask, repositorySource, sampleStream, synthSource, type Batch } from "./stage-data.js";
import { createTokenizer, IGNORE_INDEX } from "./tokenizer.js";

const cfg = resolveModelConfig("tiny");
const size = { width: 64, height: 48 };
const source = (seed = 3, count?: number) => synthSource({ seed, size, minObjects: 3, maxObjects: 6, ...(count === undefined ? {} : { count }) });

/** Everything a sample carries, comparable with toEqual. */
const view = (s: TrainingSample) => ({ pixels: Array.from(s.pixels), pe: Array.from(s.depthPE), prompt: Array.from(s.promptIds), answer: Array.from(s.answerIds), meta: s.meta });

describe("sampleStream", () => {
  it("makes sample i a pure function of (seed, i): same in a fresh stream, in any order", async () => {
    const a = sampleStream(9, cfg, { stage: 2, source: source() });
    const b = sampleStream(9, cfg, { stage: 2, source: source(), cacheScenes: 0 });
    const forward = await a.batch(0, 6);
    const backward = [];
    for (let i = 5; i >= 0; i--) backward.unshift(await b.sample(i));
    expect(backward.map(view)).toEqual(forward.map(view));
    const other = await sampleStream(10, cfg, { stage: 2, source: source() }).batch(0, 6);
    expect(other.map((s) => s.meta.prompt)).not.toEqual(forward.map((s) => s.meta.prompt));
  });

  it("stage 1 gives well-formed detection and grounding samples in both proportions", async () => {
    const stream = sampleStream(1, cfg, { stage: 1, source: source() });
    const samples = await stream.batch(0, 40);
    const tasks = samples.map((s) => s.meta.task);
    expect(new Set(tasks)).toEqual(new Set(["detect", "ground"]));
    expect(tasks.filter((t) => t === "ground").length).toBeGreaterThan(10);
    for (const s of samples) {
      expect(s.promptIds.length).toBeLessThanOrEqual(cfg.maxPromptTokens);
      expect(s.answerIds.length).toBeLessThanOrEqual(cfg.maxAnswerTokens);
      const parsed = stream.tokenizer.parseAnswer(s.answerIds, "boxes");
      expect(parsed.objects.map((o) => o.label)).toEqual(s.meta.objects.map((n) => n.replace(/^\d+_/, "")));
      expect(s.pixels.length).toBe(12 * 192);
      expect(s.depthPE.length).toBe(12 * 48);
    }
  });

  it("stage 2 mixes reasoning with stage-1 samples, in both answer modes", async () => {
    for (const answerMode of ["grounding-first", "end-to-end"] as const) {
      const stream = sampleStream(2, { ...cfg, answerMode, maxAnswerTokens: 96 }, { stage: 2, source: source(), stage1Share: 0.25 });
      const samples = await stream.batch(0, 30);
      const reasoning = samples.filter((s) => s.meta.task === "reason");
      expect(reasoning.length).toBeGreaterThan(15);
      expect(reasoning.length).toBeLessThan(30);
      for (const s of reasoning) {
        const parsed = stream.tokenizer.parseAnswer(s.answerIds, answerMode);
        if (answerMode === "grounding-first") expect(parsed.program!.type).toBe(s.meta.type);
        else expect(parsed.value!.type).toBe(s.meta.type);
      }
    }
  });

  it("draws scenes only from the first `count` (training-set size)", async () => {
    const samples = await sampleStream(4, cfg, { stage: 1, source: source(3, 2) }).batch(0, 12);
    expect(new Set(samples.map((s) => s.meta.sceneId.split("#")[1]))).toEqual(new Set(["0", "1"]));
  });

  it("reads a repository on disk the same way as the scenes made in memory", async () => {
    const { repo, cleanup } = await synthRepository(3, 17);
    try {
      const disk = repositorySource(repo);
      const memory = synthSource({ seed: 17, size, minVisiblePixels: 1 });
      for (let i = 0; i < 3; i++) {
        const [d, m] = [await disk.load(i), await memory.load(i)];
        expect(d.scene.objects.map((o) => o.name)).toEqual(m.scene.objects.map((o) => o.name));
        expect(d.frame.size).toEqual(m.frame.size);
      }
      const samples = await sampleStream(1, cfg, { stage: 1, source: disk }).batch(0, 4);
      expect(samples.every((s) => s.meta.sceneId.startsWith(repo.annotationsPath))).toBe(true);
    } finally {
      await cleanup();
    }
  });

  it("rejects bad options with one-line errors", () => {
    const src = source();
    expect(errorOf(() => sampleStream(1, cfg, { stage: 3 as 1, source: src })).field).toBe("stage");
    expect(errorOf(() => sampleStream(1, cfg, { stage: 2, source: src, stage1Share: 1.5 })).message).toBe("sampleStream: stage1Share = 1.5: must be a number in [0, 1]");
    expect(errorOf(() => sampleStream(1, cfg, { stage: 2, source: src, types: ["teleport"] })).field).toBe("type");
    const narrow = createTokenizer(cfg);
    expect(errorOf(() => sampleStream(1, cfg, { stage: 1, source: { ...src, labels: ["unicorn"] }, tokenizer: narrow })).field).toBe("tokenizer.labels");
    expect(errorOf(() => synthSource({ seed: -1 })).field).toBe("seed");
    expect(errorOf(() => synthSource({ seed: 1, count: 0 })).field).toBe("count");
  });
});

describe("collate", () => {
  async function batch(): Promise<{ samples: TrainingSample[]; b: Batch }> {
    const samples = await sampleStream(5, cfg, { stage: 1, source: source() }).batch(0, 3);
    return { samples, b: collate(samples, cfg) };
  }

  it("stacks shapes and pads text on the right", async () => {
    const { samples, b } = await batch();
    const P = 12;
    const T = Math.max(...samples.map((s) => s.promptIds.length + s.answerIds.length));
    expect([b.size, b.visionTokens, b.textLength]).toEqual([3, P, T]);
    expect(b.pixels.length).toBe(3 * P * 192);
    expect(b.depthPE.length).toBe(3 * P * 48);
    expect(b.inputIds.length).toBe(3 * T);
    expect(b.attentionMask.length).toBe(3 * (P + T) ** 2);
    samples.forEach((s, i) => {
      const row = Array.from(b.inputIds.slice(i * T, (i + 1) * T));
      expect(row).toEqual([...s.promptIds, ...s.answerIds, ...new Array(T - s.promptIds.length - s.answerIds.length).fill(0)]);
      expect(b.prefixLength[i]).toBe(P + s.promptIds.length);
      expect(b.totalLength[i]).toBe(P + s.promptIds.length + s.answerIds.length);
      expect(Array.from(b.pixels.slice(i * P * 192, (i + 1) * P * 192))).toEqual(Array.from(s.pixels));
    });
    expect(collate(samples, cfg, { padTo: T + 5 }).textLength).toBe(T + 5);
    expect(errorOf(() => collate(samples, cfg, { padTo: T - 1 })).field).toBe("padTo");
    expect(errorOf(() => collate([], cfg)).field).toBe("samples");
  });

  it("puts next-token targets on answer positions only", async () => {
    const { samples, b } = await batch();
    const T = b.textLength;
    samples.forEach((s, i) => {
      const n = s.promptIds.length;
      const m = s.answerIds.length;
      const targets = Array.from(b.targets.slice(i * T, (i + 1) * T));
      const expected = new Array(T).fill(IGNORE_INDEX);
      for (let j = 0; j < m; j++) expected[n - 1 + j] = s.answerIds[j]; // <sep> predicts the first answer token
      expect(targets).toEqual(expected);
    });
  });

  it("masks: bidirectional prefix, causal answer, no padding keys, no empty rows", () => {
    const L = 8;
    const prefix = 3;
    const total = 6;
    const mask = prefixAttentionMask(prefix, total, L);
    const at = (i: number, j: number) => mask[i * L + j];
    expect(at(0, 2)).toBe(1); // prefix sees later prefix tokens
    expect(at(1, 3)).toBe(0); // ... but no answer token
    expect(at(3, 4)).toBe(0); // answer is causal
    expect(at(4, 3)).toBe(1);
    expect(at(5, 6)).toBe(0); // padding is never a key
    for (let i = 0; i < L; i++) expect(Array.from(mask.slice(i * L, (i + 1) * L)).some((x) => x === 1)).toBe(true);
    // Slow reference for the whole matrix.
    for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) expect(at(i, j)).toBe(j < total && (j < prefix || j <= i) ? 1 : 0);
  });
});
