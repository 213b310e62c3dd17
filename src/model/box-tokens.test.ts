import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import { quantizeUV } from "../formats/index.js";
import { iou3d, project, type Box3D, type Intrinsics } from "../geometry/index.js";
import { createRng, deriveSeed } from "../random.js";
import { annotateScene, renderScene, sampleScenePlan } from "../synth/index.js";
import {
  axisBins,
  binToken,
  boxTokenNames,
  canonicalizeYaw,
  decodeBox,
  dequantize,
  encodeBox,
  parseBinToken,
  quantize,
} from "./box-tokens.js";
import { resolveModelConfig } from "./config.js";

const small = resolveModelConfig("small");
const K: Intrinsics = { fx: 300, fy: 300, cx: 159.5, cy: 119.5 };
const size = { width: 320, height: 240 };

/** Visible synth boxes of `scenes` scenes with their intrinsics (n3d synth's own frames). */
function synthBoxes(scenes: number): { box: Box3D; K: Intrinsics }[] {
  const out: { box: Box3D; K: Intrinsics }[] = [];
  const frame = { width: 160, height: 120 };
  for (let i = 0; i < scenes; i++) {
    const plan = sampleScenePlan(deriveSeed(3, i), { size: frame });
    for (const a of annotateScene(plan, renderScene(plan))) {
      if (a.visible && a.bbox3d) out.push({ box: { center: a.bbox3d.center, size: a.bbox3d.size, yaw: a.bbox3d.yaw }, K: plan.camera.intrinsics });
    }
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

describe("axis bins", () => {
  it("dequantize(quantize(x)) is within half a step of x, and quantize(dequantize(k)) = k", () => {
    const rng = createRng(1);
    for (const axis of ["u", "v", "z", "s", "yaw"] as const) {
      const bins = axisBins(small, axis);
      for (let i = 0; i < 200; i++) {
        const k = bins.first + rng.int(bins.count);
        expect(quantize(bins, dequantize(bins, k))).toBe(k);
        const x = dequantize(bins, k) * (bins.scale === "log" ? Math.exp(rng.uniform(-0.49, 0.49) * bins.step) : 1) + (bins.scale === "linear" ? rng.uniform(-0.49, 0.49) * bins.step : 0);
        expect(quantize(bins, x)).toBe(k);
      }
    }
  });

  it("log bins span the configured range with relative steps", () => {
    const z = axisBins(small, "z");
    expect(dequantize(z, 0)).toBeCloseTo(0.1, 12);
    expect(dequantize(z, z.count - 1)).toBeCloseTo(20, 9);
    expect(dequantize(z, 501) / dequantize(z, 500)).toBeCloseTo(Math.exp(z.step), 12);
  });

  it("u and v bins 0 ... 999 are the official release's integer u_int / v_int", () => {
    const rng = createRng(7);
    const u = axisBins(small, "u");
    for (let i = 0; i < 500; i++) {
      const x = rng.uniform(0, 0.9994);
      expect(quantize(u, x)).toBe(quantizeUV(x).value);
    }
    expect(quantize(u, -0.1)).toBe(-100); // the margin bins extend the same grid
  });

  it("names bin tokens and parses them back", () => {
    expect(binToken("u", -3)).toBe("<u_-3>");
    expect(parseBinToken("<yaw_12>")).toEqual({ axis: "yaw", bin: 12 });
    expect(parseBinToken("<u_x>")).toBeNull();
    expect(parseBinToken("chair")).toBeNull();
    const names = boxTokenNames(small);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBe(1500 + 1500 + 1000 + 256 + 64);
    expect(boxTokenNames(resolveModelConfig("small", { target: "xyz" })).filter((t) => t.startsWith("<x_")).length).toBe(3000);
  });

  it("rejects values outside the token range instead of clamping", () => {
    const z = axisBins(small, "z");
    expect(errorOf(() => quantize(z, 25)).message).toMatch(/^quantize: z = 25: is outside the token range \[0\.0997, 20\.0\d*\) \(planar depth/);
    expect(errorOf(() => quantize(z, 0)).problem).toBe("must be a finite number > 0 (log bins)");
    expect(errorOf(() => dequantize(z, 1000)).field).toBe("z bin");
  });
});

describe("canonicalizeYaw", () => {
  it("gives the same solid with yaw in [-pi/4, pi/4)", () => {
    const rng = createRng(3);
    for (let i = 0; i < 100; i++) {
      const box: Box3D = { center: [rng.uniform(-1, 1), 0, rng.uniform(2, 5)], size: [rng.uniform(0.2, 2), 1, rng.uniform(0.2, 2)], yaw: rng.uniform(-7, 7) };
      const c = canonicalizeYaw(box);
      expect(c.yaw).toBeGreaterThanOrEqual(-Math.PI / 4);
      expect(c.yaw).toBeLessThan(Math.PI / 4);
      expect(iou3d(box, c)).toBeCloseTo(1, 6);
    }
    expect(canonicalizeYaw({ center: [0, 0, 1], size: [1, 2, 3], yaw: Math.PI / 4 })).toEqual({ center: [0, 0, 1], size: [3, 2, 1], yaw: -Math.PI / 4 });
  });
});

describe("encodeBox / decodeBox", () => {
  const box: Box3D = { center: [0.4, -0.2, 3.1], size: [0.6, 0.9, 0.45], yaw: 0.3 };

  it("writes seven tokens in axis order and decodes them to within half a bin", () => {
    const tokens = encodeBox(box, K, size, small);
    expect(tokens.map((t) => parseBinToken(t)!.axis)).toEqual(["u", "v", "z", "s", "s", "s", "yaw"]);
    const uv = project(K, box.center)!;
    expect(parseBinToken(tokens[0]!)!.bin).toBe(Math.round(((uv[0] + 0.5) / size.width) * 1000));
    const back = decodeBox(tokens, K, size, small);
    expect(back.center[2]).toBeCloseTo(3.1, 1);
    expect(Math.abs(back.center[2] / 3.1 - 1)).toBeLessThan(axisBins(small, "z").step / 2 + 1e-12);
    expect(Math.abs(back.yaw - 0.3)).toBeLessThanOrEqual(axisBins(small, "yaw").step / 2 + 1e-12);
    expect(iou3d(box, back)).toBeGreaterThan(0.95);
    // Tokens are a fixed point: decoding then encoding gives them back.
    expect(encodeBox(back, K, size, small)).toEqual(tokens);
  });

  it("is resolution free: the same box in a resized frame gives the same tokens", () => {
    const half = { width: 160, height: 120 };
    const Khalf: Intrinsics = { fx: K.fx / 2, fy: K.fy / 2, cx: (K.cx + 0.5) / 2 - 0.5, cy: (K.cy + 0.5) / 2 - 0.5 };
    expect(encodeBox(box, Khalf, half, small)).toEqual(encodeBox(box, K, size, small));
  });

  it("has an XYZ variant", () => {
    const xyz = resolveModelConfig("small", { target: "xyz" });
    const tokens = encodeBox(box, K, size, xyz);
    expect(tokens.map((t) => parseBinToken(t)!.axis)).toEqual(["x", "y", "z", "s", "s", "s", "yaw"]);
    const back = decodeBox(tokens, K, size, xyz);
    expect(Math.abs(back.center[0] - 0.4)).toBeLessThanOrEqual(axisBins(xyz, "x").step / 2 + 1e-12);
    expect(encodeBox(back, K, size, xyz)).toEqual(tokens);
  });

  it("keeps the solid when yaw rounds up to +pi/4 (bin 0 with sx, sz swapped)", () => {
    const edge: Box3D = { center: [0, 0, 2], size: [0.5, 0.5, 1.5], yaw: Math.PI / 4 - 1e-4 };
    const tokens = encodeBox(edge, K, size, small);
    expect(tokens[6]).toBe("<yaw_0>");
    expect(iou3d(edge, decodeBox(tokens, K, size, small))).toBeGreaterThan(0.95);
  });

  it("names the problem for boxes it cannot write and tokens it cannot read", () => {
    expect(errorOf(() => encodeBox({ ...box, center: [0, 0, -1] }, K, size, small)).field).toBe("center[2]");
    expect(errorOf(() => encodeBox({ ...box, center: [0, 0, 30] }, K, size, small)).field).toBe("z");
    expect(errorOf(() => encodeBox({ ...box, center: [40, 0, 3] }, K, size, small)).field).toBe("u");
    expect(errorOf(() => encodeBox({ ...box, size: [0, 1, 1] }, K, size, small)).field).toBe("s");
    const tokens = encodeBox(box, K, size, small);
    expect(errorOf(() => decodeBox(tokens.slice(0, 6), K, size, small)).field).toBe("tokens");
    expect(errorOf(() => decodeBox([tokens[1]!, ...tokens.slice(1)], K, size, small)).message).toBe('decodeBox: tokens[0] = "<v_' + tokens[1]!.slice(3, -1) + '>": expected a <u_k> bin token');
  });

  it("loses little to quantization on synth boxes: median 3D IoU > 0.9, all above 0.25", () => {
    const boxes = synthBoxes(40);
    expect(boxes.length).toBeGreaterThan(150);
    for (const target of ["uvz", "xyz"] as const) {
      const cfg = resolveModelConfig("small", { target });
      const ious = boxes.map(({ box, K: Kb }) => iou3d(box, decodeBox(encodeBox(box, Kb, { width: 160, height: 120 }, cfg), Kb, { width: 160, height: 120 }, cfg)));
      expect(median(ious)).toBeGreaterThan(0.9);
      expect(ious.filter((x) => x >= 0.25).length).toBe(ious.length);
    }
  });
});
