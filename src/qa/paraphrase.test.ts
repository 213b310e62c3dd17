import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { BuiltinParaphraser, keepsAll, numbersIn, OpenAIParaphraser } from "./paraphrase.js";
import { afterMarker, startChatServer, type ChatServer } from "./testing/chat-server.js";

describe("numbersIn / keepsAll", () => {
  it("finds numbers but not the index of an `<index>_<class>` name", () => {
    expect(numbersIn("Is 4_hotair ballon within 2.5 meters of 3 cars?")).toEqual(["2.5", "3"]);
    expect(numbersIn("It is 12.50 m. Then 7.")).toEqual(["12.50", "7"]);
  });

  it("rejects a rewrite that loses a name or a number, or adds a number", () => {
    const q = "Is the chair within 2.5 meters of 1_table?";
    expect(keepsAll(q, "Is 1_table no more than 2.5 meters from the chair?", ["chair", "1_table"])).toBe(true);
    expect(keepsAll(q, "Is 1_table near the chair?", ["chair", "1_table"])).toBe(false);
    expect(keepsAll(q, "Is table within 2.5 meters of the chair?", ["chair", "1_table"])).toBe(false);
    expect(keepsAll(q, "Is 1_table within 2.5 meters of 3 chairs?", ["chair", "1_table"])).toBe(false);
    expect(keepsAll(q, "", [])).toBe(false);
    expect(keepsAll(q, "Is 1_table\nwithin 2.5 meters of the chair?", ["chair", "1_table"])).toBe(false);
  });
});

describe("BuiltinParaphraser", () => {
  const texts = [
    "What is the distance between the chair and 1_table in this scene, in meters?",
    "Is the object to the left of the lamp bigger than the mug?",
    "What is the height of 0_located sofa in feet?",
    "Could you estimate how far the bottle is from the camera, in inches?",
  ];

  it("is deterministic in (seed, text) and keeps protected strings and numbers", async () => {
    const a = new BuiltinParaphraser({ seed: 7 });
    const b = new BuiltinParaphraser({ seed: 7 });
    for (const t of texts) {
      const keep = ["chair", "1_table", "lamp", "mug", "0_located sofa", "bottle", "meters", "feet", "inches"].filter((k) => t.includes(k));
      const out = await a.paraphrase(t, keep);
      expect(await b.paraphrase(t, keep)).toBe(out);
      for (const k of keep) expect(out).toContain(k);
    }
    // A name containing a swap word ("located") is never rewritten.
    expect(await a.paraphrase(texts[2]!, ["0_located sofa", "feet"])).toContain("0_located sofa");
  });

  it("rewords across seeds", async () => {
    const outs = new Set<string>();
    for (let seed = 0; seed < 20; seed++) outs.add(await new BuiltinParaphraser({ seed }).paraphrase(texts[0]!, ["chair", "1_table", "meters"]));
    expect(outs.size).toBeGreaterThan(2);
  });
});

/** The endpoint rewrites by a table (the question itself when not in it). */
function startServer(replies: Record<string, string>): Promise<ChatServer> {
  return startChatServer((user) => {
    const question = afterMarker(user, "Question: ");
    return replies[question] ?? question;
  });
}

describe("OpenAIParaphraser", () => {
  const good = "How far is the chair from 1_table, in meters?";
  const bad = "Is the lamp within 1.5 meters of the mug?";
  let srv: Awaited<ReturnType<typeof startServer>>;
  let dir: string;

  beforeAll(async () => {
    srv = await startServer({
      [good]: "What is the distance from the chair to 1_table, in meters?",
      [bad]: '"Is the lamp close to the mug?"', // drops the number: must be rejected
    });
    dir = await mkdtemp(join(tmpdir(), "n3d-para-"));
  });
  afterAll(async () => {
    await new Promise<void>((r) => srv.server.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  });

  it("accepts a faithful rewrite, rejects one that drops a number, and caches on disk", async () => {
    const cachePath = join(dir, "cache", "paraphrase.jsonl");
    const env = { N3D_OPENAI_BASE_URL: srv.url, N3D_OPENAI_MODEL: "tiny", N3D_OPENAI_API_KEY: "sk-test" };
    const p = new OpenAIParaphraser({ env, cachePath });
    expect(p.name).toBe("openai:tiny");
    expect(await p.paraphrase(good, ["chair", "1_table", "meters"])).toBe("What is the distance from the chair to 1_table, in meters?");
    expect(await p.paraphrase(bad, ["lamp", "mug", "meters"])).toBe(bad);
    expect(p.stats).toEqual({ requests: 2, cacheHits: 0, accepted: 1, rejected: 1 });
    expect(srv.requests()).toBe(2);
    expect(srv.auth()).toEqual(["Bearer sk-test", "Bearer sk-test"]);
    expect((await readFile(cachePath, "utf8")).trim().split("\n")).toHaveLength(2);

    // A rerun (new instance, same cache file) makes no HTTP call and gives the same answers.
    const again = new OpenAIParaphraser({ env, cachePath });
    expect(await again.paraphrase(good, ["chair", "1_table", "meters"])).toBe("What is the distance from the chair to 1_table, in meters?");
    expect(await again.paraphrase(bad, ["lamp", "mug", "meters"])).toBe(bad);
    expect(again.stats.requests).toBe(0);
    expect(again.stats.cacheHits).toBe(2);
    expect(srv.requests()).toBe(2);

    // Concurrent identical first calls share one request.
    const fresh = new OpenAIParaphraser({ env, cachePath: join(dir, "other.jsonl") });
    const both = await Promise.all([fresh.paraphrase(good, ["chair", "1_table", "meters"]), fresh.paraphrase(good, ["chair", "1_table", "meters"])]);
    expect(both[0]).toBe(both[1]);
    expect(fresh.stats.requests).toBe(1);
    expect(srv.requests()).toBe(3);

    // Another model is another cache key.
    const other = new OpenAIParaphraser({ env, model: "other", cachePath });
    await other.paraphrase(good, ["chair", "1_table", "meters"]);
    expect(srv.requests()).toBe(4);
  });

  it("names the missing configuration and a refused request", async () => {
    expect(() => new OpenAIParaphraser({ env: {} })).toThrow(/N3D_OPENAI_BASE_URL/);
    expect(() => new OpenAIParaphraser({ env: { N3D_OPENAI_BASE_URL: srv.url } })).toThrow(/N3D_OPENAI_MODEL/);
    const p = new OpenAIParaphraser({ baseUrl: `${srv.url}/nope`, model: "m", env: {} });
    await expect(p.paraphrase("Is the cup red?", ["cup"])).rejects.toBeInstanceOf(InputError);
    await expect(p.paraphrase("Is the cup red?", ["cup"])).rejects.toThrow(/status = 404/);
  });
});
