import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import { parseRecordLine, parseRecordLines, recordLine } from "./record.js";
import type { ObjectRecord } from "./record.js";

const object: ObjectRecord = {
  kind: "object",
  image_id: 3,
  image: "images/3.png",
  annotation_id: 30,
  label: "chair",
  category_id: 1,
  bbox2d: [0.5, 1.5, 10.5, 20.5],
  bbox3d: { label: "chair", center: [0, 0, 2], size: [0.5, 0.9, 0.5], yaw: 0, uvz: [31.5, 23.5, 2] },
  points_used: 100,
  pixels_selected: 120,
  pixel_source: "mask",
  extent_method: "prior",
  verdict: "kept",
  depth_source: "sensor",
  intrinsics_source: "dataset",
};

describe("record lines", () => {
  it("write keys in a fixed order whatever order the object was built in, and read back", () => {
    const shuffled = Object.fromEntries(Object.entries(object).reverse()) as unknown as ObjectRecord;
    const line = recordLine(shuffled);
    expect(line).toBe(recordLine(object));
    expect(line.endsWith("}\n")).toBe(true);
    expect(Object.keys(JSON.parse(line) as object).slice(0, 4)).toEqual(["kind", "image_id", "image", "annotation_id"]);
    expect(parseRecordLine(line, "x")).toEqual(object);
    const skip = recordLine({ kind: "skip", image_id: 3, skipped: "missing_image", detail: "gone" });
    expect(skip).toBe('{"kind":"skip","image_id":3,"skipped":"missing_image","detail":"gone"}\n');
    expect(parseRecordLines(line + skip, "c.jsonl")).toHaveLength(2);
  });

  it("name the file and line of a bad record", () => {
    expect(errorOf(() => parseRecordLines(`${recordLine(object)}{"kind":`, "c.jsonl")).message).toMatch(/^c\.jsonl:2: line = .*: is not valid JSON/);
    expect(errorOf(() => parseRecordLine('{"kind":"box","image_id":1}', "c:1")).message).toBe('c:1: kind = "box": must be image, object or skip');
    expect(errorOf(() => parseRecordLine('{"kind":"skip","image_id":1,"skipped":"bored"}', "c:1")).message).toMatch(/skipped = "bored": is not a skip reason/);
    expect(errorOf(() => parseRecordLine('{"kind":"object","image_id":1,"verdict":"maybe"}', "c:1")).message).toMatch(/verdict = "maybe"/);
    expect(errorOf(() => parseRecordLine('{"kind":"image","image_id":""}', "c:1")).message).toMatch(/image_id = "": must be a number or a non-empty string/);
  });
});
