import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRng } from "../../random.js";
import { writeSynthDataset } from "../../synth/index.js";
import { parseRepository, readRepository, type QaRepository, type QaScene } from "../repository.js";

/**
 * Test fixtures for qa/, made by code. {@link randomScenes} builds a COCO document in memory (no
 * disk, thousands of scenes per second) for statistical tests; {@link synthRepository} writes a
 * real `n3d synth` folder for end-to-end tests.
 */

const LABELS = ["chair", "table", "lamp", "mug", "sofa", "plant"] as const;
const K = { fx: 60, fy: 60, cx: 31.5, cy: 23.5 };

/** The COCO document behind {@link randomScenes}: `count` 64x48 images with 3-7 boxes each. */
export function randomRepositoryDoc(count: number, seed: number): { images: Record<string, unknown>[]; annotations: Record<string, unknown>[] } {
  const rng = createRng(seed);
  const images: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const id = i + 1;
    const tilt = rng.uniform(-0.2, 0.2);
    images.push({
      id,
      file_name: `images/${String(i).padStart(6, "0")}.png`,
      width: 64,
      height: 48,
      depth_file: `depth/${String(i).padStart(6, "0")}.png`,
      intrinsics: K,
      gravity: [0, Math.cos(tilt), Math.sin(tilt)],
    });
    const n = 3 + rng.int(5);
    for (let j = 0; j < n; j++) {
      const label = LABELS[rng.int(LABELS.length)]!;
      const z = rng.uniform(1.5, 6);
      const center = [rng.uniform(-0.6, 0.6) * z, rng.uniform(-0.4, 0.5) * z * 0.5, z];
      const size = [rng.uniform(0.2, 1.5), rng.uniform(0.2, 1.8), rng.uniform(0.2, 1.2)];
      const uvz = [K.fx * (center[0]! / z) + K.cx, K.fy * (center[1]! / z) + K.cy, z];
      annotations.push({ id: id * 1000 + j, image_id: id, label, bbox3d: { label, center, size, yaw: rng.uniform(-0.5, 0.5), uvz }, visible: true });
    }
  }
  return { images, annotations };
}

/** `count` random scenes (deterministic in `seed`), read through the repository parser. */
export function randomScenes(count: number, seed: number): QaScene[] {
  return parseRepository(randomRepositoryDoc(count, seed), "fixture.json", "/fixture");
}

/** A small `n3d synth` folder in a temp dir, read back; call `cleanup` when done. */
export async function synthRepository(count: number, seed: number): Promise<{ dir: string; repo: QaRepository; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "n3d-qa-"));
  await writeSynthDataset({ outDir: dir, count, seed, size: { width: 64, height: 48 } });
  const repo = await readRepository(dir);
  return { dir, repo, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
