import { readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boxContainsPoint, backProject, applyPose, invertPose } from "../geometry/index.js";
import type { Box3D, Mat3, Vec3 } from "../geometry/index.js";
import { readDepth, readImage } from "../rgbd/index.js";
import { decodeRle } from "../formats/index.js";
import type { CompressedRle } from "../formats/index.js";
import { listDir, makeTempDir } from "../rgbd/testing/fixtures.js";
import { writeSynthDataset } from "./dataset.js";

interface Coco {
  images: { id: number; file_name: string; width: number; height: number; depth_file: string; depth_scale: number; intrinsics: { fx: number; fy: number; cx: number; cy: number }; gravity: number[] }[];
  annotations: {
    id: number;
    image_id: number;
    label: string;
    segmentation: CompressedRle;
    bbox: number[];
    area: number;
    bbox3d: { center: Vec3; size: Vec3; yaw: number } | null;
    obb: { center: Vec3; size: Vec3; rotation: Mat3 };
    visible: boolean;
    visible_fraction: number;
  }[];
  categories: { id: number; name: string }[];
}

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const sub of ["", "images", "depth", "scenes"]) {
    for (const name of await readdir(join(dir, sub), { withFileTypes: true })) {
      if (name.isFile()) out.set(join(sub, name.name), await readFile(join(dir, sub, name.name)));
    }
  }
  return out;
}

/** Is p inside the oriented box (within tolM)? */
function insideObb(obb: { center: Vec3; size: Vec3; rotation: Mat3 }, p: Vec3, tolM: number): boolean {
  const local = applyPose(invertPose({ rotation: obb.rotation, translation: obb.center }), p);
  return local.every((x, i) => Math.abs(x) <= obb.size[i]! / 2 + tolM);
}

/** Grow a Box3D by tolM on every side. */
function grown(box: Box3D, tolM: number): Box3D {
  return { ...box, size: [box.size[0] + 2 * tolM, box.size[1] + 2 * tolM, box.size[2] + 2 * tolM] };
}

describe("writeSynthDataset", () => {
  it("writes the COCO layout, and every visible pixel's depth lands inside its object's boxes", async () => {
    const dir = join(tmp.dir, "a");
    const result = await writeSynthDataset({ outDir: dir, count: 4, seed: 7, size: { width: 96, height: 72 }, depthFormat: "npy" });
    expect(result.scenes).toBe(4);
    const coco = JSON.parse(await readFile(result.annotationsPath, "utf8")) as Coco;
    expect(coco.images).toHaveLength(4);
    expect(coco.categories.length).toBeGreaterThanOrEqual(24);
    let checkedPixels = 0;
    for (const image of coco.images) {
      const { depthM } = await readDepth(join(dir, image.depth_file), image.depth_scale === 1 ? {} : { scale: image.depth_scale });
      const rgb = await readImage(join(dir, image.file_name));
      expect(rgb.size).toEqual({ width: image.width, height: image.height });
      for (const ann of coco.annotations.filter((a) => a.image_id === image.id)) {
        const mask = decodeRle(ann.segmentation);
        let visible = 0;
        for (let v = 0; v < image.height; v++) {
          for (let u = 0; u < image.width; u++) {
            if (!mask[v * image.width + u]) continue;
            visible++;
            const p = backProject(image.intrinsics, [u, v], depthM[v * image.width + u]!);
            expect(insideObb(ann.obb, p, 1e-3)).toBe(true);
            if (ann.bbox3d) expect(boxContainsPoint(grown(ann.bbox3d, 1e-3), p)).toBe(true);
            checkedPixels++;
          }
        }
        expect(visible).toBe(ann.area);
        expect(ann.visible).toBe(visible > 0);
        if (!ann.visible) expect(ann.visible_fraction).toBe(0);
      }
    }
    expect(checkedPixels).toBeGreaterThan(500);
  });

  it("16-bit PNG depth (millimetres) keeps points within a millimetre of their boxes", async () => {
    const dir = join(tmp.dir, "png");
    const result = await writeSynthDataset({ outDir: dir, count: 2, seed: 3, size: { width: 64, height: 48 } });
    const coco = JSON.parse(await readFile(result.annotationsPath, "utf8")) as Coco;
    for (const image of coco.images) {
      expect(image.depth_scale).toBe(1000);
      const { depthM } = await readDepth(join(dir, image.depth_file), { scale: 1000 });
      for (const ann of coco.annotations.filter((a) => a.image_id === image.id)) {
        const mask = decodeRle(ann.segmentation);
        mask.forEach((m, i) => {
          if (!m) return;
          const p = backProject(image.intrinsics, [i % image.width, Math.floor(i / image.width)], depthM[i]!);
          // Rounding to whole millimetres moves z by at most 0.5 mm (and x, y proportionally less).
          expect(insideObb(ann.obb, p, 1e-3)).toBe(true);
        });
      }
    }
  });

  it("is deterministic: the same seed gives byte-identical files", async () => {
    const a = join(tmp.dir, "det1");
    const b = join(tmp.dir, "det2");
    await writeSynthDataset({ outDir: a, count: 3, seed: 11, size: { width: 48, height: 32 } });
    await writeSynthDataset({ outDir: b, count: 3, seed: 11, size: { width: 48, height: 32 } });
    const fa = await filesOf(a);
    const fb = await filesOf(b);
    expect([...fa.keys()].sort()).toEqual([...fb.keys()].sort());
    for (const [name, bytes] of fa) expect(Buffer.compare(bytes, fb.get(name)!), name).toBe(0);
    const c = join(tmp.dir, "det3");
    await writeSynthDataset({ outDir: c, count: 1, seed: 12, size: { width: 48, height: 32 } });
    expect(Buffer.compare((await filesOf(c)).get("images/000000.png")!, fa.get("images/000000.png")!)).not.toBe(0);
  });

  it("resumes a partly written folder and ends with the same bytes", async () => {
    const full = join(tmp.dir, "full");
    const part = join(tmp.dir, "part");
    const options = { count: 4, seed: 5, size: { width: 48, height: 32 } };
    await writeSynthDataset({ ...options, outDir: full });
    // A run killed after 2 scenes: scene 2's image exists but its record was never written.
    await writeSynthDataset({ ...options, count: 2, outDir: part });
    await writeFile(join(part, "images", "000002.png"), "half-written");
    const progress: number[] = [];
    const result = await writeSynthDataset({ ...options, outDir: part, onProgress: (_d, _t, skipped) => progress.push(skipped) });
    expect(result.skipped).toBe(2);
    expect(progress.at(-1)).toBe(2);
    const fa = await filesOf(full);
    const fb = await filesOf(part);
    for (const [name, bytes] of fa) expect(Buffer.compare(bytes, fb.get(name)!), name).toBe(0);
  });

  it("refuses to resume a folder made with other options, naming the option", async () => {
    const dir = join(tmp.dir, "mismatch");
    await writeSynthDataset({ outDir: dir, count: 1, seed: 1, size: { width: 32, height: 24 } });
    await expect(writeSynthDataset({ outDir: dir, count: 2, seed: 2, size: { width: 32, height: 24 } })).rejects.toThrow(
      /synth\.json: seed = 1: this folder was made with seed = 1, not 2/,
    );
  });

  it.each([
    [{ count: 0 }, /count = 0: must be an integer >= 1/],
    [{ size: { width: 1, height: 1 } }, /size = "1x1": must be at least 16x16/],
    [{ noise: "loud" }, /"loud": is not a supported noise preset; choose one of none, light, default, heavy/],
    [{ indoorRatio: 2 }, /indoor-ratio = 2/],
  ])("rejects bad options %o before writing anything", async (bad, pattern) => {
    const dir = join(tmp.dir, `bad-${Object.keys(bad)[0]}`);
    await expect(writeSynthDataset({ outDir: dir, count: 1, seed: 0, ...bad })).rejects.toThrow(pattern);
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
  });

  it("fails cleanly when the output folder cannot be created", async () => {
    const file = join(tmp.dir, "a-file");
    await writeFile(file, "x");
    await expect(writeSynthDataset({ outDir: join(file, "sub"), count: 1, seed: 0 })).rejects.toThrow(/ENOTDIR|not a directory/);
    expect(await listDir(tmp.dir)).toContain("a-file");
    await rm(file);
  });
});
