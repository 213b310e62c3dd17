import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import type { Vec2, Vec3 } from "../geometry/index.js";
import { applyPose, clipConvexPolygon, composePoses, invertPose, polygonArea, project } from "../geometry/index.js";
import { getCategory } from "./catalog.js";
import { DEFAULT_LAYOUT_OPTIONS, resolveLayoutOptions, sampleScenePlan } from "./layout.js";
import type { SceneObject, ScenePlan } from "./types.js";

const size = { width: 320, height: 240 };
const plans: ScenePlan[] = Array.from({ length: 60 }, (_, seed) => sampleScenePlan(seed, { size }));

/** Footprint corners (world x, z) of an object's bounds, in order around the rectangle. */
function footprint(o: SceneObject): Vec2[] {
  const { min, max } = o.localBounds;
  return ([[min[0], min[2]], [max[0], min[2]], [max[0], max[2]], [min[0], max[2]]] as const).map(([x, z]) => {
    const p = applyPose(o.pose, [x, 0, z]);
    return [p[0], p[2]] as Vec2;
  });
}

/** Euclidean distance between two disjoint convex polygons (vertex to edge, both ways). */
function polygonDistance(a: readonly Vec2[], b: readonly Vec2[]): number {
  const pointSeg = (p: Vec2, s: Vec2, e: Vec2): number => {
    const dx = e[0] - s[0];
    const dz = e[1] - s[1];
    const t = Math.max(0, Math.min(1, ((p[0] - s[0]) * dx + (p[1] - s[1]) * dz) / (dx * dx + dz * dz)));
    return Math.hypot(p[0] - s[0] - t * dx, p[1] - s[1] - t * dz);
  };
  let best = Infinity;
  for (const [P, Q] of [[a, b], [b, a]] as const) {
    for (const p of P) for (let i = 0; i < Q.length; i++) best = Math.min(best, pointSeg(p, Q[i]!, Q[(i + 1) % Q.length]!));
  }
  return best;
}

function cameraPoint(plan: ScenePlan, o: SceneObject, local: Vec3): Vec3 {
  return applyPose(composePoses(plan.camera.cameraFromWorld, o.pose), local);
}

/** 2D box of the object's projected bounds corners (all objects lie in front of the camera). */
function projectedBox(plan: ScenePlan, o: SceneObject): { u0: number; u1: number; v0: number; v1: number; z: number } {
  const b = o.localBounds;
  let u0 = Infinity;
  let u1 = -Infinity;
  let v0 = Infinity;
  let v1 = -Infinity;
  for (let i = 0; i < 8; i++) {
    const p = cameraPoint(plan, o, [i & 1 ? b.max[0] : b.min[0], i & 2 ? b.max[1] : b.min[1], i & 4 ? b.max[2] : b.min[2]]);
    const uv = project(plan.camera.intrinsics, p)!;
    u0 = Math.min(u0, uv[0]);
    u1 = Math.max(u1, uv[0]);
    v0 = Math.min(v0, uv[1]);
    v1 = Math.max(v1, uv[1]);
  }
  const c = cameraPoint(plan, o, [(b.min[0] + b.max[0]) / 2, (b.min[1] + b.max[1]) / 2, (b.min[2] + b.max[2]) / 2]);
  return { u0, u1, v0, v1, z: c[2] };
}

describe("sampleScenePlan", () => {
  it("is a pure function of the seed and options", () => {
    expect(sampleScenePlan(7, { size })).toEqual(plans[7]);
    expect(sampleScenePlan(8, { size })).not.toEqual(plans[7]);
    expect(plans[5]!.seed).toBe(5);
  });

  it("places between minObjects and maxObjects objects, with ids in order", () => {
    for (const plan of plans) {
      expect(plan.objects.length).toBeGreaterThanOrEqual(DEFAULT_LAYOUT_OPTIONS.minObjects);
      expect(plan.objects.length).toBeLessThanOrEqual(DEFAULT_LAYOUT_OPTIONS.maxObjects);
      plan.objects.forEach((o, i) => expect(o.id).toBe(i));
    }
    const counts = new Set(plans.map((p) => p.objects.length));
    expect(counts.size).toBeGreaterThan(5);
    for (let seed = 0; seed < 20; seed++) {
      expect(sampleScenePlan(seed, { size, minObjects: 4, maxObjects: 4 }).objects).toHaveLength(4);
      expect(sampleScenePlan(seed, { size, minObjects: 0, maxObjects: 0 }).objects).toHaveLength(0);
    }
  });

  it("keeps floor footprints apart (at least the 5 cm margin) and inside the room", () => {
    for (const plan of plans) {
      const floor = plan.objects.filter((o) => o.supportId === null);
      for (let i = 0; i < floor.length; i++) {
        const a = footprint(floor[i]!);
        for (let j = i + 1; j < floor.length; j++) {
          const b = footprint(floor[j]!);
          expect(polygonArea(clipConvexPolygon(a, b))).toBe(0);
          expect(polygonDistance(a, b)).toBeGreaterThanOrEqual(0.05 - 1e-9);
        }
        for (const o of floor) expect(o.pose.translation[1]).toBe(0);
      }
      for (const o of plan.objects) {
        // Every corner of every object on the visible side of every plane (inside the room), under the ceiling.
        const b = o.localBounds;
        for (let k = 0; k < 8; k++) {
          const p = applyPose(o.pose, [k & 1 ? b.max[0] : b.min[0], k & 2 ? b.max[1] : b.min[1], k & 4 ? b.max[2] : b.min[2]]);
          for (const pl of plan.environment.planes) {
            expect(pl.normal[0] * p[0] + pl.normal[1] * p[1] + pl.normal[2] * p[2] - pl.offsetM).toBeGreaterThanOrEqual(-1e-9);
          }
        }
      }
    }
  });

  it("stands stacked objects exactly on their support's top, inside its footprint", () => {
    let stacked = 0;
    for (const plan of plans) {
      for (const o of plan.objects) {
        if (o.supportId === null) continue;
        stacked++;
        const s = plan.objects[o.supportId]!;
        expect(s.supportId).toBeNull();
        expect(getCategory(s.label).canSupport).toBe(true);
        expect(getCategory(o.label).placements).toContain("surface");
        const supportTopY = s.pose.translation[1] + s.localBounds.max[1];
        expect(Math.abs(o.pose.translation[1] + o.localBounds.min[1] - supportTopY)).toBeLessThan(1e-9);
        const toSupport = invertPose(s.pose);
        for (const [x, z] of footprint(o)) {
          const q = applyPose(toSupport, [x, 0, z]);
          expect(q[0]).toBeGreaterThanOrEqual(s.localBounds.min[0] - 1e-9);
          expect(q[0]).toBeLessThanOrEqual(s.localBounds.max[0] + 1e-9);
          expect(q[2]).toBeGreaterThanOrEqual(s.localBounds.min[2] - 1e-9);
          expect(q[2]).toBeLessThanOrEqual(s.localBounds.max[2] + 1e-9);
        }
      }
    }
    expect(stacked).toBeGreaterThan(20);
  });

  it("puts objects in front of the camera and keeps upright objects upright", () => {
    for (const plan of plans.slice(0, 50)) {
      const zs = plan.objects.map((o) => projectedBox(plan, o).z);
      expect(zs.some((z) => z > 0)).toBe(true);
      for (const z of zs) expect(z).toBeGreaterThan(0);
      for (const o of plan.objects) {
        const R = o.pose.rotation;
        expect([R[1], R[3], R[4], R[5], R[7]]).toEqual([0, 0, 1, 0, 0]);
      }
    }
  });

  it("makes clutter: some objects cut by the image border, some hiding others", () => {
    let truncated = 0;
    let occluding = 0;
    let total = 0;
    for (const plan of plans) {
      const boxes = plan.objects.map((o) => projectedBox(plan, o));
      total += boxes.length;
      for (const b of boxes) if (b.u0 < -0.5 || b.v0 < -0.5 || b.u1 > size.width - 0.5 || b.v1 > size.height - 0.5) truncated++;
      for (let i = 0; i < boxes.length; i++) {
        for (let j = 0; j < boxes.length; j++) {
          const a = boxes[i]!;
          const b = boxes[j]!;
          if (i === j || a.z >= b.z || plan.objects[j]!.supportId === i) continue;
          const iw = Math.min(a.u1, b.u1) - Math.max(a.u0, b.u0);
          const ih = Math.min(a.v1, b.v1) - Math.max(a.v0, b.v0);
          if (iw > 0 && ih > 0 && iw * ih > 0.25 * (b.u1 - b.u0) * (b.v1 - b.v0)) occluding++;
        }
      }
    }
    expect(truncated / total).toBeGreaterThan(0.1);
    expect(truncated / total).toBeLessThan(0.5);
    expect(occluding / plans.length).toBeGreaterThan(1);
  });

  it("honours the indoor ratio", () => {
    const share = (ratio: number, n: number): number => {
      let rooms = 0;
      for (let seed = 0; seed < n; seed++) if (sampleScenePlan(seed, { size, indoorRatio: ratio, maxObjects: 2 }).environment.kind === "room") rooms++;
      return rooms / n;
    };
    expect(Math.abs(share(0.6, 200) - 0.6)).toBeLessThan(0.1);
    expect(share(0, 30)).toBe(0);
    expect(share(1, 30)).toBe(1);
  });

  it("builds rooms with floor, walls and ceiling, and open ground outdoors", () => {
    for (const plan of plans) {
      const env = plan.environment;
      expect(env.planes[0]!.normal).toEqual([0, 1, 0]);
      expect(env.planes[0]!.offsetM).toBe(0);
      for (const pl of env.planes) expect(Math.hypot(...pl.normal)).toBeCloseTo(1, 12);
      if (env.kind === "room") {
        expect(env.planes).toHaveLength(6);
        // The camera is inside the room.
        for (const pl of env.planes) expect(pl.normal[1] * plan.camera.heightM - pl.offsetM).toBeGreaterThan(0);
      } else {
        expect(env.planes).toHaveLength(1);
        expect(env.maxDepthM).toBe(40);
        for (const o of plan.objects) expect(getCategory(o.label).setting).not.toBe("indoor");
      }
      const d = plan.light.direction;
      expect(Math.hypot(...d)).toBeCloseTo(1, 12);
      expect(d[1]).toBeLessThan(-0.5);
      expect(plan.light.ambient).toBeGreaterThan(0);
      expect(plan.light.ambient).toBeLessThan(1);
    }
    expect(plans.some((p) => p.environment.kind === "room")).toBe(true);
    expect(plans.some((p) => p.environment.kind === "outdoor")).toBe(true);
  });

  it("uses only the categories asked for, falling back to the scene kind they belong in", () => {
    for (let seed = 0; seed < 15; seed++) {
      const cars = sampleScenePlan(seed, { size, categories: ["car", "traffic cone"], indoorRatio: 1 });
      expect(cars.environment.kind).toBe("outdoor");
      for (const o of cars.objects) expect(["car", "traffic cone"]).toContain(o.label);
      const mugs = sampleScenePlan(seed, { size, categories: ["mug"], maxObjects: 3 });
      expect(mugs.objects.length).toBeGreaterThanOrEqual(2);
      for (const o of mugs.objects) expect(o).toMatchObject({ label: "mug", supportId: null });
      const doors = sampleScenePlan(seed, { size, categories: ["door"], indoorRatio: 0, maxObjects: 3 });
      expect(doors.environment.kind).toBe("room");
      for (const o of doors.objects) expect(o.label).toBe("door");
    }
  });

  it("rejects bad options, naming the field", () => {
    expect(errorOf(() => sampleScenePlan(-1, { size })).message).toContain("seed = -1");
    expect(errorOf(() => sampleScenePlan(1.5, { size })).field).toBe("seed");
    expect(errorOf(() => sampleScenePlan(1, { size, indoorRatio: 1.2 })).message).toContain("indoorRatio = 1.2: must be a number in [0, 1]");
    expect(errorOf(() => sampleScenePlan(1, { size, minObjects: 5, maxObjects: 3 })).field).toBe("maxObjects");
    expect(errorOf(() => sampleScenePlan(1, { size, minObjects: -1 })).field).toBe("minObjects");
    expect(errorOf(() => sampleScenePlan(1, { size, categories: ["chair", "spaceship"] })).message).toContain('"spaceship": is not a supported category');
    expect(errorOf(() => sampleScenePlan(1, { size, categories: [] })).field).toBe("categories");
    expect(errorOf(() => sampleScenePlan(1, { size, categories: ["mug", "mug"] })).message).toContain("listed twice");
    expect(errorOf(() => sampleScenePlan(1, { size, camera: { rollDeg: -1 } })).field).toBe("rollDeg");
    expect(errorOf(() => sampleScenePlan(1, { size: { width: 1.5, height: 2 } })).field).toBe("width");
    expect(errorOf(() => sampleScenePlan(1, {} as never)).field).toBe("size");
    expect(errorOf(() => sampleScenePlan(1, { size, objects: 3 } as never)).message).toContain("objects = 3: is not a layout option");
    expect(resolveLayoutOptions({ size }).categories.length).toBeGreaterThanOrEqual(24);
  });
});
