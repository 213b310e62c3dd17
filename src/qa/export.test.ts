import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseBboxLines } from "../formats/index.js";
import {
  officialQuestionType,
  pointsFileFor,
  qaStats,
  qaStatsMarkdown,
  serializeLlamaFactoryJson,
  toLlamaFactoryItem,
  writeLlamaFactoryJson,
  writeQaJsonl,
  writeQaStats,
} from "./export.js";
import { generateQa } from "./generate.js";
import { BuiltinParaphraser, paraphraseQuestions } from "./paraphrase.js";
import { OFFICIAL_DETECTION_PROMPT, OFFICIAL_STAGE1_SUFFIX } from "./templates.js";
import { randomScenes } from "./testing/fixtures.js";
import type { QaRecord } from "./types.js";

const records = generateQa(randomScenes(12, 5), { seed: 8, heldOut: 0 });

describe("LLaMA-Factory export", () => {
  it("writes the official release's layout: messages, images, points, question_type", () => {
    const items = JSON.parse(serializeLlamaFactoryJson(records)) as unknown[];
    expect(items).toHaveLength(records.length);
    for (const item of items) {
      expect(Object.keys(item as object).sort()).toEqual(["images", "messages", "points", "question_type"]);
      const it = item as { messages: { role: string; content: string }[]; images: string[]; points: string[]; question_type: string };
      expect(it.images).toHaveLength(1);
      expect(it.points).toEqual([it.images[0]!.replace(/\.png$/, ".npz")]);
      expect(it.messages.map((m) => m.role)).toEqual(it.messages.length === 2 ? ["user", "assistant"] : ["user", "assistant", "user", "assistant"]);
      // One <image> placeholder, in the first user turn.
      expect(it.messages[0]!.content.startsWith("<image>")).toBe(true);
      expect(it.messages.slice(1).every((m) => !m.content.includes("<image>"))).toBe(true);
      for (const m of it.messages) expect(Object.keys(m).sort()).toEqual(["content", "role"]);
    }
  });

  it("asks detection and grounding with the official prompts, answered by Bbox lines", () => {
    const det = toLlamaFactoryItem(records.find((r) => r.form === "detection")!);
    expect(det.messages[0]!.content).toBe(OFFICIAL_DETECTION_PROMPT);
    expect(parseBboxLines(det.messages[1]!.content, "det").length).toBeGreaterThan(0);
    expect(det.question_type).toBe("detection");
    const g = records.find((r) => r.form === "grounding")!;
    const gi = toLlamaFactoryItem(g);
    expect(gi.messages[0]!.content).toBe(`<image>Identify the 3D boxes for all the '${g.category}' in this scene. The reference code is as followed: <code_template>`);
    expect(gi.messages[1]!.content).toBe(g.bboxLines);
  });

  it("splits reasoning into the release's two turns: grounding with the stage-1 suffix, then the question answered by the trace", () => {
    const r = records.find((x) => x.type === "left_predicate")!;
    const item = toLlamaFactoryItem(r);
    expect(item.question_type).toBe("2p_left_predicate");
    expect(item.messages).toEqual([
      { role: "user", content: `<image>${r.question}${OFFICIAL_STAGE1_SUFFIX}` },
      { role: "assistant", content: r.bboxLines },
      { role: "user", content: r.question },
      { role: "assistant", content: r.cotOfficial },
    ]);
    expect(parseBboxLines(item.messages[1]!.content, "stage 1").map((b) => b.id)).toEqual(r.objects.map((_, i) => i));
    expect(officialQuestionType({ ...r, type: "2p_direction" })).toBe("2p_direction");
  });

  it("puts the point map beside the image", () => {
    expect(pointsFileFor("images/000001.png")).toBe("images/000001.npz");
    expect(pointsFileFor("/data/a.b/img.JPG")).toBe("/data/a.b/img.npz");
    expect(pointsFileFor("noext")).toBe("noext.npz");
  });
});

describe("stats", () => {
  it("counts forms, types, balance and units", () => {
    const stats = qaStats(records);
    expect(stats.total).toBe(records.length);
    expect(stats.images).toBe(12);
    expect(Object.values(stats.byForm).reduce((a, b) => a + b, 0)).toBe(records.length);
    expect(stats.byForm["detection"]).toBe(12);
    const lp = stats.balance["left_predicate"]!;
    expect(Object.keys(lp.counts).sort()).toEqual(["no", "yes"]);
    expect(lp.shares["yes"]! + lp.shares["no"]!).toBeCloseTo(1, 12);
    expect(stats.balance["height_data"]).toBeUndefined();
    expect(stats.inversePairs["left_predicate / right_predicate"]).toEqual({ left_predicate: stats.byType["left_predicate"], right_predicate: stats.byType["right_predicate"] });
    const quantitative = records.filter((r) => r.unit !== undefined).length;
    expect(Object.values(stats.units).reduce((a, b) => a + b, 0)).toBe(quantitative);
    const md = qaStatsMarkdown(stats);
    expect(md).toContain("| left_predicate |");
    expect(md).toContain("## Answer balance");
  });
});

describe("files", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "n3d-export-"));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it("writes JSONL, LLaMA-Factory JSON and the stats atomically (no temporaries left)", async () => {
    await writeQaJsonl(join(dir, "qa.jsonl"), records);
    await writeLlamaFactoryJson(join(dir, "qa.json"), records);
    const paths = await writeQaStats(join(dir, "stats"), qaStats(records));
    const lines = (await readFile(join(dir, "qa.jsonl"), "utf8")).split("\n");
    expect(lines.pop()).toBe("");
    expect(lines.map((l) => JSON.parse(l) as QaRecord)).toEqual(records);
    expect(JSON.parse(await readFile(join(dir, "qa.json"), "utf8"))).toHaveLength(records.length);
    expect(JSON.parse(await readFile(paths.json, "utf8")).total).toBe(records.length);
    expect(await readFile(paths.markdown, "utf8")).toMatch(/^# QA set/);
    expect((await readdir(dir)).sort()).toEqual(["qa.json", "qa.jsonl", "stats.json", "stats.md"]);
  });
});

describe("paraphraseQuestions", () => {
  it("rewords reasoning questions only, keeping names, units and numbers, and marks what changed", async () => {
    const out = await paraphraseQuestions(records, new BuiltinParaphraser({ seed: 3 }));
    expect(out).toHaveLength(records.length);
    let changed = 0;
    out.forEach((r, i) => {
      const before = records[i]!;
      if (before.form !== "reasoning") expect(r).toBe(before);
      if (r.question !== before.question) {
        changed++;
        expect(r.paraphrasedBy).toBe("builtin");
        for (const name of before.objects.filter((n) => before.question.includes(n))) expect(r.question).toContain(name);
      } else expect(r.paraphrasedBy).toBeUndefined();
    });
    expect(changed).toBeGreaterThan(10);
    expect(qaStats(out).paraphrased).toBe(changed);
  });
});
