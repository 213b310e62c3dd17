import { describe, expect, it } from "vitest";
import { rotationY, type Box2D, type Box3D, type Intrinsics } from "../geometry/index.js";
import { coverBox2d, type CoverOptions } from "./cover.js";

const K: Intrinsics = { fx: 500, fy: 500, cx: 320, cy: 240 };
const EXTEND: CoverOptions = { boxCover: "extend", boxCoverSides: "lateral", boxCoverMaxShare: 0.5 };

/** The 2D bounding box of a Box3D's projected corners. */
function projected(box: Box3D): Box2D {
  const R = rotationY(box.yaw);
  let x1 = Infinity;
  let x2 = -Infinity;
  let y1 = Infinity;
  let y2 = -Infinity;
  for (const sx of [-1, 1]) {
    for (const sy of [-1, 1]) {
      for (const sz of [-1, 1]) {
        const l = [(sx * box.size[0]) / 2, (sy * box.size[1]) / 2, (sz * box.size[2]) / 2];
        const p = [0, 1, 2].map((r) => box.center[r]! + R[3 * r]! * l[0]! + R[3 * r + 1]! * l[1]! + R[3 * r + 2]! * l[2]!);
        const u = (K.fx * p[0]!) / p[2]! + K.cx;
        const v = (K.fy * p[1]!) / p[2]! + K.cy;
        x1 = Math.min(x1, u);
        x2 = Math.max(x2, u);
        y1 = Math.min(y1, v);
        y2 = Math.max(y2, v);
      }
    }
  }
  return { x1, y1, x2, y2 };
}

describe("coverBox2d", () => {
  const box: Box3D = { center: [0.3, 0.2, 3], size: [0.6, 0.8, 0.5], yaw: 0.4 };
  const seen = projected(box);

  it("moves the lateral faces out until the projection reaches the 2D box's left and right edges", () => {
    const wider = { ...seen, x1: seen.x1 - 12, x2: seen.x2 + 7 };
    const out = coverBox2d(box, wider, K, EXTEND);
    const p = projected(out);
    expect(p.x1).toBeCloseTo(wider.x1, 6);
    expect(p.x2).toBeCloseTo(wider.x2, 6);
    expect(out.yaw).toBe(box.yaw);
    expect(out.size[1]).toBe(box.size[1]);
    // The lateral axis is local x here (yaw 0.4 keeps x across the ray): the depth extent stays.
    expect(out.size[2]).toBe(box.size[2]);
    expect(out.size[0]).toBeGreaterThan(box.size[0]);
  });

  it("extends only: a box whose projection already covers the 2D box is kept; match pulls it in", () => {
    const narrower = { ...seen, x1: seen.x1 + 5, x2: seen.x2 - 5 };
    expect(coverBox2d(box, narrower, K, EXTEND)).toEqual(box);
    const matched = projected(coverBox2d(box, narrower, K, { ...EXTEND, boxCover: "match" }));
    expect(matched.x1).toBeCloseTo(narrower.x1, 6);
    expect(matched.x2).toBeCloseTo(narrower.x2, 6);
    expect(coverBox2d(box, { ...seen, x1: seen.x1 - 50 }, K, { ...EXTEND, boxCover: "off" })).toBe(box);
  });

  it("moves a face by at most boxCoverMaxShare of the box's size, and the top and bottom with all sides", () => {
    const far = coverBox2d(box, { ...seen, x1: seen.x1 - 200 }, K, { ...EXTEND, boxCoverMaxShare: 0.25 });
    expect(far.size[0]).toBeCloseTo(box.size[0] * 1.25, 9);
    const taller = { ...seen, y1: seen.y1 - 10, y2: seen.y2 + 4 };
    expect(coverBox2d(box, taller, K, EXTEND).size[1]).toBe(box.size[1]);
    const p = projected(coverBox2d(box, taller, K, { ...EXTEND, boxCoverSides: "all" }));
    expect(p.y1).toBeCloseTo(taller.y1, 6);
    expect(p.y2).toBeCloseTo(taller.y2, 6);
  });
});
