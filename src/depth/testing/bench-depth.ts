// Speed of the depth sources at 640 x 480 (issue 4), each beside the rgbd / formats reader it
// wraps, measured in the same run with samples taken in turns:
//   sensor  depthFor on a 16-bit PNG          vs readDepth on the same file
//   npz     depthFor on an official point map  vs readOfficialPointMapNpz on the same file
//   onnx    depthFor with the tiny random-weight model (Depth-Anything-style processor at 28 px
//           and at 518 px, the real model's input size)  vs readImage of the same PNG;
//           back end creation: the first one (imports transformers, once per thread) and later ones
// The scene is one `n3d synth` scene (seeded), so the PNGs compress like real frames.
// A script, not part of the build:  npx tsx src/depth/testing/bench-depth.ts [--samples N]
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { writeOfficialPointMapNpz, readOfficialPointMapNpz } from "../../formats/index.js";
import { depthToPointMap } from "../../geometry/index.js";
import type { Intrinsics } from "../../geometry/index.js";
import { readDepth, readImage } from "../../rgbd/index.js";
import { writeSynthDataset } from "../../synth/index.js";
import { createDepthBackend } from "../index.js";
import type { DepthRequest } from "../types.js";
import { TINY_DEPTH_ANYTHING_PREPROCESSOR, writeTinyDepthModel } from "./tiny-depth-model.js";

/** One timed path: median and spread of per-op milliseconds. */
export interface DepthBenchRow {
  readonly group: string;
  readonly name: string;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

/** Time the depth sources; `samples` per case (default 15), after 3 untimed runs each. */
export async function benchDepth(samples = 15): Promise<DepthBenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), "n3d-bench-depth-"));
  try {
    const size = { width: 640, height: 480 };
    const { annotationsPath } = await writeSynthDataset({ outDir: join(dir, "synth"), count: 1, seed: 2026, size });
    const image = (JSON.parse(await readFile(annotationsPath, "utf8")) as { images: Array<{ file_name: string; depth_file: string; intrinsics: Intrinsics }> }).images[0]!;
    const base = dirname(annotationsPath);
    const imagePath = join(base, image.file_name);
    const depthPath = join(base, image.depth_file);
    const K = image.intrinsics;
    const depth = await readDepth(depthPath, { scale: 1000 });
    const npzPath = join(dir, "frame.npz");
    await writeOfficialPointMapNpz(npzPath, { pointsM: depthToPointMap(depth.depthM, size, K), valid: null, intrinsics: K, size });
    const small = await writeTinyDepthModel(join(dir, "tiny-28"), { halfResolution: true });
    const large = await writeTinyDepthModel(join(dir, "tiny-518"), {
      halfResolution: true,
      preprocessor: { ...TINY_DEPTH_ANYTHING_PREPROCESSOR, size: { height: 518, width: 518 } },
    });

    const importStart = performance.now();
    const first = await createDepthBackend(`onnx:${small.dir}`, { threads: 1 });
    const firstCreateMs = performance.now() - importStart;
    await first.dispose();
    const sensor = await createDepthBackend("sensor");
    const npz = await createDepthBackend("npz");
    const onnxSmall = await createDepthBackend(`onnx:${small.dir}`, { threads: 1 });
    const onnxLarge = await createDepthBackend(`onnx:${large.dir}`, { threads: 1 });
    const sensorRequest: DepthRequest = { imagePath, size, depthPath, depthScale: 1000, intrinsics: K };
    const npzRequest: DepthRequest = { imagePath, size, depthPath: npzPath };
    const groups: Array<[string, Array<[string, () => Promise<unknown>]>]> = [
      ["sensor PNG16 640x480", [["readDepth (baseline)", () => readDepth(depthPath, { scale: 1000 })], ["sensor depthFor", () => sensor.depthFor(sensorRequest)]]],
      ["npz point map 640x480", [["readOfficialPointMapNpz (baseline)", () => readOfficialPointMapNpz(npzPath)], ["npz depthFor", () => npz.depthFor(npzRequest)]]],
      [
        "onnx tiny model 640x480",
        [
          ["readImage (baseline)", () => readImage(imagePath)],
          ["onnx depthFor, 28 px input", () => onnxSmall.depthFor(npzRequest)],
          ["onnx depthFor, 518 px input", () => onnxLarge.depthFor(npzRequest)],
        ],
      ],
      [
        "onnx back end creation",
        [
          ["createDepthBackend sensor (baseline)", () => createDepthBackend("sensor")],
          ["createDepthBackend onnx + dispose", async () => (await createDepthBackend(`onnx:${small.dir}`, { threads: 1 })).dispose()],
        ],
      ],
    ];
    const rows: DepthBenchRow[] = [
      { group: "onnx back end creation", name: "first createDepthBackend onnx (once)", medianMs: firstCreateMs, minMs: firstCreateMs, maxMs: firstCreateMs },
    ];
    for (const [group, cases] of groups) {
      for (const [, run] of cases) for (let i = 0; i < 3; i++) await run();
      const times: number[][] = cases.map(() => []);
      for (let s = 0; s < samples; s++) {
        for (let c = 0; c < cases.length; c++) {
          const t0 = performance.now();
          await cases[c]![1]();
          times[c]!.push(performance.now() - t0);
        }
      }
      cases.forEach(([name], c) => {
        const sorted = times[c]!.sort((a, b) => a - b);
        rows.push({ group, name, medianMs: sorted[sorted.length >> 1]!, minMs: sorted[0]!, maxMs: sorted[sorted.length - 1]! });
      });
    }
    await onnxSmall.dispose();
    await onnxLarge.dispose();
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The rows as a plain-text table. */
export function formatDepthBench(rows: readonly DepthBenchRow[]): string {
  const lines = ["group                     | case                                   | median ms | min ms | max ms"];
  for (const r of rows) {
    lines.push(`${r.group.padEnd(25)} | ${r.name.padEnd(38)} | ${r.medianMs.toFixed(2).padStart(9)} | ${r.minMs.toFixed(2).padStart(6)} | ${r.maxMs.toFixed(2).padStart(6)}`);
  }
  return lines.join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const at = process.argv.indexOf("--samples");
  const samples = at > 0 ? Number(process.argv[at + 1]) : 15;
  process.stdout.write(`${formatDepthBench(await benchDepth(samples))}\n`);
}
