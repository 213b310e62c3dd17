import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { zipSync } from "fflate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { serializeNpy, toFloat32 } from "./npy.js";
import type { NpyArray } from "./npy.js";
import { readNpz, writeNpz } from "./npz.js";
import { listDir, makeTempDir } from "./testing/fixtures.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(async () => cleanup());

/**
 * Written by numpy 2.4 (zip64 extra fields on every member, as numpy always writes them):
 * np.savez_compressed(f, pcd=np.array([[1, 65504, 2**-24, -0.0, inf, -inf, nan]], dtype='<f2'),
 *                     intr=np.eye(3, dtype='<f4'))
 */
const NUMPY_COMPRESSED =
  "UEsDBC0AAAAIAAAAIQD9j/sf//////////8HABQAcGNkLm5weQEAEACOAAAAAAAAAFQAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgbpNmpK6joJ6WX1RSlJgXn1+UkgoSd0vMKU4FihdnJBakAvkahjoK5po6CrUKZAMuBpv/1YwMDA0MNQx/GOoAUEsDBC0AAAAIAAAAIQC5HlG1//////////8IABQAaW50ci5ucHkBABAApAAAAAAAAABPAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TZqKuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GsY6CsaaOgq1CmQDLgaGBnsGFIDJBwBQSwECLQMtAAAACAAAACEA/Y/7H1QAAACOAAAABwAAAAAAAAAAAAAAgAEAAAAAcGNkLm5weVBLAQItAy0AAAAIAAAAIQC5HlG1TwAAAKQAAAAIAAAAAAAAAAAAAACAAY0AAABpbnRyLm5weVBLBQYAAAAAAgACAGsAAAAWAQAAAAA=";
/** np.savez(f, a=np.arange(6, dtype='<f4').reshape(2, 3), m=np.array([True, False])) — stored members. */
const NUMPY_STORED =
  "UEsDBC0AAAAAAAAAIQBP6QAq//////////8FABQAYS5ucHkBABAAmAAAAAAAAACYAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxmNCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgyLCAzKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAAAAAAAAgD8AAABAAABAQAAAgEAAAKBAUEsDBC0AAAAAAAAAIQDuGbtd//////////8FABQAbS5ucHkBABAAggAAAAAAAACCAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJ3xiMScsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgyLCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAQBQSwECLQMtAAAAAAAAACEAT+kAKpgAAACYAAAABQAAAAAAAAAAAAAAgAEAAAAAYS5ucHlQSwECLQMtAAAAAAAAACEA7hm7XYIAAACCAAAABQAAAAAAAAAAAAAAgAHPAAAAbS5ucHlQSwUGAAAAAAIAAgBmAAAAiAEAAAAA";

const ARRAYS: Record<string, NpyArray> = {
  pcd: { dtype: "<f2", shape: [2, 2, 4], data: Float32Array.from({ length: 16 }, (_, i) => (i % 4 === 3 ? 1 : i / 8 - 1)) },
  intr: { dtype: "<f4", shape: [3, 3], data: Float32Array.from([0.8, 0, 0.5, 0, 1.1, 0.5, 0, 0, 1]) },
  mask: { dtype: "|b1", shape: [2, 2], data: Uint8Array.from([1, 0, 1, 1]) },
};

/** Compression method of each local file header in a zip (0 stored, 8 deflated). */
function zipMethods(zip: Uint8Array): number[] {
  const methods: number[] = [];
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let i = 0; i + 30 <= zip.length; i++) if (view.getUint32(i, true) === 0x04034b50) methods.push(view.getUint16(i + 8, true));
  return methods;
}

describe("npz", () => {
  for (const compress of [false, true]) {
    it(`round-trips ${compress ? "deflated" : "stored"} members`, async () => {
      const path = join(dir, "scene.npz");
      await writeNpz(path, ARRAYS, { compress });
      const bytes = await readFile(path);
      expect(zipMethods(bytes)).toEqual(compress ? [8, 8, 8] : [0, 0, 0]);
      const back = await readNpz(path);
      expect([...back.keys()]).toEqual(["pcd", "intr", "mask"]);
      for (const [key, a] of Object.entries(ARRAYS)) {
        const b = back.get(key)!;
        expect(b.dtype).toBe(a.dtype);
        expect(b.shape).toEqual(a.shape);
        expect(Array.from(b.data as ArrayLike<number>)).toEqual(Array.from(a.data as ArrayLike<number>));
      }
      expect(await listDir(dir)).toEqual(["scene.npz"]);
    });
  }

  it("writes the same bytes every time", async () => {
    await writeNpz(join(dir, "a.npz"), ARRAYS, { compress: true });
    await writeNpz(join(dir, "b.npz"), ARRAYS, { compress: true });
    expect(Buffer.compare(await readFile(join(dir, "a.npz")), await readFile(join(dir, "b.npz")))).toBe(0);
  });

  it("reads numpy's own savez_compressed output (zip64 members, float16 specials)", async () => {
    const arrays = await readNpz(Buffer.from(NUMPY_COMPRESSED, "base64"), "official.npz");
    const pcd = arrays.get("pcd")!;
    expect(pcd.dtype).toBe("<f2");
    expect(pcd.shape).toEqual([1, 7]);
    expect(Array.from(toFloat32(pcd))).toEqual([1, 65504, 2 ** -24, -0, Infinity, -Infinity, NaN]);
    const intr = arrays.get("intr")!;
    expect(intr.dtype).toBe("<f4");
    expect(Array.from(intr.data as Float32Array)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it("reads numpy's own savez output (stored members)", async () => {
    const arrays = await readNpz(Buffer.from(NUMPY_STORED, "base64"));
    expect(arrays.get("a")).toEqual({ dtype: "<f4", shape: [2, 3], data: Float32Array.from([0, 1, 2, 3, 4, 5]) });
    expect(arrays.get("m")).toEqual({ dtype: "|b1", shape: [2], data: Uint8Array.from([1, 0]) });
  });

  it("reports a missing file", async () => {
    const path = join(dir, "missing.npz");
    await expect(readNpz(path)).rejects.toThrow(`${path}: file = "${path}": does not exist`);
  });

  it("refuses a file that is not a zip, and a truncated zip", async () => {
    const path = join(dir, "fake.npz");
    await writeFile(path, serializeNpy(ARRAYS["intr"]!));
    const err = await readNpz(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(`${path}: format = "93 4e 55 4d": not a zip archive`);
    const zip = Buffer.from(NUMPY_COMPRESSED, "base64");
    await expect(readNpz(zip.subarray(0, 100), "cut.npz")).rejects.toThrow("cut.npz: zip = ");
  });

  it("names the member when one .npy inside is broken", async () => {
    const good = serializeNpy(ARRAYS["intr"]!);
    const zip = zipSync({ "intr.npy": good.subarray(0, good.length - 4), "notes.txt": Buffer.from("ignored") });
    await expect(readNpz(zip, "scene.npz")).rejects.toThrow("scene.npz:intr.npy: data bytes = 32: expected 36 bytes");
  });

  it("writes nothing when an array is invalid", async () => {
    const path = join(dir, "bad.npz");
    const bad = { dtype: "<f4", shape: [5], data: new Float32Array(4) };
    await expect(writeNpz(path, { ok: ARRAYS["intr"]!, bad })).rejects.toThrow(`${path}:bad: shape = "(5,)"`);
    expect(await listDir(dir)).toEqual([]);
  });
});
