// Test fixtures for the lifting runner, made by code: small `n3d synth` datasets, one with every
// kind of bad item the runner must skip. Not part of the build.
import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeDepthPng16 } from "../../rgbd/index.js";
import { writeSynthDataset } from "../../synth/index.js";

/** A fresh temporary directory and a function that removes it. */
export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "n3d-lift-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A synth dataset of `count` 64x48 scenes in `dir`, copied from one rendered once into the OS temp
 * folder and kept there for later runs (made in a private folder and renamed into place, so test
 * processes running side by side never see half of one). Returns the annotations.json path.
 */
export async function synthDataset(dir: string, count = 6, seed = 3): Promise<string> {
  const source = join(tmpdir(), `n3d-lift-test-synth-64x48-${count}-${seed}`);
  if (!existsSync(join(source, "annotations.json"))) {
    const fresh = await mkdtemp(join(tmpdir(), "n3d-lift-test-synth-"));
    await writeSynthDataset({ outDir: fresh, count, seed, size: { width: 64, height: 48 }, objects: [3, 5] });
    try {
      await rename(fresh, source);
    } catch {
      await rm(fresh, { recursive: true, force: true }); // another process put it there first
    }
  }
  await cp(source, dir, { recursive: true });
  return join(dir, "annotations.json");
}

/** The parsed annotations.json of a dataset folder. */
export interface CocoDoc {
  images: Record<string, unknown>[];
  annotations: Record<string, unknown>[];
  categories: { id: number; name: string }[];
}

export async function readDoc(path: string): Promise<CocoDoc> {
  return JSON.parse(await readFile(path, "utf8")) as CocoDoc;
}

/**
 * A synth dataset (6 scenes) with one of each bad item the issue lists, and what each should be
 * skipped as:
 * - image 1: its image file is missing                     -> missing_image
 * - image 2: its depth file is 32x24, the image 64x48      -> depth_size_mismatch
 * - image 3: its depth is all zeros                         -> depth_all_invalid
 * - image 4, first annotation: category_id 999              -> unknown_category
 * - image 4, second annotation: polygon outside the image   -> mask_outside_image
 * - image 5, first annotation: bbox with negative width     -> bbox_negative_size
 * - annotation 99999 points to image 999                    -> unknown_image_id
 * Image 6 is intact.
 */
export async function badDataset(dir: string): Promise<{ path: string; expected: Record<string, number> }> {
  const path = await synthDataset(dir, 6, 3);
  const doc = await readDoc(path);
  const image = (id: number): Record<string, unknown> => doc.images.find((i) => i["id"] === id)!;
  const annotationsOf = (id: number): Record<string, unknown>[] => doc.annotations.filter((a) => a["image_id"] === id);
  image(1)["file_name"] = "images/missing.png";
  await writeFile(join(dir, "depth", "small.png"), await encodeDepthPng16(new Float32Array(32 * 24).fill(2), { width: 32, height: 24 }, 1000));
  image(2)["depth_file"] = "depth/small.png";
  await writeFile(join(dir, "depth", "zeros.png"), await encodeDepthPng16(new Float32Array(64 * 48), { width: 64, height: 48 }, 1000));
  image(3)["depth_file"] = "depth/zeros.png";
  const [a4, b4] = annotationsOf(4);
  a4!["category_id"] = 999;
  delete a4!["label"];
  b4!["segmentation"] = [[10, 10, 200, 10, 200, 30]];
  const [a5] = annotationsOf(5);
  a5!["bbox"] = [10, 10, -4, 5];
  doc.annotations.push({ id: 99999, image_id: 999, category_id: 1, bbox: [1, 1, 2, 2] });
  await writeFile(path, JSON.stringify(doc));
  return {
    path,
    expected: { missing_image: 1, depth_size_mismatch: 1, depth_all_invalid: 1, unknown_category: 1, mask_outside_image: 1, bbox_negative_size: 1, unknown_image_id: 1 },
  };
}

/** Every file under `dir` (relative paths, sorted) with its bytes, skipping the names in `except`. */
export async function snapshot(dir: string, except: readonly string[] = []): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (sub: string): Promise<void> => {
    for (const entry of (await readdir(join(dir, sub), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const rel = sub === "" ? entry.name : `${sub}/${entry.name}`;
      if (except.includes(rel)) continue;
      if (entry.isDirectory()) await walk(rel);
      else out.set(rel, (await readFile(join(dir, rel))).toString("base64"));
    }
  };
  await walk("");
  return out;
}

/** manifest.json without its `run` section (the part that must match between runs). */
export async function manifestContent(dir: string): Promise<unknown> {
  const m = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as Record<string, unknown>;
  delete m["run"];
  return m;
}
