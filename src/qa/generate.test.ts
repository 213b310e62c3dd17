import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { officialToBox3D, parseBboxLines, parseN3dBoxesJson } from "../formats/index.js";
import { METRES_PER_UNIT, PROGRAMS, UNIT_DECIMALS, UNIT_WORDS, type LengthUnit } from "../reason/index.js";
import { balanceKey } from "./balance.js";
import { generateQa } from "./generate.js";
import type { QaRepository } from "./repository.js";
import { isHeldOut } from "./split.js";
import { randomScenes, synthRepository } from "./testing/fixtures.js";
import type { QaRecord } from "./types.js";

const BINARY_TYPES = [
  "left_predicate",
  "right_choice",
  "above_predicate",
  "behind_predicate",
  "front_center_choice",
  "tall_predicate",
  "big_choice",
  "thin_predicate",
  "closer_to_camera",
  "farther_from_camera_predicate",
  "closer_to_reference",
];

describe("generateQa on random scenes", () => {
  const scenes = randomScenes(220, 11);

  it("balances every binary type within 5% over a few hundred questions", () => {
    const records = generateQa(scenes, { seed: 1, forms: ["reasoning"], types: BINARY_TYPES, perImage: 2 });
    for (const type of BINARY_TYPES) {
      const keys = records.filter((r) => r.type === type).map((r) => balanceKey(r.answerValue as never, r.objects)!);
      expect(keys.length, type).toBeGreaterThanOrEqual(200);
      const outcomes = [...new Set(keys)].sort();
      expect(outcomes.length, type).toBe(2);
      const share = keys.filter((k) => k === outcomes[0]).length / keys.length;
      expect(Math.abs(share - 0.5), `${type}: ${outcomes[0]} share ${share}`).toBeLessThanOrEqual(0.05);
    }
  });

  it("gives quantitative answers in the drawn unit with exact conversion", () => {
    const types = Object.values(PROGRAMS).filter((p) => p.kind === "quantitative").map((p) => p.type);
    const records = generateQa(scenes.slice(0, 80), { seed: 2, forms: ["reasoning"], types });
    const units = new Set<LengthUnit>();
    expect(records.length).toBeGreaterThan(300);
    for (const r of records) {
      const a = r.answerValue;
      if (a.kind !== "length") throw new Error(`${r.id}: not a length`);
      expect(r.unit).toBe(a.unit);
      units.add(a.unit);
      const [singular, plural] = UNIT_WORDS[a.unit];
      expect(r.question, r.id).toContain(plural);
      const m = new RegExp(`(\\d+(?:\\.\\d+)?) (?:${plural}|${singular})\\b`).exec(r.answer);
      expect(m, r.answer).not.toBeNull();
      const printed = Number(m![1]);
      expect(printed).toBe(a.value);
      // Back to metres: within half a printed digit of the truth.
      const halfDigit = 0.5 * 10 ** -UNIT_DECIMALS[a.unit] * METRES_PER_UNIT[a.unit];
      expect(Math.abs(printed * METRES_PER_UNIT[a.unit] - a.metres), r.answer).toBeLessThanOrEqual(halfDigit + 1e-12);
    }
    expect([...units].sort()).toEqual(["cm", "ft", "in", "m"]);
  });

  it("is deterministic in the seed", () => {
    const a = generateQa(scenes.slice(0, 30), { seed: 9 });
    const b = generateQa(scenes.slice(0, 30), { seed: 9 });
    const c = generateQa(scenes.slice(0, 30), { seed: 10 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
    expect(new Set(a.map((r) => r.id)).size).toBe(a.length);
  });

  it("skips held-out images and honours the share", () => {
    const heldOut = scenes.filter((s) => isHeldOut(s.imageId, 0.25)).map((s) => s.imageId);
    expect(heldOut.length).toBeGreaterThan(30);
    expect(heldOut.length).toBeLessThan(80);
    const records = generateQa(scenes, { seed: 3, heldOut: 0.25, forms: ["detection"] });
    const used = new Set(records.map((r) => r.imageId));
    for (const id of heldOut) expect(used.has(id)).toBe(false);
    expect(used.size).toBe(scenes.length - heldOut.length);
    expect(generateQa(scenes, { seed: 3, heldOut: 0, forms: ["detection"] })).toHaveLength(scenes.length);
  });

  it("rejects unknown forms, types and units by name", () => {
    expect(() => generateQa(scenes, { seed: 1, forms: ["captions" as never] })).toThrow(/captions" ?: is not a supported QA form; choose one of detection, grounding, reasoning/);
    expect(() => generateQa(scenes, { seed: 1, types: ["leftish"] })).toThrow(/is not a supported question type/);
    expect(() => generateQa(scenes, { seed: 1, units: ["yd" as never] })).toThrow(/is not a supported length unit/);
    expect(() => generateQa(scenes, { seed: -1 })).toThrow(/seed/);
  });
});

describe("generateQa on a synth repository", () => {
  let repo: QaRepository;
  let cleanup: () => Promise<void>;
  let records: QaRecord[];
  beforeAll(async () => {
    ({ repo, cleanup } = await synthRepository(3, 21));
    records = generateQa(repo.scenes, { seed: 4, heldOut: 0 });
  });
  afterAll(async () => cleanup());

  it("writes detection answers as official float Bbox lines and n3d JSON of every object", () => {
    for (const scene of repo.scenes) {
      const det = records.find((r) => r.imageId === scene.imageId && r.form === "detection")!;
      expect(det.question.length).toBeGreaterThan(0);
      expect(det.objects).toEqual(scene.objects.map((o) => o.name));
      const lines = parseBboxLines(det.bboxLines, "detection");
      expect(lines.map((l) => l.id)).toEqual(scene.objects.map((_, i) => i));
      lines.forEach((line, i) => {
        const o = scene.objects[i]!;
        expect(line.label).toBe(o.label);
        expect(line.u).toBeGreaterThan(-1);
        const back = officialToBox3D(line, { K: scene.intrinsics, size: scene.size, form: "float" }).box;
        // Twelve significant digits are written (formats/ BBOX_FLOAT_DIGITS).
        back.center.forEach((c, k) => expect(c).toBeCloseTo(o.box.center[k]!, 9));
        back.size.forEach((s, k) => expect(s).toBeCloseTo(o.box.size[k]!, 10));
        expect(back.yaw).toBeCloseTo(o.box.yaw, 10);
      });
      const json = parseN3dBoxesJson(det.answer, "detection", scene.intrinsics);
      expect(json.map((b) => b.box)).toEqual(scene.objects.map((o) => o.box));
      expect(det.answerValue.kind).toBe("boxes");
    }
  });

  it("grounds a category with all its instances, numbered as their names", () => {
    const grounding = records.filter((r) => r.form === "grounding");
    expect(grounding.length).toBeGreaterThan(0);
    for (const g of grounding) {
      const scene = repo.scenes.find((s) => s.imageId === g.imageId)!;
      const instances = scene.objects.filter((o) => o.label === g.category);
      expect(g.objects).toEqual(instances.map((o) => o.name));
      expect(g.question).toContain(g.category!);
      const lines = parseBboxLines(g.bboxLines, "grounding");
      expect(lines.map((l) => l.label)).toEqual(instances.map(() => g.category));
      // `<k>_<label>` is bbox_k of the category's grounding answer.
      instances.forEach((o, k) => expect(o.name === o.label || o.name === `${k}_${o.label}`).toBe(true));
    }
  });

  it("writes reasoning records with traces in both frames and the stage-1 boxes of the objects used", () => {
    const reasoning = records.filter((r) => r.form === "reasoning");
    expect(new Set(reasoning.map((r) => r.type)).size).toBeGreaterThan(20);
    for (const r of reasoning) {
      expect(r.cot).toMatch(/^<think>.*<\/think> /s);
      expect(r.cotOfficial).toMatch(/^<think>.*<\/think> /s);
      expect(r.cot!.endsWith(r.answer)).toBe(true);
      const lines = parseBboxLines(r.bboxLines, r.id);
      expect(lines).toHaveLength(r.objects.length);
      const scene = repo.scenes.find((s) => s.imageId === r.imageId)!;
      lines.forEach((l, i) => expect(l.label).toBe(scene.objects.find((o) => o.name === r.objects[i])!.label));
    }
  });
});
