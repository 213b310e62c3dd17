/**
 * A minimal writer for the ONNX protobuf messages n3d emits (ModelProto and what it contains).
 * Root helper: the tensor engine (graph/) serializes its graphs with it, and tests of lower layers
 * (a tiny random-weight depth model for depth/) build fixtures with it. Encoding only: onnxruntime
 * is the reader. Field numbers are those of onnx/onnx.proto (IR version 8+).
 *
 * Protobuf wire format, as used here: a field is a varint key (field << 3 | wire type) followed by
 * a varint (wire type 0) or a varint length and that many bytes (wire type 2). Packed repeated
 * scalars are one length-delimited field holding the concatenated varints / fixed32s.
 *
 * External data (onnx/docs/ExternalData.md): an initializer may keep its bytes in another file.
 * Its TensorProto then has no raw_data, data_location = EXTERNAL and external_data entries
 * `location` (path relative to the model file's folder), `offset` and `length` (bytes, decimal
 * strings). onnxruntime resolves the location against the model's path, so such a model must be
 * loaded from its file, not from bytes.
 */

/** ONNX TensorProto.DataType values n3d uses. */
export const OnnxDataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
} as const;
export type OnnxDataTypeCode = (typeof OnnxDataType)[keyof typeof OnnxDataType];

/** Bytes per element of each {@link OnnxDataType}. */
const BYTES_PER_ELEMENT: Readonly<Record<OnnxDataTypeCode, number>> = { 1: 4, 2: 1, 3: 1, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8 };

/** TensorProto.DataLocation.EXTERNAL. */
const DATA_LOCATION_EXTERNAL = 1;

/** AttributeProto.AttributeType values. */
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/** A constant tensor (initializer or attribute value). `data` holds the raw little-endian bytes' source. */
export interface OnnxTensor {
  readonly name?: string;
  readonly dataType: OnnxDataTypeCode;
  readonly dims: readonly number[];
  /** Typed data; written as raw_data (little-endian, as every platform Node runs on). */
  readonly data: Float32Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Float64Array | Uint16Array;
}

/** Where an external tensor's bytes lie: a file beside the model and a byte range in it. */
export interface OnnxExternalData {
  /** File name relative to the model file's folder (no absolute path, no `..`). */
  readonly location: string;
  /** Start of the tensor's raw little-endian bytes in that file. */
  readonly offset: number;
  /** Byte count: element count x element size. */
  readonly length: number;
}

/** An initializer whose bytes are in an external file (see {@link OnnxExternalData}). */
export interface OnnxExternalTensor {
  readonly name: string;
  readonly dataType: OnnxDataTypeCode;
  readonly dims: readonly number[];
  readonly external: OnnxExternalData;
}

/** A graph initializer: bytes inside the model or in an external file. */
export type OnnxInitializer = (OnnxTensor & { readonly name: string }) | OnnxExternalTensor;

/** An attribute value: number (int when `int: true` or an integer-typed name), string, arrays, tensor, graph. */
export type OnnxAttributeValue =
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "int"; readonly value: number | bigint }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "floats"; readonly value: readonly number[] }
  | { readonly kind: "ints"; readonly value: readonly (number | bigint)[] }
  | { readonly kind: "strings"; readonly value: readonly string[] }
  | { readonly kind: "tensor"; readonly value: OnnxTensor }
  | { readonly kind: "graph"; readonly value: OnnxGraph };

export interface OnnxNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly domain?: string;
  readonly attributes?: Readonly<Record<string, OnnxAttributeValue>>;
}

/** A graph input or output: name, element type and shape (a string dim is symbolic). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly dataType: OnnxDataTypeCode;
  readonly shape: readonly (number | string)[];
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly initializers?: readonly OnnxInitializer[];
  readonly valueInfo?: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  readonly graph: OnnxGraph;
  /** Default opset version of the "" (ai.onnx) domain; 17 has LayerNormalization. */
  readonly opset?: number;
  /** Extra opset imports, e.g. { "com.microsoft": 1 }. */
  readonly extraOpsets?: Readonly<Record<string, number>>;
  readonly irVersion?: number;
  readonly producerName?: string;
  readonly producerVersion?: string;
  readonly docString?: string;
  /** Key/value metadata (ModelProto.metadata_props). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Growable byte buffer with protobuf primitives. */
class Writer {
  private buf = new Uint8Array(256);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    if (v < 0x80n) {
      this.buf[this.length++] = Number(v);
      return;
    }
    while (v >= 0x80n) {
      this.buf[this.length++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.length++] = Number(v);
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  key(field: number, wire: 0 | 2 | 5): void {
    this.varint((field << 3) | wire);
  }

  intField(field: number, value: number | bigint): void {
    this.key(field, 0);
    this.varint(value);
  }

  bytesField(field: number, data: Uint8Array): void {
    this.key(field, 2);
    this.varint(data.length);
    this.bytes(data);
  }

  stringField(field: number, value: string): void {
    this.bytesField(field, new TextEncoder().encode(value));
  }

  floatField(field: number, value: number): void {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.bytes(b);
  }

  message(field: number, write: (w: Writer) => void): void {
    const inner = new Writer();
    write(inner);
    this.bytesField(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

function rawBytes(data: OnnxTensor["data"]): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function writeTensor(w: Writer, t: OnnxTensor): void {
  for (const d of t.dims) w.intField(1, d);
  w.intField(2, t.dataType);
  if (t.name !== undefined) w.stringField(8, t.name);
  w.bytesField(9, rawBytes(t.data));
}

function writeExternalTensor(w: Writer, t: OnnxExternalTensor): void {
  for (const d of t.dims) w.intField(1, d);
  w.intField(2, t.dataType);
  w.stringField(8, t.name);
  const { location, offset, length } = t.external;
  for (const [key, value] of [["location", location], ["offset", String(offset)], ["length", String(length)]] as const) {
    w.message(13, (entry) => {
      entry.stringField(1, key);
      entry.stringField(2, value);
    });
  }
  w.intField(14, DATA_LOCATION_EXTERNAL);
}

function checkExternalTensor(t: OnnxExternalTensor): void {
  const { location, offset, length } = t.external;
  const parts = location.split(/[/\\]/);
  if (location === "" || location.startsWith("/") || /^[A-Za-z]:/.test(location) || parts.includes("..")) {
    throw new Error(`onnx: tensor ${t.name}: external location ${JSON.stringify(location)} must be a path relative to the model's folder, inside it`);
  }
  if (!Number.isSafeInteger(offset) || offset < 0) throw new Error(`onnx: tensor ${t.name}: external offset ${offset} is not a non-negative integer`);
  const need = elementCount(t.dims) * BYTES_PER_ELEMENT[t.dataType];
  if (length !== need) throw new Error(`onnx: tensor ${t.name}: external length ${length} bytes, dims [${t.dims.join(", ")}] need ${need}`);
}

function checkTensor(t: OnnxTensor, where: string): void {
  const n = elementCount(t.dims);
  if (t.data.length !== n) {
    throw new Error(`onnx: tensor ${t.name ?? where}: data has ${t.data.length} elements, dims [${t.dims.join(", ")}] need ${n}`);
  }
}

function writeValueInfo(w: Writer, v: OnnxValueInfo): void {
  w.stringField(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensorType) => {
      tensorType.intField(1, v.dataType);
      tensorType.message(2, (shape) => {
        for (const d of v.shape) {
          shape.message(1, (dim) => {
            if (typeof d === "number") dim.intField(1, d);
            else dim.stringField(2, d);
          });
        }
      });
    }),
  );
}

function writeAttribute(w: Writer, name: string, a: OnnxAttributeValue): void {
  w.stringField(1, name);
  switch (a.kind) {
    case "float":
      w.floatField(2, a.value);
      w.intField(20, AttrType.FLOAT);
      break;
    case "int":
      w.intField(3, a.value);
      w.intField(20, AttrType.INT);
      break;
    case "string":
      w.stringField(4, a.value);
      w.intField(20, AttrType.STRING);
      break;
    case "tensor":
      checkTensor(a.value, name);
      w.message(5, (t) => writeTensor(t, a.value));
      w.intField(20, AttrType.TENSOR);
      break;
    case "graph":
      w.message(6, (g) => writeGraph(g, a.value));
      w.intField(20, AttrType.GRAPH);
      break;
    case "floats":
      for (const f of a.value) w.floatField(7, f);
      w.intField(20, AttrType.FLOATS);
      break;
    case "ints":
      for (const i of a.value) w.intField(8, i);
      w.intField(20, AttrType.INTS);
      break;
    case "strings":
      for (const s of a.value) w.stringField(9, s);
      w.intField(20, AttrType.STRINGS);
      break;
  }
}

function writeNode(w: Writer, n: OnnxNode): void {
  for (const i of n.inputs) w.stringField(1, i);
  for (const o of n.outputs) w.stringField(2, o);
  if (n.name !== undefined) w.stringField(3, n.name);
  w.stringField(4, n.opType);
  for (const [name, value] of Object.entries(n.attributes ?? {})) w.message(5, (a) => writeAttribute(a, name, value));
  if (n.domain !== undefined && n.domain !== "") w.stringField(7, n.domain);
}

function writeGraph(w: Writer, g: OnnxGraph): void {
  for (const n of g.nodes) w.message(1, (m) => writeNode(m, n));
  w.stringField(2, g.name);
  for (const t of g.initializers ?? []) {
    if ("external" in t) {
      checkExternalTensor(t);
      w.message(5, (m) => writeExternalTensor(m, t));
    } else {
      checkTensor(t, t.name);
      w.message(5, (m) => writeTensor(m, t));
    }
  }
  for (const v of g.inputs) w.message(11, (m) => writeValueInfo(m, v));
  for (const v of g.outputs) w.message(12, (m) => writeValueInfo(m, v));
  for (const v of g.valueInfo ?? []) w.message(13, (m) => writeValueInfo(m, v));
}

/** Serialize a model to ONNX protobuf bytes (loadable by onnxruntime's InferenceSession.create). */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const w = new Writer();
  w.intField(1, model.irVersion ?? 8);
  w.stringField(2, model.producerName ?? "n3d");
  if (model.producerVersion !== undefined) w.stringField(3, model.producerVersion);
  if (model.docString !== undefined) w.stringField(6, model.docString);
  w.message(7, (g) => writeGraph(g, model.graph));
  w.message(8, (o) => {
    o.stringField(1, "");
    o.intField(2, model.opset ?? 17);
  });
  for (const [domain, version] of Object.entries(model.extraOpsets ?? {})) {
    w.message(8, (o) => {
      o.stringField(1, domain);
      o.intField(2, version);
    });
  }
  for (const [key, value] of Object.entries(model.metadata ?? {})) {
    w.message(14, (m) => {
      m.stringField(1, key);
      m.stringField(2, value);
    });
  }
  return w.finish();
}
