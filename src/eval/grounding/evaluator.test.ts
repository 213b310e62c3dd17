import { describe, expect, it } from "vitest";
import { errorOf } from "../../../test/helpers.js";
import { createRng } from "../../random.js";
import type { EvalResults } from "../types.js";
import { GroundingEvaluator, type GroundingInput } from "./evaluator.js";
import { joinGroundingRecords, readGroundingJsonl, type GroundingBox } from "./records.js";
import { gbox, jsonLine, record } from "./testing/fixtures.js";

function evaluate(inputs: readonly GroundingInput[], ev = new GroundingEvaluator()): EvalResults {
  ev.process(inputs);
  return ev.evaluate();
}

function expectNoNaN(results: EvalResults): void {
  for (const [task, metrics] of Object.entries(results)) {
    for (const [name, v] of Object.entries(metrics)) expect(Number.isFinite(v), `${task} ${name} = ${v}`).toBe(true);
  }
}

function expectCloseResults(a: EvalResults, b: EvalResults): void {
  expect(Object.keys(a)).toEqual(Object.keys(b));
  for (const task of Object.keys(a)) {
    expect(Object.keys(a[task]!)).toEqual(Object.keys(b[task]!));
    for (const m of Object.keys(a[task]!)) expect(a[task]![m], `${task} ${m}`).toBeCloseTo(b[task]![m]!, 12);
  }
}

describe("GroundingEvaluator: hand-computed cases", () => {
  it("two unit cubes 0.5 m apart along x", () => {
    // IoU 1/3 (and projected IoU 1/3, see match.test.ts); centres 0.5 m apart at z = 5 (share
    // 0.1 of the depth), 50 px apart on an 800 px diagonal.
    // AP3D: IoU 1/3 passes the thresholds 0.05 ... 0.30 (6 of 10), fails 0.35 ... 0.50: 0.6.
    const r = evaluate([{ pred: record(1, [gbox("chair", [0.5, 0, 5])]), truth: record(1, [gbox("chair", [0, 0, 5])]) }]);
    const g = r["grounding"]!;
    expect(g).toMatchObject({ images: 1, images_without_prediction: 0, truth: 1, predictions: 1, matched: 1, misses: 0, false_positives: 0 });
    expect(g["iou3d_mean"]).toBeCloseTo(1 / 3, 12);
    expect(g["projected_iou_mean"]).toBeCloseTo(1 / 3, 12);
    expect(g["center_offset_3d_m"]).toBeCloseTo(0.5, 12);
    expect(g["center_offset_3d_rel"]).toBeCloseTo(0.1, 12);
    expect(g["center_offset_2d_px"]).toBeCloseTo(50, 9);
    expect(g["center_offset_2d_norm"]).toBeCloseTo(0.0625, 12);
    expect(g["acc@0.25"]).toBe(1);
    expect(g["acc@0.5"]).toBe(0);
    expect(g["precision@0.25"]).toBe(1);
    expect(g["precision@0.5"]).toBe(0);
    expect(g["f1@0.5"]).toBe(0);
    expect(g["ap3d"]).toBeCloseTo(0.6, 14);
    expect(g["ap3d@0.25"]).toBe(1);
    expect(g["ap3d@0.5"]).toBe(0);
    expect(g["ap3d_categories"]).toBe(1);
  });

  it("a prediction equal to the truth: IoU 1, offsets 0, AP 1", () => {
    const b = gbox("lamp", [-1, 0.5, 8], [0.5, 1.5, 0.5]);
    const g = evaluate([{ pred: record(1, [b]), truth: record(1, [b]) }])["grounding"]!;
    expect(g["iou3d_mean"]).toBe(1);
    expect(g["projected_iou_mean"]).toBe(1);
    expect(g["center_offset_3d_m"]).toBe(0);
    expect(g["center_offset_2d_px"]).toBe(0);
    expect(g["ap3d"]).toBe(1);
    expect(g["f1@0.5"]).toBe(1);
  });

  it("a miss and a false positive: precision, recall, F1 and AP by hand, per category and depth band", () => {
    // Truth: chair at 5 m (near), table at 20 m (medium), sofa at 50 m (far).
    // Predictions: the chair exactly, and a lamp at 40 m (far) that is no truth's label.
    const truth = record(1, [gbox("chair", [0, 0, 5]), gbox("table", [0, 0, 20]), gbox("sofa", [0, 0, 50])]);
    const pred = record(1, [gbox("chair", [0, 0, 5], [1, 1, 1], 0.9), gbox("lamp", [0, 0, 40], [1, 1, 1], 0.8)]);
    const r = evaluate([{ pred, truth }]);
    const g = r["grounding"]!;
    expect(g).toMatchObject({ truth: 3, predictions: 2, matched: 1, misses: 2, false_positives: 1 });
    expect(g["precision@0.25"]).toBe(1 / 2); // 1 TP of 2 predictions
    expect(g["recall@0.25"]).toBe(1 / 3); // 1 TP of 3 truths
    expect(g["acc@0.5"]).toBe(1 / 3);
    expect(g["f1@0.25"]).toBeCloseTo(0.4, 15); // 2PR / (P + R) = (1/3) / (5/6)
    expect(g["iou3d_mean"]).toBe(1); // over the one matched pair
    expect(g["iou3d_mean_over_truth"]).toBe(1 / 3); // misses count 0
    // AP per category with truth: chair 1, table 0, sofa 0; lamp has no truth and is left out.
    expect(g["ap3d_categories"]).toBe(3);
    expect(g["ap3d"]).toBeCloseTo(1 / 3, 15);

    expect(r["grounding/category/chair"]).toMatchObject({ truth: 1, predictions: 1, ap3d: 1, "precision@0.5": 1 });
    expect(r["grounding/category/table"]).toMatchObject({ truth: 1, predictions: 0, misses: 1, ap3d: 0, "recall@0.5": 0, "f1@0.5": 0 });
    expect(r["grounding/category/table"]).not.toHaveProperty("precision@0.5");
    const lamp = r["grounding/category/lamp"]!;
    expect(lamp).toMatchObject({ truth: 0, predictions: 1, false_positives: 1, "precision@0.5": 0, "f1@0.5": 0 });
    expect(lamp).not.toHaveProperty("ap3d");
    expect(lamp).not.toHaveProperty("recall@0.5");
    expect(lamp).not.toHaveProperty("iou3d_mean");
    expect(Object.keys(r)).toEqual([
      "grounding",
      "grounding/depth/near",
      "grounding/depth/medium",
      "grounding/depth/far",
      "grounding/category/chair",
      "grounding/category/lamp",
      "grounding/category/sofa",
      "grounding/category/table",
    ]);

    // Bands by the truth's depth; the lamp false positive by its own (40 m: far).
    expect(r["grounding/depth/near"]).toMatchObject({ truth: 1, predictions: 1, matched: 1, "precision@0.5": 1, ap3d: 1, ap3d_categories: 1 });
    expect(r["grounding/depth/medium"]).toMatchObject({ truth: 1, predictions: 0, misses: 1, "recall@0.5": 0, ap3d: 0, ap3d_categories: 1 });
    expect(r["grounding/depth/far"]).toMatchObject({ truth: 1, predictions: 1, misses: 1, false_positives: 1, "precision@0.5": 0, ap3d: 0, ap3d_categories: 1 });
    expectNoNaN(r);
  });

  it("puts a box in the band of its truth centre's depth, edges going up", () => {
    const ev = new GroundingEvaluator();
    const boxes = [9.99, 10, 34.99, 35].map((z, i) => gbox(`c${i}`, [0, 0, z]));
    const r = evaluate([{ pred: record(1, boxes), truth: record(1, boxes) }], ev);
    expect(r["grounding/depth/near"]!["truth"]).toBe(1);
    expect(r["grounding/depth/medium"]!["truth"]).toBe(2);
    expect(r["grounding/depth/far"]!["truth"]).toBe(1);
    // A prediction matched across a band edge counts in its truth's band.
    const r2 = evaluate([{ pred: record(1, [gbox("a", [0, 0, 10.2])]), truth: record(1, [gbox("a", [0, 0, 9.8])]) }]);
    expect(r2["grounding/depth/near"]).toMatchObject({ truth: 1, predictions: 1, matched: 1 });
    expect(r2["grounding/depth/medium"]).toMatchObject({ truth: 0, predictions: 0 });
  });

  it("counts images without a prediction record, all their boxes missed", () => {
    const r = evaluate([{ truth: record(1, [gbox("a", [0, 0, 5]), gbox("b", [1, 0, 5])]) }, { pred: record(2, []), truth: record(2, []) }]);
    expect(r["grounding"]).toMatchObject({ images: 2, images_without_prediction: 1, truth: 2, misses: 2, predictions: 0, ap3d: 0 });
    expect(r["grounding"]).not.toHaveProperty("iou3d_mean");
    expect(r["grounding"]).not.toHaveProperty("precision@0.25");
    expectNoNaN(r);
  });
});

describe("GroundingEvaluator: invariants", () => {
  /** Random scenes with several labels, yaws, and depths across all bands. */
  function randomTruth(seed: number, images: number): GroundingInput[] {
    const rng = createRng(seed);
    const labels = ["chair", "table", "car", "person"];
    return Array.from({ length: images }, (_, i) => {
      const boxes: GroundingBox[] = Array.from({ length: 1 + rng.int(6) }, () =>
        gbox(
          labels[rng.int(labels.length)]!,
          [rng.uniform(-5, 5), rng.uniform(-1, 1), rng.uniform(1, 60)],
          [rng.uniform(0.2, 3), rng.uniform(0.2, 2), rng.uniform(0.2, 4)],
          rng.uniform(0.1, 1),
          rng.next() < 0.5 ? 0 : rng.uniform(-Math.PI, Math.PI),
        ),
      );
      return { pred: record(i + 1, boxes), truth: record(i + 1, boxes) };
    });
  }

  it("scores truth against itself perfectly in every task", () => {
    const r = evaluate(randomTruth(7, 30));
    expectNoNaN(r);
    for (const [task, m] of Object.entries(r)) {
      expect(m["misses"], task).toBe(0);
      expect(m["false_positives"], task).toBe(0);
      expect(m["matched"], task).toBe(m["truth"]);
      if (m["truth"] === 0) continue;
      for (const name of ["iou3d_mean", "iou3d_mean_over_truth"]) expect(m[name], `${task} ${name}`).toBeCloseTo(1, 9);
      for (const name of ["projected_iou_mean", "acc@0.25", "acc@0.5", "precision@0.25", "precision@0.5", "recall@0.25", "recall@0.5", "f1@0.25", "f1@0.5", "ap3d", "ap3d@0.25", "ap3d@0.5"]) {
        expect(m[name], `${task} ${name}`).toBe(1);
      }
      for (const name of ["center_offset_3d_m", "center_offset_3d_rel", "center_offset_2d_px", "center_offset_2d_norm"]) expect(m[name], `${task} ${name}`).toBe(0);
    }
    expect(r["grounding"]!["ap3d_categories"]).toBe(4);
  });

  it("does not depend on batching or the order of images", () => {
    const rng = createRng(3);
    const inputs = randomTruth(9, 20).map(({ truth, pred }) => ({
      truth,
      pred: record(pred!.imageId, pred!.boxes.filter(() => rng.next() < 0.7).map((b) => ({ ...b, box: { ...b.box, center: [b.box.center[0] + rng.uniform(-0.3, 0.3), b.box.center[1], b.box.center[2]] as const } }))),
    }));
    const whole = evaluate(inputs);
    const ev = new GroundingEvaluator();
    const shuffled = [...inputs].reverse();
    ev.process(shuffled.slice(0, 7));
    ev.process(shuffled.slice(7));
    expectCloseResults(ev.evaluate(), whole);
    ev.reset();
    expectCloseResults(evaluate(inputs, ev), whole);
  });

  it("reports only counts, never NaN, when there is nothing to score", () => {
    const r = new GroundingEvaluator().evaluate();
    expect(r["grounding"]).toEqual({
      images: 0,
      images_without_prediction: 0,
      truth: 0,
      predictions: 0,
      matched: 0,
      misses: 0,
      false_positives: 0,
      matched_without_2d_center: 0,
      ap3d_categories: 0,
    });
    expectNoNaN(r);
  });
});

describe("GroundingEvaluator: input checks and options", () => {
  it("scores the good lines of a prediction file with bad ones", () => {
    const truthText = [jsonLine(1, [gbox("a", [0, 0, 5])]), jsonLine(2, [gbox("b", [0, 0, 5])]), jsonLine(3, [gbox("c", [0, 0, 5])])].join("\n");
    const predText = [jsonLine(1, [gbox("a", [0, 0, 5])]), jsonLine(2, [gbox("b", [0, 0, 5])]).replace('"size":[1,1,1]', '"size":[1,-1,1]'), "{oops", jsonLine(7, [])].join("\n");
    const truth = readGroundingJsonl(truthText, "t.jsonl");
    const pred = readGroundingJsonl(predText, "p.jsonl");
    expect(pred.skipped.map((s) => s.id)).toEqual(["2", "line 3"]);
    const { inputs, unknownPredictionIds } = joinGroundingRecords(pred.records, truth.records);
    expect(unknownPredictionIds).toEqual(["7"]);
    const g = evaluate(inputs)["grounding"]!;
    expect(g).toMatchObject({ images: 3, images_without_prediction: 2, truth: 3, matched: 1, misses: 2, "recall@0.5": 1 / 3, "precision@0.5": 1 });
  });

  it("refuses a prediction paired with another image's truth", () => {
    const ev = new GroundingEvaluator();
    expect(errorOf(() => ev.process([{ pred: record(2, []), truth: record(1, []) }])).message).toBe(
      'GroundingEvaluator.process: pred.imageId = "2": must equal truth.imageId "1"',
    );
  });

  it("takes other thresholds, and rejects bad options naming them", () => {
    const b = gbox("a", [0, 0, 5]);
    const ev = new GroundingEvaluator({ thresholds: [0.7] });
    expect(ev.config.thresholds).toEqual([0.7]);
    const g = evaluate([{ pred: record(1, [gbox("a", [0.1, 0, 5])]), truth: record(1, [b]) }], ev)["grounding"]!;
    // IoU 0.9 / 1.1 = 0.818 >= 0.7.
    expect(g["acc@0.7"]).toBe(1);
    expect(g["ap3d@0.7"]).toBe(1);
    expect(g).not.toHaveProperty("acc@0.25");
    expect(errorOf(() => new GroundingEvaluator({ thresholds: [0] })).message).toContain("thresholds[0] = 0");
    expect(errorOf(() => new GroundingEvaluator({ maxDetectionsPerImage: 0 })).message).toContain("maxDetectionsPerImage = 0");
    expect(errorOf(() => new GroundingEvaluator({ depthBandEdgesM: [10, 5] })).message).toContain("depthBandEdgesM[1] = 5");
  });

  it("exposes its resolved configuration for reports", () => {
    const c = new GroundingEvaluator().config;
    expect(c.thresholds).toEqual([0.25, 0.5]);
    expect(c.maxDetectionsPerImage).toBe(100);
    expect(c.depthBandEdgesM).toEqual([10, 35]);
    expect(c.apIouThresholds).toHaveLength(10);
    expect(c.apRecallPoints).toBe(101);
  });
});
