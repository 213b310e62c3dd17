import type { Vec3 } from "../../geometry/index.js";
import type { Part } from "../types.js";
import type { BuildContext, Category } from "./category.js";
import { defineCategory } from "./category.js";
import { boxSpan, cylinderX, cylinderY, frustumY, sphereAt } from "./parts.js";

/**
 * Small and portable things: tabletop items, containers, bags and plants. OBJECT frame: metres,
 * +y up, front towards +z.
 */

/** A mug with a handle on its +x side; its open top shows dark. */
export const mug: Category = defineCategory({
  name: "mug",
  extentsM: { min: [0.09, 0.08, 0.07], max: [0.125, 0.12, 0.095] },
  placements: ["surface"],
  canSupport: false,
  setting: "indoor",
  colors: ["white", "red", "blue", "black", "yellow", "green", "pink", "orange", "grey"],
  make(c) {
    const D = c.dim([0.07, 0.095]);
    const H = c.dim([0.08, 0.12]);
    const p = c.uniform(0.02, 0.03);
    const r = D / 2;
    const ceramic = c.material("ceramic", c.rgb);
    return {
      parts: [
        cylinderY(0, 0, 0, H - 0.001, r, ceramic),
        // The open top: a dark disc 1 mm proud of the rim reads as the inside of the mug.
        cylinderY(0, 0, H - 0.002, H, r - 0.005, c.material("plastic", [45, 28, 18])),
        boxSpan([r + p - 0.01, 0.25 * H, -0.006], [r + p, 0.8 * H, 0.006], ceramic),
        boxSpan([r - 0.004, 0.8 * H - 0.01, -0.006], [r + p, 0.8 * H, 0.006], ceramic),
        boxSpan([r - 0.004, 0.25 * H, -0.006], [r + p, 0.25 * H + 0.01, 0.006], ceramic),
      ],
    };
  },
});

/** A bottle: body, shoulder, neck, cap and a paper label. */
export const bottle: Category = defineCategory({
  name: "bottle",
  extentsM: { min: [0.061, 0.2, 0.061], max: [0.091, 0.33, 0.091] },
  placements: ["surface"],
  canSupport: false,
  setting: "indoor",
  colors: ["green", "blue", "white", "red", "orange", "silver", "brown", "light blue"],
  make(c) {
    const D = c.dim([0.06, 0.09]);
    const H = c.dim([0.2, 0.33]);
    const r = D / 2;
    const neckR = c.uniform(0.011, 0.015);
    const bodyTop = H * c.uniform(0.55, 0.65);
    const shoulderTop = H * c.uniform(0.75, 0.82);
    const capH = c.uniform(0.015, 0.022);
    const kind = c.color === "silver" ? "metal" : ["green", "brown", "light blue"].includes(c.color) ? "glass" : "plastic";
    const body = c.material(kind, c.rgb);
    const cap = c.material("plastic", c.pick(["white", "black", "red", "blue", "silver"] as const));
    const label = c.material("paper", c.pick(["white", "beige", "yellow", "red"] as const));
    return {
      parts: [
        cylinderY(0, 0, 0, bodyTop, r, body),
        frustumY(0, 0, bodyTop, shoulderTop, r, neckR, body),
        cylinderY(0, 0, shoulderTop, H - capH, neckR, body),
        cylinderY(0, 0, H - capH, H, neckR + 0.002, cap),
        cylinderY(0, 0, bodyTop * 0.25, bodyTop * 0.8, r + 0.0005, label),
      ],
    };
  },
});

/** A book lying flat: covers, spine on -x and the page block. */
export const book: Category = defineCategory({
  name: "book",
  extentsM: { min: [0.13, 0.015, 0.19], max: [0.24, 0.06, 0.3] },
  placements: ["surface", "floor"],
  canSupport: false,
  setting: "indoor",
  colors: ["red", "blue", "green", "yellow", "black", "white", "orange", "purple", "brown", "navy", "dark red"],
  make(c) {
    const W = c.dim([0.13, 0.24]);
    const H = c.dim([0.015, 0.06]);
    const D = c.dim([0.19, 0.3]);
    const t = Math.min(0.003, H * 0.15);
    const cover = c.material("paper", c.rgb);
    const pages = c.material("paper", [238, 232, 215]);
    return {
      parts: [
        boxSpan([-W / 2, 0, -D / 2], [W / 2, t, D / 2], cover),
        boxSpan([-W / 2, H - t, -D / 2], [W / 2, H, D / 2], cover),
        boxSpan([-W / 2, t, -D / 2], [-W / 2 + t, H - t, D / 2], cover),
        boxSpan([-W / 2 + t, t, -D / 2 + 0.004], [W / 2 - 0.004, H - t, D / 2 - 0.004], pages),
      ],
    };
  },
});

/** A cardboard box with tape, or a plastic storage box with a lid; others stand on its top. */
export const box: Category = defineCategory({
  name: "box",
  extentsM: { min: [0.15, 0.1, 0.15], max: [0.7, 0.6, 0.6] },
  placements: ["floor", "surface"],
  canSupport: true,
  setting: "both",
  colors: ["light brown", "brown", "white", "red", "blue", "black", "green", "grey"],
  make(c) {
    const W = c.dim([0.15, 0.7]);
    const H = c.dim([0.1, 0.6]);
    const D = c.dim([0.15, 0.6]);
    if (c.color === "light brown" || c.color === "brown") {
      // Cardboard with a strip of tape over the top.
      const tw = Math.min(0.05, W / 3);
      return {
        parts: [
          boxSpan([-W / 2, 0, -D / 2], [W / 2, H - 0.001, D / 2], c.material("cardboard", c.rgb)),
          boxSpan([-tw / 2, H - 0.0015, -D / 2], [tw / 2, H, D / 2], c.material("plastic", [200, 175, 130])),
        ],
        top: { part: 0 },
      };
    }
    // A plastic storage box: a body under a slightly wider lid.
    const lidH = Math.min(0.03, H / 4);
    const plastic = c.material("plastic", c.rgb);
    return {
      parts: [
        boxSpan([-W / 2, H - lidH, -D / 2], [W / 2, H, D / 2], plastic),
        boxSpan([-W / 2 + 0.008, 0, -D / 2 + 0.008], [W / 2 - 0.008, H - lidH, D / 2 - 0.008], plastic),
      ],
      top: { part: 0 },
    };
  },
});

/** A ball, from a tennis ball to a basketball. */
export const ball: Category = defineCategory({
  name: "ball",
  extentsM: { min: [0.065, 0.065, 0.065], max: [0.26, 0.26, 0.26] },
  placements: ["floor", "surface"],
  canSupport: false,
  setting: "both",
  colors: ["red", "blue", "orange", "white", "yellow", "green", "pink", "purple"],
  make(c) {
    const d = c.dim([0.065, 0.26], 0.05);
    const m = c.chance(0.4) ? c.material("stripes", c.rgb) : c.material(c.chance(0.5) ? "rubber" : "plastic", c.rgb);
    return { parts: [sphereAt([0, d / 2, 0], d / 2, { ...m, textureScaleM: d / 4 })] };
  },
});

/** A vase: foot, belly, neck and flared lip. */
export const vase: Category = defineCategory({
  name: "vase",
  extentsM: { min: [0.06, 0.15, 0.06], max: [0.27, 0.45, 0.27] },
  placements: ["surface", "floor"],
  canSupport: false,
  setting: "indoor",
  colors: ["white", "blue", "red", "green", "black", "yellow", "beige", "purple", "light blue"],
  make(c) {
    const H = c.dim([0.15, 0.45]);
    const rBelly = H * c.uniform(0.2, 0.3);
    const r0 = rBelly * c.uniform(0.55, 0.8);
    const rNeck = rBelly * c.uniform(0.35, 0.55);
    const rLip = rNeck * c.uniform(1.1, 1.4);
    const yBelly = H * c.uniform(0.45, 0.6);
    const yNeck = H * c.uniform(0.8, 0.88);
    const m = c.material(c.chance(0.75) ? "ceramic" : "glass", c.rgb);
    return {
      parts: [
        frustumY(0, 0, 0, yBelly, r0, rBelly, m),
        frustumY(0, 0, yBelly, yNeck, rBelly, rNeck, m),
        frustumY(0, 0, yNeck, H, rNeck, rLip, m),
      ],
    };
  },
});

/** Foliage: a crown sphere with `extra` smaller spheres hung lower around it. */
function foliage(c: BuildContext, topY: number, radius: number, extra: number, material: Part["material"]): Part[] {
  const parts: Part[] = [sphereAt([0, topY - radius, 0], radius, material)];
  for (let i = 0; i < extra; i++) {
    const a = c.uniform(0, 2 * Math.PI);
    const dist = radius * c.uniform(0.3, 0.5);
    const r = radius * c.uniform(0.55, 0.75);
    const y = topY - radius * c.uniform(1.3, 1.7);
    parts.push(sphereAt([dist * Math.cos(a), y, dist * Math.sin(a)], r, material));
  }
  return parts;
}

/** A potted plant: pot, soil, stem and foliage spheres. */
export const plant: Category = defineCategory({
  name: "plant",
  extentsM: { min: [0.11, 0.25, 0.11], max: [0.95, 1.4, 0.95] },
  placements: ["floor", "surface"],
  canSupport: false,
  setting: "both",
  colors: ["green", "dark green"],
  make(c) {
    const H = c.dim([0.25, 1.4]);
    const fr = H * c.uniform(0.22, 0.3);
    const ph = H * c.uniform(0.22, 0.32);
    const pr = ph * c.uniform(0.45, 0.6);
    const potRgb: Vec3 = c.chance(0.5) ? [185, 95, 60] : c.pick([[240, 240, 235], [128, 128, 128], [25, 25, 28]] as const);
    const pot = c.material("ceramic", potRgb);
    return {
      parts: [
        frustumY(0, 0, 0, ph, pr * c.uniform(0.7, 0.85), pr, pot),
        cylinderY(0, 0, ph - 0.01, ph + 0.003, pr - 0.004, c.material("cardboard", [60, 40, 25])),
        cylinderY(0, 0, ph - 0.01, H - fr, Math.max(0.006, H * 0.01), c.material("wood", [90, 70, 40])),
        ...foliage(c, H, fr, c.chance(0.7) ? 2 : 1, c.material("foliage", c.rgb)),
      ],
    };
  },
});

/** A trash can: tapered body with a rim (open) or a domed lid. */
export const trashCan: Category = defineCategory({
  name: "trash can",
  extentsM: { min: [0.25, 0.3, 0.25], max: [0.5, 0.95, 0.5] },
  placements: ["floor"],
  canSupport: false,
  setting: "both",
  colors: ["grey", "black", "silver", "blue", "green", "white", "dark grey"],
  make(c) {
    const OD = c.dim([0.25, 0.5]);
    const H = c.dim([0.3, 0.95]);
    const R = OD / 2;
    const m = c.material(c.color === "silver" ? "metal" : "plastic", c.rgb);
    if (c.chance(0.5)) {
      const lidH = c.uniform(0.05, 0.08);
      return {
        parts: [frustumY(0, 0, 0, H - lidH, R * c.uniform(0.8, 0.9), R - 0.008, m), frustumY(0, 0, H - lidH, H, R, R * 0.6, m)],
      };
    }
    const rimH = c.uniform(0.02, 0.03);
    return {
      parts: [
        frustumY(0, 0, 0, H - rimH, R * c.uniform(0.8, 0.9), R - 0.008, m),
        cylinderY(0, 0, H - rimH, H - 0.001, R, m),
        cylinderY(0, 0, H - 0.002, H, R - 0.01, c.material("plastic", [20, 20, 22])),
      ],
    };
  },
});

/** A wheeled suitcase: two shells with a zip gap, retracted handle and four wheels. */
export const suitcase: Category = defineCategory({
  name: "suitcase",
  extentsM: { min: [0.36, 0.58, 0.2], max: [0.5, 0.85, 0.3] },
  placements: ["floor"],
  canSupport: false,
  setting: "both",
  colors: ["black", "red", "blue", "silver", "grey", "purple", "pink", "green", "navy"],
  make(c) {
    const W = c.dim([0.36, 0.5]);
    const bodyH = c.dim([0.5, 0.72]);
    const D = c.dim([0.2, 0.3]);
    const wr = c.uniform(0.025, 0.035);
    const handleH = c.uniform(0.03, 0.06);
    const y0 = 2 * wr;
    const y1 = y0 + bodyH;
    const H = y1 + handleH;
    const shell = c.material(c.color === "silver" ? "metal" : "plastic", c.rgb);
    const dark = c.material("rubber", "black");
    const zh = -D / 2 + 0.03;
    const parts: Part[] = [
      boxSpan([-W / 2, y0, -D / 2], [W / 2, y1, -0.01], shell),
      boxSpan([-W / 2 + 0.003, y0 + 0.003, -0.01], [W / 2 - 0.003, y1 - 0.003, 0.01], dark),
      boxSpan([-W / 2, y0, 0.01], [W / 2, y1, D / 2], shell),
      cylinderY(-0.08, zh, y1, H - 0.01, 0.006, dark),
      cylinderY(0.08, zh, y1, H - 0.01, 0.006, dark),
      boxSpan([-0.1, H - 0.02, zh - 0.012], [0.1, H, zh + 0.012], dark),
    ];
    for (const [sx, sz] of [[-1, -1], [1, -1], [-1, 1], [1, 1]] as const) {
      parts.push(cylinderX([sx * (W / 2 - 0.04), wr, sz * (D / 2 - 0.04)], wr, 0.02, dark));
    }
    return { parts };
  },
});

/** A backpack: rounded main body, front pocket and shoulder straps on the back. */
export const backpack: Category = defineCategory({
  name: "backpack",
  extentsM: { min: [0.28, 0.38, 0.15], max: [0.36, 0.52, 0.26] },
  placements: ["floor"],
  canSupport: false,
  setting: "both",
  colors: ["black", "red", "blue", "grey", "green", "orange", "purple", "navy", "pink"],
  make(c) {
    const W = c.dim([0.28, 0.36]);
    const H = c.dim([0.38, 0.52]);
    const D = c.dim([0.15, 0.26]);
    const st = 0.015;
    const bd = (D - st) * c.uniform(0.6, 0.7);
    const z0 = -D / 2 + st;
    const fabric = c.material("fabric", c.rgb);
    const trim = c.material("fabric", c.chance(0.5) ? c.rgb : [45, 45, 48]);
    const strap = c.material("fabric", "black");
    const shoulder = H - bd / 2;
    return {
      parts: [
        boxSpan([-W / 2, 0, z0], [W / 2, shoulder, z0 + bd], fabric),
        cylinderX([0, shoulder, z0 + bd / 2], bd / 2, W, fabric),
        boxSpan([-W / 2 + 0.03, 0.02, z0 + bd], [W / 2 - 0.03, shoulder * c.uniform(0.45, 0.6), D / 2], trim),
        boxSpan([-0.09, 0.05, -D / 2], [-0.04, shoulder, z0 + 0.005], strap),
        boxSpan([0.04, 0.05, -D / 2], [0.09, shoulder, z0 + 0.005], strap),
      ],
    };
  },
});
