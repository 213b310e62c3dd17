import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import type { Vec3 } from "../geometry/index.js";
import { createRng } from "../random.js";
import { INVERSE_TYPES, PROGRAMS, QUESTION_TYPES, reason } from "./index.js";
import { printBox } from "./printed-scene.js";
import { randomScene } from "./testing/scenes.js";
import type { SceneObjectBox } from "./types.js";

const obj = (name: string, label: string, center: Vec3, size: Vec3, yaw = 0, color?: string): SceneObjectBox => ({
  name,
  label,
  box: { center, size, yaw },
  ...(color ? { attributes: { color } } : {}),
});

/** The release's worked example in our frame: official centre [0.27, 0.03, 2.97] is ours negated in x and y. */
const PERSON = obj("person", "person", [-0.2712, -0.0321, 2.9717], [0.615, 0.9108, 0.759]);
const SCENE: SceneObjectBox[] = [
  obj("chair", "chair", [-0.8, 0.3, 2.5], [0.5, 0.9, 0.5], 0, "red"),
  obj("1_table", "table", [0.4, 0.35, 3.0], [1.2, 0.75, 0.8], 0, "brown"),
  obj("2_table", "table", [1.6, 0.35, 4.0], [0.8, 0.7, 0.6], 0.4, "white"),
];

describe("registry", () => {
  it("holds the issue's question types with their arity and answer kind", () => {
    const want: Record<string, [number | "many", string, string]> = {
      direct_distance: [2, "quantitative", "length"],
      direct_distance_surface: [2, "quantitative", "length"],
      horizontal_distance: [2, "quantitative", "length"],
      vertical_distance: [2, "quantitative", "length"],
      width_data: [1, "quantitative", "length"],
      height_data: [1, "quantitative", "length"],
      depth_data: [1, "quantitative", "length"],
      distance_to_camera: [1, "quantitative", "length"],
      left_predicate: [2, "qualitative", "bool"],
      left_choice: [2, "qualitative", "choice"],
      right_predicate: [2, "qualitative", "bool"],
      below_predicate: [2, "qualitative", "bool"],
      above_choice: [2, "qualitative", "choice"],
      behind_predicate: [2, "qualitative", "bool"],
      front_center_predicate: [2, "qualitative", "bool"],
      big_predicate: [2, "qualitative", "bool"],
      small_choice: [2, "qualitative", "choice"],
      tall_predicate: [2, "qualitative", "bool"],
      thin_choice: [2, "qualitative", "choice"],
      closer_to_camera: [2, "qualitative", "choice"],
      closer_to_reference: [3, "qualitative", "choice"],
      direction: [2, "direction", "clock"],
      closest_to: ["many", "multi", "choice"],
      farthest_to: ["many", "multi", "choice"],
      tallest: ["many", "multi", "choice"],
      shortest: ["many", "multi", "choice"],
      order_by_distance_to_camera: ["many", "multi", "order"],
      count_within_distance: ["many", "multi", "count"],
    };
    for (const [type, [arity, kind, answer]] of Object.entries(want)) {
      expect(PROGRAMS[type], type).toMatchObject({ type, arity, kind, answerKind: answer });
    }
    expect(QUESTION_TYPES).toHaveLength(Object.keys(PROGRAMS).length);
    for (const [t, inv] of Object.entries(INVERSE_TYPES)) expect(INVERSE_TYPES[inv]).toBe(t);
    expect(INVERSE_TYPES.left_predicate).toBe("right_predicate");
    expect(INVERSE_TYPES.closer_to_camera).toBe("farther_from_camera");
  });
});

describe("the release's worked example", () => {
  it("prints [0.27, 0.03, 2.97, 0.61, 0.91, 0.76] in the official frame and height = sy", () => {
    const r = reason("height_data", ["person"], [PERSON], { frame: "official" });
    expect(r.steps).toEqual(["The 3D bbox of person is [0.27, 0.03, 2.97, 0.61, 0.91, 0.76].", "So the height of person is 0.91 meters."]);
    expect(r.cot).toBe("<think>1. The 3D bbox of person is [0.27, 0.03, 2.97, 0.61, 0.91, 0.76]. 2. So the height of person is 0.91 meters.</think> The person is 0.91 meters tall.");
    expect(r.answer).toEqual({ kind: "length", metres: 0.91, unit: "m", value: 0.91 });
    expect(reason("height_data", ["person"], [PERSON]).steps[0]).toBe("The 3D bbox of person is [-0.27, -0.03, 2.97, 0.61, 0.91, 0.76].");
  });

  it("printing in the official frame negates x and y of ours, sizes unchanged, angle = -yaw", () => {
    for (const o of randomScene(createRng(9), 6)) {
      const ours = printBox(o, "n3d");
      const theirs = printBox(o, "official");
      expect(theirs.center).toEqual([ours.center[0] === 0 ? 0 : -ours.center[0], ours.center[1] === 0 ? 0 : -ours.center[1], ours.center[2]]);
      expect(theirs.size).toEqual(ours.size);
      if (Math.abs(ours.yawDeg) < 180) expect(theirs.yawDeg).toBe(ours.yawDeg === 0 ? 0 : -ours.yawDeg);
    }
  });

  it("answers in the requested unit, converting from the printed metres", () => {
    const units = { m: "0.91 meters", cm: "91 centimeters", ft: "2.99 feet", in: "35.8 inches" } as const;
    for (const [unit, text] of Object.entries(units)) {
      const r = reason("height_data", ["person"], [PERSON], { unit: unit as keyof typeof units });
      expect(r.sentence).toBe(`The person is ${text} tall.`);
      if (unit !== "m") expect(r.steps.at(-1)).toBe(`0.91 meters is ${text}.`);
    }
    expect(reason("height_data", ["person"], [PERSON], { unit: "cm" }).answer).toEqual({ kind: "length", metres: 0.91, unit: "cm", value: 91 });
  });
});

describe("programs on a hand-made scene", () => {
  it("left/right: yes/no sentences and the chosen name", () => {
    expect(reason("left_predicate", ["chair", "1_table"], SCENE).sentence).toBe("Yes, the chair is to the left of the 1_table.");
    expect(reason("right_predicate", ["chair", "1_table"], SCENE).sentence).toBe("No, the chair is not to the right of the 1_table.");
    expect(reason("left_choice", ["1_table", "chair"], SCENE).answer).toEqual({ kind: "choice", value: "chair", options: ["1_table", "chair"] });
    // The official frame prints x-left numbers; the answer does not change (SpatialRGPT: left iff A.x > B.x there).
    const official = reason("left_predicate", ["chair", "1_table"], SCENE, { frame: "official" });
    expect(official.answer).toEqual({ kind: "bool", value: true });
    expect(official.steps).toContain("The center of chair is at -0.80 meters along the right direction.");
  });

  it("distances: centre, surface, horizontal, vertical, camera", () => {
    const d = reason("direct_distance", ["chair", "1_table"], SCENE);
    expect(d.steps.slice(2)).toEqual(["The vector from the center of chair to the center of 1_table is [1.20, 0.05, 0.50].", "So the distance between chair and 1_table is 1.30 meters."]);
    // Axis-aligned: x gap 1.20 - 0.85 = 0.35, z gap 0.50 - 0.65 < 0, y overlaps.
    expect(reason("direct_distance_surface", ["chair", "1_table"], SCENE).answer).toMatchObject({ metres: 0.35 });
    expect(reason("horizontal_distance", ["chair", "1_table"], SCENE).answer).toMatchObject({ metres: 1.3 });
    expect(reason("vertical_distance", ["chair", "1_table"], SCENE).answer).toMatchObject({ metres: 0.05 });
    expect(reason("distance_to_camera", ["chair"], SCENE).answer).toMatchObject({ metres: 2.64 });
  });

  it("sizes of a yawed box: extents along right / up / forward", () => {
    // 2_table: 0.8 x 0.7 x 0.6 turned 0.4 rad: width = 0.8 cos + 0.6 sin, depth = 0.8 sin + 0.6 cos.
    const yaw = Number(((0.4 * 180) / Math.PI).toFixed(1)) * (Math.PI / 180);
    expect(reason("width_data", ["2_table"], SCENE).answer).toMatchObject({ metres: Number((0.8 * Math.cos(yaw) + 0.6 * Math.sin(yaw)).toFixed(2)) });
    expect(reason("depth_data", ["2_table"], SCENE).answer).toMatchObject({ metres: Number((0.8 * Math.sin(yaw) + 0.6 * Math.cos(yaw)).toFixed(2)) });
    expect(reason("height_data", ["2_table"], SCENE).answer).toMatchObject({ metres: 0.7 });
    expect(reason("width_data", ["2_table"], SCENE).steps[0]).toBe("The 3D bbox of 2_table is [1.60, 0.35, 4.00, 0.80, 0.70, 0.60] with yaw 22.9 degrees.");
  });

  it("behind compares nearest points (SpatialRGPT), behind_center compares centres", () => {
    // A deep box whose centre is behind but whose front face is nearer.
    const scene = [obj("wall", "wall", [0, 0, 5], [2, 2, 4]), obj("lamp", "lamp", [1.5, 0, 3.6], [0.2, 0.2, 0.2])];
    expect(reason("behind_predicate", ["wall", "lamp"], scene).answer).toEqual({ kind: "bool", value: false });
    expect(reason("behind_center_predicate", ["wall", "lamp"], scene).answer).toEqual({ kind: "bool", value: true });
  });

  it("closer to the camera (centre depth) and to a reference (centre distance)", () => {
    expect(reason("closer_to_camera", ["1_table", "chair"], SCENE).answer).toEqual({ kind: "choice", value: "chair", options: ["1_table", "chair"] });
    expect(reason("closer_to_reference", ["1_table", "chair", "2_table"], SCENE).answer).toEqual({ kind: "choice", value: "chair", options: ["chair", "2_table"] });
  });

  it("direction as a clock: ahead 12, right 3, behind 6, left 9", () => {
    const at = (x: number, z: number): SceneObjectBox[] => [obj("me", "me", [0, 0, 3], [0.3, 0.3, 0.3]), obj("it", "it", [x, 0, 3 + z], [0.3, 0.3, 0.3])];
    const clock = (x: number, z: number): unknown => reason("direction", ["me", "it"], at(x, z)).answer;
    expect(clock(0, 1)).toEqual({ kind: "clock", value: 12 });
    expect(clock(1, 0)).toEqual({ kind: "clock", value: 3 });
    expect(clock(0, -1)).toEqual({ kind: "clock", value: 6 });
    expect(clock(-1, 0)).toEqual({ kind: "clock", value: 9 });
    expect(clock(1, 1)).toEqual({ kind: "clock", value: 2 });
    expect(reason("direction", ["me", "it"], at(1, 0)).sentence).toBe("The it is at 3 o'clock from the me.");
    // In the official frame the printed x is negated but the clock is the same.
    expect(reason("direction", ["me", "it"], at(1, 0), { frame: "official" }).answer).toEqual({ kind: "clock", value: 3 });
  });

  it("multi-object: superlatives, ordering and counting", () => {
    expect(reason("closest_to", ["chair", "1_table", "2_table"], SCENE).answer).toMatchObject({ value: "1_table" });
    expect(reason("farthest_to", ["chair", "1_table", "2_table"], SCENE).answer).toMatchObject({ value: "2_table" });
    expect(reason("tallest", ["chair", "1_table", "2_table"], SCENE).answer).toMatchObject({ value: "chair" });
    expect(reason("shortest", ["chair", "1_table", "2_table"], SCENE).answer).toMatchObject({ value: "2_table" });
    expect(reason("order_by_distance_to_camera", ["2_table", "1_table", "chair"], SCENE).answer).toEqual({ kind: "order", value: ["chair", "1_table", "2_table"] });
    // Only A named: counts among every other object. chair -> 1_table 1.30 m, -> 2_table 2.81 m.
    const r = reason("count_within_distance", ["chair"], SCENE, { radiusM: 1.5 });
    expect(r.answer).toEqual({ kind: "count", value: 1 });
    expect(r.used).toEqual(["chair", "1_table", "2_table"]);
    expect(r.sentence).toBe("1 object is within 1.50 meters of the chair.");
  });
});

describe("gravity", () => {
  it("a camera rolled 30 degrees still measures the vertical distance between stacked boxes", () => {
    const roll = Math.PI / 6;
    const gravity: Vec3 = [Math.sin(roll), Math.cos(roll), 0];
    const up: Vec3 = [-gravity[0], -gravity[1], 0];
    const right: Vec3 = [Math.cos(roll), -Math.sin(roll), 0]; // horizontal, perpendicular to up
    const base: Vec3 = [0.2, 0.4, 3];
    const top: Vec3 = [0, 1, 2].map((i) => base[i]! + 0.6 * up[i]! + 0.25 * right[i]!) as unknown as Vec3;
    const scene = [obj("box", "box", base, [0.4, 0.4, 0.4]), obj("lamp", "lamp", top, [0.2, 0.2, 0.2])];
    const ctx = { gravity };
    const vertical = reason("vertical_distance", ["box", "lamp"], scene, ctx).answer as { metres: number };
    // Centres print to the centimetre, so the printed answer is within about 1.5 cm of the truth.
    expect(Math.abs(vertical.metres - 0.6)).toBeLessThanOrEqual(0.015);
    const horizontal = reason("horizontal_distance", ["box", "lamp"], scene, ctx).answer as { metres: number };
    expect(Math.abs(horizontal.metres - 0.25)).toBeLessThanOrEqual(0.015);
    expect(reason("above_predicate", ["lamp", "box"], scene, ctx).answer).toEqual({ kind: "bool", value: true });
    expect(reason("direction", ["box", "lamp"], scene, ctx).answer).toEqual({ kind: "clock", value: 3 });
    // Ignoring the roll (camera y taken as vertical) gets it wrong.
    expect((reason("vertical_distance", ["box", "lamp"], scene).answer as { metres: number }).metres).not.toBeCloseTo(0.6, 2);
    expect(reason("vertical_distance", ["box", "lamp"], scene, ctx).steps).toContain("The up direction is [-0.500, -0.866, 0.000].");
  });
});

describe("bad input", () => {
  it("names the object and field of a box with a negative size", () => {
    const bad = [SCENE[0]!, obj("lamp", "lamp", [0, 0, 2], [0.2, -0.3, 0.2])];
    expect(errorOf(() => reason("height_data", ["chair"], bad)).message).toBe(
      'reason: objects["lamp"].box.size[1] = -0.3: must be a finite number >= 0 (metres)',
    );
  });

  it("rejects an unknown type, listing the supported ones", () => {
    const e = errorOf(() => reason("nearest_moon", ["chair"], SCENE));
    expect(e.message).toMatch(/^reason: type = "nearest_moon": is not a supported question type; choose one of direct_distance, /);
    expect(e.message).toContain("count_within_distance");
  });

  it("rejects absent and ambiguous names, accepts index and colour names", () => {
    expect(errorOf(() => reason("height_data", ["sofa"], SCENE)).message).toBe(
      "reason: name = \"sofa\": no object named 'sofa'; objects are: chair, 1_table, 2_table",
    );
    expect(errorOf(() => reason("height_data", ["table"], SCENE)).message).toContain("'table' refers to 2 objects (1_table, 2_table)");
    expect(reason("height_data", ["white table"], SCENE).used).toEqual(["2_table"]);
    expect(reason("height_data", ["2_table"], SCENE).used).toEqual(["2_table"]);
  });

  it("rejects wrong arity, the same object twice, and bad context", () => {
    expect(errorOf(() => reason("left_predicate", ["chair"], SCENE)).message).toContain("left_predicate takes 2 object(s) (A, B)");
    expect(errorOf(() => reason("closest_to", ["chair", "1_table"], SCENE)).message).toContain("takes at least 3 object(s)");
    expect(errorOf(() => reason("left_predicate", ["chair", "red chair"], SCENE)).message).toContain("names the same object twice (chair)");
    expect(errorOf(() => reason("height_data", ["chair"], SCENE, { unit: "yd" as "m" })).message).toContain("is not a supported length unit; choose one of m, cm, ft, in");
    expect(errorOf(() => reason("height_data", ["chair"], SCENE, { frame: "opengl" as "n3d" })).message).toContain("is not a supported print frame; choose one of n3d, official");
    expect(errorOf(() => reason("count_within_distance", ["chair"], SCENE)).message).toContain("needs a radius");
    expect(errorOf(() => reason("count_within_distance", ["chair"], SCENE, { radiusM: -1 })).message).toContain("ctx.radiusM = -1");
    expect(errorOf(() => reason("height_data", ["chair"], SCENE, { gravity: [0, 0, 1] })).message).toContain("parallel to the camera's viewing axis");
    expect(errorOf(() => reason("height_data", ["chair"], [SCENE[0]!, SCENE[0]!])).message).toContain("names must be unique");
  });

  it("validates when a program is run directly, too", () => {
    const bad = [obj("lamp", "lamp", [0, NaN, 2], [0.2, 0.3, 0.2])];
    expect(errorOf(() => PROGRAMS.height_data!.run(bad)).message).toBe('height_data: objects["lamp"].box.center[1] = NaN: must be a finite number (metres)');
  });
});

describe("a camera looking straight down", () => {
  it("still answers distances but refuses questions that need a forward direction", () => {
    const ctx = { gravity: [0, 0, 1] as Vec3 };
    expect(reason("direct_distance", ["chair", "1_table"], SCENE, ctx).answer).toMatchObject({ metres: 1.3 });
    expect(errorOf(() => reason("left_predicate", ["chair", "1_table"], SCENE, ctx)).message).toContain("no forward direction");
  });
});
