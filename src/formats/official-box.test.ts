import { describe, expect, it } from "vitest";
import { intrinsicsFromNormalized, normalizedFromPixel, project, type Box3D, type ImageSize } from "../geometry/index.js";
import { parseBboxLines, serializeBboxLines } from "./bbox-lines.js";
import { box3DToOfficial, officialToBox3D } from "./official-box.js";
import { box3DToOfficialFrame } from "./official-frame.js";
import type { SceneNormalization } from "./scene-normalization.js";

describe("float form: the release's worked example", () => {
  // Normalized K chosen for the test (the release's file does not come with one).
  const fxN = 0.8;
  const fyN = 1.1;
  const cxN = 0.5;
  const cyN = 0.5;
  const size: ImageSize = { width: 640, height: 427 };
  const K = intrinsicsFromNormalized({ fx: fxN, fy: fyN, cx: cxN, cy: cyN }, size);
  const line = "bbox_0=Bbox(Person,0.490625,0.585480093676815,2.8857421875,0,0.609619140625,0.33074951171875,0.380859375)";

  it("centre = z * inverse(K_norm) * [u, v, 1] in our frame; negated x, y in theirs; sizes unchanged", () => {
    const [rec] = parseBboxLines(line, "example");
    const decoded = officialToBox3D(rec!, { K, size, form: "float" });
    const u = 0.490625;
    const v = 0.585480093676815;
    const z = 2.8857421875;
    // inverse(K_norm) = [[1/fx, 0, -cx/fx], [0, 1/fy, -cy/fy], [0, 0, 1]], applied by hand:
    const x = (z * (u - cxN)) / fxN; // 2.8857421875 * -0.009375 / 0.8        = -0.03381729126
    const y = (z * (v - cyN)) / fyN; // 2.8857421875 *  0.085480093676815 / 1.1 =  0.22424864774
    expect(x).toBeCloseTo(-0.0338172912597657, 14);
    expect(y).toBeCloseTo(0.224248647740579, 14);
    expect(decoded.box.center[0]).toBeCloseTo(x, 12);
    expect(decoded.box.center[1]).toBeCloseTo(y, 12);
    expect(decoded.box.center[2]).toBe(z);
    expect(decoded.box.size).toEqual([0.609619140625, 0.33074951171875, 0.380859375]);
    expect(decoded.box.yaw).toBe(0);
    expect(decoded.label).toBe("Person");
    // The release's own frame (x-left, y-up) has x and y negated.
    const official = box3DToOfficialFrame(decoded.box);
    expect(official.centerOfficialM[0]).toBeCloseTo(-x, 12);
    expect(official.centerOfficialM[1]).toBeCloseTo(-y, 12);
    expect(official.centerOfficialM[0]).toBeGreaterThan(0); // left of centre in the image is +x for them
  });

  it("encodes back to the same line", () => {
    const [rec] = parseBboxLines(line, "example");
    const decoded = officialToBox3D(rec!, { K, size, form: "float" });
    const record = box3DToOfficial("Person", decoded.box, { K, size, form: "float" });
    expect(record.clipped).toEqual([]);
    expect(record.u).toBeCloseTo(rec!.u, 12);
    expect(record.v).toBeCloseTo(rec!.v, 12);
    const back = parseBboxLines(serializeBboxLines([record]), "again")[0]!;
    expect(back).toMatchObject({ z: 2.8857421875, sx: 0.609619140625, angle: 0 });
    expect(back.u).toBeCloseTo(0.490625, 11);
  });
});

describe("float form: the release's reasoning example", () => {
  it("bbox_0=Bbox(person,0.275,0.483,2.9717,0.0,0.6150,0.9108,0.7590) -> [0.27, 0.03, 2.97, 0.61, 0.91, 0.76]", () => {
    // The trace's x and y depend on the image's K, which is not published; fx_n = 2.5, fy_n = 1.7
    // reproduce them. z and the sizes do not depend on K.
    const size: ImageSize = { width: 480, height: 640 };
    const K = intrinsicsFromNormalized({ fx: 2.5, fy: 1.7, cx: 0.5, cy: 0.5 }, size);
    const [rec] = parseBboxLines("bbox_0=Bbox(person,0.275,0.483,2.9717,0.0,0.6150,0.9108,0.7590)\n", "trace");
    const { box } = officialToBox3D(rec!, { K, size, form: "float" });
    const off = box3DToOfficialFrame(box);
    const trace = [...off.centerOfficialM, ...off.sizeM].map((n) => n.toFixed(2));
    expect(trace).toEqual(["0.27", "0.03", "2.97", "0.61", "0.91", "0.76"]);
    expect(box.size[1].toFixed(2)).toBe("0.91"); // "the height of person is 0.91 meters"
  });
});

describe("integer form", () => {
  const size: ImageSize = { width: 640, height: 480 };
  const K = intrinsicsFromNormalized({ fx: 0.9, fy: 1.2, cx: 0.5, cy: 0.5 }, size);

  it("decodes hand-computed bins: z 500 with shift0_z 1.0, scaling 0.5 -> 3.0 m; size 400 -> 0.5 m", () => {
    const norm: SceneNormalization = { shift0: [0, 0, 1.0], scaling: 0.5 };
    const rec = { id: 2, label: "chair", u: 500, v: 500, z: 500, angle: 500, sx: 400, sy: 400, sz: 400 };
    const { box } = officialToBox3D(rec, { K, size, form: "int", norm });
    expect(box.center[0]).toBeCloseTo(0, 12); // u = 0.5 = cx_n
    expect(box.center[1]).toBeCloseTo(0, 12);
    expect(box.center[2]).toBe(3.0);
    expect(box.size.map((s) => +s.toFixed(12))).toEqual([0.5, 0.5, 0.5]);
    expect(box.yaw).toBe(0);
    expect(box3DToOfficial("chair", box, { K, size, form: "int", norm, id: 2 })).toEqual({ ...rec, clipped: [] });
  });

  it("box -> ints -> box is within one bin per field", () => {
    const norm: SceneNormalization = { shift0: [-2.1, -1.3, 0.7], scaling: 0.27 };
    const zBin = 2.0 / 1000 / norm.scaling;
    const sBin = 0.625 / 1000 / norm.scaling;
    const aBin = (4 * Math.PI) / 1000;
    const boxes: Box3D[] = [
      { center: [0.3, -0.2, 2.5], size: [0.5, 0.9, 0.45], yaw: 0.4 },
      { center: [-1.2, 0.6, 5.1], size: [1.7, 0.8, 0.95], yaw: -1.3 },
      { center: [0.05, 0.4, 1.1], size: [0.1, 0.2, 0.3], yaw: 0 },
    ];
    for (const box of boxes) {
      const record = box3DToOfficial("thing", box, { K, size, form: "int", norm });
      expect(record.clipped).toEqual([]);
      for (const k of ["u", "v", "z", "angle", "sx", "sy", "sz"] as const) expect(Number.isInteger(record[k])).toBe(true);
      const back = officialToBox3D(record, { K, size, form: "int", norm }).box;
      const uv = normalizedFromPixel(project(K, box.center)!, size);
      const uvBack = normalizedFromPixel(project(K, back.center)!, size);
      expect(Math.abs(uvBack[0] - uv[0])).toBeLessThanOrEqual(0.5 / 1000 + 1e-12);
      expect(Math.abs(uvBack[1] - uv[1])).toBeLessThanOrEqual(0.5 / 1000 + 1e-12);
      // floor: the decoded value is the bin's lower edge, at most one bin below
      expect(box.center[2] - back.center[2]).toBeGreaterThanOrEqual(-1e-12);
      expect(box.center[2] - back.center[2]).toBeLessThan(zBin);
      for (let a = 0; a < 3; a++) {
        expect(box.size[a]! - back.size[a]!).toBeGreaterThanOrEqual(-1e-12);
        expect(box.size[a]! - back.size[a]!).toBeLessThan(sBin);
      }
      expect(Math.abs(back.yaw - box.yaw)).toBeLessThan(aBin);
    }
  });

  it("reports clipped fields", () => {
    const norm: SceneNormalization = { shift0: [0, 0, 1.0], scaling: 0.5 };
    const far: Box3D = { center: [0, 0, 100], size: [3, 0.5, 0.5], yaw: 0 };
    const record = box3DToOfficial("wall", far, { K, size, form: "int", norm });
    expect(record.clipped).toEqual(["z", "sx"]);
    expect(record.z).toBe(999);
    expect(record.sx).toBe(999);
  });

  it("rejects out-of-range bins, a missing normalization and bad float records", () => {
    const norm: SceneNormalization = { shift0: [0, 0, 1.0], scaling: 0.5 };
    const rec = { id: 7, label: "cup", u: 500, v: 1000, z: 500, angle: 500, sx: 1, sy: 1, sz: 1 };
    expect(() => officialToBox3D(rec, { K, size, form: "int", norm, where: "model output" })).toThrow(
      "model output: bbox_7.v = 1000: integer-form bin must be an integer in [0, 999]",
    );
    expect(() => officialToBox3D({ ...rec, v: 5 }, { K, size, form: "int" })).toThrow(/norm = undefined/);
    const floatRec = { id: 1, label: "cup", u: 0.5, v: 0.5, z: 2, angle: 0, sx: 0.1, sy: -0.1, sz: 0.1 };
    expect(() => officialToBox3D(floatRec, { K, size, form: "float" })).toThrow(/bbox_1\.sy = -0\.1: size must be >= 0/);
    expect(() => officialToBox3D({ ...floatRec, sy: 0.1, z: 0 }, { K, size, form: "float" })).toThrow(/bbox_1\.z = 0/);
    const behind: Box3D = { center: [0, 0, -1], size: [1, 1, 1], yaw: 0 };
    expect(() => box3DToOfficial("x", behind, { K, size, form: "float" })).toThrow(/center\.z = -1/);
  });

  it("a yawed box keeps its turn through the float form: angle_y = -yaw", () => {
    const box: Box3D = { center: [0.3, 0.1, 2], size: [1, 1, 2], yaw: 0.6 };
    const record = box3DToOfficial("sofa", box, { K, size, form: "float" });
    expect(record.angle).toBe(-0.6);
    expect(officialToBox3D(record, { K, size, form: "float" }).box.yaw).toBe(0.6);
  });
});
