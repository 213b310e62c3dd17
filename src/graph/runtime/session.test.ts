import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeOnnxModel, OnnxDataType } from "../../onnx-proto.js";
import { createRng } from "../../random.js";
import { Session } from "./session.js";

/** y = a @ b ([2, 3] @ [3, 4]), plus n = Shape(a) as an int64 output, plus z = x * 2 for x: [N, 2]. */
function tinyModel(): Uint8Array {
  return encodeOnnxModel({
    graph: {
      name: "tiny",
      nodes: [
        { opType: "MatMul", inputs: ["a", "b"], outputs: ["y"] },
        { opType: "Shape", inputs: ["a"], outputs: ["n"] },
        { opType: "Add", inputs: ["x", "x"], outputs: ["z"] },
      ],
      inputs: [
        { name: "a", dataType: OnnxDataType.FLOAT, shape: [2, 3] },
        { name: "b", dataType: OnnxDataType.FLOAT, shape: [3, 4] },
        { name: "x", dataType: OnnxDataType.FLOAT, shape: ["N", 2] },
      ],
      outputs: [
        { name: "y", dataType: OnnxDataType.FLOAT, shape: [2, 4] },
        { name: "n", dataType: OnnxDataType.INT64, shape: [2] },
        { name: "z", dataType: OnnxDataType.FLOAT, shape: ["N", 2] },
      ],
    },
  });
}

function matmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += a[i * k + t]! * b[t * n + j]!;
    out.push(s);
  }
  return out;
}

const rng = createRng(7);
const a = Float32Array.from({ length: 6 }, () => rng.uniform(-1, 1));
const b = Float32Array.from({ length: 12 }, () => rng.uniform(-1, 1));
const x = { data: Float32Array.of(1, 2, 3, 4, 5, 6), dims: [3, 2] };

let session: Session;
beforeAll(async () => {
  session = await Session.create(tinyModel(), { threads: 1 });
});
afterAll(async () => {
  await session.release();
});

describe("Session", () => {
  it("lists the declared inputs and outputs with their shapes", () => {
    expect(session.inputs).toEqual([
      { name: "a", type: "float32", shape: [2, 3] },
      { name: "b", type: "float32", shape: [3, 4] },
      { name: "x", type: "float32", shape: ["N", 2] },
    ]);
    expect(session.outputs.map((o) => `${o.name}:${o.type}`)).toEqual(["y:float32", "n:int64", "z:float32"]);
  });

  it("runs with named typed arrays and returns typed outputs", async () => {
    const out = await session.run({ a, b, x });
    const y = [...(out.y!.data as Float32Array)];
    matmul(a, b, 2, 3, 4).forEach((v, i) => expect(y[i]).toBeCloseTo(v, 5));
    expect(out.y!.dims).toEqual([2, 4]);
    expect(out.n!.data).toEqual(BigInt64Array.of(2n, 3n));
    expect([...(out.z!.data as Float32Array)]).toEqual([2, 4, 6, 8, 10, 12]);
    expect(out.z!.dims).toEqual([3, 2]);
  });

  it("writes pre-allocated outputs into the given arrays and fetches only what is asked", async () => {
    const into = new Float32Array(8).fill(Number.NaN);
    const out = await session.run({ a, b, x }, { into: { y: into } });
    expect(Object.keys(out)).toEqual(["y"]);
    expect(out.y!.data).toBe(into);
    matmul(a, b, 2, 3, 4).forEach((v, i) => expect(into[i]).toBeCloseTo(v, 5));
  });

  it("names a missing input, an extra input, a wrong-size array and a wrong type", async () => {
    await expect(session.run({ a, x })).rejects.toThrow('Session.run: input = "b": is missing; the model needs it as float32 [3, 4]');
    await expect(session.run({ a, b, x, c: a })).rejects.toThrow('Session.run: input = "c": is not an input of the model; inputs are a, b, x');
    await expect(session.run({ a, b: b.subarray(1), x })).rejects.toThrow('Session.run: input "b" = Float32Array(11): has length 11, expected shape [3, 4] = 12 elements');
    await expect(session.run({ a, b: new BigInt64Array(12), x })).rejects.toThrow('input "b" = BigInt64Array(12): expected a Float32Array (float32) of shape [3, 4]');
    await expect(session.run({ a, b, x: x.data })).rejects.toThrow('input "x" = Float32Array(6): has symbolic dims [N, 2]; pass { data, dims }');
    await expect(session.run({ a, b, x: { data: x.data, dims: [2, 3] } })).rejects.toThrow('input "x" dims = [2,3]: do not fit the declared shape [N, 2]');
    await expect(session.run({ a, b, x }, { into: { y: new Float32Array(7) } })).rejects.toThrow('output "y" = Float32Array(7): has length 7, expected shape [2, 4] = 8 elements');
    await expect(session.run({ a, b, x }, { fetch: ["w"] })).rejects.toThrow('output = "w": is not an output of the model');
  });

  it("rejects bytes that are not a model, naming the source", async () => {
    await expect(Session.create(new Uint8Array([1, 2, 3]))).rejects.toThrow(/Session\.create: model = "<3-byte model>": onnxruntime could not load it/);
    await expect(Session.create(tinyModel(), { threads: 0 })).rejects.toThrow("Session.create: threads = 0: is not a positive integer");
  });

  it("refuses to run after release", async () => {
    const s = await Session.create(tinyModel(), { threads: 1 });
    await s.release();
    await s.release();
    await expect(s.run({ a, b, x })).rejects.toThrow("was released");
  });
});
