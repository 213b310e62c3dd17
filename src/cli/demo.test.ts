import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeTempDir } from "../rgbd/testing/fixtures.js";
import { agreesByBenchmarkRules } from "./demo.js";
import { runCli as run } from "./testing/run-cli.js";

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  tmp = await makeTempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

describe("n3d demo", () => {
  it("lifts the bundled scenes, answers questions and writes the HTML page", async () => {
    const out = join(tmp.dir, "demo");
    const r = await run(["demo", "--out", out, "--questions", "2"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Q: .+\nA: .+/);
    expect(r.out).toMatch(/(\d+)\/(\d+) answers agree with the true boxes; mean 3D IoU of lifted boxes 0\.\d\d\n/);
    const summary = JSON.parse(await readFile(join(out, "demo.json"), "utf8")) as {
      asked: number;
      correct: number;
      meanIou: number;
      scenes: { objects: { iou: number }[]; questions: { cot: string | null; answer: string | null }[] }[];
    };
    expect(summary.scenes).toHaveLength(4);
    expect(summary.asked).toBeGreaterThanOrEqual(4);
    // Lifting the masks with exact depth must give boxes that overlap the truth, and most answers agree.
    expect(summary.meanIou).toBeGreaterThan(0.4);
    expect(summary.correct / summary.asked).toBeGreaterThan(0.6);
    const answered = summary.scenes.flatMap((s) => s.questions).filter((q) => q.answer !== null);
    expect(answered.length).toBeGreaterThan(0);
    for (const q of answered) expect(q.cot).toMatch(/^<think>1\. /);
    const html = await readFile(join(out, "index.html"), "utf8");
    expect(html).toContain("<h1>n3d demo</h1>");
    const images = await readdir(join(out, "images"));
    expect(images).toContain("scene0.png");
    for (const img of html.matchAll(/src="images\/([^"]+)"/g)) expect(images).toContain(img[1]);
  });

  it("refuses a bad count and a missing dataset with one line", async () => {
    const bad = await run(["demo", "--questions", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/questions = "0": must be an integer in 1 \.\.\. 100/);
    const missing = await run(["demo", "--data", join(tmp.dir, "nope.json"), "--out", join(tmp.dir, "d")]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--data = .*nope\.json.*does not exist/);
  });

  it("judges by the benchmarks' rules", () => {
    const len = (metres: number) => ({ kind: "length", metres, unit: "m", value: metres }) as const;
    expect(agreesByBenchmarkRules(len(1.2), len(1))).toBe(true);
    expect(agreesByBenchmarkRules(len(1.3), len(1))).toBe(false);
    expect(agreesByBenchmarkRules({ kind: "clock", value: 12 }, { kind: "clock", value: 1 })).toBe(true);
    expect(agreesByBenchmarkRules({ kind: "clock", value: 3 }, { kind: "clock", value: 1 })).toBe(false);
    expect(agreesByBenchmarkRules({ kind: "bool", value: true }, { kind: "bool", value: false })).toBe(false);
  });
});
