import { describe, expect, it } from "vitest";
import { errorOf } from "../../../test/helpers.js";
import { buildN3dBench, serializeN3dBench } from "../../qa/index.js";
import { randomScenes } from "../../qa/testing/fixtures.js";
import { QUESTION_TYPES } from "../../reason/index.js";
import { QaEvaluator } from "./evaluator.js";
import { loadCvBench } from "./load-cvbench.js";
import { loadN3dBench } from "./load-n3d.js";
import { loadSpatialRgptBench } from "./load-spatialrgpt.js";
import { pairQaPredictions } from "./predictions.js";
import { cvBenchRows, n3dBenchDoc, spatialRgptRows } from "./testing/fixtures.js";
import type { QaItem } from "./types.js";

/** Score `items` with the answers given (by id) and return the results. */
function run(rules: string, items: readonly QaItem[], answers: Record<string, string>) {
  const ev = new QaEvaluator({ rules });
  ev.process(pairQaPredictions(items, new Map(Object.entries(answers))).inputs);
  return { results: ev.evaluate(), ev };
}

/** Every item answered with its own truth text. */
function selfAnswers(items: readonly QaItem[]): Record<string, string> {
  return Object.fromEntries(items.map((i) => [i.id, i.truthText]));
}

function expectPerfect(results: Record<string, Record<string, number>>): void {
  for (const [task, m] of Object.entries(results)) {
    if (m["scored"]! > 0) expect(m["accuracy"], task).toBe(1);
    expect(m["unparseablePredictions"], task).toBe(0);
    expect(m["missingPredictions"], task).toBe(0);
    if (m["relErrorMean"] !== undefined) expect(m["relErrorMean"], task).toBeLessThan(1e-12);
    for (const v of Object.values(m)) expect(Number.isFinite(v)).toBe(true);
  }
}

describe("truth scored against itself is perfect", () => {
  it("SpatialRGPT-Bench (the gpt turn as the answer)", () => {
    const { items } = loadSpatialRgptBench(JSON.stringify(spatialRgptRows()));
    const { results } = run("spatialrgpt", items, selfAnswers(items));
    expectPerfect(results);
    expect(results["overall"]).toMatchObject({ accuracy: 1, correct: 9, scored: 9, items: 10, unparseableTruths: 1, relErrorCount: 4, categoryMeanAccuracy: 1 });
    expect(Object.keys(results)).toEqual([
      "overall",
      "group:qualitative",
      "group:quantitative",
      "category:tall/short",
      "category:left/right",
      "category:below/above",
      "category:behind/front",
      "category:direct_distance",
      "category:horizontal_distance",
      "category:vertical_distance",
      "category:width",
      "category:height",
      "category:direction",
    ]);
    // The only vertical_distance item has an unreadable truth: counted, nothing scored, no accuracy.
    expect(results["category:vertical_distance"]).toEqual({ correct: 0, scored: 0, items: 1, unparseablePredictions: 0, missingPredictions: 0, unparseableTruths: 1 });
  });

  it("CV-Bench (the answer letter, or the option text)", () => {
    const { items } = loadCvBench(JSON.stringify(cvBenchRows()));
    expectPerfect(run("cvbench", items, selfAnswers(items)).results);
    const texts = Object.fromEntries(items.map((i) => [i.id, i.truth!.kind === "choice" ? i.truth!.value : ""]));
    const { results } = run("cvbench", items, texts);
    expectPerfect(results);
    expect(Object.keys(results)).toEqual(["overall", "group:3D", "category:Depth", "category:Distance"]);
  });

  it("N3D-Bench, hand-written: every answer kind and format", () => {
    const { items } = loadN3dBench(JSON.stringify(n3dBenchDoc()));
    const { results } = run("n3d", items, selfAnswers(items));
    expectPerfect(results);
    expect(results["overall"]).toMatchObject({ accuracy: 1, scored: 8, relErrorCount: 2 });
  });

  it("N3D-Bench, built by n3d bench build over every question type", () => {
    const bench = buildN3dBench(randomScenes(120, 3), { seed: 11, perType: 2, heldOut: 0.25 });
    const { items, skipped, warnings } = loadN3dBench(serializeN3dBench(bench));
    expect(skipped).toEqual([]);
    expect(warnings).toEqual([]);
    expect(new Set(items.map((i) => i.category)).size).toBe(QUESTION_TYPES.length);
    const { results, ev } = run("n3d", items, selfAnswers(items));
    const failed = ev.results.filter((r) => r.outcome !== "correct").map((r) => `${r.id}: ${r.outcome} ${JSON.stringify(r.truthText)}`);
    expect(failed).toEqual([]);
    expectPerfect(results);
    // The chain of thought + answer (the model's output shape) reads the same.
    const withCot = Object.fromEntries(bench.items.filter((i) => i.format === "open").map((i) => [i.id, `${i.cot} ${i.truthText}`]));
    const open = items.filter((i) => i.group === "open");
    expectPerfect(run("n3d", open, withCot).results);
  });
});

describe("QaEvaluator metrics by hand", () => {
  const { items } = loadSpatialRgptBench(JSON.stringify(spatialRgptRows()));
  // Truths: q0 yes, q1 no, q2 Region [1], q3 no; distances 2.3 m, 35.8 in, 0.7756 m, 10 o'clock,
  // 3.5 ft; quantitative_5 unreadable.
  const answers = {
    qualitative_0: "Yes.", // correct
    qualitative_1: "Yes, it is below.", // wrong
    qualitative_2: "Region [0] is taller.", // wrong
    // qualitative_3: missing -> wrong
    quantitative_0: "About 2.875 meters.", // 1.25 x 2.3: correct, rel 0.575 / 2.3001
    quantitative_1: "It is one meter wide.", // truth 0.90932 m: correct (1 / 0.90932 = 1.0997), rel (1 - 0.90932) / 0.90942
    quantitative_2: "I cannot tell.", // unparseable -> wrong
    quantitative_3: "11 o'clock", // correct
    quantitative_4: "2 meters", // truth 1.0668 m: 1.875x -> wrong, rel 0.9332 / 1.0669
    quantitative_5: "3 m", // truth unreadable: not scored
  };
  const { results } = run("spatialrgpt", items, answers);

  it("counts correct, scored, unparseable, missing and unreadable truths", () => {
    expect(results["overall"]).toMatchObject({ correct: 4, scored: 9, items: 10, unparseablePredictions: 1, missingPredictions: 1, unparseableTruths: 1 });
    expect(results["overall"]!["accuracy"]).toBeCloseTo(4 / 9, 15);
    expect(results["group:qualitative"]).toMatchObject({ accuracy: 0.25, correct: 1, scored: 4, missingPredictions: 1 });
    expect(results["group:quantitative"]).toMatchObject({ accuracy: 0.6, correct: 3, scored: 5, unparseablePredictions: 1, unparseableTruths: 1 });
    expect(results["category:left/right"]!["accuracy"]).toBe(1);
    expect(results["category:height"]).toMatchObject({ accuracy: 0, unparseablePredictions: 1 });
    expect(results["category:height"]!["relErrorMean"]).toBeUndefined();
  });

  it("averages the relative error over readable quantitative answers", () => {
    const r0 = 0.575 / 2.3001;
    const g1 = 35.8 * 0.0254;
    const r1 = (1 - g1) / (g1 + 1e-4);
    const g4 = 3.5 * 0.3048;
    const r4 = (2 - g4) / (g4 + 1e-4);
    expect(results["group:quantitative"]!["relErrorCount"]).toBe(3);
    expect(results["group:quantitative"]!["relErrorMean"]).toBeCloseTo((r0 + r1 + r4) / 3, 12);
    expect(results["category:direct_distance"]!["relErrorMean"]).toBeCloseTo(r0, 12);
  });

  it("averages category accuracies without weights in categoryMeanAccuracy", () => {
    // tall/short 0, left/right 1, below/above 0, behind/front 0, direct 1, horizontal 0, width 1,
    // height 0, direction 1 (vertical_distance has nothing scored).
    expect(results["overall"]!["categoryMeanAccuracy"]).toBeCloseTo(4 / 9, 15);
  });
});

describe("QaEvaluator contract", () => {
  const { items } = loadCvBench(JSON.stringify(cvBenchRows()));

  it("resets, skips duplicates and foreign items, and never returns NaN", () => {
    const ev = new QaEvaluator({ rules: "cvbench" });
    expect(ev.name).toBe("qa");
    expect(ev.evaluate()).toEqual({ overall: { correct: 0, scored: 0, items: 0, unparseablePredictions: 0, missingPredictions: 0, unparseableTruths: 0 } });
    const input = { id: "0", prediction: "(A)", truth: items[0]! };
    ev.process([input, input]);
    const foreign = loadSpatialRgptBench(JSON.stringify(spatialRgptRows().slice(0, 1))).items[0]!;
    ev.process([{ id: foreign.id, prediction: "yes", truth: foreign }, { id: "zz", prediction: "A", truth: items[1]! }]);
    expect(ev.skipped).toEqual([
      { id: "0", reason: "duplicated id (the first one is scored)" },
      { id: "qualitative_0", reason: "a spatialrgpt item given to the cvbench evaluator" },
      { id: "zz", reason: 'id does not match its truth\'s id "1"' },
    ]);
    expect(ev.evaluate()["overall"]).toMatchObject({ accuracy: 1, items: 1 });
    expect(ev.results[0]).toMatchObject({ id: "0", outcome: "correct", readBy: "rules", reading: { kind: "choice", value: "chair" } });
    ev.reset();
    expect(ev.evaluate()["overall"]!["items"]).toBe(0);
    expect(ev.skipped).toEqual([]);
  });

  it("uses a judge's reading when one is attached", () => {
    const spatial = loadSpatialRgptBench(JSON.stringify(spatialRgptRows())).items.find((i) => i.id === "quantitative_0")!;
    const ev = new QaEvaluator({ rules: "spatialrgpt" });
    ev.process([{ id: spatial.id, prediction: "a bit over two metres", truth: spatial, reading: { kind: "length", metres: 2.2 } }]);
    expect(ev.results[0]).toMatchObject({ outcome: "correct", readBy: "judge" });
  });

  it("rejects an unknown benchmark", () => {
    expect(errorOf(() => new QaEvaluator({ rules: "mmbench" })).message).toMatch(/"mmbench": is not a supported QA benchmark; choose one of n3d, spatialrgpt, cvbench/);
  });
});
