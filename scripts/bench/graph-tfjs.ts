// The baseline for the tensor engine's training step: the same decoder-only transformer written
// with @tensorflow/tfjs-core ops on the tfjs wasm backend, trained with tf.variableGrads /
// optimizer.minimize and tf.train.adam, as tfjs ships.
//
// Same model as src/graph/reference-transformer.ts: learned token and position embeddings, pre-LN
// blocks (LayerNorm eps 1e-5, causal multi-head attention, exact-erf GELU MLP), final LayerNorm,
// LM head tied to the token embedding, mean cross-entropy. Two differences that do not change the
// matmul FLOPs: q, k, v are three [D, D] projections instead of one fused [D, 3D] (a 5-D transpose
// of the fused result takes ~110 ms on wasm, a 4-D one ~1 ms), and the embedding (next paragraph).
//
// It runs in a child process (`fork` of this file; the parent is scripts/bench/graph.ts) so tfjs's
// wasm heap does not count towards the onnxruntime run's peak memory, and so a failed start of
// the threaded binary cannot leave the parent's tfjs in a half-initialised state.
//
// Two things tfjs needs in Node that it does not do by itself, both done here without fetching
// anything:
// - Gradients: the Node build of tfjs-core (dist/tf-core.node.js) registers no gradient functions
//   (the @tensorflow/tfjs union package does that, and it is not installed). Its ESM build has
//   `dist/register_all_gradients.js`, but that tree uses extensionless relative imports that Node's
//   ESM resolver refuses; a three-line resolve hook (module.register) appends ".js". Gradient and
//   kernel registries and the engine are process-global in tfjs, so the gradients registered by
//   that copy serve the Node build's engine.
// - Wasm binaries: setWasmPaths points at the .wasm files in node_modules (read with fs).
//
// Kernels missing on wasm: the gradient of tf.gather needs UnsortedSegmentSum, which the wasm
// backend does not have; the token embedding is therefore one-hot(tokens) @ wte, a matmul, which is
// the closest formulation that trains (it costs 2·B·T·V·D more FLOPs each way than a gather).
import { fork } from "node:child_process";
import { createRequire, register } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { getThreadsCount, setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { createRng } from "../../src/random.js";

/** The transformer's size (same fields as the graph builder's reference transformer config). */
export interface TfjsTransformerConfig {
  readonly layers: number;
  readonly dModel: number;
  readonly heads: number;
  readonly ffn: number;
  readonly vocab: number;
  readonly seq: number;
  readonly batch: number;
}

/**
 * How matrix products are differentiated. "as-shipped": tf.matMul and its registered gradient,
 * which uses matMul's transposeA / transposeB flags. "explicit-transpose": the same products, but
 * each wrapped in tf.customGrad whose backward transposes explicitly and then multiplies, because
 * the wasm BatchMatMul kernel is 10-25x slower with a transpose flag than without (measured here:
 * [2048,256]^T @ [2048,768] 511 ms with transposeA vs 31 ms as transpose + matMul).
 */
export type TfjsVariant = "as-shipped" | "explicit-transpose";

/** What the child is asked to do. */
export interface TfjsBenchRequest {
  readonly config: TfjsTransformerConfig;
  readonly variant: TfjsVariant;
  /** Try the threaded-simd binary with this many threads first (falls back to simd if it fails). */
  readonly threads: number;
  readonly warmupSteps: number;
  readonly timedSteps: number;
  readonly lr: number;
  readonly seed: number;
}

/** What the child reports back. */
export interface TfjsBenchResult {
  /** Which binary ran: "threaded-simd", "simd" or "plain". */
  readonly binary: string;
  readonly threads: number;
  /** Why the threaded binary did not run (empty when it did). */
  readonly threadedError: string;
  readonly stepMs: readonly number[];
  readonly losses: readonly number[];
  /** The formulation notes (which kernels were replaced). */
  readonly notes: readonly string[];
}

const GRADIENT_HOOK = `export async function resolve(specifier, context, next) {
  if (context.parentURL?.includes("/@tensorflow/tfjs-core/dist/") && /^\\.\\.?\\//.test(specifier) && !/\\.[cm]?js$/.test(specifier)) {
    try { return await next(specifier + ".js", context); } catch { return next(specifier + "/index.js", context); }
  }
  return next(specifier, context);
}`;

async function registerGradients(): Promise<void> {
  register(`data:text/javascript,${encodeURIComponent(GRADIENT_HOOK)}`);
  await import("@tensorflow/tfjs-core/dist/register_all_gradients.js" as string);
}

async function startWasm(threads: number): Promise<{ binary: string; threadedError: string }> {
  const dist = dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"));
  setWasmPaths(`${dist}/`);
  let threadedError = "not tried (1 thread)";
  if (threads > 1) {
    // tfjs hard-wires WASM_HAS_MULTITHREAD_SUPPORT to false under Node (tensorflow/tfjs#3830); force it.
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
    setThreadsCount(threads);
    try {
      if (await tf.setBackend("wasm")) return { binary: "threaded-simd", threadedError: "" };
      threadedError = "tf.setBackend('wasm') returned false";
    } catch (err) {
      threadedError = String((err as Error).message ?? err).split("\n")[0]!;
    }
    return { binary: "", threadedError };
  }
  const simd = (await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) === true;
  if (!(await tf.setBackend("wasm"))) throw new Error("tfjs could not start the wasm backend");
  return { binary: simd ? "simd" : "plain", threadedError };
}

/** GELU, exact form as the graph builder's: 0.5·x·(1 + erf(x/√2)). */
function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

/** Swap the last two axes (2-D or 4-D here). */
function swapLast(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1]!, perm[perm.length - 2]!];
  return tf.transpose(x, perm);
}

/** a @ b whose backward transposes explicitly (see {@link TfjsVariant}). */
const matMulExplicit = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.matMul(dy, swapLast(saved[1]!)), tf.matMul(swapLast(saved[0]!), dy)],
  };
}) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

function layerNorm(x: tf.Tensor, gain: tf.Variable, bias: tf.Variable): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gain), bias);
}

/** Build the transformer's variables and its loss function. */
function buildModel(cfg: TfjsTransformerConfig, variant: TfjsVariant, seed: number): { loss: (tokens: tf.Tensor, targets: tf.Tensor) => tf.Scalar; count: number } {
  const mm = variant === "as-shipped" ? (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b) : matMulExplicit;
  // a @ b^T: as shipped one writes the transpose flag; the explicit variant transposes first.
  const mmT = variant === "as-shipped" ? (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b, false, true) : (a: tf.Tensor, b: tf.Tensor) => matMulExplicit(a, swapLast(b));
  const rng = createRng(seed);
  const { layers, dModel: D, heads: H, ffn: F, vocab: V, seq: T, batch: B } = cfg;
  const hd = D / H;
  const normal = (shape: number[], std: number): tf.Variable =>
    tf.variable(tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => std * Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next())), shape));
  const fill = (shape: number[], v: number): tf.Variable => tf.variable(tf.fill(shape, v));
  const wte = normal([V, D], 0.02);
  const wpe = normal([T, D], 0.02);
  const blocks = Array.from({ length: layers }, () => ({
    ln1g: fill([D], 1), ln1b: fill([D], 0),
    wq: normal([D, D], 0.02), bq: fill([D], 0),
    wk: normal([D, D], 0.02), bk: fill([D], 0),
    wv: normal([D, D], 0.02), bv: fill([D], 0),
    wo: normal([D, D], 0.02), bo: fill([D], 0),
    ln2g: fill([D], 1), ln2b: fill([D], 0),
    w1: normal([D, F], 0.02), b1: fill([F], 0),
    w2: normal([F, D], 0.02), b2: fill([D], 0),
  }));
  const lnfg = fill([D], 1);
  const lnfb = fill([D], 0);
  // Causal mask: -1e9 above the diagonal, added to the attention scores.
  const mask = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9); // [T, T]
  const loss = (tokens: tf.Tensor, targets: tf.Tensor): tf.Scalar => {
    let x = mm(tf.oneHot(tf.reshape(tokens, [B * T]) as tf.Tensor1D, V), wte); // [B·T, D]
    x = tf.reshape(tf.add(tf.reshape(x, [B, T, D]), wpe), [B * T, D]);
    // Heads: [B·T, D] -> [B, H, T, hd]; separate q, k, v keep every transpose 4-D (file header).
    const heads = (t: tf.Tensor): tf.Tensor => tf.transpose(tf.reshape(t, [B, T, H, hd]), [0, 2, 1, 3]);
    for (const b of blocks) {
      const h = layerNorm(x, b.ln1g, b.ln1b);
      const q = heads(tf.add(mm(h, b.wq), b.bq));
      const k = heads(tf.add(mm(h, b.wk), b.bk));
      const v = heads(tf.add(mm(h, b.wv), b.bv));
      const scores = tf.add(mmT(tf.mul(q, 1 / Math.sqrt(hd)), k), mask); // [B, H, T, T]
      const y = mm(tf.softmax(scores), v); // [B, H, T, hd]
      const merged = tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [B * T, D]);
      x = tf.add(x, tf.add(mm(merged, b.wo), b.bo));
      const h2 = layerNorm(x, b.ln2g, b.ln2b);
      x = tf.add(x, tf.add(mm(gelu(tf.add(mm(h2, b.w1), b.b1)), b.w2), b.b2));
    }
    const logits = mmT(layerNorm(x, lnfg, lnfb), wte); // [B·T, V], head tied to the token embedding
    return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.reshape(targets, [B * T]) as tf.Tensor1D, V), logits) as tf.Scalar;
  };
  const count = tf.memory().numTensors;
  return { loss, count };
}

/** Random next-token data for one step, a pure function of (seed, step). */
function batchOf(cfg: TfjsTransformerConfig, seed: number, step: number): { tokens: tf.Tensor; targets: tf.Tensor } {
  const rng = createRng(seed * 1000003 + step);
  const n = cfg.batch * cfg.seq;
  const tokens = Int32Array.from({ length: n }, () => rng.int(cfg.vocab));
  const targets = Int32Array.from({ length: n }, () => rng.int(cfg.vocab));
  return { tokens: tf.tensor2d(tokens, [cfg.batch, cfg.seq], "int32"), targets: tf.tensor2d(targets, [cfg.batch, cfg.seq], "int32") };
}

/** Measure tfjs-wasm training steps in this process (the child side). */
export async function measureTfjsHere(req: TfjsBenchRequest): Promise<TfjsBenchResult> {
  await registerGradients();
  const started = await startWasm(req.threads);
  if (started.binary === "") return { binary: "", threads: 0, threadedError: started.threadedError, stepMs: [], losses: [], notes: [] };
  const model = buildModel(req.config, req.variant, req.seed);
  const optimizer = tf.train.adam(req.lr, 0.9, 0.95, 1e-8);
  const stepMs: number[] = [];
  const losses: number[] = [];
  for (let step = 1; step <= req.warmupSteps + req.timedSteps; step++) {
    const t0 = performance.now();
    const value = tf.tidy(() => {
      const { tokens, targets } = batchOf(req.config, req.seed, step);
      return optimizer.minimize(() => model.loss(tokens, targets), true)!;
    });
    const loss = (await value.data())[0]!;
    value.dispose();
    const ms = performance.now() - t0;
    if (!Number.isFinite(loss)) throw new Error(`tfjs step ${step}: loss ${loss}`);
    if (step > req.warmupSteps) stepMs.push(ms);
    losses.push(loss);
  }
  return {
    ...started,
    threads: getThreadsCount(),
    stepMs,
    losses,
    notes: [
      "token embedding as one-hot @ wte (wasm has no UnsortedSegmentSum, the gradient of gather)",
      "tf.train.adam(beta2 0.95), no weight decay (tfjs has no AdamW), no gradient clipping",
    ],
  };
}

/**
 * Measure in a fresh child process (this file forked with the parent's loader flags). With
 * `threads` > 1 the threaded-simd binary is tried first in its own child; if it fails to start,
 * a second child runs the simd binary, and the failure is reported in `threadedError`.
 */
export async function measureTfjsInChild(req: TfjsBenchRequest): Promise<TfjsBenchResult> {
  const first = await runChild(req);
  if (first.binary !== "" || req.threads <= 1) return first;
  const fallback = await runChild({ ...req, threads: 1 });
  return { ...fallback, threadedError: first.threadedError };
}

function runChild(req: TfjsBenchRequest): Promise<TfjsBenchResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ["--child"], { silent: true });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout?.resume();
    let result: TfjsBenchResult | null = null;
    child.on("message", (m) => (result = m as TfjsBenchResult));
    child.on("error", reject);
    child.on("exit", (code) => {
      const r = result as TfjsBenchResult | null;
      // tfjs reports why the threaded build failed only on stderr (console.warn); keep that line.
      const cause = stderr.split("\n").find((line) => /Error/.test(line))?.trim();
      if (r !== null) resolve(r.binary === "" && cause !== undefined ? { ...r, threadedError: `${r.threadedError}: ${cause}` } : r);
      else reject(new Error(`tfjs bench child exited with ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`));
    });
    child.send(req);
  });
}

if (process.argv[2] === "--child" && process.argv[1] !== undefined && join(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.once("message", (req) => {
    measureTfjsHere(req as TfjsBenchRequest).then(
      (result) => process.send!(result, () => process.exit(0)),
      (err: unknown) => {
        process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
        process.exit(1);
      },
    );
  });
}
