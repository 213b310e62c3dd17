import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorOf } from "../../../test/helpers.js";
import { writeSynthDataset } from "../../synth/index.js";
import { GroundingEvaluator } from "./evaluator.js";
import { groundingRecordsFromSynth, readGroundingText } from "./synth-truth.js";
import { gbox, jsonLine, K } from "./testing/fixtures.js";

const box = (label: string, z: number) => JSON.parse(jsonLine(0, [gbox(label, [0, 0, z])], false)).boxes[0];
const trueK = { fx: 510, fy: 510, cx: 320, cy: 240 };

function doc() {
  return {
    images: [
      { id: 1, width: 640, height: 480, intrinsics: K, n3d: { intrinsics_true: trueK } },
      { id: 2, width: 640, height: 480, intrinsics: K },
      { id: 3, width: 0, height: 480, intrinsics: K },
    ],
    annotations: [
      { id: 1001, image_id: 1, label: "chair", visible: true, bbox3d: box("chair", 4) },
      { id: 1002, image_id: 1, label: "lamp", visible: false, bbox3d: box("lamp", 6) },
      { id: 1003, image_id: 1, label: "sofa", visible: true, bbox3d: null },
      { id: 2001, image_id: 2, label: "mug", visible: true, bbox3d: { ...box("mug", 2), size: [1, -1, 1] } },
      { id: 9001, image_id: 9, label: "mug", visible: true, bbox3d: box("mug", 2) },
    ],
    categories: [],
  };
}

describe("groundingRecordsFromSynth", () => {
  it("keeps visible annotations with a 3D box, uses the true K, and skips bad images whole", () => {
    const { records, skipped } = groundingRecordsFromSynth(doc(), "a.json");
    expect([...records.keys()]).toEqual(["1"]);
    const r = records.get("1")!;
    expect(r.intrinsics).toEqual(trueK);
    expect(r.size).toEqual({ width: 640, height: 480 });
    expect(r.boxes.map((b) => [b.label, b.score])).toEqual([["chair", 1]]);
    expect(skipped).toEqual([
      { id: "3", reason: "a.json images[2]: width = 0: must be a positive integer (pixels)" },
      { id: "2", reason: "a.json annotations[3]: bbox3d.size[1] = -1: must be a finite number >= 0 (metres)" },
      { id: "annotations[4]", reason: "a.json annotations[4]: image_id = 9: names no image of the document" },
    ]);
  });

  it("throws only when the document is not COCO-shaped", () => {
    expect(errorOf(() => groundingRecordsFromSynth({ images: [] }, "a.json")).message).toContain("a.json: json = ");
  });
});

describe("readGroundingText", () => {
  it("tells a synth annotations.json from grounding JSONL", () => {
    expect([...readGroundingText(JSON.stringify(doc()), "a.json").records.keys()]).toEqual(["1"]);
    expect([...readGroundingText(jsonLine(5, []), "t.jsonl").records.keys()]).toEqual(["5"]);
    expect(readGroundingText("{broken\n", "t.jsonl").skipped[0]!.reason).toContain("t.jsonl line 1: json = ");
  });

  it("scores a real n3d synth folder against itself perfectly", async () => {
    const out = await mkdtemp(join(tmpdir(), "n3d-grounding-"));
    try {
      const { annotationsPath } = await writeSynthDataset({ outDir: out, count: 2, seed: 11, size: { width: 64, height: 48 } });
      const truth = readGroundingText(await readFile(annotationsPath, "utf8"), annotationsPath);
      expect(truth.skipped).toEqual([]);
      expect(truth.records.size).toBe(2);
      const ev = new GroundingEvaluator();
      ev.process([...truth.records.values()].map((t) => ({ pred: t, truth: t })));
      const r = ev.evaluate()["grounding"]!;
      expect(r["truth"]).toBeGreaterThan(0);
      expect(r["misses"]).toBe(0);
      expect(r["false_positives"]).toBe(0);
      expect(r["iou3d_mean"]).toBeCloseTo(1, 9);
      expect(r["ap3d"]).toBe(1);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
