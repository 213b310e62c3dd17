import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import { decodeRle, fromN3dJson, rleToBbox } from "../formats/index.js";
import {
  applyPose,
  composePoses,
  enclosingYawBox,
  mulMat3,
  orientedBoxCorners,
  orientedBoxFromPose,
  projectBox3D,
  rotationX,
  toBoxLocal,
  type Intrinsics,
  type Mat3,
  type Pose,
  type Vec3,
} from "../geometry/index.js";
import { annotateScene } from "./annotate.js";
import type { Material, RenderedScene, SceneObject, ScenePlan, SynthCamera } from "./types.js";

// A 16 x 12 image; the camera stands 1.5 m above the floor looking along world +z. Its x axis is
// world -x and its y axis world -y (R = diag(-1, -1, 1)), so world (X, Y, Z) -> (-X, 1.5 - Y, Z).
const size = { width: 16, height: 12 };
const K: Intrinsics = { fx: 10, fy: 10, cx: 7.5, cy: 5.5 };
const LEVEL: Mat3 = [-1, 0, 0, 0, -1, 0, 0, 0, 1];
const plain: Material = { rgb: [128, 128, 128], texture: "plain", textureScaleM: 1, textureStrength: 0 };

function camera(pitchRad = 0): SynthCamera {
  // Pitching down turns the optical axis towards the floor: rotate the camera frame about its x.
  const rotation = mulMat3(rotationX(-pitchRad), LEVEL);
  const cameraFromWorld: Pose = { rotation, translation: applyPose({ rotation, translation: [0, 0, 0] }, [0, -1.5, 0]) };
  return { size, intrinsics: K, cameraFromWorld, heightM: 1.5, pitchRad, rollRad: 0, gravity: applyPose({ rotation, translation: [0, 0, 0] }, [0, -1, 0]) };
}

function object(id: number, label: string, at: Vec3, half: Vec3, height: number): SceneObject {
  return {
    id,
    label,
    attributes: { color: "gray", size: "medium" },
    parts: [{ shape: { kind: "box", size: [2 * half[0], height, 2 * half[2]] }, pose: { rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, height / 2, 0] }, material: plain }],
    pose: { rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: at },
    localBounds: { min: [-half[0], 0, -half[2]], max: [half[0], height, half[2]] },
    supportId: null,
  };
}

function plan(pitchRad = 0): ScenePlan {
  return {
    seed: 1,
    environment: { kind: "room", planes: [{ normal: [0, 1, 0], offsetM: 0, material: plain }], skyRgb: [200, 220, 255], maxDepthM: 20 },
    objects: [
      object(0, "box", [0, 0, 4], [0.5, 0, 0.5], 1), // centred, in view
      { ...object(1, "mug", [0, 0, 5], [0.05, 0, 0.05], 0.1), supportId: 0 }, // behind the box
      object(2, "sofa", [-3, 0, 4], [1, 0, 0.5], 0.8), // camera x = 3: cut by the right border
    ],
    camera: camera(pitchRad),
    light: { direction: [0, -1, 0], ambient: 0.3 },
  };
}

/** Object-index buffer from rows of characters: "." none, digits the object id. */
function indexOf(rows: readonly string[]): Int16Array {
  const out = new Int16Array(size.width * size.height);
  rows.forEach((row, y) => [...row].forEach((c, x) => (out[y * size.width + x] = c === "." ? -1 : Number(c))));
  return out;
}

const OBJECT_INDEX = indexOf([
  "................",
  "................",
  "................",
  "................",
  "................",
  ".............222",
  ".............222",
  "......000....222",
  "......000.....22",
  "......000.......",
  "................",
  "................",
]);

function rendered(objectIndex = OBJECT_INDEX, amodal = [9, 4, 14]): RenderedScene {
  const n = size.width * size.height;
  return { rgb: new Uint8Array(3 * n), depthM: new Float32Array(n), objectIndex, specular: new Uint8Array(n), amodalPixels: Int32Array.from(amodal) };
}

/** Slow reference: the extent of an object's pixels, COCO [x, y, w, h]. */
function extent(objectIndex: Int16Array, id: number): number[] {
  const xs: number[] = [];
  const ys: number[] = [];
  objectIndex.forEach((v, i) => {
    if (v === id) {
      xs.push(i % size.width);
      ys.push(Math.floor(i / size.width));
    }
  });
  if (xs.length === 0) return [0, 0, 0, 0];
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs) - Math.min(...xs) + 1, Math.max(...ys) - Math.min(...ys) + 1];
}

describe("annotateScene", () => {
  const anns = annotateScene(plan(), rendered());

  it("gives one annotation per object, in plan order, with the plan's facts", () => {
    expect(anns.map((a) => [a.id, a.label, a.supportId])).toEqual([
      [0, "box", null],
      [1, "mug", 0],
      [2, "sofa", null],
    ]);
    expect(anns[0]!.attributes).toEqual({ color: "gray", size: "medium" });
  });

  it("masks the visible pixels, and the modal 2D box is the mask's extent", () => {
    for (const a of anns) {
      const mask = decodeRle(a.mask);
      expect(Array.from(mask)).toEqual(Array.from(OBJECT_INDEX, (v) => (v === a.id ? 1 : 0)));
      expect(a.bbox2d).toEqual(extent(OBJECT_INDEX, a.id));
      expect(a.bbox2d).toEqual(rleToBbox(a.mask));
      expect(a.visiblePixels).toBe(mask.reduce((s, v) => s + v, 0));
    }
    expect(anns[0]!.bbox2d).toEqual([6, 7, 3, 3]);
    expect(anns[2]!.bbox2d).toEqual([13, 5, 3, 4]);
  });

  it("reports a hidden object as not visible with visible fraction 0", () => {
    const mug = anns[1]!;
    expect(mug.visiblePixels).toBe(0);
    expect(mug.amodalPixels).toBe(4);
    expect(mug.visibleFraction).toBe(0);
    expect(mug.visible).toBe(false);
    expect(mug.bbox2d).toEqual([0, 0, 0, 0]);
    // Still fully annotated in 3D.
    expect(mug.bbox3d).not.toBeNull();
  });

  it("computes visible fractions", () => {
    expect(anns[0]!.visibleFraction).toBe(1);
    expect(anns[2]!.visibleFraction).toBeCloseTo(11 / 14, 15);
    expect(anns.map((a) => a.visible)).toEqual([true, false, true]);
    // No amodal pixels (wholly outside the image): fraction 0, not NaN.
    const outside = annotateScene(plan(), rendered(indexOf(Array(12).fill("................")), [9, 0, 14]));
    expect(outside[1]!.visibleFraction).toBe(0);
  });

  it("writes the 3D box and the oriented box in the camera frame", () => {
    const box = anns[0]!;
    // World centre (0, 0.5, 4) -> camera (0, 1, 4); R = diag(-1, -1, 1).
    box.obb.center.forEach((x, k) => expect(x).toBeCloseTo([0, 1, 4][k]!, 12));
    expect(box.obb.size).toEqual([1, 1, 1]);
    expect(box.obb.rotation).toEqual(LEVEL);
    const parsed = fromN3dJson(box.bbox3d, "test", K); // uvz agrees with K
    expect(parsed.label).toBe("box");
    parsed.box.center.forEach((x, k) => expect(x).toBeCloseTo([0, 1, 4][k]!, 12));
    parsed.box.size.forEach((x) => expect(x).toBeCloseTo(1, 12));
    expect(parsed.box.yaw).toBeCloseTo(0, 12);
    expect(box.bbox3d!.uvz[0]).toBeCloseTo(7.5, 9);
    expect(box.bbox3d!.uvz[1]).toBeCloseTo(8, 9);
  });

  it("projects the amodal 2D box without clipping it to the image, and flags truncation", () => {
    const expected = projectBox3D(K, { center: [0, 1, 4], size: [1, 1, 1], yaw: 0 })!;
    const [x1, y1, x2, y2] = anns[0]!.bbox2dAmodal!;
    expect(x1).toBeCloseTo(expected.x1, 9);
    expect(y1).toBeCloseTo(expected.y1, 9);
    expect(x2).toBeCloseTo(expected.x2, 9);
    expect(y2).toBeCloseTo(expected.y2, 9);
    expect(anns[0]!.truncated).toBe(false);
    // The sofa spans camera x 2 ... 4 at z 3.5 ... 4.5: u up to 7.5 + 10 * 4 / 3.5 = 18.93 > 15.5.
    expect(anns[2]!.bbox2dAmodal![2]).toBeCloseTo(7.5 + 40 / 3.5, 9);
    expect(anns[2]!.truncated).toBe(true);
    expect(anns[1]!.truncated).toBe(false);
  });

  it("with a pitched camera, encloses the exact oriented box in a camera-aligned yawed box", () => {
    const pitched = plan(0.35);
    const out = annotateScene(pitched, rendered());
    pitched.objects.forEach((o, i) => {
      const obb = orientedBoxFromPose(composePoses(pitched.camera.cameraFromWorld, o.pose), o.localBounds.min, o.localBounds.max);
      const a = out[i]!;
      obb.center.forEach((x, k) => expect(a.obb.center[k]).toBeCloseTo(x, 12));
      expect(a.obb.size).toEqual(obb.size);
      const box = fromN3dJson(a.bbox3d, "test", pitched.camera.intrinsics).box;
      const tight = enclosingYawBox(obb);
      box.size.forEach((s, k) => expect(s).toBeCloseTo(tight.size[k]!, 12));
      // Taller than the object: its tilted top and bottom faces stick out along camera y.
      expect(box.size[1]).toBeGreaterThan(o.localBounds.max[1] - o.localBounds.min[1] + 1e-3);
      for (const c of orientedBoxCorners(obb)) {
        const p = toBoxLocal(box, c);
        for (let k = 0; k < 3; k++) expect(Math.abs(p[k]!)).toBeLessThanOrEqual(box.size[k]! / 2 + 1e-9);
      }
    });
  });

  it("is deterministic and leaves its inputs alone", () => {
    const r = rendered();
    const before = Int16Array.from(r.objectIndex);
    expect(JSON.stringify(annotateScene(plan(), r))).toBe(JSON.stringify(anns));
    expect(r.objectIndex).toEqual(before);
  });

  it("rejects buffers that do not match the plan", () => {
    expect(errorOf(() => annotateScene(plan(), rendered(new Int16Array(10)))).message).toBe(
      "annotateScene: rendered.objectIndex length = 10: expected 16x12 = 192",
    );
    expect(errorOf(() => annotateScene(plan(), rendered(OBJECT_INDEX, [9, 4]))).message).toBe(
      "annotateScene: plan.objects[2].id = 2: must index rendered.amodalPixels (length 2)",
    );
    expect(errorOf(() => annotateScene(plan(), rendered(OBJECT_INDEX, [5, 4, 14]))).message).toBe(
      "annotateScene: rendered.amodalPixels[0] = 5: is less than the 9 pixels where object 0 is visible",
    );
  });
});
