import { describe, expect, it } from "vitest";
import { PROGRAMS, QUESTION_TYPES } from "../reason/index.js";
import { InputError } from "../errors.js";
import {
  CODE_TEMPLATE,
  DETECTION_TEMPLATES,
  expandCodeTemplate,
  fillTemplate,
  GROUNDING_TEMPLATES,
  OFFICIAL_DETECTION_PROMPT,
  officialGroundingPrompt,
  officialStage1Prompt,
  REASONING_TEMPLATES,
  reasoningTemplates,
  templateSlots,
} from "./templates.js";

describe("official prompts", () => {
  it("match reference/FORMATS.md §1 character for character", () => {
    expect(OFFICIAL_DETECTION_PROMPT).toBe("<image>Detect boxes. The reference code is as followed: <code_template>");
    expect(officialGroundingPrompt("hotair ballon")).toBe(
      "<image>Identify the 3D boxes for all the 'hotair ballon' in this scene. The reference code is as followed: <code_template>",
    );
    expect(officialStage1Prompt("What is the height of person?")).toBe(
      "<image>What is the height of person? First locate the bbox of the aforementioned object(s). The reference code is as followed: <code_template>",
    );
  });

  it("expand the placeholder into the release's Bbox dataclass", () => {
    const text = expandCodeTemplate(OFFICIAL_DETECTION_PROMPT);
    expect(text).not.toContain("<code_template>");
    expect(text.endsWith(CODE_TEMPLATE)).toBe(true);
    expect(CODE_TEMPLATE.split("\n")).toEqual([
      "@dataclass",
      "class Bbox:",
      "    class: str",
      "    position_u: int",
      "    position_v: int",
      "    position_z: int",
      "    angle_y: int",
      "    scale_x: int",
      "    scale_y: int",
      "    scale_z: int",
    ]);
  });
});

describe("phrasings", () => {
  it("has at least five distinct phrasings for detection, grounding and every reasoning type", () => {
    expect(new Set(DETECTION_TEMPLATES).size).toBeGreaterThanOrEqual(5);
    expect(new Set(GROUNDING_TEMPLATES).size).toBeGreaterThanOrEqual(5);
    for (const t of GROUNDING_TEMPLATES) expect(templateSlots(t)).toEqual(["class"]);
    for (const type of QUESTION_TYPES) {
      expect(REASONING_TEMPLATES[type], type).toBeDefined();
      expect(new Set(reasoningTemplates(type)).size, type).toBeGreaterThanOrEqual(5);
    }
    // No phrasings for a type reason/ does not have.
    for (const type of Object.keys(REASONING_TEMPLATES)) expect(QUESTION_TYPES).toContain(type);
  });

  it("uses the slots its program's roles provide, and names the unit in every quantitative question", () => {
    for (const type of QUESTION_TYPES) {
      const program = PROGRAMS[type]!;
      const allowed = new Set(["unit", "A"]);
      if (program.arity === "many") ["objects", "candidates", "candidates_and", "radius"].forEach((s) => allowed.add(s));
      if (program.arity === 2 || program.arity === 3) allowed.add("B");
      if (program.arity === 3) allowed.add("C");
      for (const t of reasoningTemplates(type)) {
        const slots = templateSlots(t);
        for (const s of slots) expect(allowed.has(s), `${type}: ${t}`).toBe(true);
        if (program.kind === "quantitative") expect(slots, `${type}: ${t}`).toContain("unit");
        else expect(slots, `${type}: ${t}`).not.toContain("unit");
        if (typeof program.arity === "number") {
          const roles = ["A", "B", "C"].slice(0, program.arity);
          for (const r of roles) expect(slots, `${type}: ${t}`).toContain(r);
        }
      }
    }
  });

  it("throws for an unknown type with the registry's message", () => {
    expect(() => reasoningTemplates("leftish")).toThrow(/leftish" ?: is not a supported question type; choose one of/);
  });
});

describe("fillTemplate", () => {
  it("fills names, lists and units", () => {
    expect(fillTemplate("How far is {A} from {B}, in {unit}?", { A: "chair", B: "1_table", unit: "ft" })).toBe("How far is chair from 1_table, in feet?");
    expect(fillTemplate("Order {objects}.", { objects: ["a", "b", "c"] })).toBe("Order a, b and c.");
    expect(fillTemplate("Which: {candidates}?", { candidates: ["a", "b", "c"] })).toBe("Which: a, b or c?");
    expect(fillTemplate("Of {candidates_and}?", { candidates: ["a", "b"] })).toBe("Of a and b?");
    expect(fillTemplate("Within {radius} of {A}", { A: "mug", extra: { radius: "1.50 meters" } })).toBe("Within 1.50 meters of mug");
  });

  it("refuses to leave a hole", () => {
    expect(() => fillTemplate("Is {A} left of {B}?", { A: "chair" })).toThrow(InputError);
    expect(() => fillTemplate("Is {A} left of {B}?", { A: "chair" })).toThrow(/\{B\}.*slot has no value/);
  });
});
