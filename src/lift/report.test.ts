import { describe, expect, it } from "vitest";
import type { LiftConfig } from "./manifest.js";
import { addToSummary, emptySummary, quantile } from "./record-summary.js";
import type { ObjectRecord } from "./record.js";
import { histogram, renderReport } from "./report.js";

const config = {
  format: "n3d-lift",
  version: 1,
  inputs: { dataset: { kind: "coco", path: "/d/a.json", sha256: "ab".repeat(32), classes_path: null, classes_sha256: null }, images_dir: "/d", depth_root: "/d", depth_dir: null, intrinsics_file: null },
  depth: { backend: "sensor", depth_scale: null, intrinsics: null, fov_x_deg: null },
  detector: null,
  lift_options: {},
  chunk_size: 64,
  shard: { index: 0, count: 1 },
  parts_module: null,
} as unknown as LiftConfig;

function object(label: string, size: [number, number, number], z: number, verdict: "kept" | "rejected" = "kept"): ObjectRecord {
  return {
    kind: "object",
    image_id: 1,
    image: "a.png",
    annotation_id: 1,
    label,
    category_id: 1,
    bbox2d: [0, 0, 1, 1],
    bbox3d: { label, center: [0, 0, z], size, yaw: 0, uvz: [0, 0, z] },
    points_used: 10,
    pixels_selected: 10,
    pixel_source: "mask",
    extent_method: "prior",
    verdict,
    ...(verdict === "rejected" ? { reason: "implausible_size" as const } : {}),
    depth_source: "sensor",
    intrinsics_source: "dataset",
  };
}

describe("quantile", () => {
  it("interpolates between order statistics", () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.1)).toBeCloseTo(1.4, 12);
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([], 0.5)).toBeNull();
  });
});

describe("renderReport", () => {
  it("counts by category and reason and gives size spreads and a depth histogram", () => {
    const s = emptySummary();
    for (let i = 1; i <= 9; i++) addToSummary(s, object("chair", [0.4 + 0.01 * i, 0.9, 0.5], i));
    addToSummary(s, object("chair", [9, 9, 9], 3, "rejected"));
    addToSummary(s, object("mug", [0.1, 0.1, 0.1], 0.5));
    addToSummary(s, { kind: "skip", image_id: 2, skipped: "missing_image", detail: "b.png | gone" });
    const text = renderReport(s, { config, shards: [0], images: 2 });
    expect(text).toContain("| kept | 10 (90.9 %) |");
    expect(text).toContain("| implausible_size | 1 | 9.1 % |");
    expect(text).toContain("| missing_image | 1 | b.png \\| gone |");
    expect(text).toContain("| chair | 9 | 1 | 90.0 % |");
    // sx of the kept chairs: 0.41 ... 0.49, median 0.45, p10 0.418, p90 0.482.
    expect(text).toContain("| chair | 9 | 0.45 [0.42, 0.48] | 0.90 [0.90, 0.90] | 0.50 [0.50, 0.50] |");
    expect(text).not.toContain("This run");
    expect(renderReport(s, { config, shards: [0], images: 2 })).toBe(text);
    expect(renderReport(s, { config, shards: [0], images: 2, redone: [{ file: "shards/x.jsonl", reason: "line 2 is not valid JSON" }] })).toMatch(/## This run\n\n.*\n\n- `shards\/x\.jsonl`: line 2 is not valid JSON\n$/);
  });

  it("draws the depth histogram scaled to the fullest bin", () => {
    const lines = histogram([0.5, 1.5, 1.6, 3, 100]);
    expect(lines[0]).toMatch(/^0-1 m +1 #{20}$/);
    expect(lines[1]).toMatch(/^1-2 m +2 #{40}$/);
    expect(lines[6]).toMatch(/^32- m +1 #{20}$/);
    expect(lines[4]).toMatch(/^8-16 m +0$/);
  });
});
