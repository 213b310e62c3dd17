import { describe, expect, it } from "vitest";
import { iou3d } from "../geometry/index.js";
import { DETECTION_TEMPLATES, resolveQaOptions } from "../qa/index.js";
import { QUESTION_TYPES, reason, toMetres, type SceneObjectBox } from "../reason/index.js";
import { createRng } from "../random.js";
import { decodeBox, encodeBox } from "./box-tokens.js";
import { resolveModelConfig } from "./config.js";
import { detectSample, groundSample, patchLabelsOf, prepareScene, reasoningSample, type PreparedScene } from "./samples.js";
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

describe("patch labels", () => {
  it("names the object covering most of each patch, and leaves patches no object covers unlabelled", () => {
    // A 4x3 grid (tiny: 32x24 input, 8x8 patches) over a 64x48 frame: each patch is 16x16 pixels.
    const index = new Int16Array(64 * 48).fill(-1);
    const paint = (x0: number, y0: number, w: number, h: number, o: number) => {
      for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) index[y * 64 + x] = o;
    };
    paint(0, 0, 16, 16, 0); // patch (0, 0) wholly the chair
    paint(16, 0, 16, 7, 1); // patch (0, 1): 7 of 16 rows (44%) the Trash  Can
    paint(32, 0, 16, 6, 1); // patch (0, 2): 6 of 16 rows (37.5%): under the 40% cover
    const labels = patchLabelsOf({ index, labels: ["chair", "Trash  Can"] }, { width: 64, height: 48 }, cfg);
    expect(labels).toHaveLength(12);
    expect(labels.slice(0, 4)).toEqual(["chair", "trash can", null, null]);
    expect(labels.slice(4).every((l) => l === null)).toBe(true);
  });

  it("comes with synth scenes, and only with them", async () => {
    const { frame, scene: s, objectMap } = await source.load(4); // objects cover 662 of 3072 pixels
    expect(objectMap).toBeDefined();
    const prepared = prepareScene("t#3", frame, s, cfg, objectMap);
    const named = prepared.patchLabels!.filter((l): l is string => l !== null);
    expect(named.length).toBeGreaterThan(0);
    for (const l of named) expect(s.objects.map((o) => o.label)).toContain(l);
    // Each labelled patch carries its object's seven box tokens, as an answer would write them.
    prepared.patchLabels!.forEach((label, p) => {
      const tokens = prepared.patchBoxes![p];
      if (label === null) return expect(tokens).toBeNull();
      const candidates = s.objects.filter((o) => o.label === label).map((o) => encodeBox(o.box, s.intrinsics, s.size, cfg).join(" "));
      expect(candidates).toContain(tokens!.join(" "));
    });
    expect(prepareScene("t#3", frame, s, cfg).patchLabels).toBeUndefined();
    expect(() => prepareScene("t#3", frame, s, cfg, { index: new Int16Array(5), labels: [] })).toThrow(/scene t#3: object map length = 5: expected 3072/);
  });
});
