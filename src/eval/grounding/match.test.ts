import { describe, expect, it } from "vitest";
import { groupByLabel, matchGroundingBoxes } from "./match.js";
import { gbox, K, SIZE } from "./testing/fixtures.js";

const camera = { intrinsics: K, size: SIZE };

describe("matchGroundingBoxes", () => {
  it("measures two unit cubes 0.5 m apart along x by hand", () => {
    // Overlap 0.5 x 1 x 1 = 0.5 m^3; union 1 + 1 - 0.5 = 1.5 m^3: IoU 1/3.
    // Centres at z = 5 m: 0.5 m apart, 500 * 0.5 / 5 = 50 px apart; diagonal 800 px.
    // Projected: truth u in 320 +- 500 * 0.5 / 4.5, pred u in [320, 320 + 500 / 4.5], same v span:
    // the pred's left half overlaps, so the 2D IoU is also 0.5 / 1.5 = 1/3.
    const truth = [gbox("chair", [0, 0, 5])];
    const pred = [gbox("chair", [0.5, 0, 5])];
    const m = matchGroundingBoxes(pred, truth, camera);
    expect(m.falsePositives).toEqual([]);
    expect(m.misses).toEqual([]);
    expect(m.pairs).toHaveLength(1);
    const p = m.pairs[0]!;
    expect(p).toMatchObject({ predIndex: 0, truthIndex: 0, label: "chair" });
    expect(p.metrics.iou3d).toBeCloseTo(1 / 3, 12);
    expect(p.metrics.projectedIou).toBeCloseTo(1 / 3, 12);
    expect(p.metrics.centerOffset3dM).toBeCloseTo(0.5, 12);
    expect(p.metrics.centerOffset2dPx).toBeCloseTo(50, 9);
    expect(p.metrics.centerOffset2dNorm).toBeCloseTo(50 / 800, 12);
  });

  it("matches a box equal to the truth perfectly", () => {
    const b = gbox("lamp", [1, -0.5, 7], [0.4, 1.2, 0.6], 1, 0.3);
    const m = matchGroundingBoxes([b], [b], camera);
    expect(m.pairs[0]!.metrics.iou3d).toBeCloseTo(1, 12);
    expect(m.pairs[0]!.metrics.projectedIou).toBeCloseTo(1, 12);
    expect(m.pairs[0]!.metrics.centerOffset3dM).toBe(0);
    expect(m.pairs[0]!.metrics.centerOffset2dPx).toBe(0);
  });

  it("matches only within a label", () => {
    const m = matchGroundingBoxes([gbox("chair", [0, 0, 5])], [gbox("table", [0, 0, 5])], camera);
    expect(m.pairs).toEqual([]);
    expect(m.falsePositives).toEqual([0]);
    expect(m.misses).toEqual([0]);
  });

  it("treats a pair with IoU 0 as unmatched: a false positive and a miss", () => {
    const m = matchGroundingBoxes([gbox("chair", [3, 0, 5])], [gbox("chair", [0, 0, 5])], camera);
    expect(m.pairs).toEqual([]);
    expect(m.falsePositives).toEqual([0]);
    expect(m.misses).toEqual([0]);
  });

  it("maximizes the total IoU within a label where greedy picking would not", () => {
    // Unit cubes along x: IoU = (1 - d) / (1 + d) at offset d. Truth A at x = 0, B at x = 0.6;
    // pred 0 at x = 0.1, pred 1 at x = -0.2.
    const truth = [gbox("box", [0, 0, 5]), gbox("box", [0.6, 0, 5])];
    const pred = [gbox("box", [0.1, 0, 5]), gbox("box", [-0.2, 0, 5])];
    const groups = groupByLabel(pred, truth);
    const iou = groups[0]!.iou;
    expect(iou[0]![0]).toBeCloseTo(0.9 / 1.1, 12);
    expect(iou[0]![1]).toBeCloseTo(0.5 / 1.5, 12);
    expect(iou[1]![0]).toBeCloseTo(0.8 / 1.2, 12);
    expect(iou[1]![1]).toBeCloseTo(0.2 / 1.8, 12);
    // Greedy takes p0-A (0.818) and is left with p1-B (0.111): total 0.929.
    // Hungarian takes p0-B (0.333) and p1-A (0.667): total 1.0.
    const m = matchGroundingBoxes(pred, truth, camera, groups);
    expect(m.pairs.map((p) => [p.predIndex, p.truthIndex])).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(m.falsePositives).toEqual([]);
    expect(m.misses).toEqual([]);
  });

  it("groups boxes by label with a P x T IoU matrix", () => {
    const truth = [gbox("a", [0, 0, 5]), gbox("b", [0, 0, 9]), gbox("a", [2, 0, 5])];
    const pred = [gbox("b", [0, 0, 9]), gbox("c", [0, 0, 2])];
    const groups = groupByLabel(pred, truth);
    expect(groups.map((g) => [g.label, g.predIndices, g.truthIndices])).toEqual([
      ["a", [], [0, 2]],
      ["b", [0], [1]],
      ["c", [1], []],
    ]);
    expect(groups[0]!.iou).toEqual([]);
    expect(groups[1]!.iou[0]![0]).toBeCloseTo(1, 12);
    expect(groups[2]!.iou).toEqual([[]]);
  });
});
