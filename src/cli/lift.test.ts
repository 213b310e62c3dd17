import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeTinyDepthModel } from "../depth/testing/tiny-depth-model.js";
import { parseRecordLines } from "../lift/index.js";
import type { ImageRecord } from "../lift/index.js";
import { badDataset, makeTempDir, readDoc, synthDataset } from "../lift/testing/fixtures.js";
import { readRepository } from "../qa/index.js";
import { runCli as run } from "./testing/run-cli.js";

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  tmp = await makeTempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

describe("n3d lift", () => {
  it("lifts a synth dataset into a repository that n3d qa reads", async () => {
    const dataset = await synthDataset(join(tmp.dir, "ds"), 4);
    const out = join(tmp.dir, "out");
    const r = await run(["lift", "--dataset", dataset, "--out", out, "--workers", "1", "--chunk-size", "2"]);
    expect(r.err).toMatch(/lift \[#+\] 4\/4/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^4 images in shard 0\/1: 2 chunks written, 0 already done; .* with 1 workers\n/);
    expect(r.out).toMatch(/\nimages: 4 \(4 lifted, 0 skipped\)\nobjects: \d+: \d+ kept, \d+ rejected/);
    expect(r.out).toMatch(/\nskipped: nothing\nwrote .*annotations\.json, .*report\.md, .*manifest\.json\n$/);

    const repo = await readRepository(out);
    const kept = Number(/: (\d+) kept/.exec(r.out)![1]);
    expect(repo.scenes).toHaveLength(4);
    expect(repo.scenes.reduce((n, s) => n + s.objects.length, 0)).toBe(kept);
    const truth = await readDoc(dataset);
    // Paths in annotations.json resolve from OUT to the dataset's files.
    expect(repo.scenes[0]!.imageFile).toBe("../ds/images/000000.png");
    expect(repo.scenes[0]!.depthFile).toBe("../ds/depth/000000.png");
    expect(repo.scenes[0]!.intrinsics).toEqual(truth.images[0]!["intrinsics"]);
    const qa = await run(["qa", "--repo", out, "--out", join(tmp.dir, "qa"), "--paraphrase", "none", "--forms", "detection"]);
    expect(qa.code).toBe(0);

    // A rerun finds everything done.
    const again = await run(["lift", "--dataset", dataset, "--out", out, "--workers", "0", "--chunk-size", "2"]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/0 chunks written, 2 already done/);
  });

  it("skips every bad item with its reason, goes on, and exits 1", async () => {
    const { path, expected } = await badDataset(join(tmp.dir, "ds"));
    const out = join(tmp.dir, "out");
    const r = await run(["lift", "--dataset", path, "--out", out, "--workers", "0"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/lift \[#+\] 6\/6/);
    expect(r.out).toMatch(/images: 6 \(3 lifted, 3 skipped\)/);
    const report = await readFile(join(out, "report.md"), "utf8");
    for (const reason of Object.keys(expected)) {
      expect(r.out).toContain(`${reason} 1`);
      expect(report).toMatch(new RegExp(`\\| ${reason} \\| 1 \\| .+ \\|`));
    }
    expect(report).toMatch(/\| missing_image \| 1 \| .*images\/missing\.png: the image file does not exist/);
  });

  it("redoes a chunk with a corrupt line on resume, says so, and exits 1", async () => {
    const dataset = await synthDataset(join(tmp.dir, "ds"), 4);
    const out = join(tmp.dir, "out");
    const args = ["lift", "--dataset", dataset, "--out", out, "--workers", "0", "--chunk-size", "2"];
    expect((await run(args)).code).toBe(0);
    const chunk = join(out, "shards", "shard-0-of-1.chunk-000001.jsonl");
    const good = await readFile(chunk, "utf8");
    await writeFile(chunk, good.replace(/\n(.)/, "\n{oops$1"));
    const r = await run(args);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/1 chunks written, 1 already done/);
    expect(r.out).toMatch(/redone shards\/shard-0-of-1\.chunk-000001\.jsonl: line 2 is not valid JSON/);
    expect(await readFile(chunk, "utf8")).toBe(good);
    expect(await readFile(join(out, "report.md"), "utf8")).toMatch(/## This run[\s\S]*line 2 is not valid JSON/);
  });

  it("lifts OpenImages boxes with depth found by image stem and a field of view", async () => {
    const ds = join(tmp.dir, "ds");
    const coco = await readDoc(await synthDataset(ds, 2));
    const jpgs = join(tmp.dir, "jpg");
    await mkdir(jpgs);
    const rows = ["ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside"];
    for (const image of coco.images) {
      const stem = String(image["file_name"]).replace(/^images\/|\.png$/g, "");
      await sharp(join(ds, String(image["file_name"]))).jpeg().toFile(join(jpgs, `${stem}.jpg`));
      for (const a of coco.annotations.filter((x) => x["image_id"] === image["id"])) {
        const [x, y, w, h] = a["bbox"] as number[];
        rows.push(`${stem},xclick,/m/${String(a["category_id"])},1,${x! / 64},${(x! + w!) / 64},${y! / 48},${(y! + h!) / 48},0,0,0,0,0`);
      }
    }
    await writeFile(join(tmp.dir, "boxes.csv"), `${rows.join("\n")}\n`);
    await writeFile(join(tmp.dir, "classes.csv"), coco.categories.map((c) => `/m/${c.id},${c.name}`).join("\n"));
    const out = join(tmp.dir, "out");
    const r = await run(["lift", "--openimages", join(tmp.dir, "boxes.csv"), "--classes", join(tmp.dir, "classes.csv"), "--images", jpgs, "--depth-dir", join(ds, "depth"), "--fov-x", "60", "--out", out, "--workers", "0"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/images: 2 \(2 lifted, 0 skipped\)/);
    const [file] = await readdir(join(out, "shards"));
    const headers = parseRecordLines(await readFile(join(out, "shards", file!), "utf8"), file!).filter((x): x is ImageRecord => x.kind === "image");
    expect(headers.map((h) => [h.image_id, h.depth_file, h.intrinsics_source, h.width])).toEqual([
      ["000000", "000000.png", "fov", 64],
      ["000001", "000001.png", "fov", 64],
    ]);
    expect(headers[0]!.intrinsics.fx).toBeCloseTo(32 / Math.tan(Math.PI / 6), 9);
  });

  it("keeps the depth a model made inside the repository, so annotations.json has a depth_file", async () => {
    const dataset = await synthDataset(join(tmp.dir, "ds"), 2);
    const doc = await readDoc(dataset);
    for (const image of doc.images) delete image["depth_file"];
    await writeFile(dataset, JSON.stringify(doc));
    const model = await writeTinyDepthModel(join(tmp.dir, "model"), { config: { depth_estimation_type: "metric" } });
    const out = join(tmp.dir, "out");
    const r = await run(["lift", "--dataset", dataset, "--out", out, "--workers", "0", "--depth", `onnx:${model.dir}`]);
    expect(r.err).not.toMatch(/n3d:/);
    expect([0, 1]).toContain(r.code);
    expect((await readdir(join(out, "depth"))).sort()).toEqual(["1.npy", "2.npy"]);
    const repo = await readRepository(out);
    expect(repo.scenes.map((s) => s.depthFile)).toEqual(["depth/1.npy", "depth/2.npy"]);
    const [file] = (await readdir(join(out, "shards"))).sort();
    const header = parseRecordLines(await readFile(join(out, "shards", file!), "utf8"), file!).find((x): x is ImageRecord => x.kind === "image")!;
    expect(header).toMatchObject({ depth_file: null, depth_written: "depth/1.npy", depth_source: "onnx:model" });
  });

  it("merges shard outputs and refuses mismatched ones", async () => {
    const dataset = await synthDataset(join(tmp.dir, "ds"), 4);
    const lift = (k: number, extra: string[] = []): ReturnType<typeof run> =>
      run(["lift", "--dataset", dataset, "--out", join(tmp.dir, `s${k}${extra.length ? "x" : ""}`), "--workers", "0", "--shard", `${k}/2`, ...extra]);
    expect((await lift(0)).code).toBe(0);
    expect((await lift(1)).code).toBe(0);
    const merged = await run(["lift", "merge", join(tmp.dir, "s0"), join(tmp.dir, "s1"), "--out", join(tmp.dir, "m")]);
    expect(merged.code).toBe(0);
    expect(merged.out).toMatch(/^merged shards 0, 1 of 2\nimages: 4 \(4 lifted, 0 skipped\)/);
    expect((await readRepository(join(tmp.dir, "m"))).scenes).toHaveLength(4);

    expect((await lift(1, ["--lift-option", "maxDepthM=30"])).code).toBe(0);
    const bad = await run(["lift", "merge", join(tmp.dir, "s0"), join(tmp.dir, "s1x"), "--out", join(tmp.dir, "m2")]);
    expect(bad.code).toBe(2);
    expect(bad.err.trimEnd().split("\n")).toHaveLength(1);
    expect(bad.err).toMatch(/s1x\/manifest\.json: config\.lift_options\.maxDepthM = 30: differs from .*s0\/manifest\.json \(40\)/);
  });

  it.each([
    [[], /n3d lift: --out = undefined: missing; give the repository folder/],
    [["--out", "O"], /--dataset = undefined: missing; give the annotations JSON/],
    [["--out", "O", "--dataset", "a.json", "--openimages", "b.csv", "--classes", "c.csv"], /give either --dataset or --openimages, not both/],
    [["--out", "O", "--openimages", "b.csv"], /--classes = undefined: missing/],
    [["--out", "O", "--dataset", "a.json", "--shard", "3/2"], /shard = "3\/2": expected k\/n with 0 <= k < n/],
    [["--out", "O", "--dataset", "a.json", "--workers", "-1"], /workers = "-1": must be an integer >= 0/],
    [["--out", "O", "--dataset", "a.json", "--chunk-size", "0"], /chunk-size = "0": must be an integer >= 1/],
    [["--out", "O", "--dataset", "a.json", "--lift-option", "nokey"], /lift-option = "nokey": expected key=value/],
    [["--out", "O", "--dataset", "a.json", "--min-score", "0"], /min-score = "0": must be a number in \(0, 1\]/],
    [["--out", "O", "--dataset", "a.json", "--fov-x", "200"], /fov-x = "200": must be a number of degrees in \(0, 180\)/],
    [["--out", "O", "--dataset", "a.json", "--detect-all"], /--detect-all = true: needs --detector/],
    [["--out", "O", "--dataset", "a.json", "--detector", "yolo"], /argument 'yolo' is invalid\. Allowed choices are centernet/],
  ])("rejects %j with exit 2 and one line", async (args, pattern) => {
    const r = await run(["lift", ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(pattern);
    expect(r.err.trimEnd().split("\n").filter((l) => !l.startsWith("(run with --help"))).toHaveLength(1);
  });

  it("rejects bad inputs found after parsing with exit 2 before writing", async () => {
    const dataset = await synthDataset(join(tmp.dir, "ds"), 1);
    const out = join(tmp.dir, "out");
    const cases: [string[], RegExp][] = [
      [["--lift-option", "bogus=1"], /liftOptions: bogus = 1: is not a lift option; choose one of /],
      [["--lift-option", "outlierMethod=median"], /outlierMethod = "median": is not a supported choice/],
      [["--depth", "lidar"], /depth = "lidar": is not a supported depth source; choose one of sensor, npz, onnx:MODEL_DIR/],
      [["--depth", `onnx:${join(tmp.dir, "nomodel")}`], /nomodel/],
      [["--intrinsics", join(tmp.dir, "none.json")], /none\.json/],
    ];
    for (const [extra, pattern] of cases) {
      const r = await run(["lift", "--dataset", dataset, "--out", out, "--workers", "0", ...extra]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(pattern);
      expect(r.err.trimEnd().split("\n")).toHaveLength(1);
    }
    expect(await readdir(tmp.dir)).toEqual(["ds"]);
  });

  it("documents every option in its help", async () => {
    const r = await run(["lift", "--help"]);
    expect(r.code).toBe(0);
    for (const flag of ["--dataset", "--openimages", "--classes", "--images", "--out", "--depth", "--depth-dir", "--depth-scale", "--detector", "--detect-all", "--min-score", "--shard", "--workers", "--chunk-size", "--fov-x", "--intrinsics", "--lift-option"]) {
      expect(r.out).toContain(flag);
    }
    expect(r.out).toMatch(/Exit code 0: nothing skipped; 1: finished, some items skipped/);
    expect((await run(["lift", "merge", "--help"])).out).toMatch(/--out <dir>/);
  });
});
