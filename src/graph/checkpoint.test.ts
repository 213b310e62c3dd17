import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../random.js";
import {
  configHash,
  decodeCheckpoint,
  decodeSafetensors,
  encodeCheckpoint,
  encodeSafetensors,
  loadCheckpoint,
  saveCheckpoint,
  type ParamState,
  type TrainingCheckpoint,
} from "./checkpoint.js";

const config = { layers: 1, dModel: 16, vocab: 32, seq: 8, sizes: [1, 2, 3] };

function randomParam(shape: number[], seed: number): ParamState {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const fill = (): Float32Array => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
  return { shape, value: fill(), m: fill(), v: fill() };
}

function sample(): TrainingCheckpoint {
  const params = new Map([
    ["embed", randomParam([32, 16], 1)],
    ["layer0/w", randomParam([16, 16], 2)],
    ["bias", randomParam([16], 3)],
    ["scale", randomParam([], 4)],
  ]);
  params.get("bias")!.value[0] = -0; // signed zero and denormals must survive bit-exactly
  params.get("bias")!.value[1] = 1e-45;
  return { config, step: 12, dataSeed: 4242, params };
}

const bytesOf = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const shapes = (c: TrainingCheckpoint): Map<string, number[]> => new Map([...c.params].map(([k, p]) => [k, [...p.shape]]));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "n3d-ckpt-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("safetensors layout", () => {
  it("decodes a file built by hand from the spec", () => {
    const header = JSON.stringify({ __metadata__: { a: "b" }, x: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, n: { dtype: "I64", shape: [], data_offsets: [8, 16] } });
    const h = new TextEncoder().encode(header);
    const buf = new Uint8Array(8 + h.length + 16);
    const view = new DataView(buf.buffer);
    view.setBigUint64(0, BigInt(h.length), true);
    buf.set(h, 8);
    view.setFloat32(8 + h.length, 1.5, true);
    view.setFloat32(8 + h.length + 4, -2, true);
    view.setBigInt64(8 + h.length + 8, 7n, true);
    const file = decodeSafetensors(buf, "hand.safetensors");
    expect(file.metadata).toEqual({ a: "b" });
    expect([...(file.tensors.get("x")!.data as Float32Array)]).toEqual([1.5, -2]);
    expect(file.tensors.get("n")!.data).toEqual(BigInt64Array.of(7n));
    expect(file.tensors.get("n")!.shape).toEqual([]);
  });

  it("writes an 8-aligned header and data that a spec reader finds at the stated offsets", () => {
    const x = Float32Array.of(3, 4, 5);
    const bytes = encodeSafetensors(new Map([["x", { shape: [3], data: x }]]), {});
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header.x).toEqual({ dtype: "F32", shape: [3], data_offsets: [0, 12] });
    expect(new DataView(bytes.buffer).getFloat32(8 + n + 8, true)).toBe(5);
  });
});

describe("training checkpoint", () => {
  it("round-trips bit-exactly through a file", async () => {
    const ckpt = sample();
    const path = join(dir, "roundtrip.safetensors");
    await saveCheckpoint(path, ckpt);
    const back = await loadCheckpoint(path, { config, paramShapes: shapes(ckpt) });
    expect(back.step).toBe(12);
    expect(back.dataSeed).toBe(4242);
    expect(back.config).toEqual(config);
    expect([...back.params.keys()]).toEqual([...ckpt.params.keys()]);
    for (const [name, p] of ckpt.params) {
      const q = back.params.get(name)!;
      expect(q.shape).toEqual(p.shape);
      expect(bytesOf(q.value)).toEqual(bytesOf(p.value));
      expect(bytesOf(q.m)).toEqual(bytesOf(p.m));
      expect(bytesOf(q.v)).toEqual(bytesOf(p.v));
    }
    expect(Object.is(back.params.get("bias")!.value[0], -0)).toBe(true);
    // Re-encoding what was read gives the same bytes: nothing is lost or reordered.
    expect(encodeCheckpoint(back)).toEqual(new Uint8Array(await readFile(path)));
  });

  it("hashes configs by content, not key order", () => {
    expect(configHash({ a: 1, b: [1, 2] })).toBe(configHash({ b: [1, 2], a: 1 }));
    expect(configHash({ a: 1 })).not.toBe(configHash({ a: 2 }));
  });

  it("refuses a checkpoint of another config, naming the key and both values", () => {
    const bytes = encodeCheckpoint(sample());
    expect(() => decodeCheckpoint(bytes, "run.ckpt", { config: { ...config, dModel: 32 }, paramShapes: shapes(sample()) })).toThrow(
      'run.ckpt: config.dModel = 16: checkpoint is of another model config: this model has config.dModel = 32',
    );
    expect(() => decodeCheckpoint(bytes, "run.ckpt", { config: { ...config, sizes: [1, 2] }, paramShapes: shapes(sample()) })).toThrow(/config\.sizes\[2\] = 3/);
  });

  it("refuses a checkpoint whose tensors differ from the model's, naming the tensor and shapes", () => {
    const bytes = encodeCheckpoint(sample());
    const wrongShape = shapes(sample()).set("layer0/w", [16, 8]);
    expect(() => decodeCheckpoint(bytes, "run.ckpt", { config, paramShapes: wrongShape })).toThrow(
      'run.ckpt: tensor "layer0/w" shape = [16,16]: this model expects [16, 8]',
    );
    const extra = shapes(sample()).set("head", [16, 32]);
    expect(() => decodeCheckpoint(bytes, "run.ckpt", { config, paramShapes: extra })).toThrow(/tensor "head" = "missing"/);
    const fewer = shapes(sample());
    fewer.delete("scale");
    expect(() => decodeCheckpoint(bytes, "run.ckpt", { config, paramShapes: fewer })).toThrow(/tensor "scale" = "unexpected"/);
  });

  it("names the file and the fault for truncated and corrupt files", async () => {
    const bytes = encodeCheckpoint(sample());
    const path = join(dir, "truncated.safetensors");
    await writeFile(path, bytes.subarray(0, bytes.length - 10));
    const dataBytes = bytes.length - 10 - 8 - Number(new DataView(bytes.buffer).getBigUint64(0, true));
    await expect(loadCheckpoint(path)).rejects.toThrow(`${path}: tensor "state.step" data_offsets = [${dataBytes - 6},${dataBytes + 2}]: out of range of the ${dataBytes}-byte data buffer`);

    expect(() => decodeCheckpoint(bytes.subarray(0, 100), "short.ckpt")).toThrow(/short\.ckpt: header length = \d+n: runs past the end of the file \(100 bytes\)/);
    expect(() => decodeCheckpoint(bytes.subarray(0, 5), "tiny.ckpt")).toThrow("tiny.ckpt: file size = 5: is shorter than the 8-byte header length");

    const badJson = bytes.slice();
    badJson[8] = "[".charCodeAt(0) + 1; // '\\' instead of '{'
    expect(() => decodeCheckpoint(badJson, "json.ckpt")).toThrow(/json\.ckpt: header = "\d+ bytes": is not valid JSON/);
  });

  it("rejects an unknown dtype and a tensor of the wrong byte length", () => {
    const tamper = (edit: (header: Record<string, Record<string, unknown>>) => void): Uint8Array => {
      const bytes = encodeCheckpoint(sample());
      const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
      const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
      edit(header);
      const h = new TextEncoder().encode(JSON.stringify(header));
      const out = new Uint8Array(8 + h.length + bytes.length - 8 - n);
      new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
      out.set(h, 8);
      out.set(bytes.subarray(8 + n), 8 + h.length);
      return out;
    };
    expect(() => decodeCheckpoint(tamper((h) => (h.bias!.dtype = "BF16")), "x.ckpt")).toThrow(
      'x.ckpt: tensor "bias" dtype = "BF16": is not a supported dtype; choose one of F32, F64, I32, I64, U8, I8',
    );
    expect(() => decodeCheckpoint(tamper((h) => (h.bias!.shape = [15])), "x.ckpt")).toThrow(
      `x.ckpt: tensor "bias" data_offsets = [${(32 * 16 + 16 * 16) * 4},${(32 * 16 + 16 * 16 + 16) * 4}]: span 64 bytes, but F32 [15] needs 60`,
    );
    expect(() =>
      decodeCheckpoint(
        tamper((h) => {
          h.__metadata__!.config = JSON.stringify({ ...config, layers: 2 });
        }),
        "x.ckpt",
      ),
    ).toThrow(/x\.ckpt: __metadata__\.config_hash = "[0-9a-f]{64}": does not match the stored config/);
  });
});
