import { describe, expect, it } from "vitest";
import { makeBox3D } from "../geometry/index.js";
import { detectOfficialForm, parseBoxesText } from "./boxes-text.js";
import { serializeBboxLines } from "./bbox-lines.js";
import type { BboxRecord } from "./bbox-lines.js";
import { serializeN3dBoxesJson } from "./n3d-box.js";
import { box3DToOfficial } from "./official-box.js";

const size = { width: 320, height: 240 };
const K = { fx: 277, fy: 277, cx: 159.5, cy: 119.5 };
const norm = { shift0: [-2, -1, 1] as const, scaling: 0.4 };
const rec = (u: number, v: number, z: number): BboxRecord => ({ id: 0, label: "chair", u, v, z, angle: 0, sx: 0.5, sy: 0.5, sz: 0.5 });

describe("detectOfficialForm", () => {
  it("reads u, v in [0, 1] with fractions as the float form", () => {
    expect(detectOfficialForm([rec(0.5, 0.25, 2.1)], "t")).toBe("float");
  });
  it("reads integers with u or v above 1 as the integer form", () => {
    expect(detectOfficialForm([{ ...rec(500, 250, 300), angle: 500, sx: 12, sy: 40, sz: 9 }], "t")).toBe("int");
  });
  it("refuses to guess when the numbers fit both forms", () => {
    expect(() => detectOfficialForm([{ ...rec(1, 0, 3), sx: 1, sy: 1, sz: 1 }], "a.txt")).toThrow(/^a\.txt: bbox_0\.u = 1: cannot tell/);
  });
});

describe("parseBoxesText", () => {
  const box = makeBox3D([0.3, 0.2, 2.5], [0.4, 0.6, 0.5], 0.2);

  it("reads n3d JSON and float-form lines to the same box", () => {
    const json = serializeN3dBoxesJson([{ label: "chair", box }], K);
    const lines = serializeBboxLines([box3DToOfficial("chair", box, { K, size, form: "float" })]);
    const a = parseBoxesText(json, "boxes.json", { K, size })[0]!;
    const b = parseBoxesText(lines, "answer.txt", { K, size })[0]!;
    for (let i = 0; i < 3; i++) {
      expect(a.box.center[i]).toBeCloseTo(box.center[i]!, 9);
      expect(b.box.center[i]).toBeCloseTo(box.center[i]!, 9);
      expect(b.box.size[i]).toBeCloseTo(box.size[i]!, 9);
    }
    expect(b.box.yaw).toBeCloseTo(0.2, 9);
  });

  it("reads integer-form lines with the scene normalization, within one bin", () => {
    const lines = serializeBboxLines([box3DToOfficial("chair", box, { K, size, form: "int", norm })]);
    const b = parseBoxesText(lines, "answer.txt", { K, size, norm })[0]!;
    // One depth bin is 2.0 / 1000 / scaling = 5 mm; one size bin 0.625 / 1000 / 0.4 = 1.6 mm.
    expect(Math.abs(b.box.center[2] - 2.5)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(b.box.size[1] - 0.6)).toBeLessThanOrEqual(0.0016);
  });

  it("asks for the point map when integer bins come without a normalization", () => {
    const lines = serializeBboxLines([box3DToOfficial("chair", box, { K, size, form: "int", norm })]);
    expect(() => parseBoxesText(lines, "answer.txt", { K, size })).toThrow(/^answer\.txt: form = "int": .*\.npz/);
  });
});
