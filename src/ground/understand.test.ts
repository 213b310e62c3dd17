import { describe, expect, it } from "vitest";
import { BuiltinParaphraser, phraseQuestion, reasoningTemplates } from "../qa/index.js";
import { formatLength, getProgram, LENGTH_UNITS, QUESTION_TYPES, UNIT_WORDS, type LengthUnit } from "../reason/index.js";
import { errorOf } from "../../test/helpers.js";
import { QUESTION_FORMS, unitlessTemplate } from "./grammar.js";
import { askableQuestions, parseQuestion, UnmappedQuestionError } from "./understand.js";

/** Names in role order for a type: enough objects for its arity, in several naming styles. */
function namesFor(type: string, style: number): string[] {
  const pools = [
    ["chair", "table", "lamp", "mug"],
    ["1_chair", "0_chair", "floor lamp", "4_hotair ballon"],
    ["<region0>", "<region1>", "<region2>", "<region3>"],
    ["red chair", "large light brown table", "trash can", "tv"],
  ];
  const pool = pools[style % pools.length]!;
  const program = getProgram(type);
  if (type === "count_within_distance") return [pool[0]!];
  const n = program.arity === "many" ? Math.max(program.minObjects, 3) : program.arity;
  return pool.slice(0, n);
}

describe("parseQuestion: every generated question parses back to its program", () => {
  it("every template of every type, in every unit and naming style", () => {
    let checked = 0;
    for (const type of QUESTION_TYPES) {
      const program = getProgram(type);
      reasoningTemplates(type).forEach((_, t) => {
        for (let style = 0; style < 4; style++) {
          const unit = LENGTH_UNITS[(t + style) % LENGTH_UNITS.length]!;
          const names = namesFor(type, style);
          const radiusM = type === "count_within_distance" ? 1.5 : undefined;
          const q = phraseQuestion(program, t, names, unit, radiusM);
          const parsed = parseQuestion(q);
          expect({ q, type: parsed.type, mentions: parsed.mentions }).toEqual({ q, type, mentions: names });
          if (q.includes(UNIT_WORDS[unit][1]) || q.includes(UNIT_WORDS[unit][0])) expect(parsed.unit, q).toBe(unit);
          if (radiusM !== undefined) expect(parsed.radiusM!, q).toBeCloseTo(Number(formatLength(radiusM, unit).split(" ")[0]) * { m: 1, cm: 0.01, ft: 0.3048, in: 0.0254 }[unit], 9);
          checked++;
        }
      });
    }
    expect(checked).toBeGreaterThanOrEqual(QUESTION_TYPES.length * 5 * 4);
  });

  it("questions reworded by the built-in paraphraser parse to the same program", () => {
    let reworded = 0;
    for (const type of QUESTION_TYPES) {
      const program = getProgram(type);
      reasoningTemplates(type).forEach((_, t) => {
        for (let seed = 0; seed < 6; seed++) {
          const unit: LengthUnit = LENGTH_UNITS[seed % 4]!;
          const names = namesFor(type, seed);
          const q = phraseQuestion(program, t, names, unit, type === "count_within_distance" ? 2 : undefined);
          const p = new BuiltinParaphraser({ seed }).rewrite(q, [...names, ...UNIT_WORDS[unit]]);
          if (p !== q) reworded++;
          const parsed = parseQuestion(p);
          expect({ p, type: parsed.type, mentions: parsed.mentions }).toEqual({ p, type, mentions: names });
        }
      });
    }
    expect(reworded).toBeGreaterThan(100);
  });

  it("unit-less forms answer in metres; named units are read", () => {
    expect(parseQuestion("How tall is the chair?")).toMatchObject({ type: "height_data", mentions: ["the chair"], unit: "m", unitGiven: false });
    expect(parseQuestion("How tall is chair? Answer in feet.")).toMatchObject({ type: "height_data", unit: "ft", unitGiven: true });
    expect(parseQuestion("what is the distance between <region0> and <region1>")).toMatchObject({ type: "direct_distance", mentions: ["<region0>", "<region1>"] });
    expect(parseQuestion("Is <region0> taller than <region1>?")).toMatchObject({ type: "tall_predicate", mentions: ["<region0>", "<region1>"] });
    for (const type of QUESTION_TYPES) {
      for (const t of reasoningTemplates(type)) {
        const bare = unitlessTemplate(t);
        if (t.includes("{unit}")) expect(bare, t).not.toBeNull();
      }
    }
  });

  it("the most specific phrasing wins over a looser one", () => {
    // "Is {A} behind {B}?" also matches with A = "the center of chair"; the centre form has more fixed text.
    expect(parseQuestion("Is the center of chair behind the center of table?")).toMatchObject({ type: "behind_center_predicate", mentions: ["chair", "table"] });
    expect(parseQuestion("How far is chair from the camera?")).toMatchObject({ type: "distance_to_camera", mentions: ["chair"] });
  });

  it("N3D-Bench numeric and multiple-choice forms: instructions set aside, options returned", () => {
    const numeric = parseQuestion("How wide is mug, in centimeters? Answer with a single number.");
    expect(numeric).toMatchObject({ type: "width_data", unit: "cm", mentions: ["mug"] });
    const choice = parseQuestion("Is chair to the left of table?\n(A) no\n(B) yes\nAnswer with the option's letter from the given choices directly.");
    expect(choice).toMatchObject({ type: "left_predicate", options: ["no", "yes"], core: "Is chair to the left of table?" });
  });

  it("refuses what it cannot map, listing every type with an example that itself parses", () => {
    const err = errorOf(() => parseQuestion("What colour is the sky?"));
    expect(err).toBeInstanceOf(UnmappedQuestionError);
    expect(err.message).toMatch(/^ask: question = "What colour is the sky\?": matches none of the question forms/);
    expect(err.message).not.toMatch(/\n/);
    const askable = (err as UnmappedQuestionError).askable;
    expect(askable.map((a) => a.type)).toEqual(QUESTION_TYPES);
    for (const a of askable) expect(parseQuestion(a.example).type, a.example).toBe(a.type);
    expect(askableQuestions()[0]!.example).toMatch(/chair/);
    expect(errorOf(() => parseQuestion("  ")).message).toMatch(/must be a non-empty question/);
  });

  it("compiles a form per template, plus unit-less and extra forms", () => {
    const templates = QUESTION_TYPES.reduce((n, t) => n + reasoningTemplates(t).length, 0);
    expect(QUESTION_FORMS.filter((f) => f.source === "template").length).toBe(templates);
    expect(QUESTION_FORMS.filter((f) => f.source === "unitless").length).toBeGreaterThan(30);
  });
});

describe("parseQuestion: everyday forms", () => {
  it.each([
    ["How tall is the chair in feet?", "height_data", ["the chair"], "ft"],
    ["What is the distance between the chair and the table in centimeters?", "direct_distance", ["the chair", "the table"], "cm"],
    ["How far is the mug from the camera in inches?", "distance_to_camera", ["the mug"], "in"],
    ["Which is closer to the camera, the mug or the lamp?", "closer_to_camera", ["the mug", "the lamp"], "m"],
    ["How far away is <region0>?", "distance_to_camera", ["<region0>"], "m"],
  ])("%s", (q, type, mentions, unit) => {
    expect(parseQuestion(q)).toMatchObject({ type, mentions, unit });
  });
});
