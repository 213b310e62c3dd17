import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import { writeSynthDataset } from "../synth/index.js";
import { parseRepository, readRepository } from "./repository.js";

const K = { fx: 50, fy: 50, cx: 31.5, cy: 23.5 };
const box = (label: string, x: number, z = 3) => ({ label, center: [x, 0.2, z], size: [0.5, 0.8, 0.4], yaw: 0, uvz: [K.fx * (x / z) + K.cx, K.fy * (0.2 / z) + K.cy, z] });

/** A hand-written two-image document; `mutate` breaks it for error tests. */
function doc(mutate?: (d: { images: Record<string, unknown>[]; annotations: Record<string, unknown>[] }) => void) {
  const d = {
    images: [
      { id: 1, file_name: "images/a.png", width: 64, height: 48, depth_file: "depth/a.png", depth_scale: 1000, intrinsics: K, gravity: [0, 1, 0] },
      { id: 2, file_name: "/abs/b.png", width: 64, height: 48, depth_file: "depth/b.npy", intrinsics: K },
    ],
    annotations: [
      { id: 10, image_id: 1, label: "chair", bbox3d: box("chair", 0.5), attributes: { color: "red", size: "small" } },
      { id: 11, image_id: 1, label: "chair", bbox3d: box("chair", -0.5) },
      { id: 12, image_id: 1, label: "table", bbox3d: box("table", 0) },
      { id: 13, image_id: 1, label: "lamp", bbox3d: null },
      { id: 14, image_id: 1, label: "mug", bbox3d: box("mug", 0.1), visible: false },
      { id: 20, image_id: 2, category_id: 7, bbox3d: box("sofa", 0.3) },
    ],
    categories: [{ id: 7, name: "sofa" }],
  };
  mutate?.(d);
  return d;
}

describe("parseRepository", () => {
  it("keeps visible annotations with a box, orders them left to right and names repeats <index>_<label>", () => {
    const scenes = parseRepository(doc(), "ann.json", "/repo");
    expect(scenes).toHaveLength(2);
    const [a, b] = scenes as [(typeof scenes)[0], (typeof scenes)[0]];
    expect(a.imageId).toBe(1);
    expect(a.imageFile).toBe("images/a.png");
    expect(a.depthFile).toBe("depth/a.png");
    expect(a.depthScale).toBe(1000);
    expect(a.root).toBe("/repo");
    expect(a.size).toEqual({ width: 64, height: 48 });
    expect(a.gravity).toEqual([0, 1, 0]);
    expect(a.objects.map((o) => o.name)).toEqual(["0_chair", "table", "1_chair"]);
    expect(a.objects.map((o) => o.annotationId)).toEqual([11, 12, 10]);
    expect(a.objects[2]!.attributes).toEqual({ color: "red", size: "small" });
    expect(a.objects[0]!.box).toEqual({ center: [-0.5, 0.2, 3], size: [0.5, 0.8, 0.4], yaw: 0 });
    expect(b.gravity).toBeUndefined();
    expect(b.objects.map((o) => o.name)).toEqual(["sofa"]); // label from categories
  });

  it("names the file, the image or annotation id and the field of a missing or bad field", () => {
    let e = errorOf(() => parseRepository(doc((d) => delete d.annotations[2]!["bbox3d"]), "ann.json", "/r"));
    expect(e.message).toMatch(/^ann\.json: annotations\[id=12\]\.bbox3d = undefined: missing/);
    e = errorOf(() => parseRepository(doc((d) => (d.annotations[0]!["image_id"] = 99)), "ann.json", "/r"));
    expect(e.message).toBe("ann.json: annotations[id=10].image_id = 99: no image in images has this id");
    e = errorOf(() => parseRepository(doc((d) => delete d.images[1]!["intrinsics"]), "ann.json", "/r"));
    expect(e.field).toBe("images[id=2].intrinsics");
    e = errorOf(() => parseRepository(doc((d) => delete d.images[0]!["depth_file"]), "ann.json", "/r"));
    expect(e.field).toBe("images[id=1].depth_file");
    e = errorOf(() => parseRepository(doc((d) => ((d.annotations[0]!["bbox3d"] as { size: number[] }).size[1] = -1)), "ann.json", "/r"));
    expect(e.field).toBe("annotations[id=10].bbox3d.size[1]");
    e = errorOf(() => parseRepository(doc((d) => delete (d.annotations[0]!["bbox3d"] as Record<string, unknown>)["center"]), "ann.json", "/r"));
    expect(e.field).toBe("annotations[id=10].bbox3d.center");
    e = errorOf(() => parseRepository(doc((d) => (d.annotations[5]!["category_id"] = 8)), "ann.json", "/r"));
    expect(e.field).toBe("annotations[id=20].category_id");
    e = errorOf(() => parseRepository(doc((d) => (d.images[1]!["id"] = 1)), "ann.json", "/r"));
    expect(e.message).toMatch(/images\[id=1\]\.id = 1: is used by more than one image/);
    e = errorOf(() => parseRepository(doc((d) => (d.images[0]!["width"] = 0)), "ann.json", "/r"));
    expect(e.field).toBe("images[id=1].width");
    e = errorOf(() => parseRepository({ images: [] }, "ann.json", "/r"));
    expect(e.field).toBe("annotations");
  });
});

describe("readRepository", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "n3d-repo-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads a synth folder or its annotations.json", async () => {
    const out = join(dir, "synth");
    await writeSynthDataset({ outDir: out, count: 2, seed: 3, size: { width: 64, height: 48 } });
    const fromDir = await readRepository(out);
    const fromFile = await readRepository(join(out, "annotations.json"));
    expect(fromFile).toEqual(fromDir);
    expect(fromDir.root).toBe(out);
    expect(fromDir.scenes).toHaveLength(2);
    for (const s of fromDir.scenes) {
      expect(s.imageFile).toMatch(/^images\/\d+\.png$/);
      expect(s.gravity).toBeDefined();
      expect(new Set(s.objects.map((o) => o.name)).size).toBe(s.objects.length);
    }
  });

  it("says what is missing on disk and in the file", async () => {
    await expect(readRepository(join(dir, "nope"))).rejects.toThrow(/does not exist/);
    await writeFile(join(dir, "bad.json"), "{");
    await expect(readRepository(join(dir, "bad.json"))).rejects.toThrow(/is not valid JSON/);
    await expect(readRepository(dir)).rejects.toThrow(/annotations\.json: file = .*does not exist/);
    const broken = join(dir, "broken.json");
    await writeFile(broken, JSON.stringify(doc((d) => delete d.annotations[0]!["bbox3d"])));
    await expect(readRepository(broken)).rejects.toThrow(`${broken}: annotations[id=10].bbox3d = undefined: missing`);
  });
});
