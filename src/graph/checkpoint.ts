/**
 * Training checkpoints in the safetensors layout, so any safetensors reader (Python's
 * `safetensors.numpy.load_file`, the Rust crate) can open them as well as n3d.
 *
 * File layout (all integers little-endian, as every platform Node runs on):
 * ```
 *   bytes [0, 8)         N: u64, the byte length of the JSON header
 *   bytes [8, 8 + N)     JSON header, UTF-8, padded with spaces to a multiple of 8 bytes:
 *                          { "__metadata__": { string: string },
 *                            "<tensor name>": { "dtype": "F32" | "F64" | "I32" | "I64" | "U8" | "I8",
 *                                               "shape": [d0, d1, ...],
 *                                               "data_offsets": [begin, end] }, ... }
 *   bytes [8 + N, end)   the data buffer: each tensor's raw elements, row-major, at
 *                        [begin, end) relative to the buffer start; the tensors tile the
 *                        buffer with no gaps or overlaps and end exactly at the end of the file.
 * ```
 *
 * What an n3d training checkpoint stores in it:
 * - `P` (F32, the parameter's shape): the value of parameter `P`, for every parameter.
 * - `optimizer.m.P`, `optimizer.v.P` (F32, same shape): AdamW's first and second moments.
 * - `state.step` (I64, shape []): optimizer steps completed; the next step to run is step + 1.
 * - `state.data_seed` (I64, shape []): the seed of the data order. The batch of step s is a pure
 *   function of (data_seed, s), so (data_seed, step) is the whole data cursor and resume is exact.
 * - `__metadata__`: `format` = "n3d-checkpoint", `format_version` = "1", `optimizer` = "adamw",
 *   `config` = the resolved model config as canonical JSON (keys sorted), `config_hash` = SHA-256
 *   hex of that JSON.
 * Parameter names may not start with the reserved prefixes `optimizer.` and `state.`.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fsutil.js";

/** The value of `__metadata__.format` in an n3d checkpoint. */
export const CHECKPOINT_FORMAT = "n3d-checkpoint";
/** The checkpoint format version this code writes and reads. */
export const CHECKPOINT_FORMAT_VERSION = "1";

/** Element types n3d reads and writes, by their safetensors names. */
const DTYPES = {
  F32: { bytes: 4, make: (b: ArrayBuffer) => new Float32Array(b) },
  F64: { bytes: 8, make: (b: ArrayBuffer) => new Float64Array(b) },
  I32: { bytes: 4, make: (b: ArrayBuffer) => new Int32Array(b) },
  I64: { bytes: 8, make: (b: ArrayBuffer) => new BigInt64Array(b) },
  U8: { bytes: 1, make: (b: ArrayBuffer) => new Uint8Array(b) },
  I8: { bytes: 1, make: (b: ArrayBuffer) => new Int8Array(b) },
} as const;

/** A safetensors dtype string n3d supports. */
export type SafetensorsDtype = keyof typeof DTYPES;

/** Typed data of a safetensors tensor; the dtype follows from the array type. */
export type SafetensorsData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

/** One tensor of a safetensors file: row-major data and its shape (`[]` for a scalar). */
export interface SafetensorsTensor {
  readonly shape: readonly number[];
  readonly data: SafetensorsData;
}

/** A decoded safetensors file. Tensor data are fresh, aligned copies (safe to keep and mutate). */
export interface SafetensorsFile {
  readonly tensors: Map<string, SafetensorsTensor>;
  readonly metadata: Record<string, string>;
}

/** The safetensors dtype of a typed array. */
export function dtypeOf(data: SafetensorsData): SafetensorsDtype {
  if (data instanceof Float32Array) return "F32";
  if (data instanceof Float64Array) return "F64";
  if (data instanceof Int32Array) return "I32";
  if (data instanceof BigInt64Array) return "I64";
  if (data instanceof Uint8Array) return "U8";
  return "I8";
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Headers larger than this are treated as corrupt (the safetensors crate's own limit). */
const MAX_HEADER_BYTES = 100_000_000;

/**
 * Encode tensors and string metadata as safetensors bytes. Tensors are laid out in map order.
 * Throws an InputError (where = "encodeSafetensors") if a tensor's data length does not match
 * its shape.
 */
export function encodeSafetensors(tensors: ReadonlyMap<string, SafetensorsTensor>, metadata: Readonly<Record<string, string>>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === "__metadata__") throw new InputError("encodeSafetensors", "tensor name", name, "is reserved for the metadata");
    if (t.data.length !== elementCount(t.shape)) {
      throw new InputError("encodeSafetensors", `tensor ${JSON.stringify(name)} data`, t.data, `has ${t.data.length} elements, shape [${t.shape.join(", ")}] needs ${elementCount(t.shape)}`);
    }
    header[name] = { dtype: dtypeOf(t.data), shape: [...t.shape], data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  let headerBytes = new TextEncoder().encode(json);
  const padded = Math.ceil(headerBytes.length / 8) * 8;
  if (padded !== headerBytes.length) {
    json += " ".repeat(padded - headerBytes.length);
    headerBytes = new TextEncoder().encode(json);
  }
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors.values()) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Decode and validate safetensors bytes. `where` names the source (the file path) in errors.
 * Throws an InputError naming the file and what is wrong: a header length beyond the file, a
 * header that is not JSON or not an object, an unknown dtype, a bad shape, data offsets out of
 * range, not tiling the buffer, or of the wrong byte length for the dtype and shape.
 */
export function decodeSafetensors(bytes: Uint8Array, where: string): SafetensorsFile {
  if (bytes.length < 8) throw new InputError(where, "file size", bytes.length, "is shorter than the 8-byte header length; not a safetensors file");
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8) || headerLength > BigInt(MAX_HEADER_BYTES)) {
    throw new InputError(where, "header length", headerLength, `runs past the end of the file (${bytes.length} bytes); truncated or not a safetensors file`);
  }
  const dataStart = 8 + Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (err) {
    throw new InputError(where, "header", `${headerLength} bytes`, `is not valid JSON (${(err as Error).message})`);
  }
  if (!isRecord(header)) throw new InputError(where, "header", header, "is not a JSON object");

  const metadata: Record<string, string> = {};
  const rawMeta = header.__metadata__;
  if (rawMeta !== undefined) {
    if (!isRecord(rawMeta)) throw new InputError(where, "__metadata__", rawMeta, "is not an object of strings");
    for (const [k, v] of Object.entries(rawMeta)) {
      if (typeof v !== "string") throw new InputError(where, `__metadata__.${k}`, v, "is not a string");
      metadata[k] = v;
    }
  }

  const dataLength = bytes.length - dataStart;
  const entries: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const field = `tensor ${JSON.stringify(name)}`;
    if (!isRecord(info)) throw new InputError(where, field, info, "is not an object with dtype, shape and data_offsets");
    const dtype = info.dtype;
    if (typeof dtype !== "string" || !Object.hasOwn(DTYPES, dtype)) {
      throw new InputError(where, `${field} dtype`, dtype, `is not a supported dtype; choose one of ${Object.keys(DTYPES).join(", ")}`);
    }
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new InputError(where, `${field} shape`, shape, "is not a list of non-negative integers");
    }
    const offsets = info.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
      throw new InputError(where, `${field} data_offsets`, offsets, "is not a pair [begin, end] of integers with begin <= end");
    }
    const [begin, end] = offsets as [number, number];
    if (end > dataLength) {
      throw new InputError(where, `${field} data_offsets`, offsets, `out of range of the ${dataLength}-byte data buffer; truncated file?`);
    }
    const need = elementCount(shape as number[]) * DTYPES[dtype as SafetensorsDtype].bytes;
    if (end - begin !== need) {
      throw new InputError(where, `${field} data_offsets`, offsets, `span ${end - begin} bytes, but ${dtype} [${shape.join(", ")}] needs ${need}`);
    }
    entries.push({ name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end });
  }

  // The tensors must tile the buffer exactly, as the safetensors crate requires.
  const byBegin = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of byBegin) {
    if (e.begin !== expected) {
      throw new InputError(where, `tensor ${JSON.stringify(e.name)} data_offsets`, [e.begin, e.end], `begins at byte ${e.begin} of the data buffer where ${expected} was expected (tensors must tile the buffer without gaps or overlaps)`);
    }
    expected = e.end;
  }
  if (expected !== dataLength) {
    throw new InputError(where, "data buffer", `${dataLength} bytes`, `tensors cover only ${expected} bytes; trailing bytes after the last tensor`);
  }

  const tensors = new Map<string, SafetensorsTensor>();
  for (const e of entries) {
    const copy = bytes.slice(dataStart + e.begin, dataStart + e.end); // own, aligned buffer
    tensors.set(e.name, { shape: e.shape, data: DTYPES[e.dtype].make(copy.buffer) });
  }
  return { tensors, metadata };
}

/** A JSON value (what a model config must be made of). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * Canonical JSON of a config: object keys sorted at every level, no whitespace. Two configs are
 * the same model iff their canonical JSON is equal. Throws an InputError for values JSON cannot
 * hold exactly (NaN, Infinity, undefined, functions).
 */
export function canonicalJson(value: unknown, path = "config"): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new InputError("canonicalJson", path, value, "is not a finite number");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => canonicalJson(v, `${path}[${i}]`)).join(",")}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k], `${path}.${k}`)}`).join(",")}}`;
  }
  throw new InputError("canonicalJson", path, String(value), "is not a JSON value");
}

/** SHA-256 hex of a config's canonical JSON: the identity of a model configuration. */
export function configHash(config: unknown): string {
  return createHash("sha256").update(canonicalJson(config)).digest("hex");
}

/**
 * The first place two JSON values differ, as [path, a's value, b's value], or null when equal.
 * Paths read like `config.layers` or `config.sizes[2]`.
 */
function firstDifference(a: unknown, b: unknown, path: string): [string, unknown, unknown] | null {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  if (isRecord(a) && isRecord(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const d = firstDifference(a[k], b[k], `${path}.${k}`);
      if (d !== null) return d;
    }
    return null;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? null : [path, a, b];
}

/** One parameter's training state: its value and AdamW moments, all of `shape`, row-major. */
export interface ParamState {
  readonly shape: readonly number[];
  readonly value: Float32Array;
  /** AdamW first moment (running mean of gradients). */
  readonly m: Float32Array;
  /** AdamW second moment (running mean of squared gradients). */
  readonly v: Float32Array;
}

/** Everything needed to continue training bit-exactly. */
export interface TrainingCheckpoint {
  /** The resolved model config, JSON; its hash guards against resuming another model. */
  readonly config: JsonValue;
  /** Optimizer steps completed; the next step to run is step + 1. */
  readonly step: number;
  /** Seed of the data order; with `step` it is the data cursor. */
  readonly dataSeed: number;
  /** Parameter name -> value and optimizer state, in the model's parameter order. */
  readonly params: ReadonlyMap<string, ParamState>;
}

/** What the model that is about to resume expects; a checkpoint that differs is refused. */
export interface CheckpointExpectation {
  readonly config: JsonValue;
  readonly paramShapes: ReadonlyMap<string, readonly number[]>;
}

const RESERVED = ["optimizer.", "state."];
const mName = (p: string): string => `optimizer.m.${p}`;
const vName = (p: string): string => `optimizer.v.${p}`;

/** Encode a training checkpoint as safetensors bytes (layout in this file's header comment). */
export function encodeCheckpoint(ckpt: TrainingCheckpoint): Uint8Array {
  for (const [name, field] of [[ckpt.step, "step"], [ckpt.dataSeed, "dataSeed"]] as const) {
    if (!Number.isSafeInteger(name) || name < 0) throw new InputError("encodeCheckpoint", field, name, "is not a non-negative integer");
  }
  const tensors = new Map<string, SafetensorsTensor>();
  for (const [name, p] of ckpt.params) {
    if (name === "__metadata__" || RESERVED.some((r) => name.startsWith(r))) {
      throw new InputError("encodeCheckpoint", "parameter name", name, `uses a reserved prefix (${RESERVED.join(", ")}) or name`);
    }
    tensors.set(name, { shape: p.shape, data: p.value });
  }
  for (const [name, p] of ckpt.params) tensors.set(mName(name), { shape: p.shape, data: p.m });
  for (const [name, p] of ckpt.params) tensors.set(vName(name), { shape: p.shape, data: p.v });
  tensors.set("state.step", { shape: [], data: BigInt64Array.of(BigInt(ckpt.step)) });
  tensors.set("state.data_seed", { shape: [], data: BigInt64Array.of(BigInt(ckpt.dataSeed)) });
  const config = canonicalJson(ckpt.config);
  return encodeSafetensors(tensors, {
    format: CHECKPOINT_FORMAT,
    format_version: CHECKPOINT_FORMAT_VERSION,
    optimizer: "adamw",
    config,
    config_hash: createHash("sha256").update(config).digest("hex"),
  });
}

function scalarI64(file: SafetensorsFile, name: string, where: string): number {
  const t = file.tensors.get(name);
  if (t === undefined) throw new InputError(where, `tensor ${JSON.stringify(name)}`, "missing", "an n3d checkpoint stores it");
  if (!(t.data instanceof BigInt64Array) || t.data.length !== 1) {
    throw new InputError(where, `tensor ${JSON.stringify(name)}`, `${dtypeOf(t.data)} [${t.shape.join(", ")}]`, "expected an I64 scalar");
  }
  const value = t.data[0]!;
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw new InputError(where, `tensor ${JSON.stringify(name)}`, value, "is not a non-negative safe integer");
  return Number(value);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Decode checkpoint bytes. `where` names the source in errors. With `expect`, the checkpoint must
 * be of that model: same config (else the error names the first differing key and both values)
 * and the same parameters with the same shapes (else it names the tensor and both shapes).
 */
export function decodeCheckpoint(bytes: Uint8Array, where: string, expect?: CheckpointExpectation): TrainingCheckpoint {
  const file = decodeSafetensors(bytes, where);
  const meta = file.metadata;
  if (meta.format !== CHECKPOINT_FORMAT) throw new InputError(where, "__metadata__.format", meta.format, `is not ${JSON.stringify(CHECKPOINT_FORMAT)}; not an n3d checkpoint`);
  if (meta.format_version !== CHECKPOINT_FORMAT_VERSION) {
    throw new InputError(where, "__metadata__.format_version", meta.format_version, `is not a supported version; this n3d reads ${CHECKPOINT_FORMAT_VERSION}`);
  }
  let config: JsonValue;
  try {
    config = JSON.parse(meta.config ?? "") as JsonValue;
  } catch (err) {
    throw new InputError(where, "__metadata__.config", meta.config, `is not valid JSON (${(err as Error).message})`);
  }
  const hash = configHash(config);
  if (meta.config_hash !== hash) throw new InputError(where, "__metadata__.config_hash", meta.config_hash, `does not match the stored config (hash ${hash}); corrupt checkpoint`);
  if (expect !== undefined) {
    const diff = firstDifference(config, expect.config, "config");
    if (diff !== null) {
      const [path, ours, theirs] = diff;
      throw new InputError(where, path, ours ?? "absent", `checkpoint is of another model config: this model has ${path} = ${JSON.stringify(theirs ?? "absent")}`);
    }
  }

  const params = new Map<string, ParamState>();
  const seen = new Set(["state.step", "state.data_seed"]);
  for (const [name, t] of file.tensors) {
    if (RESERVED.some((r) => name.startsWith(r))) continue;
    const m = file.tensors.get(mName(name));
    const v = file.tensors.get(vName(name));
    for (const [label, moment] of [[mName(name), m], [vName(name), v]] as const) {
      if (moment === undefined) throw new InputError(where, `tensor ${JSON.stringify(label)}`, "missing", `parameter ${JSON.stringify(name)} has no optimizer state`);
      if (!sameShape(moment.shape, t.shape)) {
        throw new InputError(where, `tensor ${JSON.stringify(label)} shape`, moment.shape, `differs from its parameter's shape [${t.shape.join(", ")}]`);
      }
    }
    for (const [label, tensor] of [[name, t], [mName(name), m!], [vName(name), v!]] as const) {
      if (!(tensor.data instanceof Float32Array)) throw new InputError(where, `tensor ${JSON.stringify(label)} dtype`, dtypeOf(tensor.data), "parameters and optimizer state are F32");
      seen.add(label);
    }
    params.set(name, { shape: t.shape, value: t.data as Float32Array, m: m!.data as Float32Array, v: v!.data as Float32Array });
  }
  for (const name of file.tensors.keys()) {
    if (!seen.has(name)) throw new InputError(where, `tensor ${JSON.stringify(name)}`, "unexpected", "optimizer state without a parameter, or an unknown state tensor");
  }
  const step = scalarI64(file, "state.step", where);
  const dataSeed = scalarI64(file, "state.data_seed", where);

  if (expect !== undefined) {
    for (const [name, shape] of expect.paramShapes) {
      const p = params.get(name);
      if (p === undefined) throw new InputError(where, `tensor ${JSON.stringify(name)}`, "missing", `this model has a parameter of shape [${shape.join(", ")}] that the checkpoint lacks`);
      if (!sameShape(p.shape, shape)) throw new InputError(where, `tensor ${JSON.stringify(name)} shape`, p.shape, `this model expects [${shape.join(", ")}]`);
    }
    for (const name of params.keys()) {
      if (!expect.paramShapes.has(name)) throw new InputError(where, `tensor ${JSON.stringify(name)}`, "unexpected", "the checkpoint has a parameter this model does not");
    }
    const ordered = new Map([...expect.paramShapes.keys()].map((name) => [name, params.get(name)!]));
    return { config, step, dataSeed, params: ordered };
  }
  return { config, step, dataSeed, params };
}

/** Write a checkpoint atomically (readers see the old file or the whole new one). */
export async function saveCheckpoint(path: string, ckpt: TrainingCheckpoint): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(ckpt));
}

/** Read and validate a checkpoint file; see {@link decodeCheckpoint} for `expect`. */
export async function loadCheckpoint(path: string, expect?: CheckpointExpectation): Promise<TrainingCheckpoint> {
  const bytes = await readFile(path);
  return decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path, expect);
}
