import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { layoutWeights, WEIGHTS_ALIGNMENT_BYTES, writeWeightsFile } from "./weights-file.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "n3d-weights-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Parameters of awkward sizes (not multiples of 16 floats), so padding is needed. */
function oddParams(): Map<string, Float32Array> {
  return new Map([
    ["z.w", Float32Array.from({ length: 7 }, (_, i) => i + 0.5)],
    ["a.b", Float32Array.from([-1, 2, -3])],
    ["m.g", Float32Array.from({ length: 33 }, (_, i) => i / 10)],
  ]);
}

describe("weights file", () => {
  it("puts each parameter, sorted by name, at a multiple of 64 bytes, with its exact bytes", () => {
    const params = oddParams();
    const { bytes, index } = layoutWeights(params);
    expect([...index.keys()]).toEqual(["a.b", "m.g", "z.w"]);
    expect([...index.values()]).toEqual([
      { offset: 0, length: 12 },
      { offset: 64, length: 132 },
      { offset: 256, length: 28 },
    ]);
    expect(bytes.length).toBe(256 + 28);
    for (const [name, { offset, length }] of index) {
      expect(offset % WEIGHTS_ALIGNMENT_BYTES).toBe(0);
      const back = new Float32Array(bytes.slice(offset, offset + length).buffer);
      expect(back).toEqual(params.get(name));
    }
  });

  it("depends on the values only, not on the map's order", () => {
    const params = oddParams();
    const reversed = new Map([...params].reverse());
    expect(layoutWeights(reversed).bytes).toEqual(layoutWeights(params).bytes);
  });

  it("writes the layout to disk and refuses an empty parameter map", async () => {
    const params = oddParams();
    const path = join(dir, "weights.bin");
    const written = await writeWeightsFile(path, params);
    expect(new Uint8Array(await readFile(path))).toEqual(layoutWeights(params).bytes);
    expect(written.bytes).toBe(256 + 28);
    expect(() => layoutWeights(new Map())).toThrow(/layoutWeights: params = \[\]: is empty/);
  });
});
