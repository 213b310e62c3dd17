import { createHash } from "node:crypto";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { InputError } from "../errors.js";

/**
 * A minimal OpenAI-compatible chat-completions client with a JSON-lines disk cache (one line
 * {"key", "model", "response"} per reply; a partial last line, left by a killed run, is re-asked).
 * The paraphraser (qa/) and the answer judge (eval/) both talk to models through it.
 *
 * The cache key is sha256 of the model and the prompt (the messages as JSON): a rerun with the
 * same model and prompts makes no HTTP call.
 */

/** A chat message. */
export interface ChatMessage {
  readonly role: "system" | "user" | "assistant";
  readonly content: string;
}

/** Options of {@link CachedChatClient}. */
export interface CachedChatClientOptions {
  /** API base, e.g. "https://api.openai.com/v1"; POST {baseUrl}/chat/completions. */
  readonly baseUrl: string;
  readonly model: string;
  /** Bearer token; omit for local servers. */
  readonly apiKey?: string;
  /** JSON-lines cache file; omit to cache in memory only. */
  readonly cachePath?: string;
  /** Sampling temperature (default 0, so reruns and the cache agree). */
  readonly temperature?: number;
  /** Per-request timeout in milliseconds (default 60 000). */
  readonly timeoutMs?: number;
  /** The fetch to use (default Node's global). */
  readonly fetch?: typeof fetch;
}

/** Counters, for reports and tests. */
export interface ChatStats {
  /** HTTP requests made. */
  requests: number;
  /** Replies served from the cache (disk or this run). */
  cacheHits: number;
}

/** Chat completions through an OpenAI-compatible endpoint, cached on disk. */
export class CachedChatClient {
  readonly model: string;
  readonly stats: ChatStats = { requests: 0, cacheHits: 0 };
  readonly #where: string;
  readonly #baseUrl: string;
  readonly #apiKey: string | undefined;
  readonly #cachePath: string | undefined;
  readonly #temperature: number;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  #cache: Promise<Map<string, string>> | null = null;
  /** Requests in flight by key: identical concurrent prompts share one HTTP call. */
  readonly #inflight = new Map<string, Promise<string>>();

  /** @param where names the caller in error messages ("QaJudge"). */
  constructor(options: CachedChatClientOptions, where = "CachedChatClient") {
    const { baseUrl, model } = options;
    if (typeof baseUrl !== "string" || !/^https?:\/\//.test(baseUrl)) throw new InputError(where, "baseUrl", baseUrl, "must be an http:// or https:// URL (e.g. https://api.openai.com/v1)");
    if (typeof model !== "string" || model === "") throw new InputError(where, "model", model, "missing; name the model to ask");
    const temperature = options.temperature ?? 0;
    if (!(temperature >= 0 && temperature <= 2)) throw new InputError(where, "temperature", temperature, "must be a number in [0, 2]");
    const timeoutMs = options.timeoutMs ?? 60_000;
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new InputError(where, "timeoutMs", timeoutMs, "must be a number > 0 (milliseconds)");
    this.#where = where;
    this.#baseUrl = baseUrl.replace(/\/+$/, "");
    this.model = model;
    this.#apiKey = options.apiKey === "" ? undefined : options.apiKey;
    this.#cachePath = options.cachePath;
    this.#temperature = temperature;
    this.#timeoutMs = timeoutMs;
    this.#fetch = options.fetch ?? fetch;
  }

  /** The cache key of a prompt: sha256 of the model and the messages. */
  keyOf(messages: readonly ChatMessage[]): string {
    return createHash("sha256").update(`${this.model}\n${JSON.stringify(messages)}`).digest("hex");
  }

  /**
   * The assistant's reply to `messages`, from the cache when asked before. Throws an InputError
   * when the endpoint cannot be reached, refuses, or answers with something that is not a chat
   * completion.
   */
  async complete(messages: readonly ChatMessage[]): Promise<string> {
    const cache = await this.#loadCache();
    const key = this.keyOf(messages);
    const hit = cache.get(key);
    if (hit !== undefined) {
      this.stats.cacheHits++;
      return hit;
    }
    const pending = this.#inflight.get(key);
    if (pending !== undefined) {
      this.stats.cacheHits++;
      return pending;
    }
    const request = this.#request(messages).then(async (response) => {
      cache.set(key, response);
      if (this.#cachePath !== undefined) await appendFile(this.#cachePath, `${JSON.stringify({ key, model: this.model, response })}\n`);
      return response;
    });
    this.#inflight.set(key, request);
    try {
      return await request;
    } finally {
      this.#inflight.delete(key);
    }
  }

  #loadCache(): Promise<Map<string, string>> {
    this.#cache ??= this.#readCache();
    return this.#cache;
  }

  async #readCache(): Promise<Map<string, string>> {
    const cache = new Map<string, string>();
    const path = this.#cachePath;
    if (path === undefined) return cache;
    await mkdir(dirname(path), { recursive: true });
    let text = "";
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    const lines = text.split("\n");
    lines.forEach((line, i) => {
      if (line.trim() === "") return;
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch {
        // A run killed mid-append leaves a partial last line; that one prompt is simply re-asked.
        if (i === lines.length - 1) return;
        throw new InputError(path, `line ${i + 1}`, line, "is not a JSON cache entry; delete the cache file to start over");
      }
      const e = entry as { key?: unknown; response?: unknown };
      if (typeof e.key !== "string" || typeof e.response !== "string") throw new InputError(path, `line ${i + 1}`, line, 'must be {"key": string, "model": string, "response": string}');
      cache.set(e.key, e.response);
    });
    return cache;
  }

  async #request(messages: readonly ChatMessage[]): Promise<string> {
    const url = `${this.#baseUrl}/chat/completions`;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.#apiKey !== undefined) headers["authorization"] = `Bearer ${this.#apiKey}`;
    const body = JSON.stringify({ model: this.model, temperature: this.#temperature, messages });
    this.stats.requests++;
    let res: Response;
    try {
      res = await this.#fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (err) {
      throw new InputError(url, "request", "POST", `failed (${this.#where}): ${(err instanceof Error ? err.message : String(err)).replace(/\s+/g, " ")}`);
    }
    const text = await res.text();
    if (!res.ok) throw new InputError(url, "status", res.status, `the endpoint refused the request (${this.#where}): ${text.slice(0, 200)}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new InputError(url, "response", text, `is not JSON (${this.#where})`);
    }
    const content = (json as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
    if (typeof content !== "string") throw new InputError(url, "choices[0].message.content", content, `missing; not an OpenAI chat-completions response (${this.#where})`);
    return content;
  }
}
