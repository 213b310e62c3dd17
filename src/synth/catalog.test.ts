import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import type { Mat3 } from "../geometry/index.js";
import { mulMat3, transposeMat3 } from "../geometry/index.js";
import { createRng } from "../random.js";
import { aabbSize, buildObject, CATEGORIES, CATEGORY_NAMES, getCategory, partBounds, partsBounds } from "./catalog.js";
import { isColorName } from "./materials.js";
import type { Part } from "./types.js";

const TOL = 1e-9;

function expectRotation(R: Mat3): void {
  const I = mulMat3(R, transposeMat3(R));
  [1, 0, 0, 0, 1, 0, 0, 0, 1].forEach((v, i) => expect(Math.abs(I[i]! - v)).toBeLessThan(1e-12));
}

function expectValidPart(part: Part): void {
  const s = part.shape;
  const sizes = s.kind === "box" ? [...s.size] : s.kind === "sphere" ? [s.radius] : s.kind === "cylinder" ? [s.radius, s.height] : [s.radiusBottom, s.height];
  for (const v of sizes) expect(Number.isFinite(v) && v > 0).toBe(true);
  if (s.kind === "frustum") expect(Number.isFinite(s.radiusTop) && s.radiusTop >= 0).toBe(true);
  for (const v of [...part.pose.rotation, ...part.pose.translation]) expect(Number.isFinite(v)).toBe(true);
  expectRotation(part.pose.rotation);
  for (const c of part.material.rgb) expect(Number.isInteger(c) && c >= 0 && c <= 255).toBe(true);
  expect(part.material.textureScaleM).toBeGreaterThan(0);
}

describe("the catalog", () => {
  it("has at least 24 categories, including the ones the issue names", () => {
    expect(CATEGORY_NAMES.length).toBeGreaterThanOrEqual(24);
    const named = ["chair", "table", "desk", "sofa", "bed", "lamp", "monitor", "laptop", "mug", "bottle", "book", "box", "ball", "plant", "trash can", "cabinet", "door", "car", "bicycle", "person", "traffic cone", "bench", "suitcase", "toilet", "tv", "bookshelf", "stool", "vase", "backpack", "fire hydrant"];
    for (const name of named) expect(CATEGORY_NAMES).toContain(name);
    expect([...CATEGORY_NAMES].sort()).toEqual(CATEGORY_NAMES);
    expect(new Set(CATEGORY_NAMES).size).toBe(CATEGORY_NAMES.length);
  });

  it("describes every category consistently", () => {
    for (const name of CATEGORY_NAMES) {
      const c = getCategory(name);
      expect(c.name).toBe(name);
      expect(c.placements.length).toBeGreaterThan(0);
      expect(c.colors.length).toBeGreaterThan(0);
      for (const color of c.colors) expect(isColorName(color)).toBe(true);
      for (let i = 0; i < 3; i++) {
        expect(c.extentsM.min[i]!).toBeGreaterThan(0);
        expect(c.extentsM.max[i]!).toBeGreaterThanOrEqual(c.extentsM.min[i]!);
      }
      // Wall-only things (doors, toilets) exist only in rooms.
      if (c.placements.every((p) => p === "wall")) expect(c.setting).toBe("indoor");
    }
    for (const name of ["table", "desk", "cabinet", "bookshelf"]) expect(getCategory(name).canSupport).toBe(true);
    for (const name of ["mug", "bottle", "laptop", "monitor", "lamp", "tv"]) expect(getCategory(name).placements).toContain("surface");
    expect(getCategory("car").setting).toBe("outdoor");
    expect(getCategory("bed").setting).toBe("indoor");
  });

  it("builds valid instances resting on y = 0 with exact bounds, across seeds, sizes and colours", () => {
    for (const name of CATEGORY_NAMES) {
      const c = getCategory(name);
      for (let seed = 0; seed < 4; seed++) {
        for (const f of [0, 0.37, 1]) {
          const color = c.colors[seed % c.colors.length]!;
          const built = c.build(createRng(seed * 7 + 1), f, color);
          expect(built.parts.length).toBeGreaterThan(0);
          built.parts.forEach(expectValidPart);
          const b = built.localBounds;
          // The bounds are the exact union of the parts' boxes, each part inside them.
          expect(partsBounds(built.parts)).toEqual(b);
          for (const part of built.parts) {
            const pb = partBounds(part);
            for (let i = 0; i < 3; i++) {
              expect(pb.min[i]!).toBeGreaterThanOrEqual(b.min[i]! - TOL);
              expect(pb.max[i]!).toBeLessThanOrEqual(b.max[i]! + TOL);
            }
          }
          // Resting on its base, footprint centred on the origin.
          expect(Math.abs(b.min[1])).toBeLessThan(TOL);
          expect(Math.abs(b.min[0] + b.max[0])).toBeLessThan(TOL);
          expect(Math.abs(b.min[2] + b.max[2])).toBeLessThan(TOL);
          // Real-world size: within the category's stated extents.
          const size = aabbSize(b);
          for (let i = 0; i < 3; i++) {
            expect(size[i]!, `${name} extent ${i}`).toBeGreaterThanOrEqual(c.extentsM.min[i]! - TOL);
            expect(size[i]!, `${name} extent ${i}`).toBeLessThanOrEqual(c.extentsM.max[i]! + TOL);
          }
          // Supports report their top: the highest plane of the object, its rectangle inside the footprint.
          expect(built.supportTop !== null).toBe(c.canSupport);
          if (built.supportTop) {
            const t = built.supportTop;
            expect(t.heightM).toBe(b.max[1]);
            expect(t.minXZ[0]).toBeGreaterThanOrEqual(b.min[0]);
            expect(t.minXZ[1]).toBeGreaterThanOrEqual(b.min[2]);
            expect(t.maxXZ[0]).toBeLessThanOrEqual(b.max[0]);
            expect(t.maxXZ[1]).toBeLessThanOrEqual(b.max[2]);
            expect(t.maxXZ[0] - t.minXZ[0]).toBeGreaterThan(0.1);
            expect(t.maxXZ[1] - t.minXZ[1]).toBeGreaterThan(0.1);
          }
        }
      }
    }
  });

  it("paints the dominant part in the asked colour", () => {
    for (const name of ["chair", "car", "mug", "sofa", "person"]) {
      const c = getCategory(name);
      const built = c.build(createRng(3), 0.5, "red");
      const reds = built.parts.filter((p) => p.material.rgb[0] > 150 && p.material.rgb[1] < 60 && p.material.rgb[2] < 60);
      expect(reds.length, name).toBeGreaterThan(0);
    }
  });

  it("is deterministic for a seed and varies across seeds", () => {
    for (const name of CATEGORY_NAMES) {
      const a = buildObject(name, createRng(12));
      expect(buildObject(name, createRng(12))).toEqual(a);
      const others = [13, 14, 15].map((s) => buildObject(name, createRng(s)));
      expect(others.some((o) => JSON.stringify(o) !== JSON.stringify(a))).toBe(true);
    }
  });

  it("gives size classes that follow the size factor", () => {
    let smallAtZero = 0;
    let total = 0;
    for (const name of CATEGORY_NAMES) {
      for (let seed = 0; seed < 10; seed++) {
        const lo = buildObject(name, createRng(seed), { sizeFactor: 0 });
        const hi = buildObject(name, createRng(seed), { sizeFactor: 1 });
        expect(lo.attributes.size, name).not.toBe("large");
        expect(hi.attributes.size, name).not.toBe("small");
        total++;
        if (lo.attributes.size === "small") smallAtZero++;
      }
    }
    expect(smallAtZero / total).toBeGreaterThan(0.9);
  });

  it("labels instances with the category name and a colour of its range", () => {
    const rng = createRng(8);
    for (let i = 0; i < 50; i++) {
      const name = CATEGORY_NAMES[i % CATEGORY_NAMES.length]!;
      const o = buildObject(name, rng);
      expect(o.label).toBe(name);
      expect(CATEGORIES[name]!.colors).toContain(o.attributes.color);
      expect(["small", "medium", "large"]).toContain(o.attributes.size);
    }
    expect(buildObject("mug", createRng(1), { color: "pink" }).attributes.color).toBe("pink");
  });

  it("rejects unknown names and bad build arguments with clear errors", () => {
    const err = errorOf(() => getCategory("unicorn"));
    expect(err.message).toContain('"unicorn"');
    expect(err.message).toContain("is not a supported category; choose one of backpack, ball,");
    expect(errorOf(() => buildObject("spaceship", createRng(1))).message).toContain("is not a supported category");
    expect(errorOf(() => getCategory("toString")).message).toContain("is not a supported category");
    expect(errorOf(() => getCategory("chair").build(createRng(1), 1.5)).message).toContain("chair.build: sizeFactor = 1.5: must be a number in [0, 1]");
    expect(errorOf(() => getCategory("chair").build(createRng(1), NaN)).message).toContain("sizeFactor = NaN");
    expect(errorOf(() => getCategory("chair").build(createRng(1), 0.5, "mauve" as never)).message).toContain("is not a supported colour");
  });
});
