import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fsutil.js";
import { float32ToHalf, halfToFloat32 } from "./float16.js";
import { readInputBytes } from "./read-input.js";

/**
 * NumPy .npy arrays (format versions 1.0, 2.0 and 3.0), C order only.
 *
 * File layout: magic "\x93NUMPY", major and minor version bytes, header length (uint16 LE in v1,
 * uint32 LE in v2/v3), then a Python dict literal
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (H, W), }` padded with spaces and a newline
 * so the data starts on a 64-byte boundary, then the raw elements.
 */

/** Typed-array storage for an {@link NpyArray}; which one follows from the dtype (see {@link NPY_DTYPES}). */
export type NpyData =
  | Float32Array
  | Float64Array
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigInt64Array
  | BigUint64Array;

/**
 * An n-dimensional array as NumPy stores it: row-major (C order) elements of one dtype.
 *
 * dtype is the canonical NumPy descr: little-endian for multi-byte types ('<f4'), '|' for
 * one-byte types ('|u1', '|b1'). data.length is the product of shape (1 for shape []).
 * float16 ('<f2') is held widened to float32 (exact) and narrowed again when serialized.
 */
export interface NpyArray {
  dtype: string;
  shape: number[];
  data: NpyData;
}

type TypedArrayCtor = { new (buffer: ArrayBuffer): NpyData; readonly name: string };

interface DtypeInfo {
  /** Bytes per element in the file. */
  readonly itemsize: number;
  /** Constructor of the in-memory storage. */
  readonly storage: TypedArrayCtor;
  /** Constructor of the raw on-disk elements (differs from storage only for float16). */
  readonly raw: TypedArrayCtor;
}

/** Supported dtypes: canonical descr -> element size and storage. */
export const NPY_DTYPES: Readonly<Record<string, DtypeInfo>> = {
  "<f2": { itemsize: 2, storage: Float32Array, raw: Uint16Array },
  "<f4": { itemsize: 4, storage: Float32Array, raw: Float32Array },
  "<f8": { itemsize: 8, storage: Float64Array, raw: Float64Array },
  "|u1": { itemsize: 1, storage: Uint8Array, raw: Uint8Array },
  "|i1": { itemsize: 1, storage: Int8Array, raw: Int8Array },
  "|b1": { itemsize: 1, storage: Uint8Array, raw: Uint8Array },
  "<u2": { itemsize: 2, storage: Uint16Array, raw: Uint16Array },
  "<i2": { itemsize: 2, storage: Int16Array, raw: Int16Array },
  "<u4": { itemsize: 4, storage: Uint32Array, raw: Uint32Array },
  "<i4": { itemsize: 4, storage: Int32Array, raw: Int32Array },
  "<u8": { itemsize: 8, storage: BigUint64Array, raw: BigUint64Array },
  "<i8": { itemsize: 8, storage: BigInt64Array, raw: BigInt64Array },
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** numpy aligns the data start to this many bytes. */
const ALIGN = 64;

/**
 * Parse .npy bytes. Throws an InputError naming `where` for a bad magic, an unsupported version,
 * a malformed header, Fortran order, an unsupported dtype, or a data section whose byte count does
 * not match the shape (the message gives the expected and actual byte counts).
 * Big-endian files ('>f4') are accepted and byte-swapped; the result's dtype is the canonical
 * little-endian name.
 */
export function parseNpy(bytes: Uint8Array, where: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    const head = Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new InputError(where, "magic", head, "not a .npy file (expected 93 4e 55 4d 50 59 = \\x93NUMPY)");
  }
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new InputError(where, "version", `${major}.${bytes[7]}`, ".npy format version must be 1.0, 2.0 or 3.0");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const prefix = major === 1 ? 10 : 12;
  if (bytes.length < prefix) throw new InputError(where, "header length", bytes.length, "file ends inside the .npy preamble");
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = prefix + headerLength;
  if (dataStart > bytes.length) {
    throw new InputError(where, "header length", headerLength, `header runs past the end of the file (${bytes.length} bytes)`);
  }
  const headerBytes = Buffer.from(bytes.buffer, bytes.byteOffset + prefix, headerLength);
  const header = headerBytes.toString(major === 3 ? "utf8" : "latin1");
  const { descr, fortranOrder, shape } = parseHeader(header, where);
  const { dtype, littleEndian } = canonicalDtype(descr, where, "descr");
  if (fortranOrder) {
    throw new InputError(where, "fortran_order", true, "Fortran-order arrays are not supported; save with np.ascontiguousarray(a)");
  }
  const info = NPY_DTYPES[dtype]!;
  const count = elementCount(shape, where);
  const expected = count * info.itemsize;
  const actual = bytes.length - dataStart;
  if (actual !== expected) {
    throw new InputError(
      where,
      "data bytes",
      actual,
      `expected ${expected} bytes for shape ${shapeRepr(shape)} of ${dtype} (${count} elements x ${info.itemsize} bytes), got ${actual}`,
    );
  }
  // slice() copies into a fresh, aligned ArrayBuffer.
  const raw = bytes.slice(dataStart, dataStart + expected);
  if (info.itemsize > 1 && littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(raw, info.itemsize);
  const elements = new info.raw(raw.buffer);
  const data = dtype === "<f2" ? halfToFloat32(elements as Uint16Array) : elements;
  return { dtype, shape, data };
}

/**
 * Serialize an array as .npy bytes (format 1.0, or 2.0 when the header needs it), little-endian,
 * C order, data aligned to 64 bytes as numpy writes it. '<f2' takes float32 values and rounds them
 * to float16 (nearest, ties to even). Throws an InputError for an unsupported dtype, storage that
 * does not match the dtype, or a shape whose product is not data.length.
 */
export function serializeNpy(a: NpyArray, where = "serializeNpy"): Uint8Array {
  const { dtype } = canonicalDtype(a.dtype, where, "dtype");
  const info = NPY_DTYPES[dtype]!;
  if (!(a.data instanceof info.storage)) {
    const got = (a.data as object | undefined)?.constructor?.name ?? String(a.data);
    throw new InputError(where, "data", got, `dtype ${dtype} is stored as ${info.storage.name}`);
  }
  const count = elementCount(a.shape, where);
  if (count !== a.data.length) {
    throw new InputError(where, "shape", shapeRepr(a.shape), `holds ${count} elements but data has ${a.data.length}`);
  }
  if (dtype === "|b1") {
    const bad = (a.data as Uint8Array).findIndex((x) => x > 1);
    if (bad >= 0) throw new InputError(where, `data[${bad}]`, a.data[bad], "bool (|b1) elements must be 0 or 1");
  }
  const elements = dtype === "<f2" ? float32ToHalf(a.data as Float32Array) : a.data;
  const body = new Uint8Array(elements.buffer, elements.byteOffset, elements.byteLength);

  let dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeRepr(a.shape)}, }`;
  let prefix = 10;
  let total = alignUp(prefix + dict.length + 1);
  if (total - prefix > 0xffff) {
    prefix = 12;
    total = alignUp(prefix + dict.length + 1);
  }
  dict = dict.padEnd(total - prefix - 1, " ") + "\n";

  const out = new Uint8Array(total + body.length);
  out.set(MAGIC, 0);
  out[6] = prefix === 10 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (prefix === 10) view.setUint16(8, dict.length, true);
  else view.setUint32(8, dict.length, true);
  out.set(Buffer.from(dict, "latin1"), prefix);
  out.set(body, total);
  if (info.itemsize > 1 && !HOST_LITTLE_ENDIAN) swapBytes(out.subarray(total), info.itemsize);
  return out;
}

/**
 * The array's elements as float32. Returns `a.data` itself (no copy) when it already is a
 * Float32Array ('<f4', '<f2'); other dtypes are converted into a new array (int64 via Number,
 * so magnitudes above 2^24 lose precision as float32 always does).
 */
export function toFloat32(a: NpyArray): Float32Array {
  const { data } = a;
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]!);
    return out;
  }
  return Float32Array.from(data);
}

/** Read a .npy file; errors name the path. */
export async function readNpy(path: string): Promise<NpyArray> {
  return parseNpy(await readInputBytes(path), path);
}

/** Write a .npy file atomically; see {@link serializeNpy}. */
export async function writeNpy(path: string, a: NpyArray): Promise<void> {
  await writeFileAtomic(path, serializeNpy(a, path));
}

/** Python's repr of a shape tuple: (), (3,), (2, 3). */
function shapeRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/** Product of a shape, validated: non-negative integers, total a safe integer. */
function elementCount(shape: readonly number[], where: string): number {
  if (!Array.isArray(shape)) throw new InputError(where, "shape", shape, "must be an array of non-negative integers");
  let count = 1;
  shape.forEach((d, i) => {
    if (!Number.isSafeInteger(d) || d < 0) throw new InputError(where, `shape[${i}]`, d, "must be a non-negative integer");
    count *= d;
  });
  if (!Number.isSafeInteger(count)) throw new InputError(where, "shape", shapeRepr(shape), "element count is too large");
  return count;
}

/** '<f4' / '>f4' / '|u1' / '<u1' -> canonical little-endian descr and the file's byte order. */
function canonicalDtype(descr: string, where: string, field: string): { dtype: string; littleEndian: boolean } {
  const m = typeof descr === "string" ? /^([<>|])([fiub])(\d+)$/.exec(descr) : null;
  if (m) {
    const [, order, kind, size] = m as unknown as [string, string, string, string];
    const oneByte = size === "1";
    const dtype = `${oneByte ? "|" : "<"}${kind}${size}`;
    if (NPY_DTYPES[dtype] && (oneByte || order !== "|")) return { dtype, littleEndian: order !== ">" };
  }
  throw new InputError(where, field, descr, `unsupported dtype; supported: ${Object.keys(NPY_DTYPES).join(", ")}`);
}

/** Parse numpy's header dict literal; only the three keys numpy writes are read. */
function parseHeader(header: string, where: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const text = header.trim();
  if (!text.startsWith("{") || !text.endsWith("}")) {
    throw new InputError(where, "header", text, "not a Python dict literal");
  }
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text)?.[1];
  if (descr === undefined) {
    throw new InputError(where, "header", text, "no 'descr' string (structured dtypes are not supported)");
  }
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)\b/.exec(text)?.[1];
  if (fortran === undefined) throw new InputError(where, "header", text, "no 'fortran_order': True/False");
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (shapeText === undefined) throw new InputError(where, "header", text, "no 'shape' tuple");
  const parts = shapeText.split(",").map((s) => s.trim());
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  if (parts.length === 1 && parts[0] === "") parts.pop();
  const shape = parts.map((p) => {
    if (!/^\d+L?$/.test(p)) throw new InputError(where, "shape", `(${shapeText})`, "dimensions must be non-negative integers");
    return Number.parseInt(p, 10);
  });
  return { descr, fortranOrder: fortran === "True", shape };
}

/** Reverse the byte order of each itemsize-byte element, in place. */
function swapBytes(bytes: Uint8Array, itemsize: number): void {
  for (let i = 0; i + itemsize <= bytes.length; i += itemsize) {
    for (let a = i, b = i + itemsize - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}
