// The ceiling the training step is measured against: one float32 MatMul of two n x n matrices in
// onnxruntime-node (MLAS), fed from JS like every other run, output written into a pre-allocated
// array. GFLOP/s = 2·n³ / median seconds per run.
import { encodeOnnxModel, OnnxDataType } from "../../src/onnx-proto.js";
import { createRng } from "../../src/random.js";
import { Session } from "../../src/graph/runtime/session.js";

/** One MatMul measurement. */
export interface MatMulPeak {
  readonly n: number;
  readonly threads: number;
  readonly runs: number;
  readonly medianMs: number;
  readonly gflops: number;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** C = A @ B with A, B fed as inputs, [n, n] each. */
function matMulModel(n: number): Uint8Array {
  return encodeOnnxModel({
    graph: {
      name: "matmul_peak",
      nodes: [{ opType: "MatMul", inputs: ["a", "b"], outputs: ["c"] }],
      inputs: [
        { name: "a", dataType: OnnxDataType.FLOAT, shape: [n, n] },
        { name: "b", dataType: OnnxDataType.FLOAT, shape: [n, n] },
      ],
      outputs: [{ name: "c", dataType: OnnxDataType.FLOAT, shape: [n, n] }],
    },
  });
}

/** Median time and GFLOP/s of an n x n @ n x n float32 MatMul on `threads` intra-op threads. */
export async function measureMatMulPeak(n: number, threads: number, runs: number, warmup = 3): Promise<MatMulPeak> {
  const rng = createRng(n * 31 + threads);
  const a = Float32Array.from({ length: n * n }, () => rng.uniform(-1, 1));
  const b = Float32Array.from({ length: n * n }, () => rng.uniform(-1, 1));
  const c = new Float32Array(n * n);
  const session = await Session.create(matMulModel(n), { threads });
  try {
    const times: number[] = [];
    for (let i = 0; i < warmup + runs; i++) {
      const t0 = performance.now();
      await session.run({ a, b }, { into: { c } });
      const ms = performance.now() - t0;
      if (i >= warmup) times.push(ms);
    }
    if (!Number.isFinite(c[0]!)) throw new Error("matmul peak: non-finite output");
    const medianMs = median(times);
    return { n, threads, runs, medianMs, gflops: (2 * n ** 3) / (medianMs * 1e6) };
  } finally {
    await session.release();
  }
}
