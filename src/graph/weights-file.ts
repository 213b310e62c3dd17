/**
 * A shared weights file: a model's float32 parameters written once, for several ONNX graphs that
 * reference them as external data (onnx-proto.ts) instead of each embedding a copy.
 *
 * Layout, no header (each graph's initializers say where their bytes are):
 *
 *   offset 0     first parameter by name (sorted), raw little-endian float32
 *   ...          zero padding up to the next multiple of 64 bytes
 *   offset 64k   next parameter by name, and so on; the file ends with the last parameter
 *
 * Every parameter starts on a 64-byte boundary so onnxruntime may map the file and use the
 * tensors in place. Sorting by name makes the file a function of the parameter values alone.
 */
import { readFile } from "node:fs/promises";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fsutil.js";

/** Every parameter starts at a multiple of this many bytes. */
export const WEIGHTS_ALIGNMENT_BYTES = 64;

/** Where one parameter lies in a weights file, in bytes. */
export interface WeightsEntry {
  readonly offset: number;
  readonly length: number;
}

/** A packed weights file in memory: its bytes and where each parameter lies in them. */
export interface WeightsLayout {
  readonly bytes: Uint8Array;
  /** Parameter name -> byte range, in file order. */
  readonly index: ReadonlyMap<string, WeightsEntry>;
}

/** A weights file written to disk (by {@link writeWeightsFile}). */
export interface WeightsFile {
  readonly path: string;
  /** File size, bytes. */
  readonly bytes: number;
  /** Parameter name -> byte range, in file order. */
  readonly index: ReadonlyMap<string, WeightsEntry>;
  /** The values written, by name (for checking that a graph references what the file holds). */
  readonly params: ReadonlyMap<string, Float32Array>;
}

function alignUp(n: number): number {
  return Math.ceil(n / WEIGHTS_ALIGNMENT_BYTES) * WEIGHTS_ALIGNMENT_BYTES;
}

/**
 * Read a weights file back, given each parameter's name and element count (the layout is a
 * function of those alone). Throws an InputError naming the file when its size is not the
 * layout's.
 */
export async function readWeightsFile(path: string, sizes: ReadonlyMap<string, number>): Promise<Map<string, Float32Array>> {
  const names = [...sizes.keys()].sort();
  const index = new Map<string, WeightsEntry>();
  let end = 0;
  for (const name of names) {
    const offset = alignUp(end);
    const length = sizes.get(name)! * 4;
    index.set(name, { offset, length });
    end = offset + length;
  }
  const bytes = await readFile(path);
  if (bytes.length !== end) throw new InputError(path, "size (bytes)", bytes.length, `is not the ${end} bytes these ${names.length} parameters take; the file is truncated or from another model`);
  const out = new Map<string, Float32Array>();
  for (const [name, { offset, length }] of index) {
    const values = new Float32Array(length / 4);
    new Uint8Array(values.buffer).set(bytes.subarray(offset, offset + length));
    out.set(name, values);
  }
  return out;
}

/** Pack `params` into one buffer in the layout above. Throws an InputError for an empty map. */
export function layoutWeights(params: ReadonlyMap<string, Float32Array>): WeightsLayout {
  if (params.size === 0) throw new InputError("layoutWeights", "params", [], "is empty; a weights file holds at least one parameter");
  const names = [...params.keys()].sort();
  const index = new Map<string, WeightsEntry>();
  let end = 0;
  for (const name of names) {
    const offset = alignUp(end);
    const length = params.get(name)!.byteLength;
    index.set(name, { offset, length });
    end = offset + length;
  }
  const bytes = new Uint8Array(end);
  for (const [name, { offset }] of index) {
    const values = params.get(name)!;
    bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
  }
  return { bytes, index };
}

/**
 * Write `params` to `path` in the layout above, atomically (readers see the old file or the whole
 * new one). Returns the index that graphs referencing the file need.
 */
export async function writeWeightsFile(path: string, params: ReadonlyMap<string, Float32Array>): Promise<WeightsFile> {
  const { bytes, index } = layoutWeights(params);
  await writeFileAtomic(path, bytes);
  return { path, bytes: bytes.length, index, params };
}
