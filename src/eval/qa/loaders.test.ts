import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorOf } from "../../../test/helpers.js";
import { loadCvBench } from "./load-cvbench.js";
import { loadN3dBench } from "./load-n3d.js";
import { loadSpatialRgptBench, spatialRgptCategory } from "./load-spatialrgpt.js";
import { getQaBenchmark, loadQaBenchmarkFile } from "./loaders.js";
import { cvBenchRows, jsonl, n3dBenchDoc, spatialRgptRows } from "./testing/fixtures.js";

const FT = 0.3048;

describe("loadSpatialRgptBench", () => {
  const loaded = loadSpatialRgptBench(JSON.stringify(spatialRgptRows()), "bench.json");
  const byId = new Map(loaded.items.map((i) => [i.id, i]));

  it("reads each truth from the gpt turn with the answer extractors", () => {
    expect(byId.get("qualitative_0")).toMatchObject({ category: "left/right", group: "qualitative", rule: "yes-no", truth: { kind: "bool", value: true } });
    expect(byId.get("qualitative_1")).toMatchObject({ category: "below/above", rule: "yes-no", truth: { kind: "bool", value: false } });
    expect(byId.get("qualitative_2")).toMatchObject({ category: "tall/short", rule: "exact-choice", truth: { kind: "choice", value: "Region [1]", options: ["Region [0]", "Region [1]"] } });
    expect(byId.get("qualitative_3")!.truth).toEqual({ kind: "bool", value: false });
    expect(byId.get("quantitative_0")).toMatchObject({ category: "direct_distance", group: "quantitative", rule: "within25pct", truth: { kind: "length", metres: 2.3 } });
    expect(byId.get("quantitative_1")!.truth).toEqual({ kind: "length", metres: 35.8 * 0.0254 });
    const height = byId.get("quantitative_2")!.truth;
    expect(height?.kind === "length" ? height.metres : NaN).toBeCloseTo(0.7756, 12);
    expect(byId.get("quantitative_3")).toMatchObject({ category: "direction", rule: "clock-within-1", truth: { kind: "clock", hour: 10 } });
    expect(byId.get("quantitative_4")).toMatchObject({ category: "horizontal_distance", truth: { kind: "length", metres: 3.5 * FT } });
    expect(byId.get("quantitative_1")!.question).toBe("Measure the width of Region [0].");
  });

  it("keeps an unreadable truth with a null value, and says so", () => {
    const bad = byId.get("quantitative_5")!;
    expect(bad.category).toBe("vertical_distance");
    expect(bad.truth).toBeNull();
    expect(bad.truthProblem).toMatch(/no length with a unit/);
    expect(loaded.warnings).toContainEqual(expect.stringMatching(/^truth of quantitative_5 cannot be parsed: no length with a unit in "Region \[0\] and Region \[1\] overlap/));
    expect(loaded.skipped).toEqual([]);
  });

  it("reads JSON lines the same as a JSON array", () => {
    const fromLines = loadSpatialRgptBench(jsonl(spatialRgptRows()), "bench.jsonl");
    expect(fromLines.items).toEqual(loaded.items);
  });

  it("reads a file holding one pretty-printed row", () => {
    const one = loadSpatialRgptBench(JSON.stringify(spatialRgptRows()[4], null, 2), "one.json");
    expect(one.items.map((i) => i.id)).toEqual(["quantitative_0"]);
    expect(one.skipped).toEqual([]);
  });

  it("reports unknown fields, duplicated ids and unusable rows without failing", () => {
    const rows = spatialRgptRows().slice(0, 3);
    rows[0] = { ...rows[0], foo: 1, qa_info: { type: "qualitative", category: "left_predicate", level: "easy" } };
    rows.push({ ...rows[1]! }); // duplicate id
    rows.push({ ...rows[2]!, id: "qualitative_9", conversations: [{ from: "human", value: "?" }] }); // no truth
    rows.push({ ...rows[2]!, id: "odd_1", qa_info: { type: "other", category: "x" } });
    const text = jsonl(rows) + "{not json\n";
    const r = loadSpatialRgptBench(text, "b.jsonl");
    expect(r.items.map((i) => i.id)).toEqual(["qualitative_0", "qualitative_1", "qualitative_2"]);
    expect(r.warnings).toContain("unknown field 'foo' in row 1");
    expect(r.warnings).toContain("unknown field 'qa_info.level' in row 1");
    expect(r.skipped).toEqual([
      { id: "row 7", reason: expect.stringMatching(/^not JSON/) as unknown },
      { id: "qualitative_1", reason: "duplicated id (first in row 2)" },
      { id: "qualitative_9", reason: "no gpt turn in conversations (it holds the truth)" },
      { id: "odd_1", reason: expect.stringMatching(/must be qualitative or quantitative/) as unknown },
    ]);
  });

  it("maps raw categories to the paper's", () => {
    expect(spatialRgptCategory("qualitative", "short_choice")).toBe("tall/short");
    expect(spatialRgptCategory("qualitative", "thin_predicate")).toBe("wide/thin");
    expect(spatialRgptCategory("qualitative", "small_predicate")).toBe("big/small");
    expect(spatialRgptCategory("qualitative", "front_choice")).toBe("behind/front");
    expect(spatialRgptCategory("quantitative", "vertical_distance_data")).toBe("vertical_distance");
    expect(spatialRgptCategory("quantitative", "volume_data")).toBeNull();
    expect(spatialRgptCategory("quantitative", "constructor")).toBeNull();
  });
});

describe("loadCvBench", () => {
  it("keeps the 3D tasks, with the answer letter and its option as the truth", () => {
    const r = loadCvBench(JSON.stringify(cvBenchRows()), "cv.json");
    expect(r.items.map((i) => [i.id, i.category, i.group, i.truthLetter])).toEqual([
      ["0", "Depth", "3D", "A"],
      ["1", "Depth", "3D", "B"],
      ["2", "Distance", "3D", "B"],
    ]);
    expect(r.items[2]!.truth).toEqual({ kind: "choice", value: "door", options: ["desk", "door"] });
    expect(r.warnings).toEqual(["dropped 1 row(s) of tasks Count (kept tasks: Depth, Distance)"]);
    expect(loadCvBench(jsonl(cvBenchRows()), "cv.jsonl", { tasks: "all" }).items).toHaveLength(4);
  });

  it("reports unknown fields and skips rows it cannot score", () => {
    const rows = cvBenchRows().slice(0, 2);
    rows[0] = { ...rows[0], extra: true };
    rows.push({ ...rows[1]!, idx: 5, answer: "(C)" });
    rows.push({ ...rows[1]!, idx: undefined });
    const r = loadCvBench(jsonl(rows), "cv.jsonl");
    expect(r.items.map((i) => i.id)).toEqual(["0", "1"]);
    expect(r.warnings).toEqual(["unknown field 'extra' in row 1"]);
    expect(r.skipped).toEqual([
      { id: "5", reason: 'answer = "(C)": must be "(A)" .. "(B)"' },
      { id: "row 4", reason: "missing idx" },
    ]);
  });
});

describe("loadN3dBench", () => {
  it("takes the truth each item carries, length truths as printed", () => {
    const r = loadN3dBench(JSON.stringify(n3dBenchDoc()));
    expect(r.items).toHaveLength(8);
    expect(r.skipped).toEqual([]);
    expect(r.warnings).toEqual([]);
    const open = r.items[0]!;
    expect(open).toMatchObject({ id: "height_data:0:open", category: "height_data", group: "open", rule: "within25pct", unit: "ft" });
    expect(open.truth).toEqual({ kind: "length", metres: 3 * FT });
    expect(r.items[2]).toMatchObject({ choices: ["1.2 feet", "3 feet"], truthLetter: "B" });
    expect(r.items[5]!.truth).toEqual({ kind: "clock", hour: 2 });
  });

  it("reports unknown fields and skips items whose rule cannot score their truth", () => {
    const doc = n3dBenchDoc();
    const items = doc["items"] as Record<string, unknown>[];
    items[0] = { ...items[0], note: "x" };
    items[1] = { ...items[1], scoring: "yes-no" };
    items[2] = { ...items[2], truth: { kind: "clock", value: 13 } };
    items.push({ ...items[3]! });
    const r = loadN3dBench(JSON.stringify({ ...doc, generator: "v2" }));
    expect(r.warnings).toEqual(["unknown field 'generator' in the bench", "unknown field 'note' in row 1"]);
    expect(r.skipped).toEqual([
      { id: "height_data:0:numeric", reason: "rule yes-no scores bool, not a length truth" },
      { id: "height_data:0:choice", reason: "truth.value = 13: must be a clock hour 1..12" },
      { id: "left_predicate:0:open", reason: "duplicated id (first in row 4)" },
    ]);
  });

  it("refuses a file that is not an N3D-Bench", () => {
    expect(errorOf(() => loadN3dBench("[]", "x.json")).message).toMatch(/x\.json: document = \[\]: must be an object/);
    expect(errorOf(() => loadN3dBench('{"format": "other"}', "x.json")).message).toMatch(/format = "other"/);
    expect(errorOf(() => loadN3dBench('{"format": "n3d-bench", "version": 2, "items": []}', "x.json")).message).toMatch(/version = 2: is not supported/);
    expect(errorOf(() => loadN3dBench("{", "x.json")).message).toMatch(/is not valid JSON/);
  });
});

describe("the benchmark registry", () => {
  it("names the choices on an unknown benchmark", () => {
    expect(errorOf(() => getQaBenchmark("vsibench")).message).toBe('getQaBenchmark: rules = "vsibench": is not a supported QA benchmark; choose one of n3d, spatialrgpt, cvbench');
  });

  it("loads files by benchmark name and names an unreadable path", async () => {
    const dir = await mkdtemp(join(tmpdir(), "n3d-qa-load-"));
    try {
      const path = join(dir, "cv.jsonl");
      await writeFile(path, jsonl(cvBenchRows()));
      expect((await loadQaBenchmarkFile("cvbench", path)).items).toHaveLength(3);
      await expect(loadQaBenchmarkFile("cvbench", join(dir, "missing.jsonl"))).rejects.toThrow(/missing\.jsonl.*cannot be read: ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
