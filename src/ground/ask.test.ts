import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/helpers.js";
import { reason, type SceneObjectBox } from "../reason/index.js";
import { ask, askJson } from "./ask.js";
import { renderAskOverlay } from "./overlay.js";
import { createRegionsGrounder } from "./regions.js";
import { oracleLift, truthFrameWith } from "./testing/fixtures.js";
import { UnmappedQuestionError } from "./understand.js";

const t = truthFrameWith(3);
const regions = t.objects.map((o) => ({ box: o.box2d }));
const oracle = createRegionsGrounder({ lift: oracleLift(t.objects) });
/** The truth as reason/ sees it when the objects are region prompts. */
const truthRegions: SceneObjectBox[] = t.objects.map((o, k) => ({ name: `Region [${k}]`, label: "region", box: o.box }));
const ctx = { gravity: t.frame.gravity! };

const rejection = rejectionOf;

describe("ask: ground-then-reason with region prompts", () => {
  const cases: [string, string, string[], "m" | "cm" | "ft" | "in"][] = [
    ["Is <region0> to the left of <region1>?", "left_predicate", ["Region [0]", "Region [1]"], "m"],
    ["Which is taller, <region2> or <region1>?", "tall_choice", ["Region [2]", "Region [1]"], "m"],
    ["How far apart are <region0> and <region2>? Answer in feet.", "direct_distance", ["Region [0]", "Region [2]"], "ft"],
    ["What is the height of <region1>, in centimeters?", "height_data", ["Region [1]"], "cm"],
    ["If you are at <region2>, where will you find <region0>?", "direction", ["Region [2]", "Region [0]"], "m"],
    ["Order <region0>, <region1> and <region2> from closest to farthest from the camera.", "order_by_distance_to_camera", ["Region [0]", "Region [1]", "Region [2]"], "m"],
  ];
  for (const [question, type, names, unit] of cases) {
    it(`${type}: the answer and trace of reason/ on the true boxes`, async () => {
      const r = await ask(t.frame, question, { grounder: oracle, regions });
      const expected = reason(type, names, truthRegions, { ...ctx, unit });
      expect(r.type).toBe(type);
      expect(r.answer).toEqual(expected.answer);
      expect(r.cot).toBe(expected.cot);
      expect(r.sentence).toBe(expected.sentence);
      expect(r.used.map((o) => o.name)).toEqual(expected.used);
      expect(r.objects).toHaveLength(3);
    });
  }

  it("counts among the region prompts", async () => {
    const r = await ask(t.frame, "How many objects are within 10 meters of <region1>?", { grounder: oracle, regions });
    expect(r.answer).toEqual(reason("count_within_distance", ["Region [1]"], truthRegions, { ...ctx, radiusM: 10 }).answer);
  });

  it("picks the option letter of a multiple-choice question", async () => {
    const q = "Which is closer to the camera, <region0> or <region2>?\n(A) <region0>\n(B) <region2>\nAnswer with the option's letter from the given choices directly.";
    const r = await ask(t.frame, q, { grounder: oracle, regions });
    const winner = r.answer!.kind === "choice" ? r.answer!.value : "";
    expect(r.choice).toEqual(winner === "Region [0]" ? { letter: "A", text: "<region0>" } : { letter: "B", text: "<region2>" });
    const yesNo = await ask(t.frame, "Is <region0> to the left of <region1>?\n(A) yes\n(B) no", { grounder: oracle, regions });
    expect(yesNo.choice!.letter).toBe(yesNo.answer!.kind === "bool" && yesNo.answer!.value ? "A" : "B");
  });

  it("with the real lifter and mask prompts, measures within SpatialRGPT's 25% and orders depth right", async () => {
    const masks = t.objects.map((o) => ({ mask: o.mask }));
    const far = t.objects.reduce((best, o, k) => (o.box.center[2] > t.objects[best]!.box.center[2] ? k : best), 0);
    const near = t.objects.reduce((best, o, k) => (o.box.center[2] < t.objects[best]!.box.center[2] ? k : best), 0);
    const r = await ask(t.frame, `How far is <region${near}> from the camera, in meters?`, { grounder: createRegionsGrounder(), regions: masks });
    const truth = reason("distance_to_camera", [`Region [${near}]`], truthRegions, ctx).answer;
    expect(r.answer!.kind === "length" && truth.kind === "length" && Math.abs(r.answer!.metres / truth.metres - 1)).toBeLessThan(0.25);
    const c = await ask(t.frame, `Which is closer to the camera, <region${far}> or <region${near}>?`, { grounder: createRegionsGrounder(), regions: masks });
    expect(c.answer).toMatchObject({ kind: "choice", value: `Region [${near}]` });
  });
});

describe("ask: named objects", () => {
  const labelled = t.objects.map((o) => ({ box: o.box2d, label: o.label, attributes: o.attributes }));
  const truthNamed: SceneObjectBox[] = t.objects.map((o) => ({ name: o.label, label: o.label, box: o.box, attributes: o.attributes }));
  const [a, b] = t.objects as [typeof t.objects[0], typeof t.objects[0]];

  it("resolves labels, plurals and colours against labelled regions", async () => {
    const q = `Is the ${a.attributes.color} ${a.label} to the left of the ${b.label}s?`;
    const r = await ask(t.frame, q, { grounder: oracle, regions: labelled });
    expect(r.answer).toEqual(reason("left_predicate", [a.label, b.label], truthNamed, ctx).answer);
    expect(r.used.map((o) => o.label)).toEqual([a.label, b.label]);
  });

  it("says which object is not in the frame", async () => {
    const err = await rejection(ask(t.frame, `Is the giraffe taller than ${a.label}?`, { grounder: oracle, regions: labelled }));
    expect(err.message).toMatch(/^ask: object = "the giraffe": is not in the frame; objects in the frame: /);
  });
});

describe("ask: refusals", () => {
  it("a question it cannot map lists what can be asked", async () => {
    const err = await rejection(ask(t.frame, "Why is the sky blue?", { grounder: oracle, regions }));
    expect(err).toBeInstanceOf(UnmappedQuestionError);
    expect((err as UnmappedQuestionError).askable.length).toBeGreaterThan(40);
  });

  it("names the cause: region tokens without regions, one object twice, the wrong back end or mode", async () => {
    expect((await rejection(ask(t.frame, "Is <region0> taller than <region1>?", { grounder: oracle }))).message).toMatch(/names a region prompt but no regions were given/);
    expect((await rejection(ask(t.frame, "Is <region0> taller than region 0?", { grounder: oracle, regions }))).message).toMatch(/both name Region \[0\]; a question compares different objects/);
    expect((await rejection(ask(t.frame, "Is chair taller than table?", { grounder: oracle }))).message).toMatch(/backend = "regions": cannot ground named objects requests; give the objects as region prompts/);
    expect((await rejection(ask(t.frame, "Is <region0> taller than <region1>?", { grounder: oracle, regions, mode: "direct" }))).message).toMatch(/the regions back end only grounds and cannot answer in words/);
  });
});

describe("ask: outputs", () => {
  it("JSON carries the type, answer, trace and the boxes used", async () => {
    const r = await ask(t.frame, "Is <region0> bigger than <region1>?", { grounder: oracle, regions });
    const json = JSON.parse(JSON.stringify(askJson(r, t.frame.intrinsics)));
    expect(json).toMatchObject({ type: "big_predicate", mode: "ground-then-reason", backend: "regions", answer: { kind: "bool" }, sentence: r.sentence, cot: r.cot });
    expect(json.boxes.map((x: { name: string; region: number }) => [x.name, x.region])).toEqual([["Region [0]", 0], ["Region [1]", 1]]);
    expect(json.boxes[0].center).toEqual([...t.objects[0]!.box.center]);
  });

  it("draws the boxes used over the image", async () => {
    const r = await ask(t.frame, "Is <region0> bigger than <region1>?", { grounder: oracle, regions });
    const png = await renderAskOverlay(t.frame, r, { all: true });
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", t.frame.size.width, t.frame.size.height]);
    const plain = await sharp(png).raw().toBuffer();
    let changed = 0;
    for (let i = 0; i < t.frame.rgb.length; i++) if (plain[i] !== t.frame.rgb[i]) changed++;
    expect(changed).toBeGreaterThan(50);
  });
});
