import { mkdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { InputError, parseJsonText } from "../errors.js";
import { writeFileAtomic } from "../fsutil.js";
import { canonicalJson, configHash, loadCheckpoint, type JsonValue } from "../graph/checkpoint.js";
import { exportInferenceModel } from "../graph/export.js";
import { readWeightsFile, writeWeightsFile } from "../graph/weights-file.js";
import { validateModelConfig, type ModelConfig } from "./config.js";
import type { GraphSignature } from "./generate.js";
import { buildPrefillGraph, buildStepGraph, initialNetworkParams, networkDims, NET, pastKeyName, presentKeyName, tokenKeyName, usesPatchDepth } from "./network.js";
import { parseTokenizerJson, serializeTokenizer, type Tokenizer } from "./tokenizer.js";

/**
 * A model folder: everything needed to run (and to keep training) one compact N3D-VLM.
 *
 *   config.json              {"format": "n3d-model", "version": 1, "config": {resolved ModelConfig},
 *                             "vocabSize": V, "files": {...}, "training": {...}}
 *   tokenizer.json           the closed vocabulary (tokenizer.ts documents it)
 *   prefill.onnx, step.onnx  the inference graphs (two because generation keeps a key/value
 *                            cache; network.ts documents their inputs and outputs). Small: their
 *                            parameters are ONNX external data in weights.bin, so load them by
 *                            path (`InferenceSession.create("DIR/prefill.onnx")` in any
 *                            onnxruntime finds weights.bin beside it), not from bytes
 *   weights.bin              every parameter once, shared by both graphs: float32 little-endian,
 *                            sorted by name, each at a multiple of 64 bytes (graph/weights-file.ts)
 *   checkpoint.safetensors   training state (weights + AdamW moments + step + data seed): for
 *                            `n3d train --resume` and `--init`; not needed to ground
 *   training.jsonl           one line per step: step, loss, grad_norm, lr, ms
 *   training.svg             the loss curve
 *   train.json               what the run was asked to do (stage, data, settings)
 *
 * Generation in words (what a user of the ONNX files without n3d does): run prefill.onnx on the
 * frame's patches and depth encoding (vision-inputs.ts) and the prompt ids (<bos> ... <sep>, padded
 * to maxPromptTokens, with prompt_length = n) -> logits of the first answer token and present_key_i /
 * present_value_i (the cache). Then, token by token, pick the next id (argmax over what the answer
 * grammar allows), and run step.onnx with token, position = P + n + k (k-th answer token from 0)
 * and past_key_i / past_value_i = the cache -> logits of the token after it, plus key_i / value_i,
 * which go into the cache at slot `position`. Stop at <eos>.
 */

/** The value of config.json's `format`. */
export const MODEL_FOLDER_FORMAT = "n3d-model";
/** The model folder version this code writes and reads. */
export const MODEL_FOLDER_VERSION = 1;

/** File names inside a model folder. */
export const MODEL_FILES = {
  config: "config.json",
  tokenizer: "tokenizer.json",
  prefill: "prefill.onnx",
  step: "step.onnx",
  weights: "weights.bin",
  checkpoint: "checkpoint.safetensors",
  log: "training.jsonl",
  plot: "training.svg",
  run: "train.json",
} as const;

/** config.json. */
export interface ModelFolderJson {
  readonly format: typeof MODEL_FOLDER_FORMAT;
  readonly version: typeof MODEL_FOLDER_VERSION;
  readonly config: ModelConfig;
  /** The tokenizer's size (embedding rows). */
  readonly vocabSize: number;
  /** The ONNX files, the weights file they share, and their sizes in bytes. */
  readonly files: {
    readonly prefill: string;
    readonly step: string;
    readonly weights: string;
    readonly prefillBytes: number;
    readonly stepBytes: number;
    readonly weightsBytes: number;
  };
  /** SHA-256 of the canonical config JSON, also in each ONNX file's metadata (`n3d.config_hash`). */
  readonly configHash: string;
  /** Where the weights came from (stage, steps, data), free-form JSON. */
  readonly training?: JsonValue;
}

/** A model folder read back and checked. */
export interface ModelFolder {
  readonly dir: string;
  readonly json: ModelFolderJson;
  readonly cfg: ModelConfig;
  readonly tokenizer: Tokenizer;
  readonly prefillPath: string;
  readonly stepPath: string;
  /** The weights file both graphs reference (checked to exist and have the recorded size). */
  readonly weightsPath: string;
}

/** What {@link writeModelFolder} wrote: file sizes in bytes. */
export interface WrittenModel {
  readonly prefillBytes: number;
  readonly stepBytes: number;
  readonly weightsBytes: number;
}

/**
 * Write weights.bin, the inference graphs referencing it, config.json and tokenizer.json of a model
 * with weights `params` (every network parameter, by name) into `dir` (created if needed). Each
 * file is written atomically; the weights before the graphs and config.json last, so a reader
 * never sees a config for files not yet written.
 */
export async function writeModelFolder(
  dir: string,
  model: { readonly cfg: ModelConfig; readonly tokenizer: Tokenizer; readonly params: ReadonlyMap<string, Float32Array>; readonly training?: JsonValue },
): Promise<WrittenModel> {
  const { cfg, tokenizer, params } = model;
  await mkdir(dir, { recursive: true });
  const metadata = { "n3d.format": MODEL_FOLDER_FORMAT, "n3d.format_version": String(MODEL_FOLDER_VERSION), "n3d.vocab_size": String(tokenizer.size) };
  const config = cfg as unknown as JsonValue;
  const weights = await writeWeightsFile(join(dir, MODEL_FILES.weights), params);
  const prefill = await exportInferenceModel(buildPrefillGraph(cfg, tokenizer.size), join(dir, MODEL_FILES.prefill), { params, weights, config, metadata: { ...metadata, "n3d.graph": "prefill" } });
  const step = await exportInferenceModel(buildStepGraph(cfg, tokenizer.size), join(dir, MODEL_FILES.step), { params, weights, config, metadata: { ...metadata, "n3d.graph": "step" } });
  await writeFileAtomic(join(dir, MODEL_FILES.tokenizer), serializeTokenizer(tokenizer));
  const json: ModelFolderJson = {
    format: MODEL_FOLDER_FORMAT,
    version: MODEL_FOLDER_VERSION,
    config: cfg,
    vocabSize: tokenizer.size,
    files: {
      prefill: MODEL_FILES.prefill,
      step: MODEL_FILES.step,
      weights: MODEL_FILES.weights,
      prefillBytes: prefill.bytes,
      stepBytes: step.bytes,
      weightsBytes: weights.bytes,
    },
    configHash: configHash(config),
    ...(model.training === undefined ? {} : { training: model.training }),
  };
  await writeFileAtomic(join(dir, MODEL_FILES.config), `${JSON.stringify(json, null, 1)}\n`);
  return { prefillBytes: prefill.bytes, stepBytes: step.bytes, weightsBytes: weights.bytes };
}

/** How to make a model, for "no model here" errors. */
export const TRAIN_HINT = "train one with `n3d train --stage 1 --data synth --config small --set textLength=160 --steps 40000 --out DIR` (scripts/train-shipped.sh trains the shipped one)";

/**
 * Read and check a model folder: it must exist and hold config.json of this format and version
 * with a valid config, a tokenizer of the recorded size and target, both ONNX files, and the
 * weights file at the size config.json records. Throws an InputError naming the folder or file and
 * what is wrong.
 */
export async function readModelFolder(dir: string): Promise<ModelFolder> {
  const abs = resolve(dir);
  try {
    if (!(await stat(abs)).isDirectory()) throw new InputError(abs, "model folder", dir, "is a file; expected a model folder (config.json, tokenizer.json, prefill.onnx, step.onnx, weights.bin)");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new InputError(abs, "model folder", dir, `does not exist; ${TRAIN_HINT}`);
    throw err;
  }
  const configPath = join(abs, MODEL_FILES.config);
  const text = await readIfExists(configPath, `the folder has no ${MODEL_FILES.config}; it is not a model folder (${TRAIN_HINT})`);
  const raw = parseJsonText(text, configPath);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new InputError(configPath, "document", raw, "must be a JSON object");
  const doc = raw as Record<string, unknown>;
  if (doc["format"] !== MODEL_FOLDER_FORMAT) throw new InputError(configPath, "format", doc["format"], `is not "${MODEL_FOLDER_FORMAT}"; not an n3d model folder`);
  if (doc["version"] !== MODEL_FOLDER_VERSION) {
    throw new InputError(configPath, "version", doc["version"], `is not a supported model folder version; this n3d reads version ${MODEL_FOLDER_VERSION} (retrain or use the n3d that wrote it)`);
  }
  const cfg = validateModelConfig(doc["config"], `${configPath} config`);
  if (doc["configHash"] !== configHash(cfg)) throw new InputError(configPath, "configHash", doc["configHash"], `does not match its config (${configHash(cfg)}); the file was edited`);
  const tokenizerPath = join(abs, MODEL_FILES.tokenizer);
  const tokenizer = parseTokenizerJson(await readIfExists(tokenizerPath, "missing; a model folder holds its tokenizer"), tokenizerPath);
  if (doc["vocabSize"] !== tokenizer.size) throw new InputError(tokenizerPath, "tokens", tokenizer.size, `config.json says the model has ${String(doc["vocabSize"])} tokens; the tokenizer is from another model`);
  if (tokenizer.target !== cfg.target) throw new InputError(tokenizerPath, "target", tokenizer.target, `config.json says ${cfg.target}`);
  const prefillPath = join(abs, MODEL_FILES.prefill);
  const stepPath = join(abs, MODEL_FILES.step);
  for (const p of [prefillPath, stepPath]) await readIfExists(p, `missing; ${MODEL_FILES.config} needs both inference graphs`, true);
  const weightsPath = join(abs, MODEL_FILES.weights);
  await checkWeightsFile(weightsPath, (doc["files"] as Record<string, unknown> | undefined)?.["weightsBytes"], configPath);
  return { dir: abs, json: doc as unknown as ModelFolderJson, cfg, tokenizer, prefillPath, stepPath, weightsPath };
}

/** weights.bin must exist with the size config.json records (a short file would fail deep in onnxruntime). */
async function checkWeightsFile(path: string, recordedBytes: unknown, configPath: string): Promise<void> {
  if (!Number.isSafeInteger(recordedBytes) || (recordedBytes as number) <= 0) {
    throw new InputError(configPath, "files.weightsBytes", recordedBytes, `is not a positive integer; the folder was written without ${MODEL_FILES.weights} (rewrite it with this n3d)`);
  }
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new InputError(path, "file", path, `missing; both inference graphs read their weights from it`);
    throw err;
  }
  if (size !== recordedBytes) {
    throw new InputError(path, "size (bytes)", size, `is not the ${String(recordedBytes)} bytes ${MODEL_FILES.config} records; the file is truncated or from another model`);
  }
}

async function readIfExists(path: string, problem: string, probeOnly = false): Promise<string> {
  try {
    if (probeOnly) {
      await stat(path);
      return "";
    }
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new InputError(path, "file", path, problem);
    throw err;
  }
}

/**
 * Check that loaded prefill and step graphs have the shapes `cfg` and the vocabulary give (a
 * graph from another config would otherwise fail deep inside onnxruntime or decode garbage).
 */
export function checkGraphShapes(cfg: ModelConfig, vocabSize: number, prefill: GraphSignature, step: GraphSignature, where: string): void {
  const d = networkDims(cfg, vocabSize);
  const expect = (sig: GraphSignature, file: string, kind: "input" | "output", name: string, shape: readonly number[]): void => {
    const found = (kind === "input" ? sig.inputs : sig.outputs).find((s) => s.name === name);
    if (found === undefined) throw new InputError(where, `${file} ${kind} ${name}`, "missing", "the graph is not an n3d model graph of this version");
    if (found.shape.length !== shape.length || found.shape.some((x, i) => x !== shape[i])) {
      throw new InputError(where, `${file} ${kind} ${name} shape`, `[${found.shape.join(", ")}]`, `config.json implies [${shape.join(", ")}]; the graph is from another model config`);
    }
  };
  expect(prefill, MODEL_FILES.prefill, "input", NET.promptIds, [1, cfg.maxPromptTokens]);
  expect(prefill, MODEL_FILES.prefill, "input", NET.pixels, [1, d.P, d.patchDim]);
  expect(prefill, MODEL_FILES.prefill, "output", NET.logits, [1, d.V]);
  expect(prefill, MODEL_FILES.prefill, "output", presentKeyName(cfg.layers - 1), [1, d.H, d.cacheLength, d.dh]);
  expect(step, MODEL_FILES.step, "input", pastKeyName(cfg.layers - 1), [1, d.H, d.cacheLength, d.dh]);
  expect(step, MODEL_FILES.step, "output", tokenKeyName(cfg.layers - 1), [1, d.H, 1, d.dh]);
  expect(step, MODEL_FILES.step, "output", NET.logits, [1, d.V]);
  if (cfg.depthPE) expect(prefill, MODEL_FILES.prefill, "input", NET.depthPE, [1, d.P, d.D]);
  if (usesPatchDepth(cfg)) expect(prefill, MODEL_FILES.prefill, "input", NET.patchDepth, [1, d.P]);
}

/**
 * The weights of a model folder (for `n3d train --init`): its checkpoint.safetensors when it has
 * one, which must be of `cfg`'s model (same config), else an InputError names the difference; else
 * (a shipped folder has no checkpoint) its weights.bin, laid out by the parameters of `cfg`'s model.
 */
export async function readFolderParams(folder: ModelFolder): Promise<Map<string, Float32Array>> {
  const path = join(folder.dir, MODEL_FILES.checkpoint);
  try {
    await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    const sizes = new Map([...initialNetworkParams(folder.cfg, folder.tokenizer.size, 0)].map(([name, v]) => [name, v.length]));
    return readWeightsFile(join(folder.dir, MODEL_FILES.weights), sizes);
  }
  const ckpt = await loadCheckpoint(path);
  const stored = (ckpt.config as { model?: unknown } | null)?.model;
  if (canonicalJson(stored ?? null) !== canonicalJson(folder.cfg)) {
    throw new InputError(path, "config.model", stored ?? null, "is not the model config of config.json; the checkpoint is from another model");
  }
  return new Map([...ckpt.params].map(([name, p]) => [name, p.value]));
}
