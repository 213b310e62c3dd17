import { describe, expect, it } from "vitest";
import {
  cvBenchAnswerText,
  cvBenchLetter,
  extractChoice,
  extractClock,
  extractCount,
  extractLength,
  extractOrder,
  extractYesNo,
  finalAnswer,
  lengthMentions,
  unitFromName,
} from "./extract.js";

const FT = 0.3048;
const IN = 0.0254;

describe("finalAnswer", () => {
  it("drops a <think> prefix, and is empty when the thought never ends", () => {
    expect(finalAnswer("<think>1. The chair is 3 m away.</think> It is 2 m away.")).toBe("It is 2 m away.");
    expect(finalAnswer("<think>a</think> x <think>b</think>  y ")).toBe("y");
    expect(finalAnswer("<think>still thinking about 3 m")).toBe("");
    expect(finalAnswer("  plain  ")).toBe("plain");
  });
});

describe("extractLength", () => {
  // Each case by hand: value x metres per unit.
  const cases: [string, number][] = [
    ["2.5 meters", 2.5],
    ["about 3 ft", 3 * FT],
    ["250cm", 2.5],
    ["1.5 m", 1.5],
    ["one meter", 1],
    ["two and a half feet", 2.5 * FT],
    ["3'6\"", 3 * FT + 6 * IN],
    ["1,200 mm", 1.2],
    ["0.5 metres", 0.5],
    ["12 inches", 12 * IN],
    ["5 feet 3 inches", 5 * FT + 3 * IN],
    ["5 feet and 3 inches", 5 * FT + 3 * IN],
    ["1 m 20 cm", 1.2],
    ["It is roughly half a meter.", 0.5],
    ["about a meter and a half", 1.5],
    ["twenty-five centimeters", 0.25],
    ["0.2 km", 200],
    ["a 2.5-meter gap", 2.5],
    ["6\" tall", 6 * IN],
    ["12in", 12 * IN],
    ["It is 12 in.", 12 * IN],
    ["The distance is 2.3 meters.", 2.3],
    ["A is 1.02 meters away from B.", 1.02],
  ];
  for (const [text, metres] of cases) {
    it(`reads ${JSON.stringify(text)} as ${metres.toFixed(4)} m`, () => {
      expect(extractLength(text)).toBeCloseTo(metres, 12);
    });
  }

  it("reads ranges as their midpoint", () => {
    expect(extractLength("2-3 meters")).toBeCloseTo(2.5, 12);
    expect(extractLength("2 to 3 meters")).toBeCloseTo(2.5, 12);
    expect(extractLength("between 2 and 3 meters")).toBeCloseTo(2.5, 12);
    expect(extractLength("1 m to 2 m")).toBeCloseTo(1.5, 12);
    expect(lengthMentions("2-3 m")[0]!.range).toBe(true);
  });

  it("takes the last length of the final answer", () => {
    expect(extractLength("The chair is 1.2 m tall and the table 0.8 m, so the difference is 0.4 m.")).toBeCloseTo(0.4, 12);
    expect(extractLength("<think>3 meters</think>The answer is 2 feet.")).toBeCloseTo(2 * FT, 12);
    expect(extractLength("It is 2.5 meters (about 8.2 feet).")).toBeCloseTo(8.2 * FT, 12);
  });

  it("returns null rather than guessing", () => {
    expect(extractLength("It is 3.")).toBeNull(); // no unit
    expect(extractLength("far away")).toBeNull();
    expect(extractLength("2,5 m")).toBeNull(); // decimal comma: 2.5 or 25?
    expect(extractLength("There are 3 in the room.")).toBeNull(); // "in" the preposition
    expect(extractLength("Region [0] is behind Region [1].")).toBeNull();
    expect(extractLength("The 4_m-sign is tall")).toBeNull(); // a name, not 4 m
    expect(extractLength("<think>It is 3 m")).toBeNull(); // never finished thinking
    expect(extractLength("It's 3's turn")).toBeNull();
    expect(extractLength("")).toBeNull();
    expect(extractLength("3 constructor, 2 toString")).toBeNull(); // no prototype keys as units
    expect(extractCount("the constructor")).toBeNull();
  });

  it("reads a bare number in the unit the question asked for, only when told", () => {
    expect(extractLength("0.91", { defaultUnit: "ft" })).toBeCloseTo(0.91 * FT, 12);
    expect(extractLength("The height is 35.8.", { defaultUnit: "in" })).toBeCloseTo(35.8 * IN, 12);
    expect(extractLength("35.8 cm", { defaultUnit: "in" })).toBeCloseTo(0.358, 12); // a stated unit wins
    expect(extractLength("0.91")).toBeNull();
  });

  it("knows unit names and symbols", () => {
    expect(unitFromName("Meters")).toBe("m");
    expect(unitFromName("ft.")).toBe("ft");
    expect(unitFromName("'")).toBe("ft");
    expect(unitFromName('"')).toBe("in");
    expect(unitFromName("furlongs")).toBeNull();
  });
});

describe("extractClock", () => {
  const cases: [string, number | null][] = [
    ["3 o'clock", 3],
    ["three o'clock", 3],
    ["at 3", 3],
    ["It is at 3.", 3],
    ["Region [1] is roughly at 10 o'clock from Region [0].", 10],
    ["Region [0] will find Region [1] around the 12 o'clock direction.", 12],
    ["The table is at 11 o’clock from the chair.", 11],
    ["at 4:00", 4],
    ["9 oclock", 9],
    ["7", 7],
    ["twelve.", 12],
    ["<think>at 3 o'clock? no</think> 5 o'clock", 5],
    ["13 o'clock", null],
    ["0 o'clock", null],
    ["to the right", null],
    ["at a distance of 3 m", null],
    ["at 2.5 meters", null],
  ];
  for (const [text, hour] of cases) {
    it(`reads ${JSON.stringify(text)} as ${String(hour)}`, () => {
      expect(extractClock(text)).toBe(hour);
    });
  }
});

describe("extractYesNo", () => {
  const cases: [string, boolean | null][] = [
    ["Yes.", true],
    ["yes, the chair is left of the table.", true],
    ["No, the chair is not left of the table.", false],
    ["Indeed, Region [0] is positioned on the left side of Region [1].", true],
    ["Correct, Region [0] is not as tall as Region [1].", true],
    ["That is True.", true],
    ["That is False.", false],
    ["Incorrect, Region [0] is not on the left side of Region [1].", false],
    ["In fact, Region [0] is to the right of Region [1].", false],
    ["Actually, Region [0] is below Region [1].", false],
    ["Region [0] is not behind Region [1].", false],
    ["I think yes.", true],
    ["There is no gap; yes, it touches.", true],
    ["<think>no</think>Yes", true],
    ["Region [0] is behind Region [1].", null],
    ["", null],
  ];
  for (const [text, value] of cases) {
    it(`reads ${JSON.stringify(text)} as ${String(value)}`, () => {
      expect(extractYesNo(text)).toBe(value);
    });
  }
});

describe("extractCount", () => {
  const cases: [string, number | null][] = [
    ["3 objects are within 2.5 meters of the chair.", 3],
    ["1 object is within 30 centimeters of the 2_chair.", 1],
    ["There are three chairs within 2 meters.", 3],
    ["4", 4],
    ["None of them.", 0],
    ["No objects are within 1 m of the lamp.", 0],
    ["0 objects are within 1 m.", 0],
    ["Counting: chair 1, lamp 2, so 2.", 2],
    ["many", null],
    ["It is 2.5 m away.", null],
  ];
  for (const [text, value] of cases) {
    it(`reads ${JSON.stringify(text)} as ${String(value)}`, () => {
      expect(extractCount(text)).toBe(value);
    });
  }
});

describe("extractChoice / extractOrder", () => {
  it("takes the option mentioned first, whole words, longest names first", () => {
    expect(extractChoice("The chair is closer to the camera than the table.", ["table", "chair"])).toBe("chair");
    expect(extractChoice("The table lamp is taller than the table.", ["table", "table lamp"])).toBe("table lamp");
    expect(extractChoice("The armchair.", ["chair", "armchair"])).toBe("armchair");
    expect(extractChoice("The 1_table and the chair are tied; the 1_table is named first.", ["chair", "1_table"])).toBe("1_table");
    expect(extractChoice("the sofa", ["chair", "table"])).toBeNull();
  });

  it("reads an option letter when the options were lettered", () => {
    const options = ["chair", "table", "lamp"];
    expect(extractChoice("The answer is (B)", options, { lettered: true })).toBe("table");
    expect(extractChoice("C", options, { lettered: true })).toBe("lamp");
    expect(extractChoice("D", options, { lettered: true })).toBeNull();
    expect(extractChoice("The lamp.", options, { lettered: true })).toBe("lamp"); // "T" is no option's letter
    expect(extractChoice("B", options)).toBeNull(); // unlettered: a letter is not an option
  });

  it("unifies Region [k] spellings", () => {
    const regions = ["Region [0]", "Region [1]"];
    expect(extractChoice("Region [1] is more to the left.", regions)).toBe("Region [1]");
    expect(extractChoice("region 0 is taller", regions)).toBe("Region [0]");
    expect(extractChoice("Positioned higher is Region[1].", regions)).toBe("Region [1]");
    expect(extractChoice("Region [10] is taller", regions)).toBeNull();
  });

  it("reads orders by first mention; missing names make a shorter (wrong) list", () => {
    const names = ["chair", "table", "lamp"];
    expect(extractOrder("From closest to farthest from the camera: the lamp, the chair, the table.", names)).toEqual(["lamp", "chair", "table"]);
    expect(extractOrder("lamp then table", names)).toEqual(["lamp", "table"]);
    expect(extractOrder("nothing here", names)).toBeNull();
  });
});

describe("CV-Bench letter extraction", () => {
  const cases: [string, string | null][] = [
    ["The answer is (B)", "B"],
    ["answer: A", "A"],
    ["(A) the chair", "A"],
    ["B", "B"],
    ["B.", "B"],
    ["Looking closely, the answer is A because...", "A"],
    ["<think>The answer is (A)</think>The answer is (B).", "B"],
    ["Answer: (B) the lamp", "B"],
    ["", null],
  ];
  for (const [text, letter] of cases) {
    it(`reads ${JSON.stringify(text)} as ${String(letter)}`, () => {
      expect(cvBenchLetter(text)).toBe(letter);
    });
  }

  it("keeps the text after the last marker", () => {
    expect(cvBenchAnswerText("My answer is tentative. Final answer: the chair")).toBe("the chair");
  });
});

describe("review fixes", () => {
  it("reads an abbreviation's full stop inside a compound length", () => {
    expect(extractLength("about 5 ft. 3 in.")).toBeCloseTo(5 * 0.3048 + 3 * 0.0254, 12);
    // Two sentences with lengths in the same unit stay two lengths; the last one is the answer.
    expect(extractLength("It is 2 m. Then 3 m.")).toBe(3);
  });

  it("does not read 'No doubt, ...' as a no", () => {
    expect(extractYesNo("No doubt, A is taller.")).not.toBe(false);
    expect(extractYesNo("No, it is not.")).toBe(false);
  });
});
