import { InputError } from "../errors.js";
import { createRng, deriveSeed } from "../random.js";
import { UNIT_WORDS } from "../reason/index.js";
import { CachedChatClient } from "./chat-client.js";
import { hash32 } from "./hash.js";
import type { QaForm, QaRecord } from "./types.js";

/**
 * Rewording questions without changing what they ask. A paraphraser gets the text and the strings
 * that must survive verbatim (object names, numbers, the unit word); a rewrite that loses any of
 * them is rejected and the original is kept. Two implementations: a deterministic built-in bank
 * (the default, no network) and an OpenAI-compatible chat endpoint with an on-disk cache.
 */
export interface Paraphraser {
  /** Short name recorded on records it rewrote ("builtin", "openai:<model>"). */
  readonly name: string;
  /**
   * A rewording of `text` that keeps every string of `mustKeep`, and every number written in
   * `text`, verbatim; `text` itself when no acceptable rewrite is found.
   */
  paraphrase(text: string, mustKeep: readonly string[]): Promise<string>;
}

/**
 * Decimal numbers as written ("3", "0.25"), the tokens a rewrite must not change. A digit run that
 * is part of a word (the 4 of `4_hotair ballon`) is a name, not a number.
 */
export function numbersIn(text: string): string[] {
  return text.match(/(?<![\w.])\d+(?:\.\d+)?(?![\w]|\.\d)/g) ?? [];
}

/**
 * Whether `rewrite` is an acceptable rewording of `original`: non-empty, one line, every string of
 * `mustKeep` present verbatim (case-sensitive), every number of the original present, and no
 * number the original did not have (a new number would change the question).
 */
export function keepsAll(original: string, rewrite: string, mustKeep: readonly string[]): boolean {
  if (rewrite.trim() === "" || /[\r\n]/.test(rewrite)) return false;
  for (const s of mustKeep) if (s !== "" && !rewrite.includes(s)) return false;
  const before = numbersIn(original);
  const after = numbersIn(rewrite);
  for (const n of before) if (!after.includes(n)) return false;
  for (const n of after) if (!before.includes(n)) return false;
  return true;
}

/**
 * The built-in bank: meaning-preserving swaps (synonyms that do not change a spatial relation, an
 * optional lead-in), each applied or not by a generator seeded with (seed, hash of the text), so a
 * text always gets the same rewording for a seed, whatever order texts arrive in. Protected strings
 * are masked before any swap, so a swap can never touch an object name.
 */
export class BuiltinParaphraser implements Paraphraser {
  readonly name = "builtin";
  readonly #seed: number;

  /** @param options.seed run seed (an integer; taken modulo 2^32) */
  constructor(options: { readonly seed: number }) {
    if (!Number.isInteger(options.seed)) throw new InputError("BuiltinParaphraser", "seed", options.seed, "must be an integer");
    this.#seed = options.seed >>> 0;
  }

  paraphrase(text: string, mustKeep: readonly string[]): Promise<string> {
    return Promise.resolve(this.rewrite(text, mustKeep));
  }

  /** The synchronous rewrite behind {@link paraphrase}. */
  rewrite(text: string, mustKeep: readonly string[]): string {
    const keep = [...new Set([...mustKeep, ...numbersIn(text)])].filter((s) => s !== "").sort((a, b) => b.length - a.length);
    const rng = createRng(deriveSeed(this.#seed, hash32(text)));
    // Mask protected strings with private-use characters so no swap can touch them.
    let masked = text;
    keep.forEach((s, i) => {
      masked = masked.split(s).join(String.fromCharCode(0xe000 + i));
    });
    for (const swap of SWAPS) {
      const re = new RegExp(`\\b${swap.from}\\b`, "g");
      if (!re.test(masked)) continue;
      const choices = [swap.from.replace(/\\/g, ""), ...swap.to];
      const pick = choices[rng.int(choices.length)]!;
      masked = masked.replace(re, pick);
    }
    const lead = LEAD_INS[rng.int(LEAD_INS.length)]!;
    const mentionsView = /\b(scene|image|picture|photo)\b/.test(masked);
    if (lead !== "" && !mentionsView && /^[A-Z][a-z]/.test(masked)) masked = `${lead}${masked[0]!.toLowerCase()}${masked.slice(1)}`;
    let out = masked;
    keep.forEach((s, i) => {
      out = out.split(String.fromCharCode(0xe000 + i)).join(s);
    });
    return keepsAll(text, out, keep) ? out : text;
  }
}

/** Swaps that keep the meaning of a spatial question; `from` is a regex source (words). */
const SWAPS: readonly { readonly from: string; readonly to: readonly string[] }[] = [
  { from: "What is", to: ["What's", "Can you tell me"] },
  { from: "located", to: ["positioned", "situated"] },
  { from: "in this scene", to: ["in the scene", "in this image", "in the picture"] },
  { from: "in the image", to: ["in this image", "in the picture", "in the photo"] },
  { from: "bigger", to: ["larger"] },
  { from: "wider", to: ["broader"] },
  { from: "objects", to: ["items", "things"] },
  { from: "object", to: ["item"] },
  { from: "to the left of", to: ["on the left side of", "left of"] },
  { from: "to the right of", to: ["on the right side of", "right of"] },
  { from: "Could you", to: ["Can you", "Would you"] },
  { from: "approximately", to: ["roughly", "about"] },
  { from: "estimate", to: ["work out", "gauge"] },
];

/**
 * Optional openings (one question in three gets one), skipped when the question already mentions
 * the scene or image; the question's first letter is lower-cased after one.
 */
const LEAD_INS: readonly string[] = ["", "", "", "", "", "", "Looking at the scene, ", "Based on the image, ", "In this picture, "];

/** Options of {@link OpenAIParaphraser}; each of the first three falls back to its env variable. */
export interface OpenAIParaphraserOptions {
  /** API base, e.g. "https://api.openai.com/v1" (env N3D_OPENAI_BASE_URL); POST {base}/chat/completions. */
  readonly baseUrl?: string;
  /** Model name (env N3D_OPENAI_MODEL). */
  readonly model?: string;
  /** Bearer token (env N3D_OPENAI_API_KEY); optional for local servers. */
  readonly apiKey?: string;
  /** Where the three variables are looked up; the CLI passes process.env (only the CLI reads the environment). Default {}. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * JSON-lines cache file: one {"key", "model", "response"} per line, key = sha256 of model and
   * request. A rerun with the same model and texts makes no HTTP calls. Omit for memory only.
   */
  readonly cachePath?: string;
  /** Sampling temperature sent (default 0: reruns and caches agree best). */
  readonly temperature?: number;
  /** Per-request timeout in milliseconds (default 60 000). */
  readonly timeoutMs?: number;
  /** The fetch to use (default the global one of Node 20). */
  readonly fetch?: typeof fetch;
}

/** Counters of an {@link OpenAIParaphraser}, for reports and tests. */
export interface ParaphraseStats {
  /** HTTP requests made. */
  requests: number;
  /** Answers served from the cache (disk or this run). */
  cacheHits: number;
  /** Rewrites accepted. */
  accepted: number;
  /** Rewrites rejected (a kept string or number lost, empty, several lines): original returned. */
  rejected: number;
}

const SYSTEM_PROMPT =
  "You reword questions about a photograph. Keep the meaning exactly: the same objects, the same " +
  "spatial relation, the same unit. Copy every protected string verbatim, with the same spelling " +
  "and case. Reply with the reworded question only, on one line, with no quotes.";

/**
 * Paraphrase through an OpenAI-compatible chat-completions endpoint. The reply is accepted only if
 * {@link keepsAll} holds for it (every protected string and number verbatim, no new number);
 * otherwise the original text is returned. Responses are cached on disk by a hash of the model and
 * the request, so a rerun is free.
 */
export class OpenAIParaphraser implements Paraphraser {
  readonly name: string;
  readonly #client: CachedChatClient;
  #accepted = 0;
  #rejected = 0;

  constructor(options: OpenAIParaphraserOptions = {}) {
    const where = "OpenAIParaphraser";
    const env = options.env ?? {};
    const baseUrl = options.baseUrl ?? env["N3D_OPENAI_BASE_URL"];
    const model = options.model ?? env["N3D_OPENAI_MODEL"];
    if (baseUrl === undefined || baseUrl === "") throw new InputError(where, "baseUrl", baseUrl, "missing; pass baseUrl or set N3D_OPENAI_BASE_URL (e.g. https://api.openai.com/v1)");
    if (model === undefined || model === "") throw new InputError(where, "model", model, "missing; pass model or set N3D_OPENAI_MODEL");
    const apiKey = options.apiKey ?? env["N3D_OPENAI_API_KEY"];
    this.#client = new CachedChatClient(
      {
        baseUrl,
        model,
        ...(apiKey !== undefined ? { apiKey } : {}),
        ...(options.cachePath !== undefined ? { cachePath: options.cachePath } : {}),
        ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
      },
      where,
    );
    this.name = `openai:${model}`;
  }

  /** Requests, cache hits, and rewrites accepted and rejected so far. */
  get stats(): ParaphraseStats {
    return { requests: this.#client.stats.requests, cacheHits: this.#client.stats.cacheHits, accepted: this.#accepted, rejected: this.#rejected };
  }

  async paraphrase(text: string, mustKeep: readonly string[]): Promise<string> {
    const keep = [...new Set([...mustKeep, ...numbersIn(text)])].filter((s) => s !== "");
    const reply = cleanReply(
      await this.#client.complete([
        { role: "system", content: SYSTEM_PROMPT },
        { role: "user", content: `Protected strings: ${JSON.stringify(keep)}\nQuestion: ${text}` },
      ]),
    );
    if (keepsAll(text, reply, keep)) {
      this.#accepted++;
      return reply;
    }
    this.#rejected++;
    return text;
  }
}

/** Trim a model reply and drop quotes it wrapped the question in. */
function cleanReply(reply: string): string {
  let out = reply.trim();
  const m = /^(["'“])(.*)(["'”])$/s.exec(out);
  if (m !== null) out = m[2]!.trim();
  return out;
}

/**
 * Reword the `question` of every record whose form is in `forms` (default: reasoning only; the
 * official detection and grounding prompts are fixed strings and never reworded). Protected: the
 * object names the question contains, the grounding category, the unit word, and every number.
 * Records are processed one after another, so a caching paraphraser's cache fills in order. A
 * record the paraphraser leaves unchanged keeps no `paraphrasedBy`.
 */
export async function paraphraseQuestions(
  records: readonly QaRecord[],
  paraphraser: Paraphraser,
  forms: readonly QaForm[] = ["reasoning"],
): Promise<QaRecord[]> {
  const out: QaRecord[] = [];
  for (const r of records) {
    if (!forms.includes(r.form)) {
      out.push(r);
      continue;
    }
    const candidates = [...r.objects, ...(r.category === undefined ? [] : [r.category]), ...(r.unit === undefined ? [] : UNIT_WORDS[r.unit])];
    const keep = candidates.filter((s) => r.question.includes(s));
    const question = await paraphraser.paraphrase(r.question, keep);
    out.push(question === r.question ? r : { ...r, question, paraphrasedBy: paraphraser.name });
  }
  return out;
}
