import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readGroundingJsonl } from "../eval/index.js";
import { parseBboxLines, parseN3dBoxesJson } from "../formats/index.js";
import { runCli } from "./testing/run-cli.js";

// End to end on a tiny synth repository: `n3d train` (tiny, a few steps), then `n3d ground` on one
// frame and on the whole repository, then `n3d eval grounding` reads the predictions.
let dir: string;
let data: string;
let model: string;
let frame: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "n3d-cli-ground-"));
  data = join(dir, "data");
  model = join(dir, "model");
  const synth = await runCli(["synth", "--out", data, "--count", "2", "--size", "64x48", "--objects", "2-4"]);
  expect(synth.code, synth.err).toBe(0);
  const train = await runCli(["train", "--stage", "1", "--data", data, "--config", "tiny", "--set", "batchSize=2", "--set", "textLength=80", "--steps", "3", "--out", model, "--threads", "1"]);
  expect(train.code, train.err).toBe(0);
  const doc = JSON.parse(await readFile(join(data, "annotations.json"), "utf8")) as { images: { intrinsics: object }[] };
  await writeFile(join(dir, "K.json"), JSON.stringify(doc.images[0]!.intrinsics));
  frame = ["--image", join(data, "images/000000.png"), "--depth", join(data, "depth/000000.png"), "--intrinsics", join(dir, "K.json")];
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("n3d ground", () => {
  it("prints n3d JSON boxes for a frame and writes them with an overlay", async () => {
    const out = join(dir, "one");
    const r = await runCli(["ground", ...frame, "--model", model, "--prompt", "Find every object in the image and give its 3D bounding box.", "--out", out, "--threads", "1"]);
    expect(r.code, r.err).toBe(0);
    const boxes = parseN3dBoxesJson(r.out, "stdout");
    expect(await readFile(join(out, "boxes.json"), "utf8")).toBe(r.out);
    expect((await stat(join(out, "overlay.png"))).size).toBeGreaterThan(100);
    for (const b of boxes) expect(b.score).toBeGreaterThan(0);
    const official = await runCli(["ground", ...frame, "--model", model, "--prompt", "Find every object in the image and give its 3D bounding box.", "--format", "n3dvlm", "--threads", "1"]);
    expect(official.code, official.err).toBe(0);
    expect(official.out === "" ? [] : parseBboxLines(official.out, "stdout")).toHaveLength(boxes.length);
  });

  it("grounds a whole repository into JSONL that n3d eval grounding scores", async () => {
    const preds = join(dir, "preds.jsonl");
    const r = await runCli(["ground", "--dataset", data, "--model", model, "--out", preds, "--threads", "1"]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^wrote .*preds\.jsonl: 2 images, \d+ boxes\n$/);
    const read = readGroundingJsonl(await readFile(preds, "utf8"), preds);
    expect(read.skipped).toEqual([]);
    expect([...read.records.keys()]).toEqual(["1", "2"]);
    const evaluated = await runCli(["eval", "grounding", "--pred", preds, "--truth", join(data, "annotations.json")]);
    expect(evaluated.err).not.toMatch(/skipped|error/i);
    expect(evaluated.out).toMatch(/images|acc/i);
  });

  it("grounds one prompt per category with --task categories, and warns when the folder says it misses its targets", async () => {
    const preds = join(dir, "preds-categories.jsonl");
    const doc = JSON.parse(await readFile(join(data, "annotations.json"), "utf8")) as { annotations: { image_id: number; label: string; visible: boolean }[] };
    await writeFile(join(model, "evaluation.json"), JSON.stringify({ meetsTargets: false, summary: "acc@0.25 1.0% on 200 held-out scenes" }));
    try {
      const r = await runCli(["ground", "--dataset", data, "--model", model, "--task", "categories", "--out", preds, "--threads", "1"]);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toMatch(/n3d ground: note: this model misses its accuracy targets \(acc@0\.25 1\.0% on 200 held-out scenes\)/);
      const read = readGroundingJsonl(await readFile(preds, "utf8"), preds);
      // Every predicted label is a category the image holds: each prompt restricts its answer's labels.
      for (const [id, record] of read.records) {
        const held = new Set(doc.annotations.filter((a) => String(a.image_id) === id).map((a) => a.label));
        for (const b of record.boxes) expect(held).toContain(b.label);
      }
    } finally {
      await rm(join(model, "evaluation.json"));
    }
  });

  it("answers bad input with one line: no depth, wrong-size depth, unknown words, a missing model", async () => {
    const noDepth = await runCli(["ground", "--image", join(data, "images/000000.png"), "--intrinsics", join(dir, "K.json"), "--model", model]);
    expect(noDepth.code).toBe(2);
    expect(noDepth.err).toMatch(/--depth = "missing": the model needs metric depth/);
    const wrong = await runCli(["ground", "--image", join(data, "images/000000.png"), "--depth", join(data, "depth/000001.png"), "--intrinsics", join(dir, "K.json"), "--model", model]);
    expect(wrong.code).toBe(0); // same size, another frame's depth: allowed
    await runCli(["synth", "--out", join(dir, "big"), "--count", "1", "--size", "80x60"]);
    const mismatch = await runCli(["ground", "--image", join(data, "images/000000.png"), "--depth", join(dir, "big/depth/000000.png"), "--intrinsics", join(dir, "K.json"), "--model", model]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.err).toMatch(/size = "80x60": does not match the image .* size 64x48/);
    const unicorn = await runCli(["ground", ...frame, "--model", model, "--prompt", "Find the unicorn."]);
    expect(unicorn.code).toBe(0);
    expect(unicorn.out).toBe("[]\n");
    expect(unicorn.err).toMatch(/words this model does not know \(unicorn\)/);
    const missing = await runCli(["ground", ...frame, "--model", join(dir, "nope")]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope.*does not exist; train one with `n3d train --stage 1/);
    const version = join(dir, "old");
    await runCli(["train", "--stage", "1", "--data", data, "--config", "tiny", "--set", "batchSize=1", "--set", "textLength=80", "--steps", "1", "--out", version, "--threads", "1"]);
    const cfg = JSON.parse(await readFile(join(version, "config.json"), "utf8")) as Record<string, unknown>;
    await writeFile(join(version, "config.json"), JSON.stringify({ ...cfg, version: 0 }));
    const old = await runCli(["ground", ...frame, "--model", version]);
    expect(old.code).toBe(2);
    expect(old.err).toMatch(/version = 0: is not a supported model folder version/);
  });
});
