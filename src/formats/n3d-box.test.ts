import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import { InputError } from "../errors.js";
import type { Intrinsics } from "../geometry/index.js";
import { fromN3dJson, parseN3dBoxesJson, serializeN3dBoxesJson, toN3dJson, type N3dBox } from "./n3d-box.js";

const K: Intrinsics = { fx: 500, fy: 500, cx: 319.5, cy: 239.5 };

const chair: N3dBox = { label: "chair", box: { center: [0.4, -0.2, 2], size: [0.5, 0.9, 0.5], yaw: 0.1 }, score: 0.75 };
const table: N3dBox = { label: "dining table", box: { center: [-1, 0.5, 4], size: [1.6, 0.75, 0.9], yaw: 0 } };

describe("n3d JSON boxes", () => {
  it("computes uvz by hand: u = fx x / z + cx", () => {
    const j = toN3dJson(chair, K);
    expect(j.uvz[0]).toBeCloseTo(500 * 0.2 + 319.5, 12); // 419.5
    expect(j.uvz[1]).toBeCloseTo(500 * -0.1 + 239.5, 12); // 189.5
    expect(j.uvz[2]).toBe(2);
    expect(j).toMatchObject({ label: "chair", center: [0.4, -0.2, 2], size: [0.5, 0.9, 0.5], yaw: 0.1, score: 0.75 });
    expect("score" in toN3dJson(table, K)).toBe(false);
  });

  it("round trips a boxes file, with and without K", () => {
    const text = serializeN3dBoxesJson([chair, table], K);
    expect(text.endsWith("\n")).toBe(true);
    expect(parseN3dBoxesJson(text, "boxes.json", K)).toEqual([chair, table]);
    expect(parseN3dBoxesJson(text, "boxes.json")).toEqual([chair, table]);
    expect(parseN3dBoxesJson(serializeN3dBoxesJson([], K), "boxes.json")).toEqual([]);
  });

  it("errors name the index and the field", () => {
    const items = [chair, table, chair].map((b) => toN3dJson(b, K));
    const bad = structuredClone(items) as unknown as Record<string, unknown>[];
    (bad[2]!.size as number[])[1] = -1;
    const e = errorOf(() => parseN3dBoxesJson(JSON.stringify(bad), "boxes.json"));
    expect(e.message).toBe("boxes.json: [2].size[1] = -1: must be a finite number >= 0 (metres)");
    expect(e.field).toBe("[2].size[1]");
  });

  it.each([
    ["empty label", (j: Record<string, unknown>) => { j.label = " "; }, /\[0\]\.label = " ": must be a non-empty string/],
    ["string in centre", (j: Record<string, unknown>) => { (j.center as unknown[])[0] = "1"; }, /\[0\]\.center\[0\] = "1": must be a finite number \(metres\)/],
    ["short size", (j: Record<string, unknown>) => { j.size = [1, 2]; }, /\[0\]\.size = \[1,2\]: must be an array of 3 numbers/],
    ["missing yaw", (j: Record<string, unknown>) => { delete j.yaw; }, /\[0\]\.yaw = undefined: must be a finite number \(radians\)/],
    ["unknown key", (j: Record<string, unknown>) => { j.centre = [0, 0, 1]; }, /\[0\]\.centre = \[0,0,1\]: is not a field of an n3d box/],
  ])("rejects %s", (_name, mutate, pattern) => {
    const j = toN3dJson(chair, K) as unknown as Record<string, unknown>;
    mutate(j);
    expect(() => parseN3dBoxesJson(JSON.stringify([j]), "b.json")).toThrow(pattern);
  });

  it("rejects non-finite numbers passed as objects and NaN on write", () => {
    const j = { ...toN3dJson(chair, K), yaw: Number.POSITIVE_INFINITY };
    expect(() => fromN3dJson(j, "api")).toThrow("api: yaw = Infinity: must be a finite number (radians)");
    const nan: N3dBox = { label: "x", box: { center: [0, 0, 1], size: [NaN, 1, 1], yaw: 0 } };
    expect(() => toN3dJson(nan, K)).toThrow("toN3dJson: size[0] = NaN");
  });

  it("checks uvz against the centre when K is given, saying which component", () => {
    const j = toN3dJson(chair, K);
    const shifted = { ...j, uvz: [j.uvz[0], j.uvz[1] + 0.01, j.uvz[2]] };
    expect(fromN3dJson(shifted, "b.json")).toEqual(chair); // without K nothing to check against
    const e = errorOf(() => fromN3dJson(shifted, "b.json", K));
    expect(e.field).toBe("uvz[1]");
    expect(e.message).toContain("expected 189.5 px");
    const within = { ...j, uvz: [j.uvz[0] + 0.0009, j.uvz[1], j.uvz[2]] };
    expect(fromN3dJson(within, "b.json", K)).toEqual(chair);
    const depth = { ...j, uvz: [j.uvz[0], j.uvz[1], 2.1] };
    expect(errorOf(() => fromN3dJson(depth, "b.json", K)).field).toBe("uvz[2]");
  });

  it("rejects text that is not a JSON array", () => {
    expect(() => parseN3dBoxesJson("{", "b.json")).toThrow(/^b\.json: json = "\{": is not valid JSON/);
    expect(() => parseN3dBoxesJson("{}", "b.json")).toThrow("b.json: json = {}: must be a JSON array of boxes");
  });
});
