import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli as run } from "./testing/run-cli.js";

const boxes = join(import.meta.dirname, "..", "..", "examples", "tabletop", "boxes.json");

describe("n3d reason", () => {
  it("prints the executed trace: the example's cabinet and suitcase are 2.04 m apart", async () => {
    // Centres (-1, 0.35, 3.6) and (1, 0.47, 4.0): sqrt(2^2 + 0.12^2 + 0.4^2) = 2.043.
    const r = await run(["reason", "--boxes", boxes, "--question-type", "direct_distance", "--objects", "cabinet,suitcase"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^<think>1\. The 3D bbox of cabinet is \[-1\.00, 0\.35, 3\.60, 0\.60, 0\.90, 0\.50\]/);
    expect(r.out).toMatch(/<\/think> The distance between the cabinet and the suitcase is 2\.04 meters\.\n$/);
  });

  it("answers as JSON in the unit asked for", async () => {
    const r = await run(["reason", "--boxes", boxes, "--question-type", "height_data", "--objects", "box", "--unit", "cm", "--json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { type: string; answer: { kind: string; metres: number; unit: string; value: number }; sentence: string };
    expect(json.type).toBe("height_data");
    expect(json.answer).toMatchObject({ kind: "length", metres: 0.4, unit: "cm", value: 40 });
    expect(json.sentence).toBe("The box is 40 centimeters tall.");
  });

  it("puts the suitcase at 3 o'clock from the cabinet (it is to the right)", async () => {
    const r = await run(["reason", "--boxes", boxes, "--question-type", "direction", "--objects", "cabinet,suitcase", "--json"]);
    expect((JSON.parse(r.out) as { answer: { value: number } }).answer.value).toBe(3);
  });

  it("names what is wrong: an absent object, an unknown type", async () => {
    const absent = await run(["reason", "--boxes", boxes, "--question-type", "tall_choice", "--objects", "box,sofa"]);
    expect(absent.code).toBe(2);
    expect(absent.err).toBe("n3d: reason: name = \"sofa\": no object named 'sofa'; objects are: cabinet, box, suitcase\n");
    const unknown = await run(["reason", "--boxes", boxes, "--question-type", "bogus", "--objects", "box"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/argument 'bogus' is invalid\. Allowed choices are direct_distance/);
  });
});
