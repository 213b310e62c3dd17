import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import { normalizedFromPixel, project, type ImageSize, type Intrinsics, type Vec3 } from "../geometry/index.js";
import { createRng } from "../random.js";
import type { RGBDFrame } from "../rgbd/index.js";
import { patchGrid, resolveModelConfig, type ModelConfig } from "./config.js";
import { areaWeights, resizedIntrinsics, sineEncoding3D, visionInputs } from "./vision-inputs.js";

/** 4x4 input, 2x2 patches (a 2x2 grid), dModel 12: two frequencies per axis. */
const cfg4 = resolveModelConfig("tiny", { inputWidth: 4, inputHeight: 4, patchSize: 2, dModel: 12, heads: 2, ffn: 24 });
const K4: Intrinsics = { fx: 2, fy: 2, cx: 1.5, cy: 1.5 };

function frame(size: ImageSize, depthM: number[], extra: Partial<RGBDFrame> = {}, rgb?: Uint8Array): RGBDFrame {
  return { size, rgb: rgb ?? new Uint8Array(size.width * size.height * 3).fill(128), depthM: Float32Array.from(depthM), intrinsics: K4, ...extra };
}

/** Value of input pixel (x, y), channel c, read back from the patch layout. */
function pixelAt(patches: Float32Array, cfg: ModelConfig, x: number, y: number, c: number): number {
  const g = patchGrid(cfg);
  const p = Math.floor(y / cfg.patchSize) * g.cols + Math.floor(x / cfg.patchSize);
  return patches[p * g.patchDim + 3 * ((y % cfg.patchSize) * cfg.patchSize + (x % cfg.patchSize)) + c]!;
}

// A hand-made 4x4 depth map: patch (0,0) has one invalid pixel (0), patch (0,1) one NaN, patch
// (1,0) none valid, patch (1,1) all valid at 3 m.
const DEPTH = [1, 1, 2, 2, 1, 0, 2, NaN, 0, 0, 3, 3, 0, 0, 3, 3];

describe("per-patch points", () => {
  it("averages valid pixels per patch, centres on the scene mean, and gives empty patches the scene mean", () => {
    const v = visionInputs(frame({ width: 4, height: 4 }, DEPTH), cfg4);
    // Hand-computed: scene mean over the 10 valid points = (0.675, 0.075, 2.1).
    expect(v.sceneMeanM[0]).toBeCloseTo(0.675, 6);
    expect(v.sceneMeanM[1]).toBeCloseTo(0.075, 6);
    expect(v.sceneMeanM[2]).toBeCloseTo(2.1, 6);
    const patch = (p: number): number[] => Array.from(v.patchPointsM.slice(3 * p, 3 * p + 3));
    // Patch 0: pixels (0,0), (1,0), (0,1) at 1 m -> mean (-7/12, -7/12, 1).
    expect(patch(0).map((x) => Number(x.toFixed(5)))).toEqual([-1.25833, -0.65833, -1.1]);
    expect(patch(2)).toEqual([0, 0, 0]); // no valid pixel: the scene mean, centred
    expect(patch(3).map((x) => Number(x.toFixed(5)))).toEqual([0.825, 1.425, 0.9]);
    expect(Array.from(v.patchValidFraction)).toEqual([0.75, 0.75, 0, 1]);
  });

  it("uses the frame's point map and validity mask when it has them", () => {
    const pointsM = new Float32Array(16 * 3);
    for (let i = 0; i < 16; i++) pointsM.set([10 + i, 20, 2], 3 * i); // not a pinhole back-projection
    const mask = new Uint8Array(16).fill(1);
    mask[0] = 0;
    const v = visionInputs(frame({ width: 4, height: 4 }, new Array(16).fill(2), { pointsM, validMask: mask }), cfg4);
    const meanX = (Array.from({ length: 15 }, (_, i) => 11 + i).reduce((a, b) => a + b, 0)) / 15;
    expect(v.sceneMeanM).toEqual([meanX, 20, 2]);
    // Patch 0 holds pixels 1, 4, 5 (pixel 0 masked): x = 10 + (1 + 4 + 5) / 3.
    expect(v.patchPointsM[0]).toBeCloseTo(10 + 10 / 3 - meanX, 5);
  });

  it("encodes positions in millimetres with sin/cos pairs per axis", () => {
    const v = visionInputs(frame({ width: 4, height: 4 }, DEPTH), cfg4);
    // Patch 3's centred point is (0.825, 1.425, 0.9) m (checked above); frequencies 1 and 10000^-1/2 rad/mm.
    const mm = Array.from(v.patchPointsM.slice(9, 12), (m) => m * 1000);
    expect(mm.map(Math.round)).toEqual([825, 1425, 900]);
    const expected = mm.flatMap((p) => [1, 0.01].flatMap((f) => [Math.sin(p * f), Math.cos(p * f)]));
    Array.from(v.depthPE.slice(3 * 12, 4 * 12)).forEach((g, i) => expect(g).toBeCloseTo(expected[i]!, 6));
    expect(v.depthPE[3 * 12 + 2]).toBeCloseTo(Math.sin(8.25), 5); // x, low frequency: sin(825 mm * 0.01)
    expect(Array.from(v.depthPE.slice(2 * 12, 3 * 12))).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]); // centred position 0
  });

  it("sineEncoding3D zero-fills the channels left over after 3 x 2n", () => {
    const pe = sineEncoding3D(Float32Array.from([100, -50, 7]), 14, 10000);
    expect(pe.length).toBe(14);
    expect(pe[0]).toBeCloseTo(Math.sin(100), 6);
    expect(pe[5]).toBeCloseTo(Math.cos(-50), 6);
    expect(pe[7]).toBeCloseTo(Math.cos(-50 * 0.01), 6);
    expect([pe[12], pe[13]]).toEqual([0, 0]);
    expect(errorOf(() => sineEncoding3D(new Float32Array(4), 12, 10000)).field).toBe("points length");
  });

  it("gives zeros without the depth encoding, and needs valid depth with it", () => {
    const empty = frame({ width: 4, height: 4 }, new Array(16).fill(0));
    const off = visionInputs(empty, { ...cfg4, depthPE: false });
    expect(off.depthPE.every((x) => x === 0)).toBe(true);
    expect(off.depthPE.length).toBe(4 * 12);
    expect(errorOf(() => visionInputs(empty, cfg4)).message).toBe('visionInputs: depth = "0 valid of 16 pixels": the depth encoding needs at least one pixel with valid depth');
    expect(errorOf(() => visionInputs({ ...empty, rgb: new Uint8Array(5) }, cfg4)).field).toBe("rgb length");
  });
});

describe("resize", () => {
  it("averages 2x2 blocks when halving and repeats pixels when doubling", () => {
    const rng = createRng(5);
    const rgb = Uint8Array.from({ length: 8 * 8 * 3 }, () => rng.int(256));
    const v = visionInputs(frame({ width: 8, height: 8 }, new Array(64).fill(1), { intrinsics: K4 }, rgb), cfg4);
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 4; x++) {
        for (let c = 0; c < 3; c++) {
          const block = [0, 1].flatMap((dy) => [0, 1].map((dx) => rgb[3 * ((2 * y + dy) * 8 + 2 * x + dx) + c]!));
          expect(pixelAt(v.patches, cfg4, x, y, c)).toBeCloseTo(block.reduce((a, b) => a + b, 0) / 4 / 127.5 - 1, 5);
        }
      }
    }
    const small = Uint8Array.from({ length: 2 * 2 * 3 }, () => rng.int(256));
    const up = visionInputs(frame({ width: 2, height: 2 }, [1, 1, 1, 1], {}, small), cfg4);
    expect(pixelAt(up.patches, cfg4, 3, 1, 2)).toBeCloseTo(small[3 * (0 * 2 + 1) + 2]! / 127.5 - 1, 5);
  });

  it("preserves the image mean for any scale factor, and constant images stay constant", () => {
    const rng = createRng(8);
    const size = { width: 7, height: 5 };
    const rgb = Uint8Array.from({ length: 35 * 3 }, () => rng.int(256));
    const v = visionInputs(frame(size, new Array(35).fill(1), {}, rgb), cfg4);
    for (let c = 0; c < 3; c++) {
      let src = 0;
      for (let i = 0; i < 35; i++) src += rgb[3 * i + c]!;
      let dst = 0;
      for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) dst += pixelAt(v.patches, cfg4, x, y, c);
      expect(dst / 16).toBeCloseTo(src / 35 / 127.5 - 1, 5);
    }
    const flat = visionInputs(frame(size, new Array(35).fill(1), {}, new Uint8Array(35 * 3).fill(51)), cfg4);
    for (const x of flat.patches) expect(x).toBeCloseTo(51 / 127.5 - 1, 6);
  });

  it("has area weights that sum to one", () => {
    for (const [src, dst] of [[640, 192], [5, 4], [3, 8], [7, 7]] as const) {
      const w = areaWeights(src, dst);
      for (let i = 0; i < dst; i++) {
        let sum = 0;
        for (let k = w.offset[i]!; k < w.offset[i + 1]!; k++) sum += w.weights[k]!;
        expect(sum).toBeCloseTo(1, 12);
        expect(w.start[i]! + (w.offset[i + 1]! - w.offset[i]!)).toBeLessThanOrEqual(src);
      }
    }
  });

  it("adjusts intrinsics so points project to the same normalized coordinates", () => {
    const K: Intrinsics = { fx: 525, fy: 520, cx: 319.5, cy: 239.5 };
    const from = { width: 640, height: 480 };
    const to = { width: 192, height: 144 };
    const K2 = resizedIntrinsics(K, from, to);
    const p: Vec3 = [0.7, -0.3, 2.5];
    const a = normalizedFromPixel(project(K, p)!, from);
    const b = normalizedFromPixel(project(K2, p)!, to);
    expect(b[0]).toBeCloseTo(a[0], 12);
    expect(b[1]).toBeCloseTo(a[1], 12);
    const v = visionInputs(frame(from, new Array(640 * 480).fill(2), { intrinsics: K }), resolveModelConfig("small"));
    expect(v.intrinsics).toEqual(K2);
    expect(v.patches.length).toBe(108 * 768);
    expect(v.depthPE.length).toBe(108 * 256);
    expect(v.patchPointsM.every(Number.isFinite) && v.depthPE.every(Number.isFinite)).toBe(true);
  });
});
