import { describe, expect, it } from "vitest";
import {
  Ap3dAccumulator,
  COCO_RECALL_POINTS,
  compareImageIds,
  greedyMatchImage,
  interpolatedAp,
  OMNI3D_IOU_THRESHOLDS,
  OUTCOME_FALSE_POSITIVE as FP,
  OUTCOME_IGNORED as IG,
  OUTCOME_TRUE_POSITIVE as TP,
  type ScoredOutcome,
} from "./ap3d.js";
import { groupByLabel } from "./match.js";
import { gbox } from "./testing/fixtures.js";

/** Detections with one outcome each (threshold index 0). */
const ranked = (...items: [score: number, outcome: number][]): ScoredOutcome[] =>
  items.map(([score, o]) => ({ score, outcomes: Uint8Array.of(o) }));

describe("thresholds", () => {
  it("are numpy.linspace's values, as Omni3D and pycocotools use them", () => {
    expect(OMNI3D_IOU_THRESHOLDS).toHaveLength(10);
    expect(OMNI3D_IOU_THRESHOLDS[0]).toBe(0.05);
    expect(OMNI3D_IOU_THRESHOLDS[2]).toBe(0.15000000000000002); // numpy gives the same
    expect(OMNI3D_IOU_THRESHOLDS[4]).toBe(0.25);
    expect(OMNI3D_IOU_THRESHOLDS[9]).toBe(0.5);
    expect(COCO_RECALL_POINTS).toHaveLength(101);
    expect(COCO_RECALL_POINTS[35]).toBe(0.35000000000000003);
    expect(COCO_RECALL_POINTS[100]).toBe(1);
  });
});

describe("interpolatedAp (COCO 101-point)", () => {
  it("computes a hand-made ranked list by hand", () => {
    // 3 truth boxes; ranked detections TP, FP, TP.
    // precision 1, 1/2, 2/3 -> made monotone from the right: 1, 2/3, 2/3; recall 1/3, 1/3, 2/3.
    // Recall points 0.00 ... 0.33 (34 points) first reached at rank 0: precision 1.
    // Recall points 0.34 ... 0.66 (33 points) first reached at rank 2: precision 2/3.
    // Recall points 0.67 ... 1.00 (34 points) never reached: 0.
    // AP = (34 * 1 + 33 * 2/3) / 101 = 56 / 101.
    const dets = ranked([0.9, TP], [0.8, FP], [0.7, TP]);
    expect(interpolatedAp(dets, 3, 0)).toBeCloseTo(56 / 101, 14);
    // Order of the input does not matter: it is sorted by score.
    expect(interpolatedAp([dets[2]!, dets[0]!, dets[1]!], 3, 0)).toBeCloseTo(56 / 101, 14);
  });

  it("counts recall points up to and including a recall reached exactly (0.5 -> 51 points)", () => {
    expect(interpolatedAp(ranked([1, TP]), 2, 0)).toBeCloseTo(51 / 101, 14);
  });

  it("is 1 for perfect detections, 0 with truth but no detection, null without truth", () => {
    expect(interpolatedAp(ranked([0.5, TP], [0.4, TP]), 2, 0)).toBe(1);
    expect(interpolatedAp([], 4, 0)).toBe(0);
    expect(interpolatedAp(ranked([0.5, FP]), 0, 0)).toBeNull();
  });

  it("skips ignored detections in precision and recall", () => {
    // FP ranked above the TP would give 1/2 precision; ignored, it costs nothing.
    expect(interpolatedAp(ranked([0.9, IG], [0.8, TP]), 1, 0)).toBe(1);
    expect(interpolatedAp(ranked([0.9, FP], [0.8, TP]), 1, 0)).toBeCloseTo(0.5, 14);
  });

  it("ranks a false positive below the true positive harmlessly", () => {
    expect(interpolatedAp(ranked([0.9, TP], [0.8, FP]), 1, 0)).toBe(1);
  });
});

describe("greedyMatchImage (COCO evaluateImg)", () => {
  const base = { truthIgnored: [false, false], detectionOutside: [false, false], maxDetections: 100 };

  it("lets the highest-scoring detection take its best truth, even where that costs a match", () => {
    // d0 (score 0.9): IoU 0.6 with g0, 0.4 with g1. d1 (score 0.8): IoU 0.5 with g0 only.
    // Input order is d1, d0 (scores 0.8, 0.9). At t = 0.3 and 0.45, d0 (ranked first) takes g0,
    // its best; d1 then finds g0 taken and g1 at IoU 0: a false positive, although pairing
    // d0-g1 and d1-g0 (what the Hungarian matching does) would make both true positives at 0.3.
    const r = greedyMatchImage({ ...base, scores: [0.8, 0.9], iou: [[0.5, 0], [0.6, 0.4]], thresholds: [0.45, 0.3] });
    expect(r.numTruth).toBe(2);
    expect(r.detections.map((d) => d.score)).toEqual([0.9, 0.8]);
    expect(r.detections.map((d) => [...d.outcomes])).toEqual([
      [TP, TP],
      [FP, FP],
    ]);
  });

  it("matches at IoU exactly equal to the threshold", () => {
    const r = greedyMatchImage({ ...base, truthIgnored: [false], detectionOutside: [false], scores: [1], iou: [[0.25]], thresholds: [0.25, 0.26] });
    expect([...r.detections[0]!.outcomes]).toEqual([TP, FP]);
  });

  it("ignores truth outside the band, and unmatched detections outside it", () => {
    // g1 ignored. d0 matches g1 only -> ignored; d1 matches nothing and lies outside -> ignored;
    // d2 matches nothing, inside -> FP.
    const r = greedyMatchImage({
      scores: [0.9, 0.8, 0.7],
      iou: [[0, 0.9], [0, 0], [0, 0]],
      truthIgnored: [false, true],
      detectionOutside: [false, true, false],
      thresholds: [0.5],
      maxDetections: 100,
    });
    expect(r.numTruth).toBe(1);
    expect(r.detections.map((d) => d.outcomes[0])).toEqual([IG, IG, FP]);
  });

  it("prefers a truth in the band over a better-overlapping ignored one", () => {
    const r = greedyMatchImage({
      scores: [0.9],
      iou: [[0.6, 0.9]],
      truthIgnored: [false, true],
      detectionOutside: [false],
      thresholds: [0.5],
      maxDetections: 100,
    });
    expect(r.detections[0]!.outcomes[0]).toBe(TP);
  });

  it("keeps only the top maxDetections by score", () => {
    const r = greedyMatchImage({ ...base, scores: [0.1, 0.9, 0.5], iou: [[1, 0], [0, 0], [0, 1]], truthIgnored: [false, false], detectionOutside: [false, false, false], thresholds: [0.5], maxDetections: 2 });
    expect(r.detections.map((d) => d.score)).toEqual([0.9, 0.5]);
  });
});

describe("Ap3dAccumulator", () => {
  it("pools images in id order, so the order of processing does not matter", () => {
    // Every score 1 (predictions without a score): ties are broken by image id, then file order.
    const truth = [gbox("a", [0, 0, 5])];
    const hit = [gbox("a", [0, 0, 5])];
    const miss = [gbox("a", [4, 0, 5])];
    const run = (order: [string, typeof hit][]) => {
      const acc = new Ap3dAccumulator(OMNI3D_IOU_THRESHOLDS, 100, [10, 35]);
      for (const [id, pred] of order) for (const g of groupByLabel(pred, truth)) acc.addLabelGroup(id, g, pred, truth);
      return acc.categoryAp("all", "a")![0];
    };
    // Image "2" (a miss: FP) sorts before "10" (a hit) numerically: FP then TP over 2 truths.
    // precision 0, 1/2 -> 1/2, 1/2; recall 0, 1/2: points 0 ... 0.5 (51) at 1/2 -> AP = 25.5 / 101.
    const a = run([["10", hit], ["2", miss]]);
    const b = run([["2", miss], ["10", hit]]);
    expect(a).toBeCloseTo(25.5 / 101, 14);
    expect(b).toBe(a);
  });

  it("counts truth per depth band and answers null for a category without truth", () => {
    const truth = [gbox("a", [0, 0, 5]), gbox("a", [0, 0, 20]), gbox("a", [0, 0, 50])];
    const pred = [gbox("b", [0, 0, 5])];
    const acc = new Ap3dAccumulator(OMNI3D_IOU_THRESHOLDS, 100, [10, 35]);
    for (const g of groupByLabel(pred, truth)) acc.addLabelGroup("1", g, pred, truth);
    expect(acc.numTruth("all", "a")).toBe(3);
    expect(acc.numTruth("near", "a")).toBe(1);
    expect(acc.numTruth("medium", "a")).toBe(1);
    expect(acc.numTruth("far", "a")).toBe(1);
    expect(acc.categoryAp("all", "a")).toEqual(new Array(10).fill(0));
    expect(acc.categoryAp("all", "b")).toBeNull();
    expect(acc.categories()).toEqual(["a", "b"]);
  });
});

describe("compareImageIds", () => {
  it("orders numeric ids numerically, before other ids, and others by code unit", () => {
    expect(["b", "10", "a", "2", "-1"].sort(compareImageIds)).toEqual(["-1", "2", "10", "a", "b"]);
  });
});
