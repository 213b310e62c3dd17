import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import { matchObjects, resolveObject } from "./resolve.js";
import type { SceneObjectBox } from "./types.js";

const box = { center: [0, 0, 2] as const, size: [1, 1, 1] as const, yaw: 0 };
const o = (name: string, label: string, color?: string, size?: "small" | "medium" | "large"): SceneObjectBox => ({
  name,
  label,
  box,
  attributes: { ...(color ? { color } : {}), ...(size ? { size } : {}) },
});
const SCENE = [o("chair", "chair", "red"), o("1_table", "table", "red", "large"), o("2_table", "table", "blue", "small"), o("4_hotair ballon", "hotair ballon", "red")];

describe("resolveObject", () => {
  it("accepts the exact name, a unique label, an index name, and attributes + label", () => {
    expect(resolveObject("chair", SCENE).name).toBe("chair");
    expect(resolveObject("1_table", SCENE).name).toBe("1_table");
    expect(resolveObject("Chair", SCENE).name).toBe("chair");
    expect(resolveObject("hotair ballon", SCENE).name).toBe("4_hotair ballon");
    expect(resolveObject("blue table", SCENE).name).toBe("2_table");
    expect(resolveObject("large red table", SCENE).name).toBe("1_table");
    expect(resolveObject("  red   hotair ballon ", SCENE).name).toBe("4_hotair ballon");
  });

  it("refuses a name that matches several objects, listing them", () => {
    expect(errorOf(() => resolveObject("table", SCENE)).message).toBe(
      'resolveObject: name = "table": \'table\' refers to 2 objects (1_table, 2_table); name one by its <index>_<label> name or by colour or size ("red chair")',
    );
    expect(matchObjects("red table", [...SCENE, o("3_table", "table", "red")]).map((x) => x.name)).toEqual(["1_table", "3_table"]);
  });

  it("refuses a name that matches nothing, listing the objects", () => {
    expect(errorOf(() => resolveObject("sofa", SCENE)).message).toBe(
      "resolveObject: name = \"sofa\": no object named 'sofa'; objects are: chair, 1_table, 2_table, 4_hotair ballon",
    );
    expect(matchObjects("green table", SCENE)).toEqual([]);
    expect(matchObjects("red red table", SCENE)).toEqual([]);
    expect(matchObjects("", SCENE)).toEqual([]);
  });
});
