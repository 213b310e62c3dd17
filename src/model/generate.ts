import { InputError } from "../errors.js";
import { Session, type SessionConfig } from "../graph/runtime/session.js";
import type { GrammarMode, ParsedAnswer } from "./answer-grammar.js";
import type { ModelConfig } from "./config.js";
import { NET, networkDims, usesPatchDepth, pastKeyName, pastValueName, presentKeyName, presentValueName, tokenKeyName, tokenValueName, type NetworkDims } from "./network.js";
import type { Tokenizer } from "./tokenizer.js";

/**
 * Greedy decoding constrained by the answer grammar (tokenizer.decoder()): at every step only the
 * tokens the grammar allows are candidates, so every answer parses, every box has its seven bins.
 *
 * Logits come from a {@link LogitsSource}:
 * - {@link CachedLogits}: the prefill graph once (vision + prompt -> first logits + every layer's
 *   keys and values), then the step graph once per token (one token + the cache -> its logits and
 *   the cache with its keys and values added). Per token this costs one token's worth of work.
 * - {@link FullRecomputeLogits}: the full-sequence graph re-run on the whole sequence for every
 *   token; the slow, obviously-right reference the cache is tested against.
 */

/** Declared inputs and outputs of a loaded graph. */
export interface GraphSignature {
  readonly inputs: readonly { readonly name: string; readonly shape: readonly (number | string)[] }[];
  readonly outputs: readonly { readonly name: string; readonly shape: readonly (number | string)[] }[];
}

/** The model input of one generation: a frame's vision inputs and an encoded prompt. */
export interface GenerationPrefix {
  /** [P, patchDim] image patches (vision-inputs.ts). */
  readonly pixels: Float32Array;
  /** [P, dModel] depth-aware positional encoding (zeros or ignored when cfg.depthPE is false). */
  readonly depthPE: Float32Array;
  /** [P] mean planar depth per patch, metres, 0 = none (used with coordinate codes and the depth encoding). */
  readonly patchDepth: Float32Array;
  /** <bos> prompt <sep>, at most cfg.maxPromptTokens ids. */
  readonly promptIds: Int32Array;
}

/** Where next-token logits come from. */
export interface LogitsSource {
  /** Logits [V] of the first answer token after the prefix. Resets any previous generation. */
  start(prefix: GenerationPrefix): Promise<Float32Array>;
  /** Append the chosen token; logits [V] of the token after it. */
  next(token: number): Promise<Float32Array>;
  /** Release the sessions. */
  release(): Promise<void>;
}

function checkPrefix(prefix: GenerationPrefix, cfg: ModelConfig, d: NetworkDims, where: string): void {
  if (prefix.pixels.length !== d.P * d.patchDim) throw new InputError(where, "pixels length", prefix.pixels.length, `expected ${d.P} x ${d.patchDim}`);
  if (cfg.depthPE && prefix.depthPE.length !== d.P * d.D) throw new InputError(where, "depthPE length", prefix.depthPE.length, `expected ${d.P} x ${d.D}`);
  if (usesPatchDepth(cfg) && prefix.patchDepth.length !== d.P) throw new InputError(where, "patchDepth length", prefix.patchDepth.length, `expected ${d.P}`);
  const n = prefix.promptIds.length;
  if (n < 2 || n > cfg.maxPromptTokens) throw new InputError(where, "prompt length", n, `must be in [2, ${cfg.maxPromptTokens}] tokens (<bos> ... <sep>)`);
}

/** Generation with a key/value cache: the prefill and step graphs (see the file comment). */
export class CachedLogits implements LogitsSource {
  readonly #d: NetworkDims;
  /** Per layer: keys then values, [H, C, dh] each (2 * layers arrays). */
  readonly #cache: Float32Array[];
  /** Per layer: the step token's keys then values, [H, 1, dh] each. */
  readonly #fresh: Float32Array[];
  readonly #logits: Float32Array;
  readonly #pastNames: string[];
  readonly #presentNames: string[];
  readonly #freshNames: string[];
  #position = -1;

  private constructor(
    private readonly cfg: ModelConfig,
    vocabSize: number,
    private readonly prefill: Session,
    private readonly step: Session,
  ) {
    const d = networkDims(cfg, vocabSize);
    this.#d = d;
    const layers = Array.from({ length: cfg.layers }, (_, l) => l);
    this.#cache = layers.flatMap(() => [new Float32Array(d.H * d.cacheLength * d.dh), new Float32Array(d.H * d.cacheLength * d.dh)]);
    this.#fresh = layers.flatMap(() => [new Float32Array(d.H * d.dh), new Float32Array(d.H * d.dh)]);
    this.#logits = new Float32Array(vocabSize);
    this.#pastNames = layers.flatMap((l) => [pastKeyName(l), pastValueName(l)]);
    this.#presentNames = layers.flatMap((l) => [presentKeyName(l), presentValueName(l)]);
    this.#freshNames = layers.flatMap((l) => [tokenKeyName(l), tokenValueName(l)]);
  }

  /** Load the prefill and step models (ONNX bytes or file paths). */
  static async create(cfg: ModelConfig, vocabSize: number, prefill: Uint8Array | string, step: Uint8Array | string, session: SessionConfig = {}): Promise<CachedLogits> {
    const p = await Session.create(prefill, session);
    try {
      const s = await Session.create(step, session);
      return new CachedLogits(cfg, vocabSize, p, s);
    } catch (err) {
      await p.release();
      throw err;
    }
  }

  /** Declared inputs and outputs of the two graphs (for checking them against a config). */
  get signatures(): { readonly prefill: GraphSignature; readonly step: GraphSignature } {
    return { prefill: { inputs: this.prefill.inputs, outputs: this.prefill.outputs }, step: { inputs: this.step.inputs, outputs: this.step.outputs } };
  }

  async start(prefix: GenerationPrefix): Promise<Float32Array> {
    const d = this.#d;
    checkPrefix(prefix, this.cfg, d, "CachedLogits.start");
    const ids = new BigInt64Array(this.cfg.maxPromptTokens);
    prefix.promptIds.forEach((id, i) => (ids[i] = BigInt(id)));
    const feeds: Record<string, Float32Array | BigInt64Array> = {
      [NET.pixels]: prefix.pixels,
      [NET.promptIds]: ids,
      [NET.promptLength]: BigInt64Array.of(BigInt(prefix.promptIds.length)),
    };
    if (this.cfg.depthPE) feeds[NET.depthPE] = prefix.depthPE;
    if (usesPatchDepth(this.cfg)) feeds[NET.patchDepth] = prefix.patchDepth;
    const into: Record<string, Float32Array> = { [NET.logits]: this.#logits };
    this.#presentNames.forEach((name, i) => (into[name] = this.#cache[i]!));
    await this.prefill.run(feeds, { into });
    this.#position = d.P + prefix.promptIds.length;
    return this.#logits;
  }

  async next(token: number): Promise<Float32Array> {
    const { H, cacheLength: C, dh } = this.#d;
    const slot = this.#position;
    if (slot < 0) throw new InputError("CachedLogits.next", "state", "not started", "call start() first");
    if (slot >= C) throw new InputError("CachedLogits.next", "position", slot, `the cache holds ${C} positions`);
    const feeds: Record<string, Float32Array | BigInt64Array> = {
      [NET.token]: BigInt64Array.of(BigInt(token)),
      [NET.position]: BigInt64Array.of(BigInt(slot)),
    };
    this.#pastNames.forEach((name, i) => (feeds[name] = this.#cache[i]!));
    const into: Record<string, Float32Array> = { [NET.logits]: this.#logits };
    this.#freshNames.forEach((name, i) => (into[name] = this.#fresh[i]!));
    await this.step.run(feeds, { into });
    // Write the token's keys and values into its slot: [H, 1, dh] -> [H, C, dh] at `slot`.
    this.#cache.forEach((cache, i) => {
      const fresh = this.#fresh[i]!;
      for (let h = 0; h < H; h++) cache.set(fresh.subarray(h * dh, (h + 1) * dh), (h * C + slot) * dh);
    });
    this.#position++;
    return this.#logits;
  }

  async release(): Promise<void> {
    await this.prefill.release();
    await this.step.release();
  }
}

/** Generation by re-running the full-sequence graph (batch 1, T = maxPrompt + maxAnswer) per token. */
export class FullRecomputeLogits implements LogitsSource {
  readonly #d: NetworkDims;
  #prefix: GenerationPrefix | null = null;
  #ids: number[] = [];

  private constructor(
    private readonly cfg: ModelConfig,
    vocabSize: number,
    private readonly session: Session,
  ) {
    this.#d = networkDims(cfg, vocabSize);
  }

  /** Load the full-sequence model (built with batch 1 and textLength = maxPromptTokens + maxAnswerTokens). */
  static async create(cfg: ModelConfig, vocabSize: number, full: Uint8Array | string, session: SessionConfig = {}): Promise<FullRecomputeLogits> {
    return new FullRecomputeLogits(cfg, vocabSize, await Session.create(full, session));
  }

  async #run(): Promise<Float32Array> {
    const d = this.#d;
    const prefix = this.#prefix!;
    const T = d.textMax;
    if (this.#ids.length > T) throw new InputError("FullRecomputeLogits", "sequence length", this.#ids.length, `the graph holds ${T} text positions`);
    const ids = new BigInt64Array(T);
    this.#ids.forEach((id, i) => (ids[i] = BigInt(id)));
    const feeds: Record<string, Float32Array | BigInt64Array> = {
      [NET.pixels]: prefix.pixels,
      [NET.inputIds]: ids,
      [NET.prefixLength]: BigInt64Array.of(BigInt(d.P + prefix.promptIds.length)),
      [NET.totalLength]: BigInt64Array.of(BigInt(d.P + this.#ids.length)),
    };
    if (this.cfg.depthPE) feeds[NET.depthPE] = prefix.depthPE;
    if (usesPatchDepth(this.cfg)) feeds[NET.patchDepth] = prefix.patchDepth;
    const out = await this.session.run(feeds, { fetch: [NET.logits] });
    const t = this.#ids.length - 1;
    return (out[NET.logits]!.data as Float32Array).slice(t * d.V, (t + 1) * d.V);
  }

  async start(prefix: GenerationPrefix): Promise<Float32Array> {
    checkPrefix(prefix, this.cfg, this.#d, "FullRecomputeLogits.start");
    this.#prefix = prefix;
    this.#ids = Array.from(prefix.promptIds);
    return this.#run();
  }

  async next(token: number): Promise<Float32Array> {
    if (this.#prefix === null) throw new InputError("FullRecomputeLogits.next", "state", "not started", "call start() first");
    this.#ids.push(token);
    return this.#run();
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** Options of {@link greedyDecode}. */
export interface DecodeOptions {
  /** Which answers the grammar allows (default "boxes": stage-1 grounding). */
  readonly mode?: GrammarMode;
  /** Most answer tokens, <eos> included (default cfg.maxAnswerTokens). */
  readonly maxLength?: number;
  /**
   * When given and non-empty: the only label tokens a box (or an answer name) may carry, e.g. the
   * categories the prompt names, so a grounding answer never boxes a category nobody asked for.
   */
  readonly labelIds?: ReadonlySet<number>;
  /**
   * Teacher forcing: choose these ids instead of the argmax (each must be allowed by the grammar),
   * e.g. to score a given answer or to time a generation of known length. Must end with <eos>.
   */
  readonly force?: readonly number[];
}

/** One decoded answer. */
export interface Decoded {
  /** Answer ids, ending with <eos>. */
  readonly ids: readonly number[];
  /** Log-probability of each chosen id under the constrained (renormalized) distribution. */
  readonly logProbs: readonly number[];
  readonly answer: ParsedAnswer;
  /** Milliseconds in the prefix run (prefill) and in the per-token runs plus grammar. */
  readonly prefillMs: number;
  readonly decodeMs: number;
}

/**
 * Greedy constrained decoding: at each step the allowed id with the largest logit (lowest id on a
 * tie), until <eos>. Always yields a well-formed answer (the grammar reserves room to finish).
 */
export async function greedyDecode(source: LogitsSource, prefix: GenerationPrefix, tokenizer: Tokenizer, cfg: ModelConfig, options: DecodeOptions = {}): Promise<Decoded> {
  const decoder = tokenizer.decoder({ mode: options.mode ?? "boxes", maxLength: options.maxLength ?? cfg.maxAnswerTokens }, "greedyDecode");
  const restrict = options.labelIds !== undefined && options.labelIds.size > 0 ? options.labelIds : null;
  const labelSet = restrict === null ? null : new Set(tokenizer.ids(tokenizer.labels));
  const t0 = performance.now();
  let logits = await source.start(prefix);
  const prefillMs = performance.now() - t0;
  const ids: number[] = [];
  const logProbs: number[] = [];
  for (;;) {
    let allowed = decoder.allowed();
    if (restrict !== null) allowed = allowed.filter((id) => !labelSet!.has(id) || restrict.has(id));
    if (allowed.length === 0) throw new InputError("greedyDecode", "allowed tokens", ids.length, "the grammar left no token to choose (labelIds names no label the grammar allows)");
    let best = allowed[0]!;
    let max = -Infinity;
    for (const id of allowed) {
      const z = logits[id]!;
      if (z > max) {
        max = z;
        best = id;
      }
    }
    const forced = options.force?.[ids.length];
    if (options.force !== undefined) {
      if (forced === undefined) throw new InputError("greedyDecode", "force", options.force.length, "the forced answer ended before <eos>");
      if (!allowed.includes(forced)) throw new InputError("greedyDecode", `force[${ids.length}]`, forced, "is not allowed by the answer grammar here");
      best = forced;
    }
    if (!Number.isFinite(max)) throw new InputError("greedyDecode", `logits at answer token ${ids.length}`, max, "are not finite; the model weights are broken");
    let sum = 0;
    for (const id of allowed) sum += Math.exp(logits[id]! - max);
    logProbs.push(logits[best]! - max - Math.log(sum));
    decoder.push(best);
    ids.push(best);
    if (decoder.done) break;
    logits = await source.next(best);
  }
  return { ids, logProbs, answer: decoder.result(), prefillMs, decodeMs: performance.now() - t0 - prefillMs };
}
