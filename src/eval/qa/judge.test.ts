import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf } from "../../../test/helpers.js";
import { afterMarker, startChatServer, type ChatServer } from "../../qa/testing/chat-server.js";
import { QaEvaluator } from "./evaluator.js";
import { judgeInputs, parseJudgeReply, QaJudge } from "./judge.js";
import type { QaInput, QaItem } from "./types.js";

/** The endpoint replies by the first rule whose key the response contains; "refuse" gets a 500. */
function startServer(replies: readonly [string, string][]): Promise<ChatServer> {
  return startChatServer((user) => {
    const response = afterMarker(user, "Response: ");
    if (response.includes("refuse")) return { status: 500, body: "overloaded" };
    return replies.find(([key]) => response.includes(key))?.[1] ?? "{}";
  });
}

const base = { benchmark: "spatialrgpt" as const, group: "quantitative", question: "How far apart are Region [0] and Region [1]?" };
const distance: QaItem = { ...base, id: "d", category: "direct_distance", rule: "within25pct", truthText: "2 meters", truth: { kind: "length", metres: 2 } };
const direction: QaItem = { ...base, id: "c", category: "direction", rule: "clock-within-1", truthText: "12 o'clock", truth: { kind: "clock", hour: 12 } };
const predicate: QaItem = { ...base, id: "p", category: "left/right", group: "qualitative", rule: "yes-no", truthText: "Yes.", truth: { kind: "bool", value: true } };
const lettered: QaItem = { ...base, id: "l", benchmark: "spatialrgpt", category: "x", rule: "exact-choice", truthText: "(A)", truth: { kind: "choice", value: "a", options: ["a", "b"] }, choices: ["a", "b"], truthLetter: "A" };

describe("QaJudge", () => {
  let srv: Awaited<ReturnType<typeof startServer>>;
  let dir: string;
  beforeAll(async () => {
    srv = await startServer([
      ["a bit over two metres", '{"value": 2.2, "unit": "meters"}'],
      ["just shy of midday", '```json\n{"hour": 11}\n```'],
      ["I'd say so", 'Sure! {"answer": "yes"}'],
      ["mumble 3 m", "I cannot produce JSON, sorry."],
    ]);
    dir = await mkdtemp(join(tmpdir(), "n3d-qa-judge-"));
  });
  afterAll(async () => {
    await new Promise((r) => srv.server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  const inputs: QaInput[] = [
    { id: "d", prediction: "<think>hmm</think> a bit over two metres", truth: distance },
    { id: "c", prediction: "just shy of midday", truth: direction },
    { id: "p", prediction: "I'd say so", truth: predicate },
    { id: "l", prediction: "(A)", truth: { ...lettered, id: "l" } },
  ];

  it("reads answers as JSON, caches them on disk, and a rerun makes no HTTP call", async () => {
    const cachePath = join(dir, "judge.jsonl");
    const env = { N3D_JUDGE_BASE_URL: srv.url, N3D_JUDGE_MODEL: "tiny-judge", N3D_JUDGE_API_KEY: "k" };
    const judge = new QaJudge({ env, cachePath });
    expect(judge.name).toBe("judge:tiny-judge");
    const judged = await judgeInputs(inputs, judge);
    expect(judged.map((i) => i.reading)).toEqual([{ kind: "length", metres: 2.2 }, { kind: "clock", hour: 11 }, { kind: "bool", value: true }, undefined]);
    expect(judge.stats).toMatchObject({ requests: 3, cacheHits: 0, judged: 3, fallbacks: 0, notSent: 1 });
    expect(srv.requests()).toBe(3);
    expect(srv.auth()).toEqual(["Bearer k", "Bearer k", "Bearer k"]);
    const ev = new QaEvaluator({ rules: "spatialrgpt" });
    ev.process(judged);
    expect(ev.results.map((r) => [r.id, r.outcome, r.readBy])).toEqual([
      ["d", "correct", "judge"],
      ["c", "correct", "judge"],
      ["p", "correct", "judge"],
      ["l", "correct", "rules"],
    ]);
    const lines = (await readFile(cachePath, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { key: string; model: string; response: string });
    expect(lines).toHaveLength(3);
    expect(lines[0]!.model).toBe("tiny-judge");
    expect(lines[0]!.key).toMatch(/^[0-9a-f]{64}$/);

    const again = new QaJudge({ env, cachePath });
    const rejudged = await judgeInputs(inputs, again);
    expect(rejudged).toEqual(judged);
    expect(again.stats).toMatchObject({ requests: 0, cacheHits: 3 });
    expect(srv.requests()).toBe(3);
  });

  it("falls back to the rules when the reply cannot be parsed", async () => {
    const judge = new QaJudge({ baseUrl: srv.url, model: "tiny-judge" });
    const [input] = await judgeInputs([{ id: "d", prediction: "mumble 3 m", truth: distance }], judge);
    expect(input!.reading).toBeUndefined();
    expect(judge.stats).toMatchObject({ fallbacks: 1, judged: 0 });
    const ev = new QaEvaluator({ rules: "spatialrgpt" });
    ev.process([input!]);
    expect(ev.results[0]).toMatchObject({ outcome: "wrong", readBy: "rules", reading: { kind: "length", metres: 3 } });
  });

  it("fails loudly when the endpoint refuses", async () => {
    const judge = new QaJudge({ baseUrl: srv.url, model: "tiny-judge" });
    await expect(judge.read("please refuse", distance)).rejects.toThrow(/chat\/completions: status = 500: the endpoint refused the request \(QaJudge\): overloaded/);
  });

  it("needs a base URL and a model, from options or the env object", () => {
    expect(errorOf(() => new QaJudge({ env: {} })).message).toMatch(/QaJudge: baseUrl = undefined: missing; pass baseUrl or set N3D_JUDGE_BASE_URL/);
    expect(errorOf(() => new QaJudge({ env: { N3D_OPENAI_BASE_URL: "http://x/v1" } })).message).toMatch(/model = undefined: missing/);
    expect(new QaJudge({ env: { N3D_OPENAI_BASE_URL: "http://x/v1", N3D_OPENAI_MODEL: "m" } }).name).toBe("judge:m");
    expect(errorOf(() => new QaJudge({ baseUrl: "ftp://x", model: "m" })).message).toMatch(/must be an http/);
  });
});

describe("parseJudgeReply", () => {
  it("accepts only readings of the truth's kind", () => {
    expect(parseJudgeReply('{"value": "250", "unit": "cm"}', distance)).toEqual({ kind: "length", metres: 2.5 });
    expect(parseJudgeReply('{"value": 3, "unit": "furlongs"}', distance)).toBeNull();
    expect(parseJudgeReply('{"value": null}', distance)).toBeNull();
    expect(parseJudgeReply('{"hour": 13}', direction)).toBeNull();
    expect(parseJudgeReply('{"answer": "no"}', predicate)).toEqual({ kind: "bool", value: false });
    const choice: QaItem = { ...predicate, rule: "exact-choice", truth: { kind: "choice", value: "Region [0]", options: ["Region [0]", "Region [1]"] } };
    expect(parseJudgeReply('{"choice": "region [1]"}', choice)).toEqual({ kind: "choice", value: "Region [1]" });
    expect(parseJudgeReply('{"choice": "Region [2]"}', choice)).toBeNull();
    expect(parseJudgeReply("no json here", distance)).toBeNull();
  });
});
