import { describe, expect, it } from "vitest";
import { PROGRAMS } from "../reason/index.js";
import { buildN3dBench, CHOICE_SUFFIX, SCORING_RULES, serializeN3dBench } from "./bench-build.js";
import { generateQa } from "./generate.js";
import { isHeldOut } from "./split.js";
import { randomScenes } from "./testing/fixtures.js";

const scenes = randomScenes(200, 17);
const HELD_OUT = 0.2;
const TYPES = ["height_data", "left_predicate", "tall_choice", "direction", "closest_to", "count_within_distance", "order_by_distance_to_camera"];

describe("buildN3dBench", () => {
  const bench = buildN3dBench(scenes, { seed: 5, perType: 24, heldOut: HELD_OUT, types: TYPES });

  it("uses held-out images only, and training QA never sees them", () => {
    const heldOut = new Set(scenes.filter((s) => isHeldOut(s.imageId, HELD_OUT)).map((s) => String(s.imageId)));
    expect(bench.images.map(String).sort()).toEqual([...heldOut].sort());
    for (const item of bench.items) expect(heldOut.has(String(item.imageId))).toBe(true);
    const training = generateQa(scenes, { seed: 5, heldOut: HELD_OUT, forms: ["detection"] });
    for (const r of training) expect(heldOut.has(String(r.imageId))).toBe(false);
  });

  it("draws up to perType questions per type, in every format the answer allows, each with truth and rule", () => {
    for (const type of TYPES) {
      const items = bench.items.filter((i) => i.type === type);
      const groups = new Set(items.map((i) => i.group));
      expect(groups.size, type).toBe(24);
      const kind = PROGRAMS[type]!.answerKind;
      const formats = [...new Set(items.map((i) => i.format))].sort();
      const expected = { length: ["choice", "numeric", "open"], clock: ["choice", "numeric", "open"], count: ["choice", "numeric", "open"], bool: ["choice", "open"], choice: ["choice", "open"], order: ["open"] }[kind];
      expect(formats, type).toEqual(expected);
      for (const i of items) {
        expect(Object.keys(SCORING_RULES)).toContain(i.scoring);
        expect(i.truth).toBeDefined();
        expect(i.cot).toMatch(/^<think>/);
      }
    }
    const rule = (type: string, format: string) => bench.items.find((i) => i.type === type && i.format === format)!.scoring;
    expect(rule("height_data", "numeric")).toBe("within25pct");
    expect(rule("height_data", "open")).toBe("within25pct");
    expect(rule("direction", "numeric")).toBe("clock-within-1");
    expect(rule("left_predicate", "open")).toBe("yes-no");
    expect(rule("tall_choice", "choice")).toBe("exact-choice");
    expect(rule("count_within_distance", "numeric")).toBe("exact-count");
    expect(rule("order_by_distance_to_camera", "open")).toBe("exact-order");
    expect(new Set(bench.items.map((i) => i.id)).size).toBe(bench.items.length);
    expect(bench.counts["left_predicate"]).toEqual({ open: 24, choice: 24 });
  });

  it("writes multiple choice with lettered options and balances yes/no and the right letter", () => {
    const lp = bench.items.filter((i) => i.type === "left_predicate");
    const open = lp.filter((i) => i.format === "open");
    expect(open.filter((i) => i.truth.kind === "bool" && i.truth.value).length).toBe(12);
    const choice = lp.filter((i) => i.format === "choice");
    expect(choice.filter((i) => i.truthChoice === "A").length).toBe(12);
    // The right letter is not tied to the answer: yes is (A) as often as (B).
    const yes = choice.filter((i) => i.truth.kind === "bool" && i.truth.value);
    expect(yes.filter((i) => i.truthChoice === "A").length).toBe(6);
    for (const i of choice) {
      expect(i.question.endsWith(CHOICE_SUFFIX)).toBe(true);
      expect(i.question).toContain("(A) ");
      expect(i.truthText).toBe(`(${i.truthChoice})`);
      expect(i.choices![i.truthChoice!.charCodeAt(0) - 65]).toBe(i.truth.kind === "bool" && i.truth.value ? "yes" : "no");
    }
    // Length options: truth and three distractors more than 25% apart, the truth at each letter equally.
    const h = bench.items.filter((i) => i.type === "height_data" && i.format === "choice");
    for (const letter of "ABCD") expect(h.filter((i) => i.truthChoice === letter).length).toBe(6);
    for (const i of h) expect(new Set(i.choices).size).toBe(4);
  });

  it("is deterministic and serializable", () => {
    const again = buildN3dBench(scenes, { seed: 5, perType: 24, heldOut: HELD_OUT, types: TYPES });
    expect(serializeN3dBench(again)).toBe(serializeN3dBench(bench));
    expect(JSON.parse(serializeN3dBench(bench)).items).toHaveLength(bench.items.length);
  });

  it("says when nothing is held out", () => {
    expect(() => buildN3dBench(scenes.slice(0, 3), { seed: 1, perType: 2, heldOut: 0 })).toThrow(/no image with objects among the 3 is held out/);
    expect(() => buildN3dBench(scenes, { seed: 1, perType: 0 })).toThrow(/perType/);
    expect(() => buildN3dBench(scenes, { seed: 1, perType: 1, formats: ["essay" as never] })).toThrow(/is not a supported bench format/);
  });
});
