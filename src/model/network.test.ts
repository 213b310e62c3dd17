import { describe, expect, it } from "vitest";
import { Session } from "../graph/runtime/session.js";
import { encodeOnnxModel } from "../onnx-proto.js";
import { collate, sampleStream } from "./stage-data.js";
import { createTokenizer, IGNORE_INDEX } from "./tokenizer.js";
import { resolveModelConfig } from "./config.js";
import { boxTokenSlots, buildFullGraph, buildPrefillGraph, buildTrainingGraph, initialNetworkParams, NET, sequenceFeeds, trainingFeeds } from "./network.js";
import type { Batch } from "./stage-data.js";
import { softTargets } from "./soft-targets.js";
import { codeLayout } from "./coord-code.js";
import { axisBins, binToken, boxAxes } from "./box-tokens.js";
import { loudParams, overfit, TINY, tinySource, tinyTokenizer } from "./testing/tiny-model.js";

const tokenizer = tinyTokenizer();
const V = tokenizer.size;
const stream = sampleStream(5, TINY, { stage: 1, source: tinySource(), tokenizer });

/** Logits [T, V] of the full graph for one sample's feeds. */
async function fullLogits(session: Session, feeds: Record<string, Float32Array | BigInt64Array>): Promise<Float32Array> {
  return (await session.run(feeds, { fetch: [NET.logits] }))[NET.logits]!.data as Float32Array;
}

const rowOf = (logits: Float32Array, t: number): number[] => Array.from(logits.subarray(t * V, (t + 1) * V));
const maxDiff = (a: readonly number[], b: readonly number[]): number => Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));

describe("network", () => {
  it("masks as collate says: the prefix sees itself both ways, answers see only the past, padding is invisible", async () => {
    const T = 40;
    const params = loudParams(TINY, V, 2, 2);
    const session = await Session.create(encodeOnnxModel(buildFullGraph(TINY, V, { batch: 1, textLength: T }).toInferenceModel({ params })), { threads: 1 });
    try {
      let sample = await stream.sample(0);
      for (let i = 1; sample.answerIds.length < 3; i++) sample = await stream.sample(i);
      const n = sample.promptIds.length;
      const m = sample.answerIds.length;
      const base = sequenceFeeds(collate([sample], TINY, { padTo: T }), TINY);
      const ref = await fullLogits(session, base);
      const withIds = (t: number, id: number) => {
        const ids = (base[NET.inputIds] as BigInt64Array).slice();
        ids[t] = BigInt(id);
        return { ...base, [NET.inputIds]: ids };
      };
      // Padding after the answer: nothing before it changes.
      const padded = await fullLogits(session, withIds(n + m, 7));
      for (let t = 0; t < n + m; t++) expect(maxDiff(rowOf(padded, t), rowOf(ref, t))).toBe(0);
      // The last answer token: earlier positions do not see it, its own position does.
      const lastAnswer = await fullLogits(session, withIds(n + m - 1, 9));
      for (let t = 0; t < n + m - 1; t++) expect(maxDiff(rowOf(lastAnswer, t), rowOf(ref, t))).toBe(0);
      expect(maxDiff(rowOf(lastAnswer, n + m - 1), rowOf(ref, n + m - 1))).toBeGreaterThan(1e-4);
      // The last prompt token (<sep>) is seen by the first prompt position: the prefix is bidirectional.
      const sep = await fullLogits(session, withIds(n - 1, tokenizer.eos));
      expect(maxDiff(rowOf(sep, 0), rowOf(ref, 0))).toBeGreaterThan(1e-4);
    } finally {
      await session.release();
    }
  });

  it("uses the depth encoding when on, and takes no depth input when off", async () => {
    const T = 64;
    const on = buildFullGraph(TINY, V, { batch: 1, textLength: T });
    expect(on.inputs.map((t) => t.name)).toContain(NET.depthPE);
    const off = buildFullGraph({ ...TINY, depthPE: false }, V, { batch: 1, textLength: T });
    expect(off.inputs.map((t) => t.name)).not.toContain(NET.depthPE);
    const params = loudParams(TINY, V, 2, 2);
    const session = await Session.create(encodeOnnxModel(on.toInferenceModel({ params })), { threads: 1 });
    try {
      const feeds = sequenceFeeds(collate([await stream.sample(0)], TINY, { padTo: T }), TINY);
      const ref = await fullLogits(session, feeds);
      const pe = (feeds[NET.depthPE] as Float32Array).map((x) => -x);
      const flipped = await fullLogits(session, { ...feeds, [NET.depthPE]: pe });
      expect(maxDiff(rowOf(flipped, 0), rowOf(ref, 0))).toBeGreaterThan(1e-4);
    } finally {
      await session.release();
    }
  });

  it("gathers exactly the answer positions and their next tokens for the loss", async () => {
    const samples = await stream.batch(0, 3);
    const batch = collate(samples, TINY);
    const feeds = trainingFeeds(batch, TINY, softTargets(tokenizer, TINY, 0));
    const A = Math.min(TINY.maxAnswerTokens, batch.textLength);
    const L = batch.visionTokens + batch.textLength;
    const rows = Array.from(feeds[NET.answerRows] as BigInt64Array, Number);
    const index = Array.from(feeds[NET.targetIndex] as BigInt64Array, Number);
    const weight = Array.from(feeds[NET.targetWeight] as Float32Array);
    expect(rows).toHaveLength(3 * A);
    samples.forEach((s, b) => {
      const n = s.promptIds.length;
      const scored = index.slice(b * A, (b + 1) * A).filter((_, k) => weight[b * A + k] === 1);
      expect(scored.map((x, k) => x - (b * A + k) * V)).toEqual(Array.from(s.answerIds)); // every answer token, <eos> included, once
      expect(rows[b * A]).toBe(b * L + batch.visionTokens + n - 1); // <sep> predicts the first answer token
    });
    expect(weight.reduce((a, w) => a + w, 0)).toBe(samples.reduce((a, s) => a + s.answerIds.length, 0));
    const g = buildTrainingGraph(TINY, V, { batch: 3, textLength: batch.textLength });
    expect(g.graph.inputs.map((t) => t.name).sort()).toEqual(Object.keys(feeds).sort());
  });

  it("computes the mean cross-entropy over answer tokens (one-hot targets)", async () => {
    const samples = await stream.batch(0, 2);
    const batch = collate(samples, TINY);
    const params = loudParams(TINY, V, 5, 1);
    const session = async (support: number) => {
      const { graph, loss } = buildTrainingGraph(TINY, V, { batch: 2, textLength: batch.textLength }, support);
      graph.output("loss", loss);
      return Session.create(encodeOnnxModel(graph.toInferenceModel({ params })), { threads: 1 });
    };
    // Reference: the network's own logits at the answer positions (full graph), cross-entropy by hand.
    const full = await Session.create(encodeOnnxModel(buildFullGraph(TINY, V, { batch: 2, textLength: batch.textLength }).toInferenceModel({ params })), { threads: 1 });
    const hard = await session(1);
    try {
      const logits = (await full.run(sequenceFeeds(batch, TINY), { fetch: [NET.logits] }))[NET.logits]!.data as Float32Array;
      let nll = 0;
      let count = 0;
      batch.targets.forEach((target, i) => {
        if (target === IGNORE_INDEX) return;
        const row = Array.from(logits.subarray(i * V, (i + 1) * V));
        const max = Math.max(...row);
        nll += Math.log(row.reduce((a, z) => a + Math.exp(z - max), 0)) + max - row[target]!;
        count++;
      });
      const out = await hard.run(trainingFeeds(batch, TINY, softTargets(tokenizer, TINY, 0)), { fetch: ["loss"] });
      expect((out["loss"]!.data as Float32Array)[0]).toBeCloseTo(nll / count, 4);
    } finally {
      await full.release();
      await hard.release();
    }
  });

  it("builds the training step and lowers the loss on a fixed tiny batch within 30 steps", async () => {
    const samples = await stream.batch(0, 4);
    const { losses } = await overfit(TINY, tokenizer, samples, 30);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[0]).toBeGreaterThan(Math.log(V) - 1); // starts near uniform over the vocabulary
    expect(losses.at(-1)!).toBeLessThan(0.6 * losses[0]!);
  });

  it("embeds bin tokens through coordinate codes: free rows for words only, one projection per bin axis", () => {
    const shapes = (cfg: typeof TINY) => new Map(buildPrefillGraph(cfg, V).params.map((p) => [p.name, p.shape]));
    const layout = codeLayout(TINY, V);
    const coded = shapes(TINY);
    expect(coded.get("text.wte")).toEqual([layout.wordTokens, TINY.dModel]);
    for (const axis of ["u", "v", "z", "s", "yaw"]) expect(coded.get(`code.${axis}.w`)).toEqual([2 * TINY.coordFrequencies + 1, TINY.dModel]);
    const free = shapes(resolveModelConfig("tiny", { coordCode: false }));
    expect(free.get("text.wte")).toEqual([V, TINY.dModel]);
    expect([...free.keys()].some((k) => k.startsWith("code."))).toBe(false);
    // The patch depth input exists only with the depth encoding on.
    expect(buildPrefillGraph(TINY, V).inputs.map((i) => i.name)).toContain(NET.patchDepth);
    expect(buildPrefillGraph(resolveModelConfig("tiny", { depthPE: false }), V).inputs.map((i) => i.name)).not.toContain(NET.patchDepth);
  });

  it("adds the patch-label and patch-box losses over labelled patches only", async () => {
    const samples = await stream.batch(0, 2);
    const T = Math.max(...samples.map((x) => x.promptIds.length + x.answerIds.length));
    const targets = softTargets(tokenizer, TINY, 0);
    const labelTokenIds = tokenizer.labels.map((l) => tokenizer.id(l));
    const classes = new Map(tokenizer.labels.map((l, c) => [l, c]));
    const params = initialNetworkParams(TINY, V, 1);
    const lossOf = async (aux: { labelTokenIds: number[]; weight: number } | null, batch: Batch) => {
      const { graph, loss } = buildTrainingGraph(TINY, V, { batch: 2, textLength: T }, 1, aux);
      graph.output("loss", loss);
      const session = await Session.create(encodeOnnxModel(graph.toInferenceModel({ params })), { threads: 1 });
      try {
        return ((await session.run(trainingFeeds(batch, TINY, targets, aux === null ? null : classes), { fetch: ["loss"] }))["loss"]!.data as Float32Array)[0]!;
      } finally {
        await session.release();
      }
    };
    const batch = collate(samples, TINY, { padTo: T });
    const unlabelled = { ...batch, patchLabels: batch.patchLabels.map(() => null) };
    const plain = await lossOf(null, batch);
    expect(await lossOf({ labelTokenIds, weight: 0.5 }, unlabelled)).toBeCloseTo(plain, 5);
    const oneLabel = { ...batch, patchLabels: batch.patchLabels.map((_, i) => (i === 0 ? "chair" : null)) };
    // One scored patch, near-uniform over the labels at initialisation: + 0.5 ln(NL).
    expect(await lossOf({ labelTokenIds, weight: 0.5 }, oneLabel)).toBeCloseTo(plain + 0.5 * Math.log(labelTokenIds.length), 1);
    expect(() => buildTrainingGraph(TINY, V, { batch: 2, textLength: T }, 1, { labelTokenIds: [], weight: 1 })).toThrow(/patchAux/);
    // With the patch's box: each slot scored over its axis only, near-uniform at initialisation.
    const boxSlots = boxTokenSlots(TINY, V);
    // The slots are the tokenizer's own ranges of each box token's axis.
    expect(boxSlots.map((sl) => tokenizer.token(sl.firstId))).toEqual(boxAxes(TINY.target).map((axis) => binToken(axis, axisBins(TINY, axis).first)));
    expect(boxSlots.map((sl) => sl.count)).toEqual(boxAxes(TINY.target).map((axis) => axisBins(TINY, axis).count));
    const tokens = boxAxes(TINY.target).map((axis) => binToken(axis, axisBins(TINY, axis).first + 1));
    const withBox = { ...oneLabel, patchBoxes: batch.patchBoxes.map((_, i) => (i === 0 ? tokens : null)) };
    const { graph, loss } = buildTrainingGraph(TINY, V, { batch: 2, textLength: T }, 1, { labelTokenIds, weight: 0.5, boxSlots });
    graph.output("loss", loss);
    const session = await Session.create(encodeOnnxModel(graph.toInferenceModel({ params })), { threads: 1 });
    try {
      const feeds = trainingFeeds(withBox, TINY, targets, classes, { slots: boxSlots, id: (t) => tokenizer.id(t) });
      expect(Array.from((feeds[NET.patchBoxes] as BigInt64Array).filter((_, j) => j % (2 * 12) === 0))).toEqual(boxSlots.map(() => 1n));
      const got = ((await session.run(feeds, { fetch: ["loss"] }))["loss"]!.data as Float32Array)[0]!;
      const boxTerm = boxSlots.reduce((a, sl) => a + Math.log(sl.count), 0) / boxSlots.length;
      expect(Math.abs(got - (plain + 0.5 * (Math.log(labelTokenIds.length) + boxTerm)))).toBeLessThan(0.2);
    } finally {
      await session.release();
    }
  });

  it("keeps the small preset's prefill graph, all its weights, inside the 30 MB budget", () => {
    const small = resolveModelConfig("small");
    const vocab = createTokenizer(small).size;
    const weights = buildPrefillGraph(small, vocab).params.reduce((n, p) => n + p.size, 0);
    expect(weights * 4).toBeLessThan(30e6);
    expect(weights).toBeGreaterThan(3.4e6); // the config's sizing note: ~3.6 M parameters with coordinate codes
    expect(weights).toBeLessThan(3.9e6);
  });
});
