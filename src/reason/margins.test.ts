import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import type { Vec3 } from "../geometry/index.js";
import { DEFAULT_MARGINS, isAmbiguous, MARGIN_REASONS, resolveMargins } from "./margins.js";
import { QUESTION_TYPES } from "./registry.js";
import type { SceneObjectBox } from "./types.js";

const obj = (name: string, center: Vec3, size: Vec3 = [0.5, 0.5, 0.5]): SceneObjectBox => ({ name, label: name, box: { center, size, yaw: 0 } });

describe("margins", () => {
  it("gives every default a reason", () => {
    expect(Object.keys(MARGIN_REASONS).sort()).toEqual(Object.keys(DEFAULT_MARGINS).sort());
  });

  it("guards left/right by the sideways offset of the centres", () => {
    const near = [obj("a", [0, 0, 3]), obj("b", [0.04, 0, 4])];
    const reason = isAmbiguous("left_predicate", near, {});
    expect(reason).toMatch(/^left_predicate \(a, b\): the centres' positions along the right direction must differ by at least leftRightM = 0.1 m; here the difference is 0.40 of that$/);
    expect(isAmbiguous("right_choice", near, {})).not.toBeNull();
    expect(isAmbiguous("left_predicate", [obj("a", [0, 0, 3]), obj("b", [0.3, 0, 4])], {})).toBeNull();
    expect(isAmbiguous("left_predicate", near, {}, resolveMargins({ leftRightM: 0.02 }))).toBeNull();
  });

  it("guards near-equal heights by ratio and by an absolute minimum", () => {
    const [a, b, c] = [obj("a", [0, 0, 3], [0.5, 1.0, 0.5]), obj("b", [1, 0, 3], [0.5, 1.05, 0.5]), obj("c", [2, 0, 3], [0.5, 1.3, 0.5])];
    expect(isAmbiguous("tall_predicate", [a, b], {})).toContain("sizeRatio = 0.1");
    expect(isAmbiguous("tall_predicate", [a, c], {})).toBeNull();
    expect(isAmbiguous("tallest", [a, b, c], {})).toBeNull();
    expect(isAmbiguous("tallest", [a, b], {})).not.toBeNull();
    // 10% of 0.2 m is 2 cm, but sizeMinM asks for 5 cm.
    const [s, t] = [obj("s", [0, 0, 3], [0.2, 0.2, 0.2]), obj("t", [1, 0, 3], [0.2, 0.23, 0.2])];
    expect(isAmbiguous("short_choice", [s, t], {})).not.toBeNull();
  });

  it("guards distances to a reference, ordering, counting and the clock", () => {
    const r = obj("r", [0, 0, 3]);
    const [x, y] = [obj("x", [1, 0, 3]), obj("y", [0, 0, 4.05])];
    expect(isAmbiguous("closer_to_reference", [r, x, y], {})).toContain("distanceRatio");
    expect(isAmbiguous("closer_to_reference", [r, x, obj("y", [0, 0, 5])], {})).toBeNull();
    expect(isAmbiguous("count_within_distance", [r, x], { radiusM: 1.02 })).not.toBeNull();
    expect(isAmbiguous("count_within_distance", [r, x], { radiusM: 2 })).toBeNull();
    expect(isAmbiguous("order_by_distance_to_camera", [r, obj("s", [0, 0, 3.1])], {})).not.toBeNull();
    // Straight ahead is on the 12/1 boundary of the floor rule; 15 degrees off is safe.
    expect(isAmbiguous("direction", [r, obj("f", [0, 0, 5])], {})).toContain("clockBoundaryDeg");
    expect(isAmbiguous("direction", [r, obj("f", [2 * Math.tan(Math.PI / 12), 0, 5])], {})).toBeNull();
    expect(isAmbiguous("direction", [r, obj("f", [0.1, 0, 3.1])], {})).toContain("directionMinM");
  });

  it("guards quantitative questions about lengths under minLengthM", () => {
    expect(isAmbiguous("vertical_distance", [obj("a", [0, 0, 3]), obj("b", [1, 0.02, 3])], {})).toContain("minLengthM");
    expect(isAmbiguous("direct_distance", [obj("a", [0, 0, 3]), obj("b", [1, 0.02, 3])], {})).toBeNull();
  });

  it("has a margin for every program and answers null or a reason for all of them", () => {
    const scene = [obj("a", [0, 0, 3]), obj("b", [1, 0.5, 4]), obj("c", [-1, 0.2, 5])];
    for (const type of QUESTION_TYPES) {
      const n = ["width_data", "height_data", "depth_data", "distance_to_camera"].includes(type) ? 1 : type === "closer_to_reference" || type === "closest_to" || type === "farthest_to" ? 3 : 2;
      const r = isAmbiguous(type, scene.slice(0, n), { radiusM: 1 });
      expect(r === null || r.startsWith(`${type} (`)).toBe(true);
    }
  });

  it("rejects unknown margin keys and bad values", () => {
    expect(errorOf(() => resolveMargins({ leftRightCm: 3 } as never)).message).toMatch(/leftRightCm = 3: is not a margin; choose one of leftRightM, /);
    expect(errorOf(() => resolveMargins({ sizeRatio: -0.1 })).message).toContain("must be a finite number >= 0");
    expect(errorOf(() => isAmbiguous("sideways", [], {})).message).toContain("is not a supported question type");
  });
});
