import { describe, expect, it } from "vitest";
import { errorOf } from "../../../test/helpers.js";
import { SCORING_RULES } from "../../qa/index.js";
import {
  getQaScoringRule,
  isClockWithinOne,
  isWithin25Percent,
  QA_SCORING_RULE_NAMES,
  QA_SCORING_RULES,
  relativeError,
  ruleMismatch,
  scoreLetterChoice,
  type ScorableItem,
} from "./rules.js";
import type { QaTruth } from "./types.js";

function item(rule: string, truth: QaTruth, extra: Partial<ScorableItem> = {}): ScorableItem {
  return { id: "q", benchmark: "n3d", category: "c", group: "g", rule, question: "?", truthText: "", truth, ...extra };
}

describe("within25pct (SpatialRGPT-Bench)", () => {
  it("succeeds exactly on the 25% boundaries and fails just past them", () => {
    for (const g of [2, 1.1, 2.3, 0.9144, 3 * 0.3048, 0.0254 * 7, 123.456]) {
      expect(isWithin25Percent(0.75 * g, g), `0.75 x ${g}`).toBe(true);
      expect(isWithin25Percent(1.25 * g, g), `1.25 x ${g}`).toBe(true);
      expect(isWithin25Percent(1.2501 * g, g), `1.2501 x ${g}`).toBe(false);
      expect(isWithin25Percent(0.7499 * g, g), `0.7499 x ${g}`).toBe(false);
      expect(isWithin25Percent(g, g)).toBe(true);
    }
    // A zero truth accepts only zero.
    expect(isWithin25Percent(0, 0)).toBe(true);
    expect(isWithin25Percent(0.001, 0)).toBe(false);
  });

  it("scores text answers after unit conversion, boundaries included", () => {
    const rule = QA_SCORING_RULES.within25pct;
    const two = item("within25pct", { kind: "length", metres: 2 });
    expect(rule.score("2.5 meters", two).outcome).toBe("correct"); // 1.25 x 2
    expect(rule.score("250 cm", two).outcome).toBe("correct");
    expect(rule.score("1.5 m", two).outcome).toBe("correct"); // 0.75 x 2
    expect(rule.score("2.51 m", two).outcome).toBe("wrong");
    expect(rule.score("1.49 m", two).outcome).toBe("wrong");
    // 4 ft truth, 5 ft answer: 1.524 m = 1.25 x 1.2192 m, with the float rounding of feet.
    const fourFeet = item("within25pct", { kind: "length", metres: 4 * 0.3048 });
    expect(rule.score("5 feet", fourFeet).outcome).toBe("correct");
    expect(rule.score("3 ft", fourFeet).outcome).toBe("correct");
    expect(rule.score("5.01 feet", fourFeet).outcome).toBe("wrong");
    // An unreadable answer is wrong, and says so.
    expect(rule.score("quite far", two)).toEqual({ outcome: "unparseable", reading: null });
  });

  it("reports SpatialRGPT's relative error |p - g| / (g + 1e-4)", () => {
    expect(relativeError(2.5, 2)).toBeCloseTo(0.5 / 2.0001, 15);
    expect(relativeError(2, 2)).toBe(0);
    expect(relativeError(1, 0)).toBeCloseTo(1e4, 9);
    const s = QA_SCORING_RULES.within25pct.score("It is 3 meters.", item("within25pct", { kind: "length", metres: 2 }));
    expect(s.relError).toBeCloseTo(1 / 2.0001, 15);
    expect(s.reading).toEqual({ kind: "length", metres: 3 });
  });

  it("reads bare numbers in the item's unit", () => {
    const inFeet = item("within25pct", { kind: "length", metres: 0.9144 }, { unit: "ft" });
    expect(QA_SCORING_RULES.within25pct.score("3", inFeet).outcome).toBe("correct");
    expect(QA_SCORING_RULES.within25pct.score("3", item("within25pct", { kind: "length", metres: 0.9144 })).outcome).toBe("unparseable");
  });
});

describe("clock-within-1", () => {
  it("accepts one hour either way, cyclically", () => {
    expect(isClockWithinOne(11, 12)).toBe(true);
    expect(isClockWithinOne(10, 12)).toBe(false);
    expect(isClockWithinOne(12, 1)).toBe(true);
    expect(isClockWithinOne(1, 12)).toBe(true);
    expect(isClockWithinOne(1, 11)).toBe(false);
    expect(isClockWithinOne(6, 7)).toBe(true);
    expect(isClockWithinOne(3, 3)).toBe(true);
    const rule = QA_SCORING_RULES["clock-within-1"];
    const twelve = item("clock-within-1", { kind: "clock", hour: 12 });
    expect(rule.score("Region [1] is at 11 o'clock from Region [0].", twelve).outcome).toBe("correct");
    expect(rule.score("10 o'clock", twelve).outcome).toBe("wrong");
    expect(rule.score("1 o'clock", twelve).outcome).toBe("correct");
    expect(rule.score("to the left", twelve).outcome).toBe("unparseable");
  });
});

describe("yes-no, exact-count, exact-order, exact-choice", () => {
  it("compares readings 0/1", () => {
    const yes = item("yes-no", { kind: "bool", value: true });
    expect(QA_SCORING_RULES["yes-no"].score("Yes, it is.", yes).outcome).toBe("correct");
    expect(QA_SCORING_RULES["yes-no"].score("No.", yes).outcome).toBe("wrong");
    expect(QA_SCORING_RULES["yes-no"].score("It is behind.", yes).outcome).toBe("unparseable");
    const three = item("exact-count", { kind: "count", value: 3 });
    expect(QA_SCORING_RULES["exact-count"].score("3 objects are within 1 m.", three).outcome).toBe("correct");
    expect(QA_SCORING_RULES["exact-count"].score("two", three).outcome).toBe("wrong");
    const order = item("exact-order", { kind: "order", value: ["lamp", "chair"] });
    expect(QA_SCORING_RULES["exact-order"].score("the lamp, then the chair", order).outcome).toBe("correct");
    expect(QA_SCORING_RULES["exact-order"].score("the chair, then the lamp", order).outcome).toBe("wrong");
    expect(QA_SCORING_RULES["exact-order"].score("the lamp", order).outcome).toBe("wrong");
    const choice = item("exact-choice", { kind: "choice", value: "chair", options: ["chair", "table"] });
    expect(QA_SCORING_RULES["exact-choice"].score("The chair is closer than the table.", choice).outcome).toBe("correct");
    expect(QA_SCORING_RULES["exact-choice"].score("The table.", choice).outcome).toBe("wrong");
    expect(QA_SCORING_RULES["exact-choice"].score("The sofa.", choice).outcome).toBe("unparseable");
  });

  it("uses a given reading of the truth's kind instead of extracting", () => {
    const two = item("within25pct", { kind: "length", metres: 2 });
    expect(QA_SCORING_RULES.within25pct.score("unreadable", two, { kind: "length", metres: 2.1 }).outcome).toBe("correct");
    // A reading of another kind is ignored.
    expect(QA_SCORING_RULES.within25pct.score("2 m", two, { kind: "count", value: 9 }).outcome).toBe("correct");
  });
});

describe("CV-Bench letter rule", () => {
  const choices = ["chair", "table"];
  it("reads the letter after 'answer is' / 'answer:', or the option text", () => {
    expect(scoreLetterChoice("The answer is (B)", choices, "B").outcome).toBe("correct");
    expect(scoreLetterChoice("answer: A", choices, "B").outcome).toBe("wrong");
    expect(scoreLetterChoice("answer: A", choices, "A").outcome).toBe("correct");
    expect(scoreLetterChoice("(A) the chair", choices, "A").outcome).toBe("correct");
    expect(scoreLetterChoice("(A) the chair", choices, "B").outcome).toBe("wrong");
    expect(scoreLetterChoice("B", choices, "B").outcome).toBe("correct");
    expect(scoreLetterChoice("table", choices, "B").outcome).toBe("correct");
    expect(scoreLetterChoice("The table.", choices, "B").outcome).toBe("correct");
    expect(scoreLetterChoice("chair", choices, "B").outcome).toBe("wrong");
    expect(scoreLetterChoice("C", choices, "B").outcome).toBe("unparseable");
    expect(scoreLetterChoice("a chair, I think", choices, "A").outcome).toBe("unparseable");
    expect(scoreLetterChoice("", choices, "A").outcome).toBe("unparseable");
    expect(scoreLetterChoice("The answer is (B)", choices, "B").reading).toEqual({ kind: "choice", value: "table" });
  });

  it("is what exact-choice does for lettered items, whatever the truth kind", () => {
    const lettered = item("exact-choice", { kind: "length", metres: 2 }, { choices: ["2 meters", "5 meters"], truthLetter: "A" });
    expect(QA_SCORING_RULES["exact-choice"].score("(A)", lettered).outcome).toBe("correct");
    expect(QA_SCORING_RULES["exact-choice"].score("The answer is B", lettered).outcome).toBe("wrong");
  });
});

describe("the rule registry", () => {
  it("implements every rule N3D-Bench names, with its description", () => {
    expect([...QA_SCORING_RULE_NAMES].sort()).toEqual(Object.keys(SCORING_RULES).sort());
    for (const name of QA_SCORING_RULE_NAMES) expect(QA_SCORING_RULES[name].description).toBe(SCORING_RULES[name]);
  });

  it("names the choices on an unknown rule", () => {
    expect(errorOf(() => getQaScoringRule("within10pct")).message).toMatch(/within10pct.*is not a supported scoring rule; choose one of within25pct, clock-within-1/);
  });

  it("says when a rule cannot score a truth", () => {
    expect(ruleMismatch({ rule: "within25pct" }, { kind: "bool", value: true })).toMatch(/scores length, not a bool/);
    expect(ruleMismatch({ rule: "within25pct" }, { kind: "length", metres: 1 })).toBeNull();
    expect(ruleMismatch({ rule: "exact-choice", choices: ["a", "b"], truthLetter: "C" }, { kind: "bool", value: true })).toMatch(/names none/);
    expect(ruleMismatch({ rule: "nope" }, { kind: "bool", value: true })).toMatch(/not a supported scoring rule/);
  });
});
