import { describe, expect, it } from "vitest";
import { makeBox3D } from "../geometry/index.js";
import { errorOf } from "../../test/helpers.js";
import { regionIndex, resolveMention, type MentionTarget } from "./mentions.js";
import { coveredByAttributes, matchLabel, normalizePhrase, singularize } from "./vocabulary.js";

const box = (x: number) => makeBox3D([x, 0, 3], [0.5, 0.5, 0.5]);

const scene: MentionTarget[] = [
  { name: "0_chair", label: "chair", box: box(-1), attributes: { color: "red", size: "small" } },
  { name: "1_chair", label: "chair", box: box(0), attributes: { color: "light brown", size: "large" } },
  { name: "couch", label: "couch", box: box(1) },
  { name: "floor lamp", label: "floor lamp", box: box(2), attributes: { color: "grey" } },
  { name: "lamp", label: "lamp", box: box(3) },
];

describe("vocabulary", () => {
  it("normalizes phrases and plurals", () => {
    expect(normalizePhrase("  The  Red Chair? ")).toBe("red chair");
    expect(["chairs", "benches", "boxes", "people", "shelves", "glasses", "buses", "bus", "tv", "cities"].map(singularize)).toEqual([
      "chair", "bench", "box", "person", "shelf", "glass", "bus", "bus", "tv", "city",
    ]);
  });

  it("matches the longest label tail first, then synonyms", () => {
    const labels = ["lamp", "floor lamp", "couch", "dining table", "tv"];
    expect(matchLabel("the floor lamp", labels)).toEqual({ label: "floor lamp", modifiers: "", via: "name" });
    expect(matchLabel("grey lamps", labels)).toEqual({ label: "lamp", modifiers: "grey", via: "name" });
    expect(matchLabel("sofas", labels)).toEqual({ label: "couch", modifiers: "", via: "synonym" });
    expect(matchLabel("big table", labels)).toEqual({ label: "dining table", modifiers: "big", via: "synonym" });
    expect(matchLabel("television", labels)?.label).toBe("tv");
    expect(matchLabel("giraffe", labels)).toBeNull();
    // A label present in the frame beats a synonym: "monitor" is the monitor when there is one.
    expect(matchLabel("monitor", ["tv", "monitor"])?.label).toBe("monitor");
  });

  it("covers modifiers with attribute values, multi-word colours and grey/gray included", () => {
    expect(coveredByAttributes("large light brown", ["light brown", "large"])).toBe(true);
    expect(coveredByAttributes("light brown large", ["light brown", "large"])).toBe(true);
    expect(coveredByAttributes("light", ["light brown", "large"])).toBe(false);
    expect(coveredByAttributes("gray", ["grey"])).toBe(true);
    expect(coveredByAttributes("red red", ["red"])).toBe(false);
  });
});

describe("resolveMention", () => {
  const name = (phrase: string) => resolveMention(phrase, scene).name;

  it("finds objects by name, label, plural, synonym and description", () => {
    expect(name("1_chair")).toBe("1_chair");
    expect(name("the red chair")).toBe("0_chair");
    expect(name("large light brown chair")).toBe("1_chair");
    expect(name("sofa")).toBe("couch");
    expect(name("the floor lamp")).toBe("floor lamp");
    expect(name("gray floor lamp")).toBe("floor lamp");
    expect(name("lamp")).toBe("lamp");
    expect(name("1_chairs")).toBe("1_chair");
    // A described object without attributes: the words cannot be checked, one couch fits.
    expect(name("green couch")).toBe("couch");
  });

  it("refuses what fits nothing or several, naming the phrase and listing the objects", () => {
    expect(errorOf(() => resolveMention("chair", scene)).message).toBe(
      'ask: object = "chair": refers to 2 objects (0_chair, 1_chair, numbered left to right); name one by its name or by colour or size ("red chair")',
    );
    expect(errorOf(() => resolveMention("giraffe", scene)).message).toMatch(/^ask: object = "giraffe": is not in the frame; objects in the frame: 0_chair, 1_chair, couch, floor lamp, lamp$/);
    expect(errorOf(() => resolveMention("blue chair", scene)).message).toMatch(/no chair is "blue"; the chair objects are 0_chair \(small red\), 1_chair \(large light brown\)/);
    expect(errorOf(() => resolveMention("2_chair", scene)).message).toMatch(/is not in the frame/);
    expect(errorOf(() => resolveMention("chair", [])).message).toMatch(/nothing was grounded/);
  });

  it("resolves region tokens to region prompts", () => {
    expect([regionIndex("<region0>"), regionIndex("< Region 12 >"), regionIndex("Region [3]"), regionIndex("region 2"), regionIndex("regions")]).toEqual([0, 12, 3, 2, null]);
    const regions: MentionTarget[] = [
      { name: "Region [0]", label: "region", box: box(0), region: 0 },
      { name: "Region [1]", label: "region", box: box(1), region: 1 },
    ];
    expect(resolveMention("<region1>", regions).name).toBe("Region [1]");
    expect(errorOf(() => resolveMention("<region2>", regions)).message).toMatch(/names a region that was not given; the regions are <region0>, <region1>/);
    expect(errorOf(() => resolveMention("<region0>", scene)).message).toMatch(/no regions were given/);
  });
});
