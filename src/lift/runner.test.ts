import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { appendFile, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/helpers.js";
import { InputError } from "../errors.js";
import { mergeLift } from "./merge.js";
import { parseRecordLines } from "./record.js";
import type { ObjectRecord, SkipRecord } from "./record.js";
import { runLift } from "./runner.js";
import type { RunLiftOptions } from "./runner.js";
import { fnv1a32, shardOf } from "./runner-plan.js";
import { badDataset, makeTempDir, manifestContent, readDoc, snapshot, synthDataset } from "./testing/fixtures.js";

const FAKE_PARTS = fileURLToPath(new URL("./testing/fake-parts.ts", import.meta.url));

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  tmp = await makeTempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

async function records(out: string): Promise<(ReturnType<typeof parseRecordLines>[number])[]> {
  const names = (await readdir(join(out, "shards"))).sort();
  const all = [];
  for (const n of names) all.push(...parseRecordLines(await readFile(join(out, "shards", n), "utf8"), n));
  return all;
}

const errorOfAsync = (fn: () => Promise<unknown>): Promise<InputError> => rejectionOf(fn());

describe("shard rule", () => {
  it("is FNV-1a of the id's text, the same for 7 and '7'", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
    expect(shardOf(7, 5)).toBe(shardOf("7", 5));
    expect(shardOf(null, 5)).toBe(0);
    const counts = [0, 0, 0, 0];
    for (let id = 1; id <= 400; id++) counts[shardOf(id, 4)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(60); // a rough balance, not a hard guarantee of the hash
  });
});

describe("runLift", () => {
  it("writes the same bytes with worker threads as in one thread, and a repository qa can read", async () => {
    const path = await synthDataset(join(tmp.dir, "ds"), 6);
    const base: RunLiftOptions = { dataset: { kind: "coco", path }, outDir: "", chunkSize: 4 };
    const progress: number[] = [];
    const one = await runLift({ ...base, outDir: join(tmp.dir, "one"), workers: 0, onProgress: (p) => progress.push(p.done) });
    const two = await runLift({ ...base, outDir: join(tmp.dir, "two"), workers: 2 });
    expect(one.workers).toBe(0);
    expect(two.workers).toBe(2);
    expect(progress).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(one.chunks).toEqual({ total: 2, resumed: 0, written: 2 });
    expect(await snapshot(join(tmp.dir, "two"), ["manifest.json"])).toEqual(await snapshot(join(tmp.dir, "one"), ["manifest.json"]));
    expect(await manifestContent(join(tmp.dir, "two"))).toEqual(await manifestContent(join(tmp.dir, "one")));

    const doc = await readDoc(path);
    const recs = await records(join(tmp.dir, "one"));
    const objects = recs.filter((r): r is ObjectRecord => r.kind === "object");
    expect(recs.filter((r) => r.kind === "image")).toHaveLength(6);
    expect(objects.map((o) => o.annotation_id)).toEqual(doc.annotations.map((a) => a["id"]));
    expect(one.counts.objects).toBe(doc.annotations.length);
    expect(one.counts.kept + one.counts.rejected).toBe(one.counts.objects);
    expect(one.counts.kept).toBeGreaterThan(0);
    expect(one.counts.skipped).toBe(0);
    // Manifest checksums are those of the files.
    const manifest = JSON.parse(await readFile(one.files.manifestPath, "utf8")) as { chunks: { file: string; sha256: string }[]; config: { inputs: { dataset: { sha256: string } } } };
    const { createHash } = await import("node:crypto");
    for (const c of manifest.chunks) expect(createHash("sha256").update(await readFile(join(tmp.dir, "one", c.file))).digest("hex")).toBe(c.sha256);
    expect(manifest.config.inputs.dataset.sha256).toBe(createHash("sha256").update(await readFile(path)).digest("hex"));
    const report = await readFile(one.files.reportPath, "utf8");
    expect(report).toContain(`| kept | ${one.counts.kept} `);
    expect(report).toMatch(/## Sizes of kept boxes/);
  });

  it("skips each bad item with its reason and lifts the rest", async () => {
    const { path, expected } = await badDataset(join(tmp.dir, "ds"));
    const r = await runLift({ dataset: { kind: "coco", path }, outDir: join(tmp.dir, "out"), workers: 0, chunkSize: 2 });
    const nonzero = Object.fromEntries(Object.entries(r.counts.skipped_by_reason).filter(([, n]) => n > 0));
    expect(nonzero).toEqual(expected);
    expect(r.counts.images_lifted).toBe(3);
    const skips = (await records(join(tmp.dir, "out"))).filter((x): x is SkipRecord => x.kind === "skip");
    const by = (reason: string): SkipRecord => skips.find((s) => s.skipped === reason)!;
    expect(by("missing_image")).toMatchObject({ image_id: 1 });
    expect(by("missing_image").annotation_id).toBeUndefined();
    expect(by("depth_size_mismatch").detail).toMatch(/32x24.*64x48/);
    expect(by("unknown_image_id")).toMatchObject({ image_id: 999, annotation_id: 99999 });
    expect(await readdir(join(tmp.dir, "out", "shards"))).toContain("shard-0-of-1.orphans.jsonl");
    const report = await readFile(r.files.reportPath, "utf8");
    for (const reason of Object.keys(expected)) expect(report).toMatch(new RegExp(`\\| ${reason} \\| 1 \\|`));
  });

  it("resumes: keeps sound chunks, redoes missing and corrupt ones, and ends with the same bytes", async () => {
    const path = await synthDataset(join(tmp.dir, "ds"), 6);
    const out = join(tmp.dir, "out");
    const options: RunLiftOptions = { dataset: { kind: "coco", path }, outDir: out, workers: 0, chunkSize: 2 };
    await runLift(options);
    const before = await snapshot(out, ["manifest.json"]);
    const shards = join(out, "shards");
    await rm(join(shards, "shard-0-of-1.chunk-000000.jsonl"));
    const corrupt = join(shards, "shard-0-of-1.chunk-000001.jsonl");
    const lines = (await readFile(corrupt, "utf8")).split("\n");
    lines[1] = `${lines[1]!.slice(0, 20)}`;
    await writeFile(corrupt, lines.join("\n"));
    await appendFile(join(shards, "shard-0-of-1.chunk-000002.jsonl"), ""); // untouched: resumed
    await writeFile(join(shards, ".shard-0-of-1.chunk-000000.jsonl.abc.tmp"), "half");

    const again = await runLift(options);
    expect(again.chunks).toEqual({ total: 3, resumed: 1, written: 2 });
    expect(again.redone).toEqual([{ file: "shards/shard-0-of-1.chunk-000001.jsonl", reason: expect.stringMatching(/^line 2 is not valid JSON/) }]);
    expect(await readFile(again.files.reportPath, "utf8")).toMatch(/## This run[\s\S]*chunk-000001\.jsonl`: line 2 is not valid JSON/);
    // Same content (the report's "This run" section aside), no temporaries left.
    const after = await snapshot(out, ["manifest.json", "report.md"]);
    before.delete("report.md");
    expect(after).toEqual(before);
    // A third run finds everything done.
    const third = await runLift(options);
    expect(third.chunks).toEqual({ total: 3, resumed: 3, written: 0 });
    expect(third.workers).toBe(0);
  });

  it("refuses to resume a folder lifted with another config", async () => {
    const path = await synthDataset(join(tmp.dir, "ds"), 2);
    const out = join(tmp.dir, "out");
    await runLift({ dataset: { kind: "coco", path }, outDir: out, workers: 0 });
    const err = await errorOfAsync(() => runLift({ dataset: { kind: "coco", path }, outDir: out, workers: 0, liftOptions: { minDepthM: 0.5 } }));
    expect(err.message).toMatch(/config\.json: lift_options\.minDepthM = 0\.1: this folder was lifted with lift_options\.minDepthM = 0\.1, not 0\.5/);
  });

  it("rejects bad options before writing anything", async () => {
    const path = await synthDataset(join(tmp.dir, "ds"), 1);
    const out = join(tmp.dir, "out");
    const run = (extra: Partial<RunLiftOptions>): Promise<InputError> => errorOfAsync(() => runLift({ dataset: { kind: "coco", path }, outDir: out, ...extra }));
    expect((await run({ shard: { index: 2, count: 2 } })).message).toMatch(/index = 2: must be an integer in 0 \.\.\. 1/);
    expect((await run({ chunkSize: 0 })).message).toMatch(/chunkSize = 0/);
    expect((await run({ liftOptions: { bogus: 1 } })).message).toMatch(/bogus = 1: is not a lift option/);
    expect((await run({ depth: "lidar" })).message).toMatch(/depth = "lidar": is not a supported depth source/);
    expect((await run({ dataset: { kind: "coco", path: join(tmp.dir, "nope.json") } })).message).toMatch(/nope\.json: file = .*: does not exist/);
    expect(existsSync(join(out, "shards"))).toBe(false);
  });

  it("lifts shards separately and merges them into the whole", async () => {
    const path = await synthDataset(join(tmp.dir, "ds"), 6);
    const base: RunLiftOptions = { dataset: { kind: "coco", path }, outDir: "", workers: 0, chunkSize: 2 };
    const whole = await runLift({ ...base, outDir: join(tmp.dir, "whole") });
    const a = await runLift({ ...base, outDir: join(tmp.dir, "a"), shard: { index: 0, count: 2 } });
    const b = await runLift({ ...base, outDir: join(tmp.dir, "b"), shard: { index: 1, count: 2 } });
    expect(a.images + b.images).toBe(6);
    const partial = await mergeLift({ inputs: [join(tmp.dir, "b")], outDir: join(tmp.dir, "partial") });
    expect(partial.missingShards).toEqual([0]);
    const merged = await mergeLift({ inputs: [join(tmp.dir, "b"), join(tmp.dir, "a")], outDir: join(tmp.dir, "merged") });
    expect(merged.shards).toEqual([0, 1]);
    expect(merged.missingShards).toEqual([]);
    const { objects: _o, ...countsWhole } = whole.counts;
    expect(merged.counts).toMatchObject(countsWhole);
    const ids = async (dir: string): Promise<unknown[]> => ((await readDoc(join(dir, "annotations.json"))).annotations.map((x) => x["id"]) as number[]).sort((p, q) => p - q);
    expect(await ids(join(tmp.dir, "merged"))).toEqual(await ids(join(tmp.dir, "whole")));
    // Mismatched configs and a shard given twice are refused.
    await runLift({ ...base, outDir: join(tmp.dir, "c"), shard: { index: 1, count: 2 }, chunkSize: 3 });
    expect((await errorOfAsync(() => mergeLift({ inputs: [join(tmp.dir, "a"), join(tmp.dir, "c")], outDir: join(tmp.dir, "m2") }))).message).toMatch(/c\/manifest\.json: config\.chunk_size = 3: differs from .*a\/manifest\.json \(2\)/);
    expect((await errorOfAsync(() => mergeLift({ inputs: [join(tmp.dir, "a"), join(tmp.dir, "a2"), join(tmp.dir, "a")], outDir: join(tmp.dir, "m3") }))).message).toMatch(/a2\/manifest\.json: file = .*: does not exist/);
    expect((await errorOfAsync(() => mergeLift({ inputs: [join(tmp.dir, "a"), join(tmp.dir, "merged")], outDir: join(tmp.dir, "m4") }))).message).toMatch(/shard = "0\/2": is also in/);
  });

  it("lifts detections in images without annotations, with their scores", async () => {
    const path = await synthDataset(join(tmp.dir, "ds"), 2);
    const doc = await readDoc(path);
    doc.annotations = doc.annotations.filter((a) => a["image_id"] !== 2);
    await writeFile(path, JSON.stringify(doc));
    const r = await runLift({ dataset: { kind: "coco", path }, outDir: join(tmp.dir, "out"), workers: 0, detector: "centernet", partsModule: FAKE_PARTS });
    const objects = (await records(join(tmp.dir, "out"))).filter((x): x is ObjectRecord => x.kind === "object");
    const detections = objects.filter((o) => o.image_id === 2);
    expect(detections.map((d) => [d.annotation_id, d.label, d.score, d.category_id, d.pixel_source])).toEqual([["det-0", "chair", 0.9, null, "box"]]);
    expect(objects.filter((o) => o.image_id === 1).every((o) => o.score === undefined)).toBe(true);
    expect(r.config.detector).toEqual({ name: "centernet", detect_all: false, min_score: 0.3 });
  });

  it("loses nothing finished when killed with SIGKILL mid-run", async () => {
    const path = await synthDataset(join(tmp.dir, "ds"), 6);
    const slow = `${pathToFileURL(FAKE_PARTS).href}?delayMs=40`;
    const options = (out: string): RunLiftOptions => ({ dataset: { kind: "coco", path }, outDir: out, workers: 0, chunkSize: 1, partsModule: slow });
    const out = join(tmp.dir, "killed");
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    const child = spawn(process.execPath, ["--import", tsx, fileURLToPath(new URL("./testing/run-child.ts", import.meta.url)), JSON.stringify(options(out))], { stdio: "ignore" });
    const exited = new Promise<NodeJS.Signals | null>((res) => child.once("exit", (_code, signal) => res(signal)));
    const deadline = Date.now() + 20_000;
    // Kill once two chunks are on disk, while later ones are still being lifted.
    while (Date.now() < deadline) {
      const names = existsSync(join(out, "shards")) ? await readdir(join(out, "shards")) : [];
      if (names.filter((n) => n.endsWith(".jsonl")).length >= 2) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const survived = (await readdir(join(out, "shards"))).filter((n) => n.endsWith(".jsonl"));
    expect(survived.length).toBeGreaterThanOrEqual(2);
    expect(survived.length).toBeLessThan(6);
    expect(existsSync(join(out, "manifest.json"))).toBe(false);

    const resumed = await runLift(options(out));
    expect(resumed.chunks.resumed).toBe(survived.length);
    const reference = join(tmp.dir, "reference");
    await runLift(options(reference));
    expect(await snapshot(out, ["manifest.json"])).toEqual(await snapshot(reference, ["manifest.json"]));
    expect(await manifestContent(out)).toEqual(await manifestContent(reference));
  });
});
