import { InputError } from "../../errors.js";
import { CachedChatClient, type ChatMessage, type ChatStats } from "../../qa/index.js";
import { finalAnswer, unitFromName, METRES_PER_ANSWER_UNIT } from "./extract.js";
import type { QaInput, QaItem, QaReading } from "./types.js";

/**
 * The optional LLM judge: an OpenAI-compatible chat model is asked to READ the answer out of a
 * response (a number and unit, a clock hour, yes/no, a count, which option) and reply with JSON;
 * the comparison with the truth stays in rules.ts, so the benchmark's rule is applied exactly
 * either way. SpatialRGPT-Bench's original evaluation uses an LLM the same way.
 *
 * - Replies are cached on disk (JSON lines keyed by sha256 of model and prompt): a rerun makes no
 *   HTTP call.
 * - A reply that cannot be parsed, or that says the response states no answer, is not used: the
 *   rule-based extractor reads that prediction instead (counted in `stats.fallbacks`). The judge
 *   only ever adds readings.
 * - An endpoint that cannot be reached or refuses is an InputError, not a silent fallback.
 * - Not sent: lettered multiple choice (CV-Bench's letter rule is exact as it is), orders, missing
 *   predictions, items whose truth did not parse, and answers left inside an unclosed <think>.
 */

/** Options of {@link QaJudge}; each of the first three falls back to its environment variable. */
export interface QaJudgeOptions {
  /** API base (env N3D_JUDGE_BASE_URL, then N3D_OPENAI_BASE_URL). */
  readonly baseUrl?: string;
  /** Model (env N3D_JUDGE_MODEL, then N3D_OPENAI_MODEL). */
  readonly model?: string;
  /** Bearer token (env N3D_JUDGE_API_KEY, then N3D_OPENAI_API_KEY); optional for local servers. */
  readonly apiKey?: string;
  /** Where the variables are looked up; the CLI passes process.env, tests their own. Default {}. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** JSON-lines cache file (omit: memory only). */
  readonly cachePath?: string;
  /** Per-request timeout in milliseconds (default 60 000). */
  readonly timeoutMs?: number;
  /** The fetch to use (default Node's global). */
  readonly fetch?: typeof fetch;
}

/** Counters of a {@link QaJudge}. */
export interface JudgeStats extends ChatStats {
  /** Predictions the judge read. */
  judged: number;
  /** Replies that could not be used; the rule-based extractor read those predictions. */
  fallbacks: number;
  /** Predictions not sent (see the module comment for which). */
  notSent: number;
}

const SYSTEM_PROMPT =
  "You read the final answer out of a model's response to a question about a photo. Do not judge " +
  "whether the answer is right and do not answer the question yourself. Reply with one JSON object " +
  "and nothing else.";

/** The instruction for the answer kind, or null when that kind is not sent. */
function instruction(item: QaItem): string | null {
  const truth = item.truth;
  if (truth === null || (item.choices !== undefined && item.truthLetter !== undefined)) return null;
  switch (truth.kind) {
    case "length":
      return 'Give the length the response states as its answer: {"value": <number>, "unit": "<m|cm|mm|km|ft|in>"}. If it states none, reply {"value": null}.';
    case "clock":
      return 'Give the clock direction the response states: {"hour": <integer 1-12>}. If it states none, reply {"hour": null}.';
    case "bool":
      return 'Does the response answer yes or no? Reply {"answer": "yes"} or {"answer": "no"}; if neither, {"answer": null}.';
    case "count":
      return 'Give the number of objects the response states: {"count": <integer>}. If it states none, reply {"count": null}.';
    case "choice":
      return `Which of these options does the response choose: ${truth.options.map((o) => JSON.stringify(o)).join(", ")}? Reply {"choice": "<the option, copied exactly>"}; if none, {"choice": null}.`;
    case "order":
      return null;
  }
}

/** The first JSON object in a reply (code fences and prose around it are tolerated), or null. */
function jsonObject(reply: string): Record<string, unknown> | null {
  const start = reply.indexOf("{");
  const end = reply.lastIndexOf("}");
  if (start < 0 || end <= start) return null;
  try {
    const v = JSON.parse(reply.slice(start, end + 1)) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A reply as a reading of `item`'s truth kind, or null when it cannot be used. */
export function parseJudgeReply(reply: string, item: QaItem): QaReading | null {
  const obj = jsonObject(reply);
  const truth = item.truth;
  if (obj === null || truth === null) return null;
  switch (truth.kind) {
    case "length": {
      const value = typeof obj["value"] === "string" ? Number(obj["value"]) : obj["value"];
      const unit = typeof obj["unit"] === "string" ? unitFromName(obj["unit"]) : null;
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || unit === null) return null;
      return { kind: "length", metres: value * METRES_PER_ANSWER_UNIT[unit] };
    }
    case "clock": {
      const h = obj["hour"];
      return typeof h === "number" && Number.isInteger(h) && h >= 1 && h <= 12 ? { kind: "clock", hour: h } : null;
    }
    case "bool": {
      const a = obj["answer"];
      if (a === "yes" || a === true) return { kind: "bool", value: true };
      if (a === "no" || a === false) return { kind: "bool", value: false };
      return null;
    }
    case "count": {
      const n = obj["count"];
      return typeof n === "number" && Number.isInteger(n) && n >= 0 ? { kind: "count", value: n } : null;
    }
    case "choice": {
      const c = obj["choice"];
      if (typeof c !== "string") return null;
      const match = truth.options.find((o) => o.trim().toLowerCase() === c.trim().toLowerCase());
      return match === undefined ? null : { kind: "choice", value: match };
    }
    case "order":
      return null;
  }
}

/** Reads answers with an OpenAI-compatible chat model. */
export class QaJudge {
  /** "judge:<model>", for reports. */
  readonly name: string;
  readonly stats: JudgeStats = { requests: 0, cacheHits: 0, judged: 0, fallbacks: 0, notSent: 0 };
  readonly #client: CachedChatClient;

  constructor(options: QaJudgeOptions = {}) {
    const env = options.env ?? {};
    const pick = (given: string | undefined, ...names: string[]): string | undefined => {
      if (given !== undefined) return given;
      for (const n of names) if (env[n] !== undefined && env[n] !== "") return env[n];
      return undefined;
    };
    const baseUrl = pick(options.baseUrl, "N3D_JUDGE_BASE_URL", "N3D_OPENAI_BASE_URL");
    const model = pick(options.model, "N3D_JUDGE_MODEL", "N3D_OPENAI_MODEL");
    if (baseUrl === undefined) throw new InputError("QaJudge", "baseUrl", baseUrl, "missing; pass baseUrl or set N3D_JUDGE_BASE_URL (e.g. https://api.openai.com/v1)");
    if (model === undefined) throw new InputError("QaJudge", "model", model, "missing; pass model or set N3D_JUDGE_MODEL");
    const apiKey = pick(options.apiKey, "N3D_JUDGE_API_KEY", "N3D_OPENAI_API_KEY");
    this.#client = new CachedChatClient(
      {
        baseUrl,
        model,
        ...(apiKey === undefined ? {} : { apiKey }),
        ...(options.cachePath === undefined ? {} : { cachePath: options.cachePath }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      },
      "QaJudge",
    );
    this.name = `judge:${model}`;
  }

  /** The prompt the judge is sent for a prediction, or null when it is not sent. */
  promptFor(prediction: string, item: QaItem): ChatMessage[] | null {
    const ask = instruction(item);
    const answer = finalAnswer(prediction);
    if (ask === null || answer === "") return null;
    return [
      { role: "system", content: SYSTEM_PROMPT },
      { role: "user", content: `Question: ${item.question}\nResponse: ${answer}\n${ask}` },
    ];
  }

  /**
   * The judge's reading of `prediction`, or null when it was not asked or its reply cannot be used
   * (the caller then reads the prediction by the rules).
   */
  async read(prediction: string, item: QaItem): Promise<QaReading | null> {
    const messages = this.promptFor(prediction, item);
    if (messages === null) {
      this.stats.notSent++;
      return null;
    }
    const reply = await this.#client.complete(messages);
    this.stats.requests = this.#client.stats.requests;
    this.stats.cacheHits = this.#client.stats.cacheHits;
    const reading = parseJudgeReply(reply, item);
    if (reading === null) this.stats.fallbacks++;
    else this.stats.judged++;
    return reading;
  }
}

/**
 * Attach the judge's readings to `inputs` (one request at a time, in order, so the cache fills
 * deterministically). Inputs the judge did not read are returned unchanged and scored by the
 * rule-based extractor.
 */
export async function judgeInputs(inputs: readonly QaInput[], judge: QaJudge): Promise<QaInput[]> {
  const out: QaInput[] = [];
  for (const input of inputs) {
    if (input.prediction === null || input.truth.truth === null) {
      judge.stats.notSent++;
      out.push(input);
      continue;
    }
    const reading = await judge.read(input.prediction, input.truth);
    out.push(reading === null ? input : { ...input, reading });
  }
  return out;
}
