import { describe, expect, it } from "vitest";
import { errorOf } from "../../../test/helpers.js";
import { groundingRecordFromJson, joinGroundingRecords, readGroundingJsonl } from "./records.js";
import { gbox, jsonLine, K, record } from "./testing/fixtures.js";

const good = jsonLine(1, [gbox("chair", [0, 0, 5], [1, 1, 1], 0.7)]);
const chairJson = JSON.parse(good).boxes[0] as Record<string, unknown>;
/** A line for image `id` whose one box has `patch` applied (raw JSON text for the box fields). */
const lineWithBox = (id: number, fields: string): string =>
  `{"image_id": ${id}, "width": 640, "height": 480, "intrinsics": ${JSON.stringify(K)}, "boxes": [{"label": "chair", ${fields}}]}`;

describe("readGroundingJsonl", () => {
  it("reads records, keyed by the id as a string, scores defaulting to 1", () => {
    const text = `${good}\n${jsonLine("b", [gbox("lamp", [1, 0, 4])], false)}\n`;
    const { records, skipped, warnings } = readGroundingJsonl(text, "p.jsonl");
    expect(skipped).toEqual([]);
    expect(warnings).toEqual([]);
    expect([...records.keys()]).toEqual(["1", "b"]);
    expect(records.get("1")).toEqual(record(1, [gbox("chair", [0, 0, 5], [1, 1, 1], 0.7)]));
    expect(records.get("b")!.boxes[0]!.score).toBe(1);
  });

  it("gives zero records for an empty file or blank lines, and says nothing", () => {
    expect(readGroundingJsonl("", "p.jsonl")).toEqual({ records: new Map(), skipped: [], warnings: [] });
    expect(readGroundingJsonl("\n  \n\r\n", "p.jsonl").records.size).toBe(0);
  });

  it("skips every kind of bad line with a one-line reason naming line and field, and keeps the rest", () => {
    const lines = [
      good, // 1
      '{"image_id": 2, "width": 640,', // 2 corrupt JSON
      jsonLine(3, []).replace('"image_id":3,', ""), // 3 missing id
      jsonLine(1, []), // 4 duplicated id 1
      lineWithBox(5, '"center": [NaN, 0, 5], "size": [1, 1, 1], "yaw": 0, "uvz": [320, 240, 5]'), // 5 NaN (Python's token)
      lineWithBox(6, '"center": [0, 0, 5], "size": [1, Infinity, 1], "yaw": 0, "uvz": [320, 240, 5]'), // 6 Infinity
      lineWithBox(7, '"center": [0, 0, 5], "size": [1, 1, 1], "yaw": null, "uvz": [320, 240, 5]'), // 7 null
      lineWithBox(8, '"center": [0, 0, 5], "size": [1, -1, 1], "yaw": 0, "uvz": [320, 240, 5]'), // 8 negative size
      lineWithBox(9, '"center": [0, 0, 5], "size": [1, 1, 1], "yaw": 0'), // 9 missing box field
      "", // 10 blank: ignored
      jsonLine(11, [gbox("lamp", [0, 0, 3])]), // 11 good
      jsonLine(12, []).replace('"fx":500', '"fx":0'), // 12 bad intrinsics
      jsonLine(13, []).replace('"width":640', '"width":640.5'), // 13 bad width
      '[1, 2, 3]', // 14 not an object
      jsonLine(15, []).replace('"boxes":[]', '"boxes":{}'), // 15 boxes not an array
      jsonLine("1", []), // 16 "1" is the same image as 1
      `${jsonLine(17, [gbox("sofa", [0, 0, 9])]).slice(0, -1)}, "model": "x"}`, // 17 unknown field: kept, warned
    ];
    const { records, skipped, warnings } = readGroundingJsonl(lines.join("\n"), "p.jsonl");
    expect([...records.keys()]).toEqual(["1", "11", "17"]);
    expect(skipped.map((s) => s.id)).toEqual(["line 2", "line 3", "1", "5", "6", "7", "8", "9", "12", "13", "line 14", "15", "1"]);
    const reason = (i: number) => skipped[i]!.reason;
    expect(reason(0)).toMatch(/^p\.jsonl line 2: json = .*: is not valid JSON: /);
    expect(reason(1)).toBe("p.jsonl line 3: image_id = undefined: missing; each line needs an image id (string or number)");
    expect(reason(2)).toBe('p.jsonl line 4: image_id = "1": duplicates line 1; the first line with an id is kept, this one is skipped');
    expect(reason(3)).toBe("p.jsonl line 5: boxes[0].center[0] = NaN: must be a finite number (metres)");
    expect(reason(4)).toBe("p.jsonl line 6: boxes[0].size[1] = Infinity: must be a finite number >= 0 (metres)");
    expect(reason(5)).toBe("p.jsonl line 7: boxes[0].yaw = null: must be a finite number (radians)");
    expect(reason(6)).toBe("p.jsonl line 8: boxes[0].size[1] = -1: must be a finite number >= 0 (metres)");
    expect(reason(7)).toMatch(/^p\.jsonl line 9: boxes\[0\]\.uvz = undefined: /);
    expect(reason(8)).toMatch(/^p\.jsonl line 12: intrinsics\.fx = 0: /);
    expect(reason(9)).toMatch(/^p\.jsonl line 13: width = 640\.5: must be a positive integer/);
    expect(reason(10)).toMatch(/^p\.jsonl line 14: record = \[1,2,3\]: must be a JSON object/);
    expect(reason(11)).toMatch(/^p\.jsonl line 15: boxes = \{\}: must be an array/);
    expect(reason(12)).toContain("p.jsonl line 16: image_id = \"1\": duplicates line 1");
    for (const s of skipped) expect(s.reason).not.toContain("\n");
    expect(warnings).toEqual(['p.jsonl line 17: field "model" is not part of the grounding format (image_id, width, height, intrinsics, boxes); ignored']);
  });

  it("lets the first line with an id claim it even when that line is bad", () => {
    const text = [lineWithBox(4, '"center": [0, 0, 5], "size": [1, -1, 1], "yaw": 0, "uvz": [320, 240, 5]'), jsonLine(4, [])].join("\n");
    const { records, skipped } = readGroundingJsonl(text, "p.jsonl");
    expect(records.size).toBe(0);
    expect(skipped.map((s) => s.reason.slice(0, 24))).toEqual(["p.jsonl line 1: boxes[0]", "p.jsonl line 2: image_id"]);
  });

  it("reads NaN-like text inside strings as text", () => {
    const text = jsonLine("NaN Infinity", [gbox("Infinity", [0, 0, 5])]);
    const { records, skipped } = readGroundingJsonl(text, "p.jsonl");
    expect(skipped).toEqual([]);
    expect(records.get("NaN Infinity")!.boxes[0]!.label).toBe("Infinity");
  });

  it("does not check uvz against K (the centre is authoritative)", () => {
    const box = { ...chairJson, uvz: [1, 2, 3] };
    const r = groundingRecordFromJson({ image_id: 1, width: 640, height: 480, intrinsics: K, boxes: [box] }, "x");
    expect(r.boxes[0]!.box.center).toEqual([0, 0, 5]);
  });

  it("throws from the strict single-record parser, naming the field", () => {
    expect(errorOf(() => groundingRecordFromJson({ image_id: 1, width: 640, height: 480, intrinsics: K }, "x")).message).toBe(
      "x: boxes = undefined: must be an array of n3d boxes (an empty array for no boxes)",
    );
  });
});

describe("joinGroundingRecords", () => {
  it("pairs by id in truth order and lists predictions for unknown images", () => {
    const truth = new Map([["1", record(1, [])], ["2", record(2, [])]]);
    const pred = new Map([["2", record(2, [])], ["9", record(9, [])]]);
    const { inputs, unknownPredictionIds } = joinGroundingRecords(pred, truth);
    expect(inputs.map((i) => [i.truth.imageId, i.pred?.imageId])).toEqual([["1", undefined], ["2", "2"]]);
    expect("pred" in inputs[0]!).toBe(false);
    expect(unknownPredictionIds).toEqual(["9"]);
  });
});
