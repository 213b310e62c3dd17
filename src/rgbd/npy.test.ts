import { describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { NPY_DTYPES, parseNpy, serializeNpy, toFloat32 } from "./npy.js";
import type { NpyArray } from "./npy.js";

/** .npy bytes with a hand-written header, as numpy lays them out (version 1, 2 or 3). */
function npyBytes(header: string, data: Uint8Array, major = 1): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  const padded = header.padEnd(Math.ceil((prefix + header.length + 1) / 64) * 64 - prefix - 1, " ") + "\n";
  const h = Buffer.from(padded, major === 3 ? "utf8" : "latin1");
  const out = new Uint8Array(prefix + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, h.length, true);
  else view.setUint32(8, h.length, true);
  out.set(h, prefix);
  out.set(data, prefix + h.length);
  return out;
}

function le16(...bits: number[]): Uint8Array {
  return new Uint8Array(Uint16Array.from(bits).buffer);
}

const SAMPLES: NpyArray[] = [
  { dtype: "<f4", shape: [2, 3], data: Float32Array.from([0, -1.5, 3.25, NaN, Infinity, 1e-40]) },
  { dtype: "<f2", shape: [7], data: Float32Array.from([1, 65504, 2 ** -24, -0, Infinity, -Infinity, NaN]) },
  { dtype: "<f8", shape: [2], data: Float64Array.from([Math.PI, -1e300]) },
  { dtype: "|u1", shape: [2, 2], data: Uint8Array.from([0, 1, 254, 255]) },
  { dtype: "|i1", shape: [2], data: Int8Array.from([-128, 127]) },
  { dtype: "|b1", shape: [3], data: Uint8Array.from([1, 0, 1]) },
  { dtype: "<u2", shape: [3, 1], data: Uint16Array.from([0, 1000, 65535]) },
  { dtype: "<i2", shape: [2], data: Int16Array.from([-32768, 32767]) },
  { dtype: "<u4", shape: [1], data: Uint32Array.from([4294967295]) },
  { dtype: "<i4", shape: [2], data: Int32Array.from([-2147483648, 7]) },
  { dtype: "<u8", shape: [1], data: BigUint64Array.from([2n ** 64n - 1n]) },
  { dtype: "<i8", shape: [2], data: BigInt64Array.from([-(2n ** 63n), 2n ** 53n + 1n]) },
  { dtype: "<f4", shape: [], data: Float32Array.from([42]) },
  { dtype: "<f4", shape: [0, 3], data: new Float32Array(0) },
];

describe("npy", () => {
  it("round-trips every supported dtype", () => {
    expect(new Set(SAMPLES.map((s) => s.dtype))).toEqual(new Set(Object.keys(NPY_DTYPES)));
    for (const a of SAMPLES) {
      const bytes = serializeNpy(a);
      expect(bytes[6]).toBe(1);
      const dataStart = 10 + new DataView(bytes.buffer).getUint16(8, true);
      expect(dataStart % 64).toBe(0);
      const back = parseNpy(bytes, "a.npy");
      expect(back.dtype).toBe(a.dtype);
      expect(back.shape).toEqual(a.shape);
      expect(back.data.constructor).toBe(a.data.constructor);
      expect(Array.from(back.data as ArrayLike<unknown>)).toEqual(Array.from(a.data as ArrayLike<unknown>));
    }
  });

  it("writes float16 byte-for-byte as numpy does", () => {
    // np.save of np.array([1.0, 65504, 2**-24, -0.0, np.inf], dtype='<f2')
    const header = "{'descr': '<f2', 'fortran_order': False, 'shape': (5,), }";
    const numpy = npyBytes(header, le16(0x3c00, 0x7bff, 0x0001, 0x8000, 0x7c00));
    expect(numpy.length).toBe(128 + 10);
    const ours = serializeNpy({ dtype: "<f2", shape: [5], data: Float32Array.from([1, 65504, 2 ** -24, -0, Infinity]) });
    expect(Buffer.from(ours).equals(Buffer.from(numpy))).toBe(true);
  });

  it("reads float16 specials exactly, subnormals included", () => {
    const bytes = npyBytes("{'descr': '<f2', 'fortran_order': False, 'shape': (2, 4), }", le16(0x3c00, 0x7bff, 0x0001, 0x03ff, 0x8000, 0xfc00, 0x7e00, 0x3555));
    const a = parseNpy(bytes, "h.npy");
    expect(a.shape).toEqual([2, 4]);
    const f = toFloat32(a);
    expect(f).toBe(a.data); // already float32: no copy
    expect(Array.from(f)).toEqual([1, 65504, 2 ** -24, 1023 * 2 ** -24, -0, -Infinity, NaN, 0.333251953125]);
    expect(Object.is(f[4], -0)).toBe(true);
  });

  it("rounds float32 to float16 to nearest even when serializing", () => {
    const a = parseNpy(serializeNpy({ dtype: "<f2", shape: [3], data: Float32Array.from([1 + 2 ** -11, 65520, 0.1]) }), "r.npy");
    expect(Array.from(a.data as Float32Array)).toEqual([1, Infinity, 0.0999755859375]);
  });

  it("reads format versions 2 and 3 and big-endian data", () => {
    const f4 = new Uint8Array(Float32Array.from([1.5, -2]).buffer);
    for (const major of [2, 3]) {
      const a = parseNpy(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", f4, major), "v.npy");
      expect(Array.from(a.data as Float32Array)).toEqual([1.5, -2]);
    }
    const be = Uint8Array.from([0x3f, 0xc0, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00]); // 1.5, -2 big-endian
    const a = parseNpy(npyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", be), "be.npy");
    expect(a.dtype).toBe("<f4");
    expect(Array.from(a.data as Float32Array)).toEqual([1.5, -2]);
    const u1 = parseNpy(npyBytes("{'descr': '<u1', 'fortran_order': False, 'shape': (1,), }", Uint8Array.from([7])), "u.npy");
    expect(u1.dtype).toBe("|u1");
  });

  it("names the file and the expected and actual byte counts for a wrong-size file", () => {
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    const err = (() => {
      try {
        parseNpy(npyBytes(header, new Uint8Array(20)), "depth.npy");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(
      "depth.npy: data bytes = 20: expected 24 bytes for shape (2, 3) of <f4 (6 elements x 4 bytes), got 20",
    );
    expect(() => parseNpy(npyBytes(header, new Uint8Array(28)), "d.npy")).toThrow("expected 24 bytes");
  });

  it("refuses Fortran order, unsupported dtypes and broken headers", () => {
    const data = new Uint8Array(16);
    expect(() => parseNpy(npyBytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", data), "f.npy")).toThrow(
      "f.npy: fortran_order = true: Fortran-order arrays are not supported",
    );
    expect(() => parseNpy(npyBytes("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", data), "c.npy")).toThrow(
      'c.npy: descr = "<c8": unsupported dtype',
    );
    expect(() => parseNpy(npyBytes("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (4,), }", data), "s.npy")).toThrow(
      "structured dtypes are not supported",
    );
    expect(() => parseNpy(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -2), }", data), "n.npy")).toThrow("n.npy: shape");
    expect(() => parseNpy(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), "x.npy")).toThrow("x.npy: magic = ");
    const bad = npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4));
    bad[6] = 9;
    expect(() => parseNpy(bad, "v.npy")).toThrow('v.npy: version = "9.0"');
    const short = npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)).subarray(0, 40);
    expect(() => parseNpy(short, "t.npy")).toThrow("t.npy: header length");
  });

  it("refuses arrays that do not match their dtype or shape when serializing", () => {
    expect(() => serializeNpy({ dtype: "<f4", shape: [2], data: Float64Array.from([1, 2]) })).toThrow(
      'serializeNpy: data = "Float64Array": dtype <f4 is stored as Float32Array',
    );
    expect(() => serializeNpy({ dtype: "<f4", shape: [3], data: new Float32Array(2) })).toThrow("shape = \"(3,)\": holds 3 elements but data has 2");
    expect(() => serializeNpy({ dtype: "<c8", shape: [1], data: new Float32Array(1) })).toThrow('dtype = "<c8": unsupported dtype');
    expect(() => serializeNpy({ dtype: "|b1", shape: [1], data: Uint8Array.from([2]) })).toThrow("must be 0 or 1");
  });

  it("converts any dtype to float32", () => {
    expect(Array.from(toFloat32({ dtype: "<u2", shape: [2], data: Uint16Array.from([0, 65535]) }))).toEqual([0, 65535]);
    expect(Array.from(toFloat32({ dtype: "<i8", shape: [2], data: BigInt64Array.from([-3n, 5n]) }))).toEqual([-3, 5]);
    expect(Array.from(toFloat32({ dtype: "<f8", shape: [1], data: Float64Array.from([0.1]) }))).toEqual([Math.fround(0.1)]);
  });
});
