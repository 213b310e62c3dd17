import { describe, expect, it } from "vitest";
import { iou3d } from "../geometry/index.js";
import { DETECTION_TEMPLATES, resolveQaOptions } from "../qa/index.js";
import { QUESTION_TYPES, reason, toMetres, type SceneObjectBox } from "../reason/index.js";
import { createRng } from "../random.js";
import { decodeBox } from "./box-tokens.js";
import { resolveModelConfig } from "./config.js";
import { detectSample, groundSample, prepareScene, reasoningSample, type PreparedScene } from "./samples.js";
import { synthSource } from "./stage-data.js";
import { createTokenizer } from "./tokenizer.js";

// Tiny vision, the shipped quantization: decoded boxes can be compared with the truth.
const cfg = resolveModelConfig("tiny", { uvBins: 1000, uvMarginBins: 250, zBins: 1000, sizeBins: 256, yawBins: 64, maxAnswerTokens: 192 });
const tokenizer = createTokenizer(cfg);
const source = synthSource({ seed: 21, size: { width: 64, height: 48 }, minObjects: 4, maxObjects: 8 });

async function scene(index: number): Promise<PreparedScene> {
  const { frame, scene } = await source.load(index);
  return prepareScene(`t#${index}`, frame, scene, cfg);
}

/** The parsed objects of an answer as reason/ objects, boxes decoded with the scene's camera. */
function decodedObjects(prepared: PreparedScene, answerIds: Int32Array, mode: "boxes" | "grounding-first"): SceneObjectBox[] {
  const parsed = tokenizer.parseAnswer(answerIds, mode);
  return parsed.objects.map((o) => ({ name: o.name, label: o.label, box: decodeBox(o.bins, prepared.scene.intrinsics, prepared.scene.size, cfg) }));
}

describe("stage-1 samples", () => {
  it("detect lists every object left to right with boxes that decode close to the truth", async () => {
    const prepared = await scene(0);
    const s = detectSample(prepared, { cfg, tokenizer }, createRng(1))!;
    expect(DETECTION_TEMPLATES).toContain(s.meta.prompt);
    expect(s.pixels).toBe(prepared.vision.patches);
    expect(s.depthPE).toBe(prepared.vision.depthPE);
    expect(s.answerIds[s.answerIds.length - 1]).toBe(tokenizer.eos);
    const objects = decodedObjects(prepared, s.answerIds, "boxes");
    const truth = prepared.scene.objects.filter((o) => !s.meta.skipped.includes(o.name));
    expect(objects.length).toBe(truth.length);
    expect(truth.length).toBeGreaterThanOrEqual(2);
    objects.forEach((o, i) => {
      expect(o.label).toBe(truth[i]!.label);
      expect(iou3d(o.box, truth[i]!.box)).toBeGreaterThan(0.6);
    });
  });

  it("ground lists the category's instances, and nothing for an absent category", async () => {
    const prepared = await scene(1);
    const label = prepared.scene.objects[0]!.label;
    const s = groundSample(prepared, label, { cfg, tokenizer }, createRng(2))!;
    expect(s.meta.prompt).toContain(label);
    const objects = decodedObjects(prepared, s.answerIds, "boxes");
    expect(objects.map((o) => o.label)).toEqual(prepared.scene.objects.filter((o) => o.label === label).map((o) => o.label));
    const absent = groundSample(prepared, "zebra", { cfg, tokenizer }, createRng(2))!;
    expect(Array.from(absent.answerIds)).toEqual([tokenizer.eos]);
  });

  it("refuses a sample longer than the config allows", async () => {
    const prepared = await scene(0);
    expect(detectSample(prepared, { cfg: { ...cfg, maxAnswerTokens: 12 }, tokenizer }, createRng(1))).toBeNull();
  });
});

describe("stage-2 samples", () => {
  const settings = resolveQaOptions({ seed: 0 }).draw;

  it("ground the named objects, and the program run on the decoded boxes gives the truth's answer", async () => {
    const types = new Set<string>();
    const endToEnd = { ...cfg, answerMode: "end-to-end" as const };
    for (let k = 0; k < 3; k++) {
      const prepared = await scene(10 + k);
      QUESTION_TYPES.forEach((type, t) => {
        const s = reasoningSample(prepared, type, settings, { cfg, tokenizer }, createRng(100 * k + t));
        if (s === null) return;
        types.add(type);
        const parsed = tokenizer.parseAnswer(s.answerIds, "grounding-first");
        expect(parsed.program!.type).toBe(type);
        const objects = decodedObjects(prepared, s.answerIds, "grounding-first");
        const names = objects.map((o) => o.name);
        expect(names).toEqual(s.meta.objects);
        const unit = parsed.program!.unit ?? "m";
        const radiusM = parsed.program!.radius === undefined ? undefined : toMetres(parsed.program!.radius, unit);
        const ctx = { unit, ...(radiusM === undefined ? {} : { radiusM }), ...(prepared.scene.gravity ? { gravity: prepared.scene.gravity } : {}) };
        const truth = reason(type, type === "count_within_distance" ? names.slice(0, 1) : names, prepared.scene.objects, ctx).answer;
        const fromTokens = reason(type, type === "count_within_distance" ? names.slice(0, 1) : names, objects, ctx).answer;
        if (truth.kind === "length" && fromTokens.kind === "length") expect(Math.abs(fromTokens.metres - truth.metres)).toBeLessThan(0.05 * truth.metres + 0.03);
        else expect(fromTokens).toEqual(truth);

        // The same draw in end-to-end mode writes the truth's answer directly.
        const e = reasoningSample(prepared, type, settings, { cfg: endToEnd, tokenizer }, createRng(100 * k + t))!;
        const value = tokenizer.parseAnswer(e.answerIds, "end-to-end").value!;
        expect(value.type).toBe(type);
        if (truth.kind === "length") expect(value.answer).toEqual({ kind: "length", value: truth.value, unit: truth.unit });
        else if (truth.kind === "choice") expect(value.answer).toEqual({ kind: "choice", value: truth.value });
        else expect(value.answer).toEqual(truth);
      });
    }
    expect(types.size).toBeGreaterThanOrEqual(40);
  });
});
