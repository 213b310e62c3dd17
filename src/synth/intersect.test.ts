import { describe, expect, it } from "vitest";
import { createRng } from "../random.js";
import type { Rng } from "../random.js";
import {
  createRayHit,
  intersectBoxInto,
  intersectCylinderInto,
  intersectFrustumInto,
  intersectPlaneInto,
  intersectPrimitiveInto,
  intersectSphereInto,
} from "./intersect.js";
import type { Primitive } from "./types.js";

/** The obviously-right membership test each fast intersection is checked against. */
function inside(s: Primitive, x: number, y: number, z: number): boolean {
  switch (s.kind) {
    case "box":
      return Math.abs(x) <= s.size[0] / 2 && Math.abs(y) <= s.size[1] / 2 && Math.abs(z) <= s.size[2] / 2;
    case "sphere":
      return x * x + y * y + z * z <= s.radius * s.radius;
    case "cylinder":
      return Math.abs(y) <= s.height / 2 && Math.hypot(x, z) <= s.radius;
    case "frustum": {
      const h = s.height / 2;
      const r = s.radiusBottom + ((y + h) / s.height) * (s.radiusTop - s.radiusBottom);
      return Math.abs(y) <= h && Math.hypot(x, z) <= r;
    }
  }
}

/**
 * Brute-force ray marching: the first t in (0, tEnd] where membership flips from `startInside`,
 * found by stepping `step` and then bisecting; null if it never flips.
 */
function march(s: Primitive, o: readonly number[], d: readonly number[], step: number, tEnd: number): number | null {
  const at = (t: number): boolean => inside(s, o[0]! + t * d[0]!, o[1]! + t * d[1]!, o[2]! + t * d[2]!);
  const start = at(0);
  let prev = 0;
  for (let t = step; t <= tEnd; t += step) {
    if (at(t) !== start) {
      let lo = prev;
      let hi = t;
      for (let k = 0; k < 80; k++) {
        const mid = 0.5 * (lo + hi);
        if (at(mid) !== start) hi = mid;
        else lo = mid;
      }
      return hi;
    }
    prev = t;
  }
  return null;
}

const SHAPES: readonly Primitive[] = [
  { kind: "box", size: [0.8, 1.3, 0.5] },
  { kind: "sphere", radius: 0.7 },
  { kind: "cylinder", radius: 0.4, height: 1.2 },
  { kind: "frustum", radiusBottom: 0.6, radiusTop: 0.25, height: 0.9 },
  { kind: "frustum", radiusBottom: 0.5, radiusTop: 0, height: 1.1 }, // cone
  { kind: "frustum", radiusBottom: 0.2, radiusTop: 0.55, height: 0.7 }, // opening upwards
];

function randomUnit(rng: Rng): [number, number, number] {
  for (;;) {
    const v = [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)] as const;
    const n = Math.hypot(...v);
    if (n > 0.1 && n <= 1) return [v[0] / n, v[1] / n, v[2] / n];
  }
}

describe("intersect: known values", () => {
  it("box face straight ahead, from either side and with tMax cutting it", () => {
    const hit = createRayHit();
    expect(intersectBoxInto(hit, 0, 0, -5, 0, 0, 1, 0, Infinity, 1, 1, 1)).toBe(true);
    expect(hit).toEqual({ t: 4, nx: 0, ny: 0, nz: -1 });
    expect(intersectBoxInto(hit, 0.3, -0.2, 5, 0, 0, -2, 0, Infinity, 1, 1, 1)).toBe(true);
    expect(hit).toEqual({ t: 2, nx: 0, ny: 0, nz: 1 });
    expect(intersectBoxInto(hit, 0, 0, -5, 0, 0, 1, 0, 4, 1, 1, 1)).toBe(false);
    expect(intersectBoxInto(hit, 0, 2, -5, 0, 0, 1, 0, Infinity, 1, 1, 1)).toBe(false);
  });

  it("a ray starting inside returns the exit with the outward normal", () => {
    const hit = createRayHit();
    expect(intersectBoxInto(hit, 0, 0, 0, 1, 0, 0, 0, Infinity, 2, 1, 1)).toBe(true);
    expect(hit).toEqual({ t: 2, nx: 1, ny: 0, nz: 0 });
    expect(intersectSphereInto(hit, 0, 0, 0, 0, -1, 0, 0, Infinity, 3)).toBe(true);
    expect(hit.t).toBeCloseTo(3, 14);
    expect(hit.ny).toBeCloseTo(-1, 14);
  });

  it("sphere: depth = distance - radius, normal towards the ray", () => {
    const hit = createRayHit();
    expect(intersectSphereInto(hit, 0, 0, -4, 0, 0, 1, 0, Infinity, 0.5)).toBe(true);
    expect(hit.t).toBe(3.5);
    expect([hit.nx, hit.ny, hit.nz]).toEqual([0, 0, -1]);
    expect(intersectSphereInto(hit, 0, 0.6, -4, 0, 0, 1, 0, Infinity, 0.5)).toBe(false);
  });

  it("cylinder: side and caps", () => {
    const hit = createRayHit();
    expect(intersectCylinderInto(hit, 0, 0, -3, 0, 0, 1, 0, Infinity, 0.5, 1)).toBe(true);
    expect(hit.t).toBe(2.5);
    expect([hit.nx, hit.ny, hit.nz].map((c) => c + 0)).toEqual([0, 0, -1]); // + 0: -0 and 0 are the same normal
    expect(intersectCylinderInto(hit, 0.2, 5, 0.1, 0, -1, 0, 0, Infinity, 0.5, 1)).toBe(true);
    expect(hit).toEqual({ t: 4, nx: 0, ny: 1, nz: 0 });
    expect(intersectCylinderInto(hit, 0.2, -5, 0.1, 0, 1, 0, 0, Infinity, 0.5, 1)).toBe(true);
    expect(hit).toEqual({ t: 4, nx: 0, ny: -1, nz: 0 });
    expect(intersectCylinderInto(hit, 0.6, 5, 0, 0, -1, 0, 0, Infinity, 0.5, 1)).toBe(false);
  });

  it("cone: side depth at mid height, apex from above, tilted side normal", () => {
    const hit = createRayHit();
    // radius 0.5 at y = -0.5, 0 at y = +0.5: at y = 0 the radius is 0.25.
    expect(intersectFrustumInto(hit, 0, 0, -3, 0, 0, 1, 0, Infinity, 0.5, 0, 0.5)).toBe(true);
    expect(hit.t).toBeCloseTo(2.75, 14);
    const s = 1 / Math.sqrt(1 + 0.25); // normal (0, 0.5, -1) normalised: the slope is 1/2
    expect(hit.ny).toBeCloseTo(0.5 * s, 14);
    expect(hit.nz).toBeCloseTo(-s, 14);
    expect(intersectFrustumInto(hit, 0, 3, 0, 0, -1, 0, 0, Infinity, 0.5, 0, 0.5)).toBe(true);
    expect(hit.t).toBeCloseTo(2.5, 14);
    expect(Math.hypot(hit.nx, hit.ny, hit.nz)).toBeCloseTo(1, 14);
  });

  it("plane: one-sided, t = distance along the ray", () => {
    const hit = createRayHit();
    expect(intersectPlaneInto(hit, 0, 1, 0, 0, -1, 1, 0, Infinity, 0, 1, 0, 0)).toBe(true);
    expect(hit).toEqual({ t: 1, nx: 0, ny: 1, nz: 0 });
    expect(intersectPlaneInto(hit, 0, -1, 0, 0, 1, 0, 0, Infinity, 0, 1, 0, 0)).toBe(false); // from behind
    expect(intersectPlaneInto(hit, 0, 1, 0, 1, 0, 0, 0, Infinity, 0, 1, 0, 0)).toBe(false); // parallel
  });

  it("a miss leaves the hit record untouched", () => {
    const hit = createRayHit();
    hit.t = 7;
    expect(intersectPrimitiveInto(hit, { kind: "sphere", radius: 1 }, 0, 5, -3, 0, 0, 1, 0, Infinity)).toBe(false);
    expect(hit.t).toBe(7);
  });
});

describe("intersect: against brute-force ray marching", () => {
  const step = 2e-3;
  for (const shape of SHAPES) {
    const name = shape.kind === "frustum" ? `frustum ${shape.radiusBottom}/${shape.radiusTop}` : shape.kind;
    it(`${name}: random rays from outside and inside`, () => {
      const rng = createRng(17);
      const hit = createRayHit();
      const exit = createRayHit();
      let hits = 0;
      for (let k = 0; k < 250; k++) {
        const fromInside = k % 10 === 0;
        const o = fromInside
          ? randomUnit(rng).map((c) => 0.1 * c)
          : randomUnit(rng).map((c) => 2.5 * c);
        const target = [rng.uniform(-0.8, 0.8), rng.uniform(-0.8, 0.8), rng.uniform(-0.8, 0.8)];
        const len = rng.uniform(0.5, 2); // d is not unit: t is in units of |d|
        const dir = fromInside ? randomUnit(rng) : target.map((c, i) => c - o[i]!);
        const dn = Math.hypot(...dir);
        const d = dir.map((c) => (c / dn) * len);
        const tEnd = 6 / len;
        const ref = march(shape, o, d, step / len, tEnd);
        const fast = intersectPrimitiveInto(hit, shape, o[0]!, o[1]!, o[2]!, d[0]!, d[1]!, d[2]!, 0, Infinity);
        if (ref !== null) {
          hits++;
          expect(fast, `ray ${k} misses but marching hits at ${ref}`).toBe(true);
          expect(Math.abs(hit.t - ref)).toBeLessThan(1e-9);
        } else if (fast) {
          // Marching can step over a sliver thinner than its step; the fast chord must be one.
          const left = intersectPrimitiveInto(exit, shape, o[0]!, o[1]!, o[2]!, d[0]!, d[1]!, d[2]!, hit.t + 1e-12, Infinity);
          expect(left ? exit.t - hit.t : 0).toBeLessThan(step / len);
        }
        if (fast) {
          const n = [hit.nx, hit.ny, hit.nz];
          expect(Math.hypot(...n)).toBeCloseTo(1, 12);
          const p = o.map((c, i) => c + hit.t * d[i]!);
          // Outward: a step along n leaves the solid, a step against it enters.
          expect(inside(shape, p[0]! + 1e-7 * n[0]!, p[1]! + 1e-7 * n[1]!, p[2]! + 1e-7 * n[2]!)).toBe(false);
          expect(inside(shape, p[0]! - 1e-7 * n[0]!, p[1]! - 1e-7 * n[1]!, p[2]! - 1e-7 * n[2]!)).toBe(true);
        }
      }
      expect(hits).toBeGreaterThan(60);
    });
  }
});
