import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import { nameTokens, numberTokens, programTailTokens, valueTailTokens } from "./answer-grammar.js";

describe("answer tail tokens", () => {
  it("writes names, numbers, program arguments and values", () => {
    expect(nameTokens("1_trash can")).toEqual(["<#1>", "trash can"]);
    expect(nameTokens(" Chair ")).toEqual(["chair"]);
    expect(numberTokens(1.5, 2)).toEqual(["1", ".", "5", "0"]);
    expect(numberTokens(12, 0)).toEqual(["1", "2"]);
    expect(errorOf(() => numberTokens(-1, 0)).field).toBe("value");
    expect(errorOf(() => numberTokens(123456, 0)).field).toBe("value");
    expect(programTailTokens("left_predicate", {})).toEqual(["<prog>", "<p:left_predicate>"]);
    expect(programTailTokens("height_data", { unit: "cm" })).toEqual(["<prog>", "<p:height_data>", "<unit:cm>"]);
    expect(programTailTokens("count_within_distance", { unit: "ft", radiusM: 0.3048 })).toEqual(["<prog>", "<p:count_within_distance>", "<unit:ft>", "1", ".", "0", "0"]);
    expect(errorOf(() => programTailTokens("height_data", {})).field).toBe("unit");
    expect(valueTailTokens("height_data", { kind: "length", metres: 0.91, unit: "m", value: 0.91 })).toEqual(["<ans>", "<p:height_data>", "0", ".", "9", "1", "<unit:m>"]);
    expect(valueTailTokens("order_by_distance_to_camera", { kind: "order", value: ["0_chair", "lamp"] })).toEqual(["<ans>", "<p:order_by_distance_to_camera>", "<#0>", "chair", "<sep>", "lamp"]);
    expect(valueTailTokens("left_predicate", { kind: "bool", value: false })).toEqual(["<ans>", "<p:left_predicate>", "no"]);
    expect(errorOf(() => valueTailTokens("left_predicate", { kind: "count", value: 2 })).field).toBe("answer.kind");
  });
});
