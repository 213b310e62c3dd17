import { existsSync } from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { initWasmBackend, resolvePackageDir } from "./tfjs-wasm.js";

describe("initWasmBackend", () => {
  it("starts tfjs's wasm backend once from node_modules and leaves process error handling alone", async () => {
    const listenersBefore = ["uncaughtException", "unhandledRejection"].map((e) => process.listenerCount(e));
    const [a, b] = await Promise.all([initWasmBackend(), initWasmBackend()]);
    expect(b).toBe(a);
    expect(await initWasmBackend()).toBe(a);
    expect(tf.getBackend()).toBe("wasm");
    expect(a.backend).toBe("wasm");
    expect(a.threads).toBe(1);
    expect(a.wasmFile).toMatch(a.binary === "simd" ? /tfjs-backend-wasm-simd\.wasm$/ : /tfjs-backend-wasm\.wasm$/);
    expect(existsSync(a.wasmFile)).toBe(true);
    expect(["uncaughtException", "unhandledRejection"].map((e) => process.listenerCount(e))).toEqual(listenersBefore);
    const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync());
    expect(Array.from(sum)).toEqual([4, 6]);
  });
});

describe("resolvePackageDir", () => {
  it("finds packages whose exports map hides package.json, and names a missing one", () => {
    expect(existsSync(`${resolvePackageDir("@vladmandic/human", "t")}/models/centernet.json`)).toBe(true);
    expect(() => resolvePackageDir("@n3d/no-such-package", "loadCenterNet")).toThrow(InputError);
    expect(() => resolvePackageDir("@n3d/no-such-package", "loadCenterNet")).toThrow('loadCenterNet: package = "@n3d/no-such-package": is not installed');
  });
});
