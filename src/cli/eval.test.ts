import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeTempDir, listDir } from "../rgbd/testing/fixtures.js";
import { runCli as run } from "./testing/run-cli.js";

const synthTruth = join(import.meta.dirname, "..", "..", "examples", "synth", "annotations.json");

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  tmp = await makeTempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

const K = { fx: 100, fy: 100, cx: 49.5, cy: 39.5 };
const line = (id: number, boxes: object[]): string => JSON.stringify({ image_id: id, width: 100, height: 80, intrinsics: K, boxes });
const cube = (x: number, label = "box"): object => ({ label, center: [x, 0, 5], size: [1, 1, 1], yaw: 0, uvz: [49.5 + (100 * x) / 5, 39.5, 5] });

describe("n3d eval grounding", () => {
  it("scores synth truth against itself perfectly and writes the report files", async () => {
    const prefix = join(tmp.dir, "g");
    const r = await run(["eval", "grounding", "--pred", synthTruth, "--truth", synthTruth, "--out", prefix]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\| grounding \| 29 \| 29 \| 29 \| 1 \| 1 \| 0 \| 1 \| 1 \| 1 \| 1 \| 1 \|/);
    expect(await listDir(tmp.dir)).toEqual(["g.json", "g.md", "g.png", "g.svg"]);
    const report = JSON.parse(await readFile(`${prefix}.json`, "utf8")) as { inputs: { sha256: string }[]; config: { thresholds: number[] } };
    expect(report.inputs[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.config.thresholds).toEqual([0.25, 0.5]);
  });

  it("scores a half-unit shift by hand (IoU 1/3) and reports bad lines without stopping", async () => {
    const truth = join(tmp.dir, "t.jsonl");
    const pred = join(tmp.dir, "p.jsonl");
    await writeFile(truth, `${line(1, [cube(0)])}\n${line(2, [cube(1)])}\n`);
    await writeFile(pred, `${line(1, [cube(0.5)])}\n${line(1, [cube(0)])}\n{"image_id": 3, "width": 100}\nnot json\n`);
    const r = await run(["eval", "grounding", "--pred", pred, "--truth", truth, "--out", join(tmp.dir, "r")]);
    expect(r.code).toBe(0);
    const report = JSON.parse(await readFile(join(tmp.dir, "r.json"), "utf8")) as { results: Record<string, Record<string, number>>; skipped: { reason: string }[] };
    const g = report.results["grounding"]!;
    expect(g["iou3d_mean"]).toBeCloseTo(1 / 3, 12);
    expect(g["center_offset_3d_m"]).toBeCloseTo(0.5, 12);
    expect(g["truth"]).toBe(2);
    expect(g["misses"]).toBe(1); // image 2 has no prediction
    expect(g["images_without_prediction"]).toBe(1);
    expect(report.skipped.length).toBe(3); // duplicated id, missing fields, broken JSON
    expect(r.err).toMatch(/skipped 3 input/);
  });

  it("exits 2 with one line when nothing can be scored", async () => {
    const empty = join(tmp.dir, "empty.jsonl");
    await writeFile(empty, "");
    const r = await run(["eval", "grounding", "--pred", empty, "--truth", empty]);
    expect(r.code).toBe(2);
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/empty\.jsonl: images = 0: nothing to score/);
  });
});

describe("n3d eval qa", () => {
  it("scores N3D-Bench: its own truth is perfect, half the answers missing is 50 %", async () => {
    const bench = join(tmp.dir, "bench.json");
    expect((await run(["bench", "build", "--repo", join(synthTruth, ".."), "--out", bench, "--per-type", "2", "--seed", "1"])).code).toBe(0);
    const items = (JSON.parse(await readFile(bench, "utf8")) as { items: { id: string; truthText: string }[] }).items;
    const good = join(tmp.dir, "good.jsonl");
    const half = join(tmp.dir, "half.jsonl");
    await writeFile(good, items.map((i) => JSON.stringify({ id: i.id, answer: i.truthText })).join("\n"));
    await writeFile(half, items.filter((_, k) => k % 2 === 0).map((i) => JSON.stringify({ id: i.id, answer: i.truthText })).join("\n"));
    const perfect = await run(["eval", "qa", "--pred", good, "--truth", bench, "--rules", "n3d"]);
    expect(perfect.code).toBe(0);
    expect(perfect.out).toContain(`| overall | ${items.length} | ${items.length} | ${items.length} | 1 | 0 | 0 | 0 | 0 |`);
    const r = await run(["eval", "qa", "--pred", half, "--truth", bench, "--rules", "n3d", "--out", join(tmp.dir, "q")]);
    const report = JSON.parse(await readFile(join(tmp.dir, "q.json"), "utf8")) as { results: Record<string, Record<string, number>>; warnings: string[] };
    expect(report.results["overall"]!["correct"]).toBe(Math.ceil(items.length / 2));
    expect(report.results["overall"]!["missingPredictions"]).toBe(Math.floor(items.length / 2));
    expect(report.warnings[0]).toMatch(/have no prediction and count as wrong/);
    expect(r.code).toBe(0);
  });

  it("rejects an unknown rule set", async () => {
    const r = await run(["eval", "qa", "--pred", "x", "--truth", "y", "--rules", "mmbench"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/argument 'mmbench' is invalid\. Allowed choices are n3d, spatialrgpt, cvbench/);
  });
});

describe("n3d eval: nothing scorable", () => {
  it("writes the report but exits 2 when no prediction line is usable", async () => {
    const truth = join(tmp.dir, "t.jsonl");
    const pred = join(tmp.dir, "p.jsonl");
    await writeFile(truth, `${line(1, [cube(0)])}\n`);
    await writeFile(pred, `${line(1, [{ ...cube(0), size: [1, -1, 1] }])}\n`);
    const r = await run(["eval", "grounding", "--pred", pred, "--truth", truth, "--out", join(tmp.dir, "r")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/p\.jsonl: usable predictions = 0: no prediction matches a truth image.*size\[1\] = -1/);
    expect(await listDir(tmp.dir)).toContain("r.json");
  });
});
