import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import { annotationRegion } from "./coco-dataset.js";
import { parseCsv, parseOpenImagesBoxes, parseOpenImagesClasses } from "./openimages-csv.js";

const HEADER = "ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside";
const classes = new Map([["/m/01", "Chair"], ["/m/02", "Human face"]]);

describe("parseCsv", () => {
  it("splits fields, honours quotes, doubled quotes, CRLF and line breaks inside quotes", () => {
    expect(parseCsv('a,b\r\n"c, d","e ""f"""\n"g\nh",\n', "x.csv")).toEqual([["a", "b"], ["c, d", 'e "f"'], ["g\nh", ""]]);
    expect(parseCsv("a,b", "x.csv")).toEqual([["a", "b"]]);
  });

  it("names the line of a quote left open", () => {
    expect(errorOf(() => parseCsv('a\n"b,c\n', "x.csv")).message).toMatch(/^x\.csv: line 2 = "\\"b,c": a quoted field is never closed/);
  });
});

describe("parseOpenImagesClasses", () => {
  it("reads LabelName,DisplayName with or without the header row", () => {
    const withHeader = parseOpenImagesClasses('LabelName,DisplayName\n/m/01,Chair\n/m/02,"Cat, domestic"\n', "c.csv");
    expect([...withHeader]).toEqual([["/m/01", "Chair"], ["/m/02", "Cat, domestic"]]);
    expect([...parseOpenImagesClasses("/m/01,Chair\n", "c.csv")]).toEqual([["/m/01", "Chair"]]);
  });

  it("rejects malformed rows and duplicates with the line", () => {
    expect(errorOf(() => parseOpenImagesClasses("/m/01,Chair\n/m/02\n", "c.csv")).message).toMatch(/^c\.csv: line 2 = "\/m\/02": expected LabelName,DisplayName/);
    expect(errorOf(() => parseOpenImagesClasses("/m/01,Chair\n/m/01,Seat\n", "c.csv")).message).toMatch(/line 2 = "\/m\/01": this LabelName is listed twice/);
  });
});

describe("parseOpenImagesBoxes", () => {
  it("groups rows by image in order of appearance with normalized boxes", () => {
    const text = [HEADER, "img2,xclick,/m/01,1,0.1,0.5,0.2,0.6,0,0,0,0,0", "img1,xclick,/m/02,1,0,1,0,1,1,0,0,0,0", "img2,xclick,/m/02,1,0.5,0.75,0,0.5,0,1,0,0,0"].join("\n");
    const ds = parseOpenImagesBoxes(text, "b.csv", classes);
    expect(ds.skips).toEqual([]);
    expect(ds.images.map((i) => [i.id, i.fileName, i.annotations.map((a) => [a.id, a.label])])).toEqual([
      ["img2", "img2.jpg", [[1, "Chair"], [3, "Human face"]]],
      ["img1", "img1.jpg", [[2, "Human face"]]],
    ]);
    expect(ds.categories).toEqual([{ id: "/m/01", name: "Chair" }, { id: "/m/02", name: "Human face" }]);
    // XMin 0.5 .. XMax 0.75 of a 40-wide image: [20, 30] in OpenImages' frame, [19.5, 29.5] in n3d's.
    const region = annotationRegion(ds.images[0]!.annotations[1]!, { width: 40, height: 20 });
    expect(region).toEqual({ box: { x1: 19.5, y1: -0.5, x2: 29.5, y2: 9.5 } });
  });

  it("skips bad rows with their reason and line", () => {
    const text = [
      HEADER,
      "img1,xclick,/m/99,1,0.1,0.5,0.2,0.6,0,0,0,0,0",
      "img1,xclick,/m/01,1,0.5,0.1,0.2,0.6,0,0,0,0,0",
      "img1,xclick,/m/01,1,0.1,0.5,0.2,0.6,0,0,1,0,0",
      "img1,xclick,/m/01,1,abc,0.5,0.2,0.6,0,0,0,0,0",
      "img1,xclick,/m/01,1",
      "img1,xclick,/m/01,1,0.1,0.5,0.2,0.6,0,0,0,0,0",
    ].join("\n");
    const ds = parseOpenImagesBoxes(text, "b.csv", classes, { imageExtension: ".png" });
    expect(ds.skips.map((s) => [s.annotationId, s.reason])).toEqual([
      [1, "unknown_category"],
      [2, "bbox_negative_size"],
      [3, "group_annotation"],
      [4, "bad_annotation"],
      [5, "bad_annotation"],
    ]);
    expect(ds.skips[0]!.detail).toMatch(/^line 2: LabelName = "\/m\/99" is not in the class descriptions/);
    expect(ds.skips[3]!.detail).toMatch(/XMin = "abc" is not a number/);
    expect(ds.images).toHaveLength(1);
    expect(ds.images[0]!.fileName).toBe("img1.png");
  });

  it("requires the coordinate columns in the header", () => {
    expect(errorOf(() => parseOpenImagesBoxes("ImageID,LabelName,XMin,XMax,YMin\n", "b.csv", classes)).message).toMatch(/^b\.csv: header = .*: has no YMax column/);
  });
});
