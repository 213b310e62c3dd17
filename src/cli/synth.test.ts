import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeTempDir } from "../rgbd/testing/fixtures.js";
import { runCli as run } from "./testing/run-cli.js";

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  tmp = await makeTempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

describe("n3d synth", () => {
  it("writes a dataset with progress on stderr and previews on request", async () => {
    const out = join(tmp.dir, "ds");
    const r = await run(["synth", "--out", out, "--count", "3", "--seed", "4", "--size", "64x48", "--preview"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^wrote .*annotations\.json: 3 scenes \(0 already there\), \d+ objects\n$/);
    expect(r.err).toMatch(/synth \[#+\] 3\/3/);
    expect((await readdir(join(out, "images"))).sort()).toEqual(["000000.png", "000001.png", "000002.png"]);
    expect((await readdir(join(out, "preview"))).length).toBe(3);
    const coco = JSON.parse(await readFile(join(out, "annotations.json"), "utf8")) as { images: { depth_file: string }[] };
    expect(coco.images[0]!.depth_file).toBe("depth/000000.png");
    // A second run with a larger count resumes.
    const again = await run(["synth", "--out", out, "--count", "4", "--seed", "4", "--size", "64x48"]);
    expect(again.out).toMatch(/4 scenes \(3 already there\)/);
  });

  it.each([
    [["--count", "0"], /count = "0": must be an integer >= 1/],
    [["--count", "2", "--size", "1x1"], /size = "1x1": must be at least 16x16/],
    [["--count", "2", "--noise", "loud"], /argument 'loud' is invalid\. Allowed choices are none, light, default, heavy/],
    [["--count", "2", "--indoor-ratio", "1.5"], /indoor-ratio = "1\.5": must be a number in \[0, 1\]/],
    [["--count", "2", "--objects", "5-3"], /objects = "5-3": expected integers MIN-MAX/],
    [["--count", "2", "--objects", "2-99"], /maxObjects = 99: must be an integer in \[minObjects = 2, 50\]/],
    [["--count", "2", "--fov-x", "10-200"], /fovXDeg/],
    [["--count", "2", "--categories", "chair,unicorn"], /category = "unicorn": is not a supported category; choose one of/],
  ])("rejects %j with exit 2 and one line", async (args, pattern) => {
    const r = await run(["synth", "--out", join(tmp.dir, "x"), ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(pattern);
    expect(await readdir(tmp.dir)).toEqual([]);
  });

  it("keeps to the categories and object counts asked for", async () => {
    const out = join(tmp.dir, "few");
    const r = await run(["synth", "--out", out, "--count", "3", "--size", "64x48", "--objects", "3-4", "--categories", "chair,table,mug", "--fov-x", "60-60"]);
    expect(r.code).toBe(0);
    const coco = JSON.parse(await readFile(join(out, "annotations.json"), "utf8")) as { images: { id: number; intrinsics: { fx: number } }[]; annotations: { image_id: number; label: string }[] };
    for (const image of coco.images) {
      const n = coco.annotations.filter((a) => a.image_id === image.id).length;
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(4);
      // fx for a 60-degree horizontal FOV at width 64: 32 / tan(30 deg).
      expect(image.intrinsics.fx).toBeCloseTo(32 / Math.tan(Math.PI / 6), 6);
    }
    expect(coco.annotations.every((a) => ["chair", "table", "mug"].includes(a.label))).toBe(true);
  });

  it("says which folder cannot be written", async () => {
    await writeFile(join(tmp.dir, "file"), "x");
    const r = await run(["synth", "--out", join(tmp.dir, "file", "ds"), "--count", "1"]);
    expect(r.code).toBe(2);
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/file\/ds\/synth\.json: a folder on this path is a file/);
  });
});
