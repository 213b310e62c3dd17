import { cp, readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readOfficialPointMapNpz } from "../formats/index.js";
import { makeTempDir } from "../rgbd/testing/fixtures.js";
import { runCli as run } from "./testing/run-cli.js";

const synth = join(import.meta.dirname, "..", "..", "examples", "synth");

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  tmp = await makeTempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

describe("n3d qa", () => {
  it("writes n3d JSONL and a stats report from a synth folder, the same bytes for the same seed", async () => {
    const a = join(tmp.dir, "a");
    const b = join(tmp.dir, "b");
    const r = await run(["qa", "--repo", synth, "--out", a, "--seed", "3"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/wrote .*qa\.jsonl: \d+ records from 4 images/);
    expect((await readdir(a)).sort()).toEqual(["qa.jsonl", "stats.json", "stats.md"]);
    const lines = (await readFile(join(a, "qa.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { form: string; cot?: string; answer: string });
    expect(new Set(lines.map((l) => l.form))).toEqual(new Set(["detection", "grounding", "reasoning"]));
    for (const l of lines.filter((x) => x.form === "reasoning")) expect(l.cot).toMatch(/^<think>1\. The 3D bbox of .*<\/think> /);
    await run(["qa", "--repo", synth, "--out", b, "--seed", "3"]);
    expect(await readFile(join(b, "qa.jsonl"), "utf8")).toBe(await readFile(join(a, "qa.jsonl"), "utf8"));
  });

  it("writes LLaMA-Factory JSON with point maps beside the images", async () => {
    const repo = join(tmp.dir, "repo");
    await cp(synth, repo, { recursive: true });
    const out = join(tmp.dir, "lf");
    const r = await run(["qa", "--repo", repo, "--out", out, "--format", "llamafactory", "--points", "--forms", "reasoning", "--types", "direction,left_predicate"]);
    expect(r.code).toBe(0);
    const items = JSON.parse(await readFile(join(out, "llamafactory.json"), "utf8")) as { messages: { role: string; content: string }[]; images: string[]; points: string[]; question_type: string }[];
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
      expect(item.messages[0]!.content).toMatch(/First locate the bbox of the aforementioned object\(s\)\. The reference code is as followed: <code_template>$/);
      expect(item.messages[1]!.content).toMatch(/^bbox_0=Bbox\(/);
      expect(["2p_direction", "2p_left_predicate"]).toContain(item.question_type);
      const pm = await readOfficialPointMapNpz(join(repo, item.points[0]!));
      expect(pm.size).toEqual({ width: 320, height: 240 });
    }
  });

  it("rejects an unknown question type and a missing repository in one line", async () => {
    const bad = await run(["qa", "--repo", synth, "--out", join(tmp.dir, "x"), "--types", "left_predicate,bogus"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/types = "bogus": not one of direct_distance/);
    const missing = await run(["qa", "--repo", join(tmp.dir, "nope"), "--out", join(tmp.dir, "y")]);
    expect(missing.code).toBe(2);
    expect(missing.err.trimEnd().split("\n")).toHaveLength(1);
    expect(missing.err).toMatch(/nope/);
  });
});

describe("n3d bench build", () => {
  it("builds a benchmark whose items carry their truth and scoring rule", async () => {
    const out = join(tmp.dir, "bench.json");
    const r = await run(["bench", "build", "--repo", synth, "--out", out, "--per-type", "2", "--seed", "1"]);
    expect(r.code).toBe(0);
    const bench = JSON.parse(await readFile(out, "utf8")) as { items: { format: string; truth: { kind: string }; scoring: string }[] };
    expect(bench.items.length).toBeGreaterThan(20);
    expect(new Set(bench.items.map((i) => i.format))).toEqual(new Set(["open", "numeric", "choice"]));
    for (const item of bench.items) {
      expect(item.truth.kind).toBeTruthy();
      expect(["within25pct", "clock-within-1", "yes-no", "exact-choice", "exact-count", "exact-order"]).toContain(item.scoring);
    }
  });
});
