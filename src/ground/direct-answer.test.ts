import { describe, expect, it } from "vitest";
import { answerPart, readDirectAnswer } from "./direct-answer.js";
import { pickOption } from "./options.js";

describe("readDirectAnswer", () => {
  it("reads lengths with their unit, after the reasoning", () => {
    expect(readDirectAnswer("<think>about 12 cm wide</think> It is 2.5 meters.", "length")).toEqual({ kind: "length", value: 2.5, unit: "m", metres: 2.5 });
    expect(readDirectAnswer("Roughly 91 cm.", "length")).toMatchObject({ unit: "cm", value: 91 });
    expect(readDirectAnswer("5 ft 3 in", "length")).toMatchObject({ unit: "ft", metres: 5 * 0.3048 + 3 * 0.0254 });
    expect(readDirectAnswer("About 1.2 m apart", "length")).toMatchObject({ metres: 1.2 });
    expect(readDirectAnswer("It is quite far.", "length")).toBeNull();
    expect(readDirectAnswer("3 minutes", "length")).toBeNull();
  });

  it("reads yes/no, clock hours, counts, choices and orders by their rules", () => {
    expect(readDirectAnswer("Yes, it is.", "bool")).toEqual({ kind: "bool", value: true });
    expect(readDirectAnswer("<think>yes?</think> No.", "bool")).toEqual({ kind: "bool", value: false });
    expect(readDirectAnswer("Maybe.", "bool")).toBeNull();
    expect(readDirectAnswer("At 10 o'clock.", "clock")).toEqual({ kind: "clock", value: 10 });
    expect(readDirectAnswer("At 13 o'clock.", "clock")).toBeNull();
    expect(readDirectAnswer("There are 3 objects.", "count")).toEqual({ kind: "count", value: 3 });
    expect(readDirectAnswer("The red chair is taller than the chair.", "choice", ["chair", "red chair"])).toEqual({ kind: "choice", value: "red chair", options: ["chair", "red chair"] });
    expect(readDirectAnswer("lamp, then chair, then table", "order", ["chair", "table", "lamp"])).toEqual({ kind: "order", value: ["lamp", "chair", "table"] });
    expect(readDirectAnswer("lamp then chair", "order", ["chair", "table", "lamp"])).toBeNull();
    expect(answerPart("<think>a</think> b </think> c")).toBe("c");
  });
});

describe("pickOption", () => {
  const none = () => null;
  it("picks by kind: words, names, nearest length, equal hour and count", () => {
    expect(pickOption({ kind: "bool", value: false }, ["yes", "no"], none)).toEqual({ letter: "B", text: "no" });
    expect(pickOption({ kind: "choice", value: "Region [1]", options: [] }, ["<region0>", "<region1>"], (s) => (s === "<region1>" ? "Region [1]" : "Region [0]"))).toEqual({ letter: "B", text: "<region1>" });
    expect(pickOption({ kind: "length", metres: 1, unit: "m", value: 1 }, ["0.40 meters", "1.10 meters", "2.50 meters"], none)).toEqual({ letter: "B", text: "1.10 meters" });
    expect(pickOption({ kind: "clock", value: 3 }, ["12 o'clock", "3 o'clock"], none)!.letter).toBe("B");
    expect(pickOption({ kind: "count", value: 2 }, ["1", "2", "3"], none)!.letter).toBe("B");
    expect(pickOption({ kind: "count", value: 7 }, ["1", "2", "3"], none)).toBeNull();
  });
});
