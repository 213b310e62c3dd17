import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectSample, groundSample, ModelGrounder, prepareScene, writeModelFolder, type TrainingSample } from "../model/index.js";
import { overfit, TINY, tinySource, tinyTokenizer } from "../model/testing/tiny-model.js";
import { fillTemplate, type QaScene } from "../qa/index.js";
import { createRng } from "../random.js";
import type { RGBDFrame } from "../rgbd/index.js";
import { ask } from "./ask.js";
import { createNativeGrounder, NATIVE_DETECT_PROMPT, NATIVE_GROUND_TEMPLATE, nativeLabelOf, type NativeModel } from "./native.js";
import { createGrounder } from "./registry.js";
import type { GroundedBox, Grounder } from "./types.js";
import { singularize } from "./vocabulary.js";

// One tiny model, trained for a few dozen steps on one synth scene (detect everything, ground a
// present category, ground an absent one), written as a model folder once for the file. Whatever
// it predicts, the back end must return well-formed boxes carrying only the categories asked for.
const tokenizer = tinyTokenizer();
let dir: string;
let modelDir: string;
let frame: RGBDFrame;
let scene: QaScene;
let grounder: Grounder;
/** Boxes the structure checks saw, so that they cannot pass on nothing. */
let checked = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "n3d-native-"));
  modelDir = join(dir, "model");
  ({ frame, scene } = await tinySource(3).load(0));
  const prepared = prepareScene("scene", frame, scene, TINY);
  const ctx = { cfg: TINY, tokenizer };
  const labels = scene.objects.map((o) => o.label);
  const absent = tokenizer.labels.find((l) => !labels.includes(l))!;
  // Samples in the phrasings the back end sends (the builders draw one at random: redraw until it is).
  const drawn = (make: (seed: number) => TrainingSample | null, prompt: (s: TrainingSample) => boolean): TrainingSample => {
    for (let seed = 1; ; seed++) {
      const s = make(seed);
      if (s !== null && prompt(s)) return s;
    }
  };
  const asSent = (category: string) => (s: TrainingSample) => s.meta.prompt === fillTemplate(NATIVE_GROUND_TEMPLATE, { class: category });
  const samples = [
    drawn((seed) => detectSample(prepared, ctx, createRng(seed)), (s) => s.meta.prompt === NATIVE_DETECT_PROMPT),
    drawn((seed) => groundSample(prepared, labels[0]!, ctx, createRng(seed)), asSent(labels[0]!)),
    drawn((seed) => groundSample(prepared, absent, ctx, createRng(seed)), asSent(absent)),
  ];
  const { params } = await overfit(TINY, tokenizer, samples, 40);
  await writeModelFolder(modelDir, { cfg: TINY, tokenizer, params });
  grounder = createNativeGrounder({ modelDir, threads: 1 });
});

afterAll(async () => {
  await grounder?.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** Every box in the camera frame with a positive size, a finite centre in front of the camera and a score in (0, 1]. */
function expectWellFormed(boxes: readonly GroundedBox[]): void {
  checked += boxes.length;
  for (const b of boxes) {
    expect(tokenizer.labels).toContain(b.label);
    expect(b.box.center.every(Number.isFinite)).toBe(true);
    expect(b.box.center[2]).toBeGreaterThan(0);
    expect(b.box.size.every((s) => Number.isFinite(s) && s > 0)).toBe(true);
    expect(b.score).toBeGreaterThan(0);
    expect(b.score).toBeLessThanOrEqual(1);
  }
}

describe("native grounder", () => {
  it("grounds everything with the detection prompt as the model does", async () => {
    const boxes = await grounder.ground(frame, { kind: "all" });
    expectWellFormed(boxes);
    const direct = await ModelGrounder.load(modelDir, { threads: 1 });
    try {
      const answer = await direct.ground(frame, { prompt: NATIVE_DETECT_PROMPT });
      expect(boxes).toEqual(answer.objects.map((o) => ({ label: o.label, box: o.box, score: o.score })));
    } finally {
      await direct.dispose();
    }
  });

  it("grounds a category given in the plural, only with that label; an unknown category gives no boxes", async () => {
    const label = scene.objects[0]!.label;
    const plural = /(?:s|x|ch|sh)$/.test(label) ? `${label}es` : `${label}s`;
    expect(singularize(plural)).toBe(label);
    const boxes = await grounder.ground(frame, { kind: "category", category: plural });
    expectWellFormed(boxes);
    for (const b of boxes) expect(b.label).toBe(label);
    expect(await grounder.ground(frame, { kind: "category", category: "the unicorns" })).toEqual([]);
  });

  it("grounds the categories a question names, once each, as the union of the category requests", async () => {
    const [a, b] = [scene.objects[0]!.label, scene.objects[1]!.label];
    const names = [`2_${a}`, `red ${b}`, a, "unicorn"];
    const boxes = await grounder.ground(frame, { kind: "named", names });
    expectWellFormed(boxes);
    for (const x of boxes) expect([a, b]).toContain(x.label);
    const wanted = [...new Set([a, b])];
    const each = await Promise.all(wanted.map((c) => grounder.ground(frame, { kind: "category", category: c })));
    expect(boxes).toEqual(each.flat());
    await expect(grounder.ground(frame, { kind: "named", names: ["<region0>"] })).rejects.toThrow(/native: object = "<region0>": names a region prompt/);
    expect(checked).toBeGreaterThan(0); // the model, trained on these prompts, did box something
  });

  it("maps words to the model's labels by plural and synonym, and names nothing for unknown words", () => {
    const labels = tokenizer.labels;
    expect(nativeLabelOf("2_chairs", labels)).toBe("chair");
    expect(nativeLabelOf("the big red Sofas", labels)).toBe("sofa");
    expect(nativeLabelOf("fridge", labels)).toBe("refrigerator");
    expect(nativeLabelOf("unicorn", labels)).toBeNull();
  });

  it("answers a question end to end through ask(), or says the object is not in the frame", async () => {
    const labels = scene.objects.map((o) => o.label);
    const label = labels.find((l) => labels.indexOf(l) === labels.lastIndexOf(l))!; // one instance: no ambiguity in the truth
    const r = await ask(frame, `How tall is the ${label}?`, { grounder }).catch((err: Error) => err);
    if (r instanceof Error) {
      expect(r.message).toMatch(new RegExp(`^ask: object = "the ${label}": (is not in the frame|refers to \\d+ objects)`));
    } else {
      expect(r.backend).toBe("native");
      expect(r.used.map((o) => o.label)).toEqual([label]);
      expect(r.answer?.kind).toBe("length");
    }
    await expect(ask(frame, "How tall is <region0>?", { grounder, regions: [{ box: { x1: 2, y1: 2, x2: 20, y2: 20 } }] })).rejects.toThrow(/ask: backend = "native": cannot ground regions requests; use the regions back end/);
    await expect(grounder.ground(frame, { kind: "regions", regions: [] })).rejects.toThrow(/native: request = "regions": the compact model grounds categories, not region prompts/);
  });
});

describe("native grounder loading", () => {
  it("reads nothing until the first request, loads once, and releases on dispose (twice is safe)", async () => {
    let loads = 0;
    let released = 0;
    const g = createNativeGrounder({
      modelDir,
      threads: 1,
      load: async (d, o): Promise<NativeModel> => {
        loads++;
        const m = await ModelGrounder.load(d, o);
        return { tokenizer: m.tokenizer, ground: (f, g2) => m.ground(f, g2), dispose: async () => void (released++, await m.dispose()) };
      },
    });
    expect(loads).toBe(0);
    await g.ground(frame, { kind: "all" });
    await g.ground(frame, { kind: "category", category: "chair" });
    expect(loads).toBe(1);
    await g.dispose();
    await g.dispose();
    expect(released).toBe(1);
  });

  it("a missing folder is an error on the first request, naming it and how to train one", async () => {
    const g = createNativeGrounder({ modelDir: join(dir, "nope") });
    await expect(g.ground(frame, { kind: "all" })).rejects.toThrow(/nope.*does not exist; train one with `n3d train --stage 1/);
    await g.dispose();
  });

  it("rejects bad options with one line; the registry passes the folder and threads", () => {
    expect(() => createNativeGrounder({ modelDir: " " })).toThrow(/native: modelDir = " ": must be a model folder path/);
    expect(() => createNativeGrounder({ modelDir, threads: 0 })).toThrow(/native: threads = 0: must be an integer >= 1/);
    const g = createGrounder("native", { native: { modelDir, threads: 1 } });
    expect(g.name).toBe("native");
    expect(g.accepts).toEqual(["all", "category", "named"]);
  });
});
