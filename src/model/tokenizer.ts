import { readFile } from "node:fs/promises";
import { InputError, parseJsonText } from "../errors.js";
import { writeFileAtomic } from "../fsutil.js";
import { COCO80_LABELS } from "../detect/coco-labels.js";
import { DETECTION_TEMPLATES, GROUNDING_TEMPLATES, reasoningTemplates } from "../qa/index.js";
import { LENGTH_UNITS, QUESTION_TYPES, UNIT_WORDS } from "../reason/index.js";
import { CATEGORY_NAMES } from "../synth/index.js";
import { COLOR_NAMES } from "../synth/materials.js";
import {
  AnswerScanner,
  EOS,
  instanceToken,
  normalizeLabel,
  programToken,
  SEP,
  unitToken,
  ANSWER_MARK,
  OBJ_CLOSE,
  OBJ_OPEN,
  PROGRAM_MARK,
  type AllowedItem,
  type GrammarMode,
  type ParsedAnswer,
  type TokenClass,
} from "./answer-grammar.js";
import { axisBins, boxAxes, boxTokenNames, parseBinToken, targetAxes, type AxisBins, type BinAxis } from "./box-tokens.js";
import { BOX_TARGETS, type BoxTarget, type ModelConfig } from "./config.js";

/**
 * The compact model's closed vocabulary: no BPE, every token a whole word, phrase, marker or bin.
 *
 * tokenizer.json (written by {@link Tokenizer.toJSON} / {@link writeTokenizer}) is everything a
 * user of the shipped ONNX model needs to encode prompts and decode answers without n3d code:
 *
 *   {
 *     "format": "n3d-tokenizer", "version": 1,
 *     "tokens": ["<pad>", "<bos>", ...],      token id = index in this array
 *     "special": {"pad": 0, "bos": 1, "eos": 2, "sep": 3, "unk": 4},
 *     "labels": ["backpack", ...],           tokens a box may carry as its category
 *     "instanceTokens": 50,                  <#0> ... <#49>: the k of a question name `k_label`
 *     "target": "uvz",                       the seven bin tokens of a box: box.axes
 *     "box": {"axes": ["u","v","z","s","s","s","yaw"],
 *             "bins": {"u": {"scale": "linear", "first": -250, "count": 1500,
 *                            "origin": 0, "step": 0.001, "unit": "..."}, ...}},
 *     "pretokenizer": {...}                  how text is split (below)
 *   }
 *
 * Encoding a prompt: lower-case the text; split it with `pretokenizer.pattern` (a JavaScript /
 * PCRE regex, global): `(\d+)_` is an instance token <#k> (`1_chair` -> <#1> chair), every other
 * match is a piece; then, left to right, replace the longest run of pieces that spells a
 * multi-piece token (pieces joined by single spaces, e.g. "trash can", "light brown", or
 * "orange / tangerine" for the label "orange/tangerine") by that token; a piece not in `tokens` is
 * <unk>. The prompt is <bos> pieces... <sep>.
 *
 * Decoding an answer (grammar in answer-grammar.ts): `<obj> [<#k>] label b1 ... b7 </obj>` per box,
 * then optionally `<prog> <p:TYPE> args` or `<ans> <p:TYPE> value`, then <eos>. A bin token
 * `<axis_k>` means the value at bin centre k of box.bins[axis]:
 *   linear: value = origin + k * step;   log: value = exp(origin + k * step)
 * For UVZ: u_px = u * width - 0.5, v_px = v * height - 0.5 in the frame's own pixels (u, v are
 * normalized), centre = z * K^-1 [u_px, v_px, 1] in the OpenCV camera frame (+x right, +y down,
 * +z forward, metres); sizes sx, sy, sz along the box's axes; yaw (radians) about camera +y.
 * For XYZ the centre is (x, y, z) directly. Bin k in [0, 999] of u and v is the official
 * release's integer u_int / v_int k.
 */

/** Special tokens and their fixed ids. */
export const SPECIAL_TOKENS = ["<pad>", "<bos>", "<eos>", "<sep>", "<unk>"] as const;
/** Ignore index for targets that carry no loss. */
export const IGNORE_INDEX = -100;

/** Punctuation pieces the vocabulary holds. */
const PUNCTUATION = [".", ",", "?", "!", ":", ";", "'", '"', "-", "/", "(", ")", "_"];
/** Attribute words (synth sizes) and answer words. */
const EXTRA_WORDS = ["small", "medium", "large", "yes", "no", "left", "right", "o'clock"];

/** The pretokenizer's regex source (applied to lower-cased text, flags "gu"). */
export const PRETOKENIZER_PATTERN = String.raw`(\d+)_|\d|[a-z]+(?:'[a-z]+)*|[^\s]`;

/** Options of {@link createTokenizer}. */
export interface TokenizerOptions {
  /** Labels beyond the synth catalog and COCO-80 (e.g. a lifted repository's categories). */
  readonly extraLabels?: readonly string[];
}

/** tokenizer.json (see the file comment). */
export interface TokenizerJson {
  readonly format: "n3d-tokenizer";
  readonly version: 1;
  readonly tokens: readonly string[];
  readonly special: { readonly pad: number; readonly bos: number; readonly eos: number; readonly sep: number; readonly unk: number };
  readonly labels: readonly string[];
  readonly instanceTokens: number;
  readonly target: BoxTarget;
  readonly box: { readonly axes: readonly BinAxis[]; readonly bins: Readonly<Partial<Record<BinAxis, Omit<AxisBins, "axis">>>> };
  readonly pretokenizer: { readonly lowercase: true; readonly pattern: string; readonly instance: string; readonly phrases: string };
}

/** Split lower-cased text into pieces (instance tokens already formed), before phrase merging. */
function pieces(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(new RegExp(PRETOKENIZER_PATTERN, "gu"))) out.push(m[1] !== undefined ? instanceToken(Number(m[1])) : m[0]);
  return out;
}

/** Every word of n3d's prompt phrasings (templates without their slots) and unit names. */
function promptWords(): string[] {
  const texts = [...DETECTION_TEMPLATES, ...GROUNDING_TEMPLATES, ...QUESTION_TYPES.flatMap((t) => reasoningTemplates(t))];
  const words = texts.flatMap((t) => pieces(t.replace(/\{[A-Za-z_]+\}/g, " ")));
  for (const u of LENGTH_UNITS) words.push(...UNIT_WORDS[u]);
  return words;
}

/**
 * The tokenizer of a config: specials, answer markers, instance, unit and program tokens, the
 * words of every prompt phrasing, attribute words, category labels (synth catalog, COCO-80 and
 * `extraLabels`), digits and punctuation, then one token per bin of the config's box target.
 * Deterministic: the same config and labels give the same ids.
 */
export function createTokenizer(cfg: ModelConfig, options: TokenizerOptions = {}): Tokenizer {
  const labels = [...new Set([...CATEGORY_NAMES, ...COCO80_LABELS, ...(options.extraLabels ?? [])].map(normalizeLabel))].filter((l) => l !== "").sort();
  for (const label of labels) {
    if (/^\d+_/.test(label)) throw new InputError("createTokenizer", "label", label, "a label may not start with `<digits>_` (that is a question name's instance index)");
  }
  const text = new Set<string>([...promptWords(), ...EXTRA_WORDS, ...COLOR_NAMES, ...labels, ..."0123456789", ...PUNCTUATION]);
  for (const t of text) if (t.startsWith("<#")) text.delete(t);
  const tokens = [
    ...SPECIAL_TOKENS,
    OBJ_OPEN,
    OBJ_CLOSE,
    PROGRAM_MARK,
    ANSWER_MARK,
    ...Array.from({ length: cfg.instanceTokens }, (_, k) => instanceToken(k)),
    ...LENGTH_UNITS.map(unitToken),
    ...QUESTION_TYPES.map(programToken),
    ...[...text].sort(),
    ...boxTokenNames(cfg),
  ];
  const bins: Partial<Record<BinAxis, Omit<AxisBins, "axis">>> = {};
  for (const axis of targetAxes(cfg.target)) {
    const { axis: _drop, ...rest } = axisBins(cfg, axis);
    bins[axis] = rest;
  }
  return new Tokenizer({
    format: "n3d-tokenizer",
    version: 1,
    tokens,
    special: { pad: 0, bos: 1, eos: 2, sep: 3, unk: 4 },
    labels,
    instanceTokens: cfg.instanceTokens,
    target: cfg.target,
    box: { axes: boxAxes(cfg.target), bins },
    pretokenizer: {
      lowercase: true,
      pattern: PRETOKENIZER_PATTERN,
      instance: "a match with group 1 (k) is the token <#k>",
      phrases: "longest run of pieces that, joined by single spaces, is a token",
    },
  });
}

/** Options of {@link Tokenizer.allowedNextTokens}. */
export interface AllowedOptions {
  /** Which answers may be produced (default "any"). */
  readonly mode?: GrammarMode;
  /** Most answer tokens in all (<eos> included); another box is offered only while it fits. */
  readonly maxLength?: number;
}

/** Constrained decoding state over one answer (see {@link Tokenizer.decoder}). */
export interface ConstrainedDecoder {
  /** Read the chosen id; throws an InputError when the grammar does not allow it. */
  push(id: number): void;
  /** Ids allowed next, sorted; empty once <eos> was read. */
  allowed(): number[];
  /** Ids read so far. */
  readonly length: number;
  /** True once <eos> was read. */
  readonly done: boolean;
  /** The parsed answer; throws unless done. */
  result(): ParsedAnswer;
}

/** A closed-vocabulary tokenizer (see the file comment). Build one with {@link createTokenizer}. */
export class Tokenizer {
  readonly json: TokenizerJson;
  readonly pad: number;
  readonly bos: number;
  readonly eos: number;
  readonly sep: number;
  readonly unk: number;
  readonly #ids = new Map<string, number>();
  readonly #labels: ReadonlySet<string>;
  /** Multi-piece tokens by their first piece, longest first. */
  readonly #phrases = new Map<string, { readonly token: string; readonly pieces: readonly string[] }[]>();
  readonly #classIds: Readonly<Record<"label" | "instance" | "digit" | "program" | "unit", readonly number[]>>;
  readonly #binIds = new Map<BinAxis, number[]>();

  /** Wrap a tokenizer.json document (validated; see {@link parseTokenizerJson} for text). */
  constructor(json: TokenizerJson, where = "Tokenizer") {
    validateJson(json, where);
    this.json = json;
    json.tokens.forEach((t, i) => this.#ids.set(t, i));
    ({ pad: this.pad, bos: this.bos, eos: this.eos, sep: this.sep, unk: this.unk } = json.special);
    this.#labels = new Set(json.labels);
    for (const t of json.tokens) {
      if (t.startsWith("<")) continue;
      const p = pieces(t);
      if (p.length < 2) continue;
      const list = this.#phrases.get(p[0]!) ?? [];
      list.push({ token: t, pieces: p });
      list.sort((a, b) => b.pieces.length - a.pieces.length);
      this.#phrases.set(p[0]!, list);
    }
    const byClass: Record<"label" | "instance" | "digit" | "program" | "unit", number[]> = { label: [], instance: [], digit: [], program: [], unit: [] };
    json.tokens.forEach((t, id) => {
      const cls = this.classify(t);
      if (cls === "bin") {
        const axis = parseBinToken(t)!.axis;
        const list = this.#binIds.get(axis) ?? [];
        list.push(id);
        this.#binIds.set(axis, list);
      } else if (cls !== "other") byClass[cls].push(id);
    });
    this.#classIds = byClass;
  }

  /** Number of tokens (the embedding and output-layer height). */
  get size(): number {
    return this.json.tokens.length;
  }

  /** Box target the bin tokens encode. */
  get target(): BoxTarget {
    return this.json.target;
  }

  /** Category labels a box may carry. */
  get labels(): readonly string[] {
    return this.json.labels;
  }

  /** The id of `token`; throws an InputError naming it when it is not in the vocabulary. */
  id(token: string, where = "Tokenizer.id"): number {
    const id = this.#ids.get(token);
    if (id === undefined) throw new InputError(where, "token", token, "is not in the tokenizer's vocabulary");
    return id;
  }

  /** True when `token` is in the vocabulary. */
  has(token: string): boolean {
    return this.#ids.has(token);
  }

  /** The token of `id`; throws for an id outside [0, size). */
  token(id: number, where = "Tokenizer.token"): string {
    const t = Number.isInteger(id) ? this.json.tokens[id] : undefined;
    if (t === undefined) throw new InputError(where, "id", id, `must be an integer in [0, ${this.size - 1}]`);
    return t;
  }

  /** Ids of token strings, strictly (every token must be in the vocabulary). */
  ids(tokens: readonly string[], where = "Tokenizer.ids"): number[] {
    return tokens.map((t) => this.id(t, where));
  }

  /** Tokens of ids. */
  tokens(ids: ArrayLike<number>, where = "Tokenizer.tokens"): string[] {
    return Array.from(ids, (id) => this.token(id, where));
  }

  /** Text -> vocabulary tokens (strings): pieces, instance tokens, phrase merging; unknown pieces become <unk>. */
  tokenize(text: string): string[] {
    const p = pieces(text);
    const out: string[] = [];
    for (let i = 0; i < p.length; ) {
      const match = this.#phrases.get(p[i]!)?.find((ph) => ph.pieces.every((x, j) => p[i + j] === x));
      if (match !== undefined) {
        out.push(match.token);
        i += match.pieces.length;
      } else {
        out.push(this.#ids.has(p[i]!) ? p[i]! : SPECIAL_TOKENS[4]);
        i++;
      }
    }
    return out;
  }

  /** Text -> ids (see {@link tokenize}). */
  encodeText(text: string): number[] {
    return this.tokenize(text).map((t) => this.#ids.get(t)!);
  }

  /** A prompt: <bos> text <sep>. */
  encodePrompt(text: string): Int32Array {
    return Int32Array.from([this.bos, ...this.encodeText(text), this.sep]);
  }

  /**
   * Ids -> readable text: words spaced, digits and "." of a number joined, `<#k> label` written
   * `k_label`, no space before punctuation or around "-". For display and logs; answers are parsed with
   * {@link parseAnswer}, not from this text.
   */
  decode(ids: ArrayLike<number>): string {
    let text = "";
    let prev = "";
    for (const t of this.tokens(ids, "Tokenizer.decode")) {
      const glue = prev === "" || prev === "-" || /^[.,?!:;-]$/.test(t) || (/^[\d.]$/.test(t) && /^[\d.]$/.test(prev)) || prev.startsWith("<#");
      text += glue ? t : ` ${t}`;
      if (t.startsWith("<#")) text = `${text.slice(0, -t.length)}${t.slice(2, -1)}_`;
      prev = t;
    }
    return text;
  }

  /** What kind of token `token` is, for the answer grammar. */
  classify(token: string): TokenClass {
    if (this.#labels.has(token)) return "label";
    if (!this.#ids.has(token)) return "other";
    if (/^<#\d+>$/.test(token)) return "instance";
    if (/^\d$/.test(token)) return "digit";
    if (token.startsWith("<p:")) return "program";
    if (token.startsWith("<unit:")) return "unit";
    return parseBinToken(token) === null ? "other" : "bin";
  }

  /** A scanner of the answer grammar over this vocabulary. */
  scanner(mode: GrammarMode = "any", where = "answer"): AnswerScanner {
    return new AnswerScanner(this.target, (t) => this.classify(t), mode, where);
  }

  /**
   * Constrained decoding: the ids that may follow the answer prefix `prefix` (answer tokens only,
   * not the prompt), sorted. Greedy decoding that picks only from these can never write a
   * malformed box or answer. Throws an InputError when the prefix itself is malformed. Re-reads
   * the prefix on every call; a generator should keep one {@link Tokenizer.decoder} instead.
   */
  allowedNextTokens(prefix: ArrayLike<number>, options: AllowedOptions = {}): number[] {
    const decoder = this.decoder(options, "allowedNextTokens");
    for (const id of Array.from(prefix)) decoder.push(id);
    return decoder.allowed();
  }

  /**
   * Incremental constrained decoding: ask {@link ConstrainedDecoder.allowed}, pick one of them,
   * {@link ConstrainedDecoder.push} it, until it is done (<eos>).
   */
  decoder(options: AllowedOptions = {}, where = "decoder"): ConstrainedDecoder {
    const scanner = this.scanner(options.mode ?? "any", where);
    const maxLength = options.maxLength ?? Infinity;
    return {
      push: (id) => scanner.push(this.token(id, where)),
      allowed: () => {
        const items = scanner.allowed(maxLength - scanner.length);
        if (items.length === 1) return [...this.#expand(items[0]!)];
        const out = new Set<number>();
        for (const item of items) for (const id of this.#expand(item)) out.add(id);
        return [...out].sort((a, b) => a - b);
      },
      get length() {
        return scanner.length;
      },
      get done() {
        return scanner.done;
      },
      result: () => scanner.result(),
    };
  }

  #expand(item: AllowedItem): readonly number[] {
    if (item.kind === "token") return [this.id(item.token, "allowedNextTokens")];
    if (item.kind === "bin") return this.#binIds.get(item.axis) ?? [];
    return this.#classIds[item.cls];
  }

  /** Parse a complete answer (ending with <eos>); throws an InputError naming the first bad token. */
  parseAnswer(ids: ArrayLike<number>, mode: GrammarMode = "any"): ParsedAnswer {
    const scanner = this.scanner(mode, "parseAnswer");
    for (const t of this.tokens(ids, "parseAnswer")) scanner.push(t);
    return scanner.result();
  }

  /** tokenizer.json content. */
  toJSON(): TokenizerJson {
    return this.json;
  }
}

/** Serialize a tokenizer as tokenizer.json text. */
export function serializeTokenizer(tokenizer: Tokenizer): string {
  return `${JSON.stringify(tokenizer.toJSON(), null, 1)}\n`;
}

/** Parse tokenizer.json text; `where` names the file in errors. */
export function parseTokenizerJson(text: string, where = "tokenizer.json"): Tokenizer {
  const json = parseJsonText(text, where);
  return new Tokenizer(json as TokenizerJson, where);
}

/** Write tokenizer.json atomically. */
export async function writeTokenizer(path: string, tokenizer: Tokenizer): Promise<void> {
  await writeFileAtomic(path, serializeTokenizer(tokenizer));
}

/** Read a tokenizer.json file. */
export async function readTokenizer(path: string): Promise<Tokenizer> {
  return parseTokenizerJson(await readFile(path, "utf8"), path);
}

function validateJson(json: TokenizerJson, where: string): void {
  const fail = (field: string, value: unknown, problem: string): never => {
    throw new InputError(where, field, value, problem);
  };
  if (json === null || typeof json !== "object") fail("document", json, "must be a tokenizer.json object");
  if (json.format !== "n3d-tokenizer") fail("format", json.format, 'must be "n3d-tokenizer"');
  if (json.version !== 1) fail("version", json.version, "is not a supported tokenizer version; choose 1");
  if (!Array.isArray(json.tokens) || !json.tokens.every((t) => typeof t === "string" && t !== "")) fail("tokens", json.tokens, "must be an array of non-empty strings");
  const seen = new Set<string>();
  json.tokens.forEach((t, i) => {
    if (seen.has(t)) fail(`tokens[${i}]`, t, "appears twice");
    seen.add(t);
  });
  SPECIAL_TOKENS.forEach((name, i) => {
    const key = name.slice(1, -1) as keyof TokenizerJson["special"];
    if (json.special?.[key] !== i || json.tokens[i] !== name) fail(`special.${key}`, json.special?.[key], `must be ${i}, the id of ${name}`);
  });
  if (!Array.isArray(json.labels)) fail("labels", json.labels, "must be an array of label tokens");
  for (const l of json.labels) if (!seen.has(l)) fail("labels", l, "is not in tokens");
  if (!BOX_TARGETS.includes(json.target)) fail("target", json.target, `is not a supported box target; choose one of ${BOX_TARGETS.join(", ")}`);
  if (!Number.isInteger(json.instanceTokens) || json.instanceTokens < 1) fail("instanceTokens", json.instanceTokens, "must be an integer >= 1");
  for (const axis of targetAxes(json.target)) {
    const b = json.box?.bins?.[axis];
    if (b === undefined) fail(`box.bins.${axis}`, b, `missing; a ${json.target} tokenizer needs the ${axis} bins`);
    for (let k = b!.first; k < b!.first + b!.count; k++) if (!seen.has(`<${axis}_${k}>`)) fail(`box.bins.${axis}`, `<${axis}_${k}>`, "bin token is not in tokens");
  }
  for (const t of [EOS, SEP, OBJ_OPEN, OBJ_CLOSE, PROGRAM_MARK, ANSWER_MARK, "yes", "no", "."]) if (!seen.has(t)) fail("tokens", t, "the answer grammar needs this token");
}
