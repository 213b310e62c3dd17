import { describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { applyPose, backProject, composePoses, invertPose, mulMat3, rotateByPose, rotationX, rotationY, rotationZ } from "../geometry/index.js";
import type { Intrinsics, Mat3, Pose, Vec3 } from "../geometry/index.js";
import { createRayHit, intersectPlaneInto, intersectPrimitiveInto } from "./intersect.js";
import { NEAR_M, renderScene } from "./render.js";
import type { Environment, Material, Part, Plane, Primitive, RenderedScene, SceneObject, ScenePlan, SynthCamera } from "./types.js";

// ------------------------------------------------------------------------------------------------
// Hand-built scenes. Image 161 x 121 so the principal point (80, 60) is a pixel centre.

const SIZE = { width: 161, height: 121 };
const K: Intrinsics = { fx: 150, fy: 150, cx: 80, cy: 60 };
const FLIP: Mat3 = [1, 0, 0, 0, -1, 0, 0, 0, 1]; // world y-up -> camera y-down

function mat(rgb: Vec3, texture: Material["texture"] = "plain", specular = false): Material {
  return { rgb, texture, textureScaleM: 0.15, textureStrength: 0.4, specular };
}
const GREY = mat([128, 128, 128]);

/** A camera at world (x, height, 0) looking along world +z, pitched down and rolled. */
function camera({ heightM = 1, pitchRad = 0, rollRad = 0, xM = 0 } = {}): SynthCamera {
  const worldFromCamera: Pose = { rotation: mulMat3(rotationX(pitchRad), mulMat3(FLIP, rotationZ(rollRad))), translation: [xM, heightM, 0] };
  const cameraFromWorld = invertPose(worldFromCamera);
  return { size: SIZE, intrinsics: K, cameraFromWorld, heightM, pitchRad, rollRad, gravity: rotateByPose(cameraFromWorld, [0, -1, 0]) };
}

function plane(normal: Vec3, offsetM: number, material: Material = GREY): Plane {
  return { normal, offsetM, material };
}

const ROOM: Environment = {
  kind: "room",
  planes: [
    plane([0, 1, 0], 0, mat([150, 120, 90], "wood")),
    plane([0, 0, -1], -8, mat([220, 220, 210], "noise")), // back wall z = 8
    plane([1, 0, 0], -4, mat([200, 210, 220], "stripes")), // left wall x = -4
    plane([-1, 0, 0], -4, mat([200, 210, 220])), // right wall x = 4
    plane([0, 0, 1], -3, GREY), // wall behind the camera, z = -3
  ],
  skyRgb: [0, 0, 0],
  maxDepthM: 30,
};

const OUTDOOR: Environment = {
  kind: "outdoor",
  planes: [plane([0, 1, 0], 0, mat([90, 140, 70], "noise"))],
  skyRgb: [140, 180, 230],
  maxDepthM: 25,
};

function part(shape: Primitive, translation: Vec3, material: Material = GREY, rotation: Mat3 = rotationY(0)): Part {
  return { shape, pose: { rotation, translation }, material };
}

function object(id: number, parts: Part[], position: Vec3, yawRad = 0, label = "thing"): SceneObject {
  return {
    id,
    label,
    attributes: { color: "grey", size: "medium" },
    parts,
    pose: { rotation: rotationY(yawRad), translation: position },
    localBounds: { min: [-1, 0, -1], max: [1, 2, 1] }, // not used by the renderer
    supportId: null,
  };
}

function scene(objects: SceneObject[], cam: SynthCamera = camera(), environment: Environment = ROOM, ambient = 0.3): ScenePlan {
  const d: Vec3 = [0.3, -0.9, 0.4];
  const n = Math.hypot(...d);
  return { seed: 0, environment, objects, camera: cam, light: { direction: [d[0] / n, d[1] / n, d[2] / n], ambient } };
}

/** A table: a box top on four cylinder legs, 0.75 m tall. */
function table(id: number, position: Vec3, yawRad: number): SceneObject {
  const legs = [-1, 1].flatMap((sx) => [-1, 1].map((sz) => part({ kind: "cylinder", radius: 0.03, height: 0.72 }, [0.5 * sx, 0.36, 0.3 * sz], mat([90, 60, 40]))));
  return object(id, [part({ kind: "box", size: [1.2, 0.03, 0.7] }, [0, 0.735, 0], mat([160, 110, 70], "wood")), ...legs], position, yawRad, "table");
}

/** One object of every primitive kind, some yawed or tilted, plus a multi-part table. */
function allKinds(): SceneObject[] {
  return [
    object(0, [part({ kind: "box", size: [0.6, 0.8, 0.5] }, [0, 0.4, 0], mat([200, 60, 50], "checker"))], [-1.2, 0, 3.5], 0.5),
    object(1, [part({ kind: "cylinder", radius: 0.25, height: 0.9 }, [0, 0.45, 0], mat([50, 90, 200], "stripes"))], [-0.3, 0, 4.5]),
    object(2, [part({ kind: "sphere", radius: 0.3 }, [0, 0.3, 0], mat([240, 240, 240], "noise", true))], [0.5, 0, 2.8]),
    object(3, [part({ kind: "frustum", radiusBottom: 0.2, radiusTop: 0, height: 0.5 }, [0, 0.25, 0], mat([250, 120, 20], "stripes"))], [1.1, 0, 3.2]),
    object(4, [
      part({ kind: "frustum", radiusBottom: 0.15, radiusTop: 0.25, height: 0.4 }, [0, 0.2, 0], mat([80, 160, 80], "fabric")),
      // A part tilted in its object: a box lying at 30 degrees about x.
      part({ kind: "box", size: [0.1, 0.5, 0.1] }, [0, 0.55, 0], mat([30, 30, 30]), rotationX(0.5)),
    ], [0.2, 0, 5.5], -0.8),
    table(5, [1.6, 0, 5], 0.3),
  ];
}

// ------------------------------------------------------------------------------------------------
// References

/** Distance from (px, py) to the segment (ax, ay)-(bx, by). */
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const ex = bx - ax;
  const ey = by - ay;
  const len2 = ex * ex + ey * ey;
  if (len2 === 0) return Math.hypot(px - ax, py - ay);
  const s = Math.max(0, Math.min(1, ((px - ax) * ex + (py - ay) * ey) / len2));
  return Math.hypot(px - ax - s * ex, py - ay - s * ey);
}

/** Unsigned distance from a PART-frame point to the primitive's surface, metres. */
function surfaceDistance(s: Primitive, p: Vec3): number {
  const [x, y, z] = p;
  switch (s.kind) {
    case "box": {
      const q = [Math.abs(x) - s.size[0] / 2, Math.abs(y) - s.size[1] / 2, Math.abs(z) - s.size[2] / 2];
      const out = Math.hypot(...q.map((c) => Math.max(c, 0)));
      return out > 0 ? out : -Math.max(...q);
    }
    case "sphere":
      return Math.abs(Math.hypot(x, y, z) - s.radius);
    case "cylinder":
    case "frustum": {
      // A solid of revolution: distance in its (radius, height) profile to the outline.
      const rb = s.kind === "cylinder" ? s.radius : s.radiusBottom;
      const rt = s.kind === "cylinder" ? s.radius : s.radiusTop;
      const h = s.height / 2;
      const rho = Math.hypot(x, z);
      return Math.min(segmentDistance(rho, y, 0, -h, rb, -h), segmentDistance(rho, y, rb, -h, rt, h), segmentDistance(rho, y, rt, h, 0, h));
    }
  }
}

/**
 * The slow renderer: every pixel against every part and plane, no screen rectangles or bounding
 * spheres, poses composed through the world frame. Returns labels, depth and amodal counts.
 */
function bruteForce(plan: ScenePlan): { objectIndex: Int16Array; depthM: Float64Array; amodal: Int32Array } {
  const { width, height } = plan.camera.size;
  const worldFromCamera = invertPose(plan.camera.cameraFromWorld);
  const partFromWorld = plan.objects.map((o) => o.parts.map((p) => invertPose(composePoses(o.pose, p.pose))));
  const objectIndex = new Int16Array(width * height).fill(-1);
  const depthM = new Float64Array(width * height);
  const amodal = new Int32Array(plan.objects.length);
  const hit = createRayHit();
  const far = plan.environment.maxDepthM;
  const c = worldFromCamera.translation;
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const dW = rotateByPose(worldFromCamera, [(u - K.cx) / K.fx, (v - K.cy) / K.fy, 1]);
      let best = far;
      let label = -2; // sky
      for (const pl of plan.environment.planes) {
        if (intersectPlaneInto(hit, c[0], c[1], c[2], dW[0], dW[1], dW[2], NEAR_M, best, pl.normal[0], pl.normal[1], pl.normal[2], pl.offsetM)) {
          best = hit.t;
          label = -1;
        }
      }
      plan.objects.forEach((o, k) => {
        let nearest = far;
        o.parts.forEach((p, j) => {
          const pose = partFromWorld[k]![j]!;
          const oP = applyPose(pose, c);
          const dP = rotateByPose(pose, dW);
          if (intersectPrimitiveInto(hit, p.shape, oP[0], oP[1], oP[2], dP[0], dP[1], dP[2], NEAR_M, nearest)) nearest = hit.t;
        });
        if (nearest < far) {
          amodal[k]!++;
          if (nearest < best) {
            best = nearest;
            label = k;
          }
        }
      });
      const i = v * width + u;
      objectIndex[i] = Math.max(label, -1);
      depthM[i] = label === -2 ? 0 : best;
    }
  }
  return { objectIndex, depthM, amodal };
}

function visibleCounts(out: RenderedScene, n: number): number[] {
  const counts = new Array<number>(n).fill(0);
  for (const k of out.objectIndex) if (k >= 0) counts[k]!++;
  return counts;
}

/**
 * The truth is true: every object pixel back-projects onto a part of its object (1e-6 m), every
 * other pixel with depth onto a floor or wall plane, and the sky has depth 0; labels, depth and
 * amodal counts match the brute-force renderer.
 */
function expectTruth(plan: ScenePlan, out: RenderedScene): void {
  const { width, height } = plan.camera.size;
  const worldFromCamera = invertPose(plan.camera.cameraFromWorld);
  const partFromWorld = plan.objects.map((o) => o.parts.map((p) => invertPose(composePoses(o.pose, p.pose))));
  let worst = 0;
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const i = v * width + u;
      const k = out.objectIndex[i]!;
      const z = out.depthM[i]!;
      if (k < 0 && z === 0) continue; // sky
      expect(z).toBeGreaterThan(0);
      const pW = applyPose(worldFromCamera, backProject(K, [u, v], z));
      let d: number;
      if (k >= 0) {
        d = Math.min(...plan.objects[k]!.parts.map((p, j) => surfaceDistance(p.shape, applyPose(partFromWorld[k]![j]!, pW))));
      } else {
        d = Math.min(...plan.environment.planes.map((pl) => Math.abs(pl.normal[0] * pW[0] + pl.normal[1] * pW[1] + pl.normal[2] * pW[2] - pl.offsetM)));
      }
      worst = Math.max(worst, d);
    }
  }
  expect(worst).toBeLessThan(1e-6);

  const ref = bruteForce(plan);
  let labelMismatches = 0;
  let depthWorst = 0;
  for (let i = 0; i < width * height; i++) {
    if (ref.objectIndex[i] !== out.objectIndex[i]) labelMismatches++;
    depthWorst = Math.max(depthWorst, Math.abs(ref.depthM[i]! - out.depthM[i]!));
  }
  expect(labelMismatches).toBe(0);
  expect(depthWorst).toBeLessThan(1e-6);
  expect(Array.from(out.amodalPixels)).toEqual(Array.from(ref.amodal));
  visibleCounts(out, plan.objects.length).forEach((n, k) => expect(out.amodalPixels[k]).toBeGreaterThanOrEqual(n));
}

const at = (out: RenderedScene, u: number, v: number): number => v * SIZE.width + u;

// ------------------------------------------------------------------------------------------------

describe("renderScene", () => {
  it("the level test camera maps world y-up to camera y-down, centre at height 1", () => {
    const cam = camera();
    expect(cam.cameraFromWorld.rotation.map((x) => x + 0)).toEqual([1, 0, 0, 0, -1, 0, 0, 0, 1]);
    expect(cam.cameraFromWorld.translation.map((x) => x + 0)).toEqual([0, 1, 0]);
    expect(cam.gravity.map((x) => x + 0)).toEqual([0, 1, 0]);
  });

  it("a box facing the camera: centre depth is the face's depth", () => {
    const plan = scene([object(0, [part({ kind: "box", size: [1, 2, 1] }, [0, 1, 0])], [0, 0, 4])]);
    const out = renderScene(plan);
    const i = at(out, 80, 60);
    expect(out.depthM[i]).toBe(3.5);
    expect(out.objectIndex[i]).toBe(0);
    expectTruth(plan, out);
  });

  it("a sphere: centre depth = distance - radius", () => {
    const plan = scene([object(0, [part({ kind: "sphere", radius: 0.5 }, [0, 1, 0])], [0, 0, 4.25])]);
    const out = renderScene(plan);
    expect(out.depthM[at(out, 80, 60)]).toBeCloseTo(3.75, 6);
    expectTruth(plan, out);
  });

  it("every primitive kind, yawed and tilted parts, level camera: the truth is true", () => {
    const plan = scene(allKinds());
    const out = renderScene(plan);
    visibleCounts(out, plan.objects.length).forEach((n, k) => expect(n, `object ${k}`).toBeGreaterThan(20));
    expectTruth(plan, out);
  });

  it("every primitive kind, camera pitched 20 degrees and rolled 5: the truth is true", () => {
    const plan = scene(allKinds(), camera({ heightM: 1.6, pitchRad: (20 * Math.PI) / 180, rollRad: (5 * Math.PI) / 180 }));
    const out = renderScene(plan);
    visibleCounts(out, plan.objects.length).forEach((n, k) => expect(n, `object ${k}`).toBeGreaterThan(20));
    expectTruth(plan, out);
  });

  it("outdoors: ground pixels back-project to world y = 0, the sky has depth 0, nothing beyond maxDepthM", () => {
    const plan = scene(allKinds(), camera({ heightM: 1.2, pitchRad: 0.1, rollRad: -0.05 }), OUTDOOR);
    const out = renderScene(plan);
    const worldFromCamera = invertPose(plan.camera.cameraFromWorld);
    let ground = 0;
    let sky = 0;
    for (let v = 0; v < SIZE.height; v++) {
      for (let u = 0; u < SIZE.width; u++) {
        const i = v * SIZE.width + u;
        const z = out.depthM[i]!;
        expect(z).toBeLessThan(OUTDOOR.maxDepthM);
        if (out.objectIndex[i] !== -1) continue;
        if (z === 0) {
          sky++;
          expect([out.rgb[3 * i], out.rgb[3 * i + 1], out.rgb[3 * i + 2]]).toEqual([140, 180, 230]);
          continue;
        }
        ground++;
        expect(Math.abs(applyPose(worldFromCamera, backProject(K, [u, v], z))[1])).toBeLessThan(1e-6);
      }
    }
    expect(ground).toBeGreaterThan(1000);
    expect(sky).toBeGreaterThan(1000);
    expectTruth(plan, out);
  });

  it("an object reaching behind the camera (whole-image rectangle) is still exact", () => {
    const wallish = object(0, [part({ kind: "box", size: [0.2, 1.5, 6] }, [0, 0.75, 0])], [1.2, 0, 1]);
    const plan = scene([wallish, ...allKinds().slice(1).map((o, k) => ({ ...o, id: k + 1 }))], camera({ pitchRad: 0.2 }));
    expectTruth(plan, renderScene(plan));
  });

  it("occlusion: the nearer box hides the farther one where they overlap", () => {
    const front = object(0, [part({ kind: "box", size: [0.8, 0.8, 0.4] }, [0, 0.4, 0])], [0, 0.4, 3]);
    const back = object(1, [part({ kind: "box", size: [0.8, 0.8, 0.4] }, [0, 0.4, 0])], [0.5, 0.4, 6]);
    const plan = scene([front, back]);
    const out = renderScene(plan);
    const [nFront, nBack] = visibleCounts(out, 2);
    expect(out.amodalPixels[0]).toBe(nFront); // unoccluded and fully inside the image
    expect(nBack).toBeGreaterThan(0);
    expect(out.amodalPixels[1]).toBeGreaterThan(nBack!);
    // Wherever the front box's own ray hits it, the pixel shows it.
    const ref = bruteForce(scene([front]));
    for (let i = 0; i < ref.objectIndex.length; i++) if (ref.objectIndex[i] === 0) expect(out.objectIndex[i]).toBe(0);
    expectTruth(plan, out);
  });

  it("a fully hidden object has 0 visible pixels but a positive amodal area", () => {
    const big = object(0, [part({ kind: "box", size: [1.5, 1.5, 0.3] }, [0, 0.75, 0])], [0, 0.25, 3]);
    const hidden = object(1, [part({ kind: "sphere", radius: 0.2 }, [0, 0.2, 0])], [0, 0.8, 5]);
    const plan = scene([big, hidden]);
    const out = renderScene(plan);
    expect(visibleCounts(out, 2)).toEqual([out.amodalPixels[0], 0]);
    expect(out.amodalPixels[1]).toBeGreaterThan(50);
  });

  it("an object cut by the image border: amodal counts only pixels inside the image", () => {
    const cut = object(0, [part({ kind: "box", size: [1, 1, 1] }, [0, 0.5, 0])], [1.6, 0.5, 3]);
    const plan = scene([cut]);
    const out = renderScene(plan);
    const visible = visibleCounts(out, 1)[0]!;
    expect(out.objectIndex[at(out, SIZE.width - 1, 60)]).toBe(0);
    expect(out.amodalPixels[0]).toBe(visible);
    expectTruth(plan, out);
  });

  it("rendering twice gives identical bytes", () => {
    const plan = scene(allKinds(), camera({ pitchRad: 0.3, rollRad: 0.1 }));
    const a = renderScene(plan);
    const b = renderScene(plan);
    expect(Buffer.from(a.rgb).equals(Buffer.from(b.rgb))).toBe(true);
    expect(Buffer.from(a.depthM.buffer).equals(Buffer.from(b.depthM.buffer))).toBe(true);
    expect(Buffer.from(a.objectIndex.buffer).equals(Buffer.from(b.objectIndex.buffer))).toBe(true);
    expect(Buffer.from(a.specular).equals(Buffer.from(b.specular))).toBe(true);
    expect(Array.from(a.amodalPixels)).toEqual(Array.from(b.amodalPixels));
  });

  it("the specular mask is exactly the visible pixels of specular materials", () => {
    const plan = scene(allKinds());
    const out = renderScene(plan);
    for (let i = 0; i < out.specular.length; i++) expect(out.specular[i]).toBe(out.objectIndex[i] === 2 ? 1 : 0);
  });

  it("colour: full ambient gives the material colour; the lit top is brighter than a side facing away", () => {
    const box = object(0, [part({ kind: "box", size: [1, 0.5, 1] }, [0, 0.25, 0], mat([200, 100, 50]))], [0, 0, 3]);
    const cam = camera({ heightM: 1.5, pitchRad: 0.4 });
    const flat = renderScene(scene([box], cam, ROOM, 1));
    const lit = renderScene({ ...scene([box], cam), light: { direction: [0, -1, 0], ambient: 0.2 } });
    const worldFromCamera = invertPose(cam.cameraFromWorld);
    let top = -1;
    let front = -1;
    for (let v = 0; v < SIZE.height; v++) {
      const i = at(flat, 80, v);
      if (flat.objectIndex[i] !== 0) continue;
      expect([flat.rgb[3 * i], flat.rgb[3 * i + 1], flat.rgb[3 * i + 2]]).toEqual([200, 100, 50]);
      const y = applyPose(worldFromCamera, backProject(K, [80, v], lit.depthM[i]!))[1];
      if (Math.abs(y - 0.5) < 1e-6) top = lit.rgb[3 * i]!;
      else front = lit.rgb[3 * i]!;
    }
    expect(top).toBeGreaterThan(0);
    expect(front).toBeGreaterThan(0);
    expect(top).toBeGreaterThan(front + 50);
  });

  it("rejects malformed plans with the field named", () => {
    const good = scene(allKinds());
    expect(() => renderScene({ ...good, objects: [{ ...good.objects[0]!, id: 3 }] })).toThrow(/objects\[0\]\.id = 3/);
    expect(() => renderScene({ ...good, light: { direction: [0, -2, 0], ambient: 0.3 } })).toThrow(InputError);
    expect(() => renderScene({ ...good, camera: { ...good.camera, size: { width: 0, height: 10 } } })).toThrow(/width/);
    const badShape = object(0, [part({ kind: "sphere", radius: -1 }, [0, 0, 0])], [0, 0, 3]);
    expect(() => renderScene(scene([badShape]))).toThrow(/radius = -1/);
  });
});
