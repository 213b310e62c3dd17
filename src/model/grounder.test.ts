import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { iou3d } from "../geometry/index.js";
import type { QaScene } from "../qa/index.js";
import { createRng } from "../random.js";
import type { RGBDFrame } from "../rgbd/index.js";
import { CATEGORY_NAMES } from "../synth/index.js";
import { DETECTION_TEMPLATES, fillTemplate, GROUNDING_TEMPLATES } from "../qa/index.js";
import { countSupport, MIN_SUPPORT_POINTS, ModelGrounder, promptLabelIds, refineBox, supportPoints, unknownWords } from "./grounder.js";
import { synthSource } from "./stage-data.js";
import { writeModelFolder } from "./model-folder.js";
import { detectSample, groundSample, prepareScene, type TrainingSample } from "./samples.js";
import { cachedSource, overfit, TINY, tinySource, tinyTokenizer } from "./testing/tiny-model.js";

// A tiny model overfit on one scene: detect everything, ground a present category, and ground an
// absent one (answer: nothing). Then the grounder must reproduce those answers from the frame.
const tokenizer = tinyTokenizer();
let frame: RGBDFrame;
let scene: QaScene;
let samples: { detect: TrainingSample; present: TrainingSample; absent: TrainingSample };
let grounder: ModelGrounder;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "n3d-grounder-"));
  ({ frame, scene } = await tinySource(3).load(0));
  const prepared = prepareScene("scene", frame, scene, TINY);
  const ctx = { cfg: TINY, tokenizer };
  const labels = scene.objects.map((o) => o.label);
  const absent = CATEGORY_NAMES.find((c) => !labels.includes(c))!;
  const rng = createRng(1);
  samples = { detect: detectSample(prepared, ctx, rng)!, present: groundSample(prepared, labels[0]!, ctx, rng)!, absent: groundSample(prepared, absent, ctx, rng)! };
  const { params } = await overfit(TINY, tokenizer, [samples.detect, samples.present, samples.absent], 100);
  await writeModelFolder(join(dir, "model"), { cfg: TINY, tokenizer, params });
  grounder = ModelGrounder.fromSource(TINY, tokenizer, await cachedSource(TINY, tokenizer.size, params));
});

afterAll(async () => {
  await grounder.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe("ModelGrounder", () => {
  it("finds the objects it was taught, as metric boxes near the truth, with scores", async () => {
    const r = await grounder.ground(frame, { prompt: samples.detect.meta.prompt });
    expect(r.objects.map((o) => o.label)).toEqual(scene.objects.map((o) => o.label));
    r.objects.forEach((o, i) => {
      expect(iou3d(o.box, scene.objects[i]!.box)).toBeGreaterThan(0.4); // tiny's coarse bins cap this (median 0.57)
      expect(o.score).toBeGreaterThan(0.5);
      expect(o.score).toBeLessThanOrEqual(1);
    });
    expect(r.timing.answerTokens).toBe(samples.detect.answerIds.length);
  });

  it("answers a prompt naming nothing visible with no boxes, and boxes only the category asked for", async () => {
    const absent = await grounder.ground(frame, { prompt: samples.absent.meta.prompt });
    expect(absent.objects).toEqual([]);
    expect(absent.answerText).toBe("<eos>");
    const present = await grounder.ground(frame, { prompt: samples.present.meta.prompt });
    expect(present.objects.length).toBeGreaterThan(0);
    expect(new Set(present.objects.map((o) => o.label))).toEqual(new Set([samples.present.meta.category]));
  });

  it("restricts labels to the category a prompt names, never to the templates' own word 'box'", () => {
    const boxId = tokenizer.id("box");
    for (const t of DETECTION_TEMPLATES) expect([...promptLabelIds(tokenizer, t)]).toEqual([]);
    for (const t of GROUNDING_TEMPLATES) {
      expect([...promptLabelIds(tokenizer, fillTemplate(t, { class: "chair" }))]).toEqual([tokenizer.id("chair")]);
      expect([...promptLabelIds(tokenizer, fillTemplate(t, { class: "box" }))]).toEqual([boxId]);
    }
    // A free prompt: its label words.
    expect(new Set(promptLabelIds(tokenizer, "chair and table"))).toEqual(new Set([tokenizer.id("chair"), tokenizer.id("table")]));
  });

  it("runs concurrent calls one after another, with the answers of sequential calls", async () => {
    const prompts = [samples.detect.meta.prompt, samples.present.meta.prompt, samples.absent.meta.prompt];
    const sequential = [];
    const view = (r: Awaited<ReturnType<ModelGrounder["ground"]>>): unknown => [r.answerText, r.objects.map((o) => o.score)];
    for (const prompt of prompts) sequential.push(view(await grounder.ground(frame, { prompt })));
    const together = await Promise.all(prompts.map((prompt) => grounder.ground(frame, { prompt })));
    expect(together.map(view)).toEqual(sequential);
  });

  it("does not run the model on words it does not know, and says so", async () => {
    expect(unknownWords(tokenizer, "Find the unicorn and the trash can.")).toEqual(["unicorn"]);
    expect(unknownWords(tokenizer, samples.detect.meta.prompt)).toEqual([]);
    const r = await grounder.ground(frame, { prompt: "Find the 3D box of the unicorn." });
    expect(r.objects).toEqual([]);
    expect(r.note).toMatch(/words this model does not know \(unicorn\); it names nothing the model can box/);
    expect(r.timing.answerTokens).toBe(0);
  });

  it("rejects frames without usable depth and bad prompts with one clear line", async () => {
    const noDepth = { ...frame, depthM: new Float32Array(frame.depthM.length) };
    await expect(grounder.ground(noDepth)).rejects.toThrow(/ground: depth = "0 valid of 3072 pixels": the depth encoding needs at least one pixel with valid depth/);
    const wrongSize = { ...frame, depthM: new Float32Array(10) };
    await expect(grounder.ground(wrongSize)).rejects.toThrow(/ground: depth length = 10: expected 64x48 = 3072/);
    await expect(grounder.ground(frame, { prompt: "  " })).rejects.toThrow(/prompt = " ": must be a non-empty text/);
    await expect(grounder.ground(frame, { prompt: "box ".repeat(60) })).rejects.toThrow(/is 62 tokens; the model reads at most 48/);
  });

  it("counts depth support: truth boxes hold points, a box in empty space holds none", () => {
    const points = supportPoints(frame);
    for (const o of scene.objects) expect(countSupport(points, o.box)).toBeGreaterThanOrEqual(MIN_SUPPORT_POINTS);
    const nearest = Math.min(...points.map((p) => p[2]));
    const floating = { center: [0, 0, nearest / 3] as const, size: [0.02, 0.02, 0.02] as const, yaw: 0 };
    expect(countSupport(points, floating)).toBe(0);
  });

  it("loads a model folder and grounds as the in-memory model does; a missing folder says how to train one", async () => {
    const loaded = await ModelGrounder.load(join(dir, "model"), { threads: 1 });
    try {
      const a = await loaded.ground(frame, { prompt: samples.detect.meta.prompt });
      const b = await grounder.ground(frame, { prompt: samples.detect.meta.prompt });
      expect(a.answerText).toBe(b.answerText);
      expect(a.objects).toEqual(b.objects);
    } finally {
      await loaded.dispose();
    }
    await expect(ModelGrounder.load(join(dir, "missing"))).rejects.toThrow(/does not exist; train one with `n3d train/);
  });
});

describe("depth refinement", () => {
  it("re-measures a rough box of a visible object with the depth, and gives up on empty space", async () => {
    const source = synthSource({ seed: 8, size: { width: 160, height: 120 }, minObjects: 2, maxObjects: 4 });
    let improved = 0;
    let tried = 0;
    for (let i = 0; i < 6; i++) {
      const { frame: f, scene: s } = await source.load(i);
      for (const o of s.objects) {
        const t = o.box;
        if (t.center[2] < 1) continue;
        // A proposal off by 10% of the depth and 20% of each size, nudged sideways by a tenth of its width.
        const rough = { center: [t.center[0] + 0.1 * t.size[0], t.center[1], t.center[2] * 1.1] as const, size: t.size.map((x) => x * 1.2) as unknown as typeof t.size, yaw: 0 };
        const refined = refineBox(f, o.label, rough);
        if (refined === null) continue;
        tried++;
        if (iou3d(refined, t) > iou3d(rough, t)) improved++;
      }
    }
    expect(tried).toBeGreaterThan(5);
    expect(improved / tried).toBeGreaterThan(0.6);
    const { frame: f } = await source.load(0);
    expect(refineBox(f, "chair", { center: [0, 0, -2], size: [1, 1, 1], yaw: 0 })).toBeNull(); // behind the camera
  });
});
