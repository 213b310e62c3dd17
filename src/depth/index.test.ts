import { describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { createDepthBackend } from "./index.js";

describe("createDepthBackend", () => {
  it("makes the sensor and npz back ends by name", async () => {
    for (const spec of ["sensor", "npz"]) {
      const b = await createDepthBackend(spec);
      expect(b.name).toBe(spec);
      await b.dispose();
    }
  });

  it("refuses an unknown source with the list of supported ones", async () => {
    for (const spec of ["lidar", "", "Sensor", "toString", "constructor"]) {
      const err = (await createDepthBackend(spec).catch((e: unknown) => e)) as Error;
      expect(err, spec).toBeInstanceOf(InputError);
      expect(err.message).toBe(`createDepthBackend: depth = ${JSON.stringify(spec)}: is not a supported depth source; choose one of sensor, npz, onnx:MODEL_DIR`);
    }
  });

  it("needs a folder after onnx: and nothing after sensor or npz", async () => {
    await expect(createDepthBackend("onnx")).rejects.toThrow(/depth = "onnx": give the model folder: onnx:MODEL_DIR/);
    await expect(createDepthBackend("onnx:")).rejects.toThrow(/give the model folder/);
    await expect(createDepthBackend("sensor:x")).rejects.toThrow(/depth = "sensor:x": the sensor source takes no argument/);
    await expect(createDepthBackend("npz:a.npz")).rejects.toThrow(/the npz source takes no argument/);
  });

  it("checks its options once, naming the bad one", async () => {
    const cases: Array<[Parameters<typeof createDepthBackend>[1], RegExp]> = [
      [{ fovXDeg: 0 }, /depth options: fovXDeg = 0: horizontal field of view/],
      [{ fovXDeg: 180 }, /fovXDeg = 180/],
      [{ fovXDeg: NaN }, /fovXDeg = NaN/],
      [{ intrinsics: { fx: 0, fy: 1, cx: 0, cy: 0 } }, /depth options: intrinsics: fx = 0/],
      [{ intrinsicsSource: "guess" as "flag" }, /intrinsicsSource = "guess"/],
      [{ threads: 0 }, /threads = 0: must be a positive integer/],
      [{ threads: 1.5 }, /threads = 1.5/],
      [{ depthScaleHintM: -2 }, /depthScaleHintM = -2: must be a finite number of metres > 0/],
      [{ maxPixels: 0 }, /maxPixels = 0/],
    ];
    for (const [options, message] of cases) await expect(createDepthBackend("sensor", options), JSON.stringify(options)).rejects.toThrow(message);
  });
});
