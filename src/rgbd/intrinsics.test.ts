import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { intrinsicsFromNormalized } from "../geometry/index.js";
import { InputError } from "../errors.js";
import { intrinsicsToJson, parseIntrinsics, readIntrinsics, writeIntrinsics } from "./intrinsics.js";
import { makeTempDir } from "./testing/fixtures.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(async () => cleanup());

const K = { fx: 525, fy: 520, cx: 319.5, cy: 239.5 };
const size = { width: 640, height: 480 };

async function cam(json: string): Promise<string> {
  const path = join(dir, "cam.json");
  await writeFile(path, json);
  return path;
}

describe("readIntrinsics", () => {
  it("reads pixel intrinsics", async () => {
    expect(await readIntrinsics(await cam(JSON.stringify(K)))).toEqual(K);
  });

  it("reads K as 3x3 or flat 9", async () => {
    const rows = [[525, 0, 319.5], [0, 520, 239.5], [0, 0, 1]];
    expect(await readIntrinsics(await cam(JSON.stringify({ K: rows })))).toEqual(K);
    expect(await readIntrinsics(await cam(JSON.stringify({ K: rows.flat() })))).toEqual(K);
  });

  it("converts normalized intrinsics with the half-pixel convention", async () => {
    const n = { fx: 0.8, fy: 1.1, cx: 0.5, cy: 0.5 };
    const expected = intrinsicsFromNormalized(n, size);
    expect(expected.cx).toBe(319.5);
    expect(await readIntrinsics(await cam(JSON.stringify({ normalized: true, ...n })), size)).toEqual(expected);
    expect(await readIntrinsics(await cam(JSON.stringify({ normalized: true, ...n, ...size })))).toEqual(expected);
  });

  it("builds intrinsics from a horizontal field of view", async () => {
    const got = await readIntrinsics(await cam('{"fov_x_deg": 90}'), size);
    expect(got.fx).toBeCloseTo(320, 10);
    expect(got.fy).toBe(got.fx);
    expect([got.cx, got.cy]).toEqual([319.5, 239.5]);
  });

  it("needs a size for the normalized and field-of-view forms", async () => {
    const path = await cam('{"fov_x_deg": 60}');
    await expect(readIntrinsics(path)).rejects.toThrow(`${path}: fov_x_deg = 60: needs the image size`);
    await expect(readIntrinsics(await cam('{"normalized": true, "fx": 1, "fy": 1, "cx": 0.5, "cy": 0.5}'))).rejects.toThrow(
      "normalized = true: needs the image size",
    );
  });

  it("names the file, field and value for bad focal lengths", async () => {
    const cases: Array<[string, string]> = [
      ['{"fx": 0, "fy": 1, "cx": 0, "cy": 0}', "fx = 0: focal length must be a finite number > 0 (pixels)"],
      ['{"fx": 1, "fy": -3, "cx": 0, "cy": 0}', "fy = -3: focal length must be a finite number > 0 (pixels)"],
      ['{"fx": "NaN", "fy": 1, "cx": 0, "cy": 0}', 'fx = "NaN": expected number, received string'],
      ['{"fx": null, "fy": 1, "cx": 0, "cy": 0}', "fx = null: expected number, received null"],
      ['{"fx": 1, "fy": 1, "cx": 0}', "cy = undefined: expected number, received undefined"],
      ['{"K": [[1, 0, 0], [0, 0, 0], [0, 0, 1]]}', "fy = 0: focal length must be a finite number > 0 (pixels)"],
      ['{"normalized": true, "fx": 0, "fy": 1, "cx": 0.5, "cy": 0.5}', "fx = 0: focal length must be a finite number > 0 (pixels)"],
    ];
    for (const [json, message] of cases) {
      const path = await cam(json);
      const err = await readIntrinsics(path, size).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toBe(`${path}: ${message}`);
    }
  });

  it("refuses malformed matrices, unknown keys, bad JSON and size mismatches", async () => {
    const expectError = async (json: string, message: string, s?: typeof size) => {
      const path = await cam(json);
      await expect(readIntrinsics(path, s)).rejects.toThrow(`${path}: ${message}`);
    };
    await expectError('{"K": [[1, 0.1, 0], [0, 1, 0], [0, 0, 1]]}', "K[0][1] = 0.1: must be 0");
    await expectError('{"K": [[1, 0, 0], [0, 1, 0], [0, 0, 2]]}', "K[2][2] = 2: must be 1");
    await expectError('{"K": [1, 0, 0, 0, 1, 0]}', "K = [1,0,0,0,1,0]: must be a 3x3 matrix");
    await expectError('{"K": [[1, 0, 0], [0, "x", 0], [0, 0, 1]]}', 'K[1][1] = "x": must be a finite number');
    await expectError('{"K": [1, 0, 0, 0, 1, 0, 0, 0, null]}', "K[8] = null: must be a finite number");
    await expectError('{"fx": 1, "fy": 1, "cx": 0, "cy": 0, "k1": 0.1}', "k1 = 0.1: unknown key for this form of intrinsics");
    await expectError('{"fx": 1, "fy": 1, "cx": 0, "cy": 0, "width": 640}', "width = 640: give both width and height");
    await expectError('{"fx": 1, "fy": 1, "cx": 0, "cy": 0, "width": 320, "height": 240}', 'width x height = "320x240": intrinsics are for a different image size than 640x480', size);
    await expectError('{"fov_x_deg": 180}', "fov_x_deg = 180: horizontal field of view must be in (0, 180) degrees", size);
    await expectError("{fx: 1}", "json = ");
    await expectError("[1, 2, 3]", "intrinsics = [1,2,3]: must be a JSON object");
  });

  it("round-trips through intrinsicsToJson", async () => {
    const path = join(dir, "out.json");
    await writeIntrinsics(path, K, size);
    expect(await readIntrinsics(path, size)).toEqual(K);
    expect(JSON.parse(intrinsicsToJson(K))).toEqual(K);
    expect(parseIntrinsics(JSON.parse(intrinsicsToJson(K, size)), "mem")).toEqual(K);
  });
});
