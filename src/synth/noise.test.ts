import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import type { Intrinsics } from "../geometry/index.js";
import { createRng } from "../random.js";
import { applySensorNoise, NOISE_PRESET_NAMES, NOISE_PRESETS, noisePreset, validateSensorNoise, type SensorNoiseParams } from "./noise.js";

const K: Intrinsics = { fx: 200, fy: 210, cx: 99.5, cy: 74.5 };
const OFF = NOISE_PRESETS.none;

/** A W x H scene: depth from a function of (x, y), grey RGB, no specular pixels. */
function scene(width: number, height: number, depthAt: (x: number, y: number) => number) {
  const size = { width, height };
  const depthM = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) depthM[y * width + x] = depthAt(x, y);
  return { size, depthM, rgb: new Uint8Array(3 * width * height).fill(128), specular: new Uint8Array(width * height) };
}

function run(s: ReturnType<typeof scene>, params: SensorNoiseParams, seed = 1) {
  return applySensorNoise(s.depthM, s.rgb, s.specular, s.size, K, params, createRng(seed));
}

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe("noise presets", () => {
  it("are none, light, default, heavy, all valid", () => {
    expect(NOISE_PRESET_NAMES).toEqual(["none", "light", "default", "heavy"]);
    for (const name of NOISE_PRESET_NAMES) expect(validateSensorNoise(noisePreset(name))).toBe(NOISE_PRESETS[name]);
  });

  it("reject an unknown name with the choices", () => {
    expect(errorOf(() => noisePreset("loud")).message).toBe(
      'noisePreset: noise = "loud": is not a supported noise preset; choose one of none, light, default, heavy',
    );
    expect(() => noisePreset("toString")).toThrow("is not a supported noise preset");
  });

  it("reject out-of-range parameters naming the field", () => {
    expect(errorOf(() => validateSensorNoise({ ...OFF, dropoutFraction: 1.5 })).message).toBe(
      "SensorNoiseParams: dropoutFraction = 1.5: must be a probability in [0, 1]",
    );
    expect(() => validateSensorNoise({ ...OFF, depthScale: 0 })).toThrow("depthScale = 0");
    expect(() => validateSensorNoise({ ...OFF, depthNoisePerM: NaN })).toThrow("depthNoisePerM = NaN");
  });
});

describe("applySensorNoise", () => {
  const edgy = scene(40, 30, (x, y) => (x === 0 && y === 0 ? 0 : x < 20 ? 1.5 : 3 + 0.01 * y));

  it("is the identity for preset none (byte for byte, intrinsics unchanged) and pure", () => {
    const withNaN = scene(8, 6, (x, y) => (x === 3 ? NaN : x === 4 ? 0 : 1 + 0.1 * y));
    const copy = Float32Array.from(withNaN.depthM);
    const out = run(withNaN, noisePreset("none"));
    expect(bytes(out.depthM).equals(bytes(withNaN.depthM))).toBe(true);
    expect(out.depthM).not.toBe(withNaN.depthM);
    expect(out.intrinsics).toEqual(K);
    const heavy = run(withNaN, noisePreset("heavy"));
    expect(bytes(withNaN.depthM).equals(bytes(copy))).toBe(true);
    // Pixels without depth stay without depth.
    expect(Number.isNaN(heavy.depthM[3]!)).toBe(true);
    expect(heavy.depthM[4]).toBe(0);
  });

  it("gives the same bytes for the same seed and different ones for another", () => {
    for (const name of ["light", "default", "heavy"]) {
      const a = run(edgy, noisePreset(name), 7);
      const b = run(edgy, noisePreset(name), 7);
      const c = run(edgy, noisePreset(name), 8);
      expect(bytes(a.depthM).equals(bytes(b.depthM))).toBe(true);
      expect(bytes(a.depthM).equals(bytes(c.depthM))).toBe(false);
    }
  });

  it("adds noise with standard deviation k z^2 (within 10 %)", () => {
    const k = 0.004;
    for (const z of [1, 2.5, 4]) {
      const plane = scene(200, 200, () => z);
      const out = run(plane, { ...OFF, depthNoisePerM: k }, 3).depthM;
      let sum = 0;
      let sq = 0;
      for (const d of out) {
        sum += d - z;
        sq += (d - z) ** 2;
      }
      const mean = sum / out.length;
      const std = Math.sqrt(sq / out.length - mean ** 2);
      expect(Math.abs(std / (k * z * z) - 1)).toBeLessThan(0.1);
      expect(Math.abs(mean)).toBeLessThan((5 * k * z * z) / Math.sqrt(out.length)); // unbiased
    }
  });

  it("drops the requested fraction of pixels", () => {
    const plane = scene(200, 200, () => 2);
    const out = run(plane, { ...OFF, dropoutFraction: 0.1 }, 4).depthM;
    const dropped = out.filter((d) => d === 0).length / out.length;
    expect(Math.abs(dropped - 0.1)).toBeLessThan(0.01); // 3-sigma is 0.0045 for 40000 pixels
    expect(out.every((d) => d === 0 || d === 2)).toBe(true);
  });

  it("drops specular and dark pixels with their probabilities, and only those", () => {
    const s = scene(100, 100, () => 2);
    for (let i = 0; i < 5000; i++) s.specular[i] = 1; // top half specular
    for (let i = 5000; i < 7500; i++) s.rgb.fill(10, 3 * i, 3 * i + 3); // next quarter dark
    const out = run(s, { ...OFF, specularDropout: 0.8, darkDropout: 0.4, darkLuminance: 25 }, 5).depthM;
    const share = (from: number, to: number) => out.subarray(from, to).filter((d) => d === 0).length / (to - from);
    expect(Math.abs(share(0, 5000) - 0.8)).toBeLessThan(0.03);
    expect(Math.abs(share(5000, 7500) - 0.4)).toBeLessThan(0.04);
    expect(share(7500, 10000)).toBe(0);
  });

  it("applies the scale bias exactly and misstates the focal length", () => {
    const out = run(edgy, { ...OFF, depthScale: 1.03, focalScale: 1.05 });
    edgy.depthM.forEach((z, i) => expect(out.depthM[i]).toBe(Math.fround(z * 1.03)));
    expect(out.intrinsics).toEqual({ fx: 200 * 1.05, fy: 210 * 1.05, cx: K.cx, cy: K.cy });
  });

  it("puts flying pixels between the two sides of a depth edge, and only there", () => {
    const out = run(edgy, { ...OFF, flyingPixelProbability: 1, flyingPixelJumpM: 0.5 }).depthM;
    for (let y = 0; y < 30; y++) {
      for (let x = 0; x < 40; x++) {
        const i = y * 40 + x;
        const z = edgy.depthM[i]!;
        if (x === 19 || x === 20) {
          // Every edge pixel moved strictly between its own depth and the other side's.
          const other = edgy.depthM[y * 40 + (x === 19 ? 20 : 19)]!;
          expect(out[i]).not.toBe(z);
          expect(out[i]!).toBeGreaterThanOrEqual(Math.min(z, other));
          expect(out[i]!).toBeLessThanOrEqual(Math.max(z, other));
        } else {
          expect(out[i]).toBe(z);
        }
      }
    }
    // With probability 0.5 about half the 60 edge pixels fly.
    const half = run(edgy, { ...OFF, flyingPixelProbability: 0.5, flyingPixelJumpM: 0.5 }, 9).depthM;
    const moved = half.filter((d, i) => d !== edgy.depthM[i]).length;
    expect(moved).toBeGreaterThan(15);
    expect(moved).toBeLessThan(45);
  });

  it("rejects buffers of the wrong size", () => {
    expect(() => applySensorNoise(new Float32Array(3), new Uint8Array(12), new Uint8Array(4), { width: 2, height: 2 }, K, OFF, createRng(1))).toThrow(
      "applySensorNoise: depth length = 3: expected 2x2 = 4",
    );
    expect(() => applySensorNoise(new Float32Array(4), new Uint8Array(4), new Uint8Array(4), { width: 2, height: 2 }, K, OFF, createRng(1))).toThrow(
      "applySensorNoise: rgb length = 4: expected 2x2x3 = 12",
    );
  });
});
