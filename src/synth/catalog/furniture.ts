import type { Vec3 } from "../../geometry/index.js";
import type { Material, Part } from "../types.js";
import type { BuildContext, Category } from "./category.js";
import { defineCategory } from "./category.js";
import { boxSpan, cylinderY, frustumY, rod } from "./parts.js";

/**
 * Furniture: seats, tables, beds and storage. Sizes are from common retail furniture (seat height
 * 42-48 cm, table height 70-78 cm, mattress sizes single to king). OBJECT frame: metres, +y up,
 * the front (where a person sits or opens doors) towards +z.
 */

/** Legs and frames: wood when the main colour is a wood colour, else metal in one of two finishes. */
function frameMaterial(c: BuildContext, main: Material): Material {
  if (main.texture === "wood") return main;
  return c.chance(0.5) ? c.material("metal", "silver") : c.material("metal", "black");
}

/** The same colour a little darker, for fronts and panels that should read as separate pieces. */
function shade(rgb: Vec3, k: number): Vec3 {
  return [Math.round(rgb[0] * k), Math.round(rgb[1] * k), Math.round(rgb[2] * k)];
}

/** A dining chair: four legs, a seat at 42-48 cm and a backrest between two posts. */
export const chair: Category = defineCategory({
  name: "chair",
  extentsM: { min: [0.4, 0.78, 0.42], max: [0.56, 1.05, 0.6] },
  placements: ["floor"],
  canSupport: false,
  setting: "indoor",
  colors: ["brown", "black", "white", "light brown", "dark brown", "grey", "red", "blue", "green"],
  make(c) {
    const W = c.dim([0.4, 0.56]);
    const H = c.dim([0.78, 1.05]);
    const D = c.dim([0.42, 0.6]);
    const seatY = c.uniform(0.42, 0.48);
    const seatT = c.uniform(0.03, 0.05);
    const legR = c.uniform(0.013, 0.022);
    const backT = c.uniform(0.025, 0.04);
    const postW = c.uniform(0.025, 0.04);
    const gap = c.uniform(0.08, 0.2);
    const seat = c.main(c.pick(["plastic", "fabric"] as const));
    const legs = frameMaterial(c, seat);
    const parts: Part[] = [boxSpan([-W / 2, seatY - seatT, -D / 2], [W / 2, seatY, D / 2], seat)];
    const lx = W / 2 - legR - 0.01;
    const lz = D / 2 - legR - 0.01;
    for (const [sx, sz] of [[-1, -1], [1, -1], [-1, 1], [1, 1]] as const) {
      parts.push(cylinderY(sx * lx, sz * lz, 0, seatY - seatT, legR, legs));
    }
    parts.push(boxSpan([-W / 2, seatY, -D / 2], [-W / 2 + postW, H, -D / 2 + backT], legs));
    parts.push(boxSpan([W / 2 - postW, seatY, -D / 2], [W / 2, H, -D / 2 + backT], legs));
    parts.push(boxSpan([-W / 2 + postW, seatY + gap, -D / 2], [W / 2 - postW, H, -D / 2 + backT], seat));
    return { parts };
  },
});

/** A bar or kitchen stool: a round seat on three or four legs joined by rungs. */
export const stool: Category = defineCategory({
  name: "stool",
  extentsM: { min: [0.3, 0.45, 0.3], max: [0.4, 0.78, 0.4] },
  placements: ["floor"],
  canSupport: false,
  setting: "indoor",
  colors: ["brown", "black", "light brown", "white", "red", "silver"],
  make(c) {
    const R = c.dim([0.15, 0.2]);
    const H = c.dim([0.45, 0.78]);
    const seatT = c.uniform(0.03, 0.05);
    const legR = c.uniform(0.012, 0.018);
    const legs = c.chance(0.5) ? 3 : 4;
    const seat = c.main("plastic");
    const legMat = frameMaterial(c, seat);
    const parts: Part[] = [cylinderY(0, 0, H - seatT, H, R, seat)];
    const at = R * 0.72;
    const rungY = (H - seatT) * c.uniform(0.25, 0.4);
    const feet: Vec3[] = [];
    for (let i = 0; i < legs; i++) {
      const a = (2 * Math.PI * i) / legs + Math.PI / 4;
      feet.push([at * Math.cos(a), 0, at * Math.sin(a)]);
      parts.push(cylinderY(at * Math.cos(a), at * Math.sin(a), 0, H - seatT, legR, legMat));
    }
    for (let i = 0; i < legs; i++) {
      const a = feet[i]!;
      const b = feet[(i + 1) % legs]!;
      parts.push(rod([a[0], rungY, a[2]], [b[0], rungY, b[2]], legR * 0.7, legMat));
    }
    return { parts };
  },
});

/** A dining table: a rectangular top on four legs, or a round top on a pedestal. */
export const table: Category = defineCategory({
  name: "table",
  extentsM: { min: [0.8, 0.7, 0.6], max: [1.8, 0.78, 1.0] },
  placements: ["floor"],
  canSupport: true,
  setting: "indoor",
  colors: ["brown", "light brown", "dark brown", "white", "black", "grey"],
  make(c) {
    const H = c.dim([0.7, 0.78]);
    const topT = c.uniform(0.025, 0.05);
    const top = c.main("painted");
    const legs = frameMaterial(c, top);
    if (c.chance(0.25)) {
      // A round pedestal table: its diameter lies in both the width and the depth range.
      const R = c.dim([0.4, 0.5]);
      return {
        parts: [
          cylinderY(0, 0, H - topT, H, R, top),
          cylinderY(0, 0, 0.03, H - topT, c.uniform(0.035, 0.055), legs),
          cylinderY(0, 0, 0, 0.03, R * c.uniform(0.45, 0.6), legs),
        ],
        top: { part: 0, round: true },
      };
    }
    const W = c.dim([0.8, 1.8]);
    const D = c.dim([0.6, 1.0]);
    const s = c.uniform(0.04, 0.07);
    const inset = c.uniform(0.03, 0.1);
    const parts: Part[] = [boxSpan([-W / 2, H - topT, -D / 2], [W / 2, H, D / 2], top)];
    const lx = W / 2 - inset - s / 2;
    const lz = D / 2 - inset - s / 2;
    const round = c.chance(0.4);
    for (const [sx, sz] of [[-1, -1], [1, -1], [-1, 1], [1, 1]] as const) {
      const x = sx * lx;
      const z = sz * lz;
      parts.push(round ? cylinderY(x, z, 0, H - topT, s / 2, legs) : boxSpan([x - s / 2, 0, z - s / 2], [x + s / 2, H - topT, z + s / 2], legs));
    }
    return { parts, top: { part: 0 } };
  },
});

/** A work desk: a top on a side panel and a panel or drawer pedestal, with a modesty panel. */
export const desk: Category = defineCategory({
  name: "desk",
  extentsM: { min: [1.0, 0.7, 0.5], max: [1.6, 0.77, 0.8] },
  placements: ["wall", "floor"],
  canSupport: true,
  setting: "indoor",
  colors: ["white", "light brown", "brown", "black", "grey", "dark brown"],
  make(c) {
    const W = c.dim([1.0, 1.6]);
    const H = c.dim([0.7, 0.77]);
    const D = c.dim([0.5, 0.8]);
    const topT = c.uniform(0.025, 0.04);
    const pt = c.uniform(0.018, 0.03);
    const top = c.main("painted");
    const under = H - topT;
    const parts: Part[] = [
      boxSpan([-W / 2, under, -D / 2], [W / 2, H, D / 2], top),
      boxSpan([-W / 2, 0, -D / 2 + 0.02], [-W / 2 + pt, under, D / 2 - 0.02], top),
    ];
    let rightInner = W / 2 - pt;
    if (c.chance(0.5)) {
      // A drawer pedestal on the right instead of a plain side panel.
      const pw = c.uniform(0.35, 0.45);
      rightInner = W / 2 - pw;
      parts.push(boxSpan([W / 2 - pw, 0, -D / 2 + 0.02], [W / 2, under, D / 2 - 0.03], top));
      const front = c.material(top.texture === "wood" ? "wood" : "painted", shade(c.rgb, 0.9));
      const handle = c.material("metal", "silver");
      const drawers = 3;
      const dh = (under - 0.04) / drawers;
      for (let i = 0; i < drawers; i++) {
        const y0 = 0.04 + i * dh + 0.004;
        const y1 = 0.04 + (i + 1) * dh - 0.004;
        parts.push(boxSpan([W / 2 - pw + 0.01, y0, D / 2 - 0.03], [W / 2 - 0.01, y1, D / 2 - 0.012], front));
        parts.push(boxSpan([W / 2 - pw / 2 - 0.06, (y0 + y1) / 2 - 0.006, D / 2 - 0.012], [W / 2 - pw / 2 + 0.06, (y0 + y1) / 2 + 0.006, D / 2], handle));
      }
    } else {
      parts.push(boxSpan([W / 2 - pt, 0, -D / 2 + 0.02], [W / 2, under, D / 2 - 0.02], top));
    }
    parts.push(boxSpan([-W / 2 + pt, H * 0.35, -D / 2 + 0.03], [rightInner, under, -D / 2 + 0.03 + pt], top));
    return { parts, top: { part: 0 } };
  },
});

/** A two- or three-seat sofa: base, back, two arms, seat and back cushions, short feet. */
export const sofa: Category = defineCategory({
  name: "sofa",
  extentsM: { min: [1.5, 0.75, 0.8], max: [2.4, 0.95, 1.0] },
  placements: ["wall", "floor"],
  canSupport: false,
  setting: "indoor",
  colors: ["grey", "blue", "beige", "brown", "black", "dark grey", "green", "red", "navy"],
  make(c) {
    const W = c.dim([1.5, 2.4]);
    const H = c.dim([0.75, 0.95]);
    const D = c.dim([0.8, 1.0]);
    const feetH = c.uniform(0.05, 0.12);
    const seatY = c.uniform(0.4, 0.46);
    const cushionT = c.uniform(0.1, 0.14);
    const armW = c.uniform(0.12, 0.22);
    const armH = c.uniform(0.55, 0.68);
    const backT = c.uniform(0.16, 0.24);
    const cover = c.material(c.chance(0.75) ? "fabric" : "leather", c.rgb);
    const cushion = c.material(cover.texture === "fabric" ? "fabric" : "leather", shade(c.rgb, 1.06));
    const feet = c.material("wood", "dark brown");
    const parts: Part[] = [
      boxSpan([-W / 2, feetH, -D / 2], [W / 2, seatY - cushionT, D / 2], cover),
      boxSpan([-W / 2, feetH, -D / 2], [W / 2, H, -D / 2 + backT], cover),
      boxSpan([-W / 2, feetH, -D / 2 + backT], [-W / 2 + armW, armH, D / 2], cover),
      boxSpan([W / 2 - armW, feetH, -D / 2 + backT], [W / 2, armH, D / 2], cover),
    ];
    const n = W > 1.9 ? 3 : 2;
    const inner = W - 2 * armW;
    for (let i = 0; i < n; i++) {
      const x0 = -W / 2 + armW + (i * inner) / n + 0.005;
      const x1 = -W / 2 + armW + ((i + 1) * inner) / n - 0.005;
      parts.push(boxSpan([x0, seatY - cushionT, -D / 2 + backT], [x1, seatY, D / 2], cushion));
      parts.push(boxSpan([x0, seatY, -D / 2 + backT], [x1, H - 0.06, -D / 2 + backT + c.uniform(0.12, 0.18)], cushion));
    }
    for (const [sx, sz] of [[-1, -1], [1, -1], [-1, 1], [1, 1]] as const) {
      parts.push(cylinderY(sx * (W / 2 - 0.07), sz * (D / 2 - 0.07), 0, feetH, 0.025, feet));
    }
    return { parts };
  },
});

/** A single to king bed: frame, headboard, mattress, duvet and pillows; headboard at -z. */
export const bed: Category = defineCategory({
  name: "bed",
  extentsM: { min: [0.9, 0.85, 1.95], max: [1.9, 1.3, 2.25] },
  placements: ["wall", "floor"],
  canSupport: false,
  setting: "indoor",
  colors: ["white", "grey", "blue", "beige", "pink", "light blue", "green", "navy"],
  make(c) {
    const W = c.dim([0.9, 1.9]);
    const H = c.dim([0.85, 1.3]);
    const D = c.dim([1.95, 2.25]);
    const headT = c.uniform(0.04, 0.08);
    const frameH = c.uniform(0.2, 0.35);
    const mattT = c.uniform(0.18, 0.28);
    const frame = c.chance(0.6) ? c.material("wood", c.pick(["brown", "light brown", "dark brown"] as const)) : c.material("fabric", c.pick(["grey", "dark grey", "beige"] as const));
    const linen = c.material("fabric", c.color === "white" ? "light grey" : "white");
    const duvet = c.material("fabric", c.rgb);
    const mattTop = frameH + mattT;
    const parts: Part[] = [
      boxSpan([-W / 2, 0, -D / 2], [W / 2, H, -D / 2 + headT], frame),
      boxSpan([-W / 2, 0, -D / 2 + headT], [W / 2, frameH, D / 2], frame),
      boxSpan([-W / 2 + 0.02, frameH, -D / 2 + headT + 0.01], [W / 2 - 0.02, mattTop, D / 2 - 0.02], linen),
      boxSpan([-W / 2 + 0.005, mattTop - 0.12, -D / 2 + headT + c.uniform(0.4, 0.55)], [W / 2 - 0.005, mattTop + 0.04, D / 2 - 0.005], duvet),
    ];
    const pillows = W > 1.3 ? 2 : 1;
    const pw = (W - 0.1) / pillows;
    const pillowT = c.uniform(0.1, 0.14);
    for (let i = 0; i < pillows; i++) {
      const x0 = -W / 2 + 0.05 + i * pw + 0.02;
      parts.push(boxSpan([x0, mattTop, -D / 2 + headT + 0.05], [x0 + pw - 0.04, mattTop + pillowT, -D / 2 + headT + 0.05 + c.uniform(0.32, 0.4)], linen));
    }
    return { parts };
  },
});

/** Cabinets and nightstands: a carcass with doors or drawers on the front, handles proud of them. */
function storageBuilder(range: { W: readonly [number, number]; H: readonly [number, number]; D: readonly [number, number] }, fronts: "doors" | "drawers" | "either") {
  return (c: BuildContext) => {
    const W = c.dim(range.W);
    const H = c.dim(range.H);
    const D = c.dim(range.D);
    const hp = c.uniform(0.015, 0.03);
    const doorT = 0.018;
    const plinth = c.uniform(0.02, 0.06);
    const bodyFront = D / 2 - hp - doorT;
    const body = c.main("painted");
    const front = c.material(body.texture === "wood" ? "wood" : "painted", shade(c.rgb, 0.92));
    const handle = c.chance(0.6) ? c.material("metal", "silver") : c.material("metal", "black");
    const parts: Part[] = [boxSpan([-W / 2, 0, -D / 2], [W / 2, H, bodyFront], body)];
    const kind = fronts === "either" ? (c.chance(0.5) ? "doors" : "drawers") : fronts;
    const y0 = plinth;
    const y1 = H - 0.02;
    if (kind === "doors") {
      const n = W > 0.6 ? 2 : 1;
      const dw = (W - 0.02) / n;
      for (let i = 0; i < n; i++) {
        const x0 = -W / 2 + 0.01 + i * dw + 0.002;
        const x1 = x0 + dw - 0.004;
        parts.push(boxSpan([x0, y0, bodyFront], [x1, y1, bodyFront + doorT], front));
        const hx = n === 2 ? (i === 0 ? x1 - 0.04 : x0 + 0.04) : x1 - 0.04;
        const hy = H > 1 ? y1 - 0.3 : (y0 + y1) / 2;
        parts.push(boxSpan([hx - 0.006, hy - 0.06, bodyFront + doorT], [hx + 0.006, hy + 0.06, D / 2], handle));
      }
    } else {
      const n = Math.max(1, Math.round((y1 - y0) / c.uniform(0.16, 0.26)));
      const dh = (y1 - y0) / n;
      for (let i = 0; i < n; i++) {
        const a = y0 + i * dh + 0.002;
        const b = y0 + (i + 1) * dh - 0.002;
        parts.push(boxSpan([-W / 2 + 0.01, a, bodyFront], [W / 2 - 0.01, b, bodyFront + doorT], front));
        const hw = Math.min(0.08, W / 4);
        parts.push(boxSpan([-hw, (a + b) / 2 - 0.006, bodyFront + doorT], [hw, (a + b) / 2 + 0.006, D / 2], handle));
      }
    }
    return { parts, top: { part: 0 } };
  };
}

/** A sideboard or low cupboard with doors or drawers; others stand on its top. */
export const cabinet: Category = defineCategory({
  name: "cabinet",
  extentsM: { min: [0.4, 0.7, 0.35], max: [1.2, 1.2, 0.6] },
  placements: ["wall", "floor"],
  canSupport: true,
  setting: "indoor",
  colors: ["white", "brown", "light brown", "dark brown", "grey", "black"],
  make: storageBuilder({ W: [0.4, 1.2], H: [0.7, 1.2], D: [0.35, 0.6] }, "either"),
});

/** A bedside table with drawers; others stand on its top. */
export const nightstand: Category = defineCategory({
  name: "nightstand",
  extentsM: { min: [0.35, 0.45, 0.3], max: [0.6, 0.7, 0.45] },
  placements: ["floor", "wall"],
  canSupport: true,
  setting: "indoor",
  colors: ["white", "brown", "light brown", "dark brown", "black", "grey"],
  make: storageBuilder({ W: [0.35, 0.6], H: [0.45, 0.7], D: [0.3, 0.45] }, "drawers"),
});

const BOOK_COLORS = ["red", "blue", "green", "yellow", "black", "white", "orange", "navy", "dark red", "beige"] as const;

/** A bookshelf with shelves and rows of books; others stand on its top. */
export const bookshelf: Category = defineCategory({
  name: "bookshelf",
  extentsM: { min: [0.6, 0.9, 0.25], max: [1.2, 2.0, 0.4] },
  placements: ["wall", "floor"],
  canSupport: true,
  setting: "indoor",
  colors: ["brown", "light brown", "dark brown", "white", "black"],
  make(c) {
    const W = c.dim([0.6, 1.2]);
    const H = c.dim([0.9, 2.0]);
    const D = c.dim([0.25, 0.4]);
    const t = c.uniform(0.018, 0.025);
    const plinth = c.uniform(0.05, 0.08);
    const wood = c.main("painted");
    const parts: Part[] = [
      boxSpan([-W / 2, H - t, -D / 2], [W / 2, H, D / 2], wood),
      boxSpan([-W / 2, 0, -D / 2], [-W / 2 + t, H - t, D / 2], wood),
      boxSpan([W / 2 - t, 0, -D / 2], [W / 2, H - t, D / 2], wood),
      boxSpan([-W / 2 + t, 0, -D / 2], [W / 2 - t, plinth, D / 2], wood),
      boxSpan([-W / 2 + t, plinth, -D / 2], [W / 2 - t, H - t, -D / 2 + 0.008], wood),
    ];
    const inner = H - t - plinth;
    const n = Math.max(2, Math.round(inner / 0.34));
    const ch = inner / n;
    const innerW = W - 2 * t;
    for (let k = 0; k < n; k++) {
      const floorY = plinth + k * ch + (k > 0 ? t / 2 : 0);
      if (k > 0) parts.push(boxSpan([-W / 2 + t, floorY - t, -D / 2 + 0.008], [W / 2 - t, floorY, D / 2], wood));
      const roofY = plinth + (k + 1) * ch - (k < n - 1 ? t / 2 : 0);
      if (!c.chance(0.8)) continue;
      // A row of books: one box with a striped texture reads as several spines.
      const bw = innerW * c.uniform(0.3, 0.9);
      const x0 = -W / 2 + t + (innerW - bw) * c.uniform(0, 1);
      const bh = (roofY - floorY) * c.uniform(0.6, 0.9);
      const bd = (D - 0.008) * c.uniform(0.6, 0.85);
      parts.push(boxSpan([x0, floorY, -D / 2 + 0.008], [x0 + bw, floorY + bh, -D / 2 + 0.008 + bd], c.material("stripes", c.pick(BOOK_COLORS))));
    }
    return { parts, top: { part: 0 } };
  },
});

/** A slatted park or hall bench with a backrest on two end frames. */
export const bench: Category = defineCategory({
  name: "bench",
  extentsM: { min: [1.2, 0.75, 0.5], max: [1.8, 0.9, 0.65] },
  placements: ["floor", "wall"],
  canSupport: false,
  setting: "both",
  colors: ["brown", "light brown", "dark brown", "green", "black", "grey"],
  make(c) {
    const W = c.dim([1.2, 1.8]);
    const H = c.dim([0.75, 0.9]);
    const D = c.dim([0.5, 0.65]);
    const seatY = c.uniform(0.42, 0.46);
    const slatT = 0.03;
    const slats = c.chance(0.5) ? 3 : 4;
    const wood = c.main("painted");
    const frame = c.chance(0.6) ? c.material("metal", c.pick(["black", "dark grey"] as const)) : wood;
    const parts: Part[] = [];
    const seatZ0 = -D / 2 + 0.06;
    const sw = (D - 0.06 - (slats - 1) * 0.015) / slats;
    for (let i = 0; i < slats; i++) {
      const z0 = seatZ0 + i * (sw + 0.015);
      parts.push(boxSpan([-W / 2, seatY - slatT, z0], [W / 2, seatY, z0 + sw], wood));
    }
    parts.push(boxSpan([-W / 2, seatY + 0.1, -D / 2], [W / 2, seatY + 0.2, -D / 2 + slatT], wood));
    parts.push(boxSpan([-W / 2, H - 0.1, -D / 2], [W / 2, H, -D / 2 + slatT], wood));
    const legX = W / 2 - c.uniform(0.1, 0.2);
    for (const sx of [-1, 1]) {
      const x = sx * legX;
      parts.push(boxSpan([x - 0.03, 0, D / 2 - 0.09], [x + 0.03, seatY - slatT, D / 2 - 0.03], frame));
      parts.push(boxSpan([x - 0.03, 0, -D / 2 + slatT], [x + 0.03, H - 0.02, -D / 2 + slatT + 0.05], frame));
      parts.push(boxSpan([x - 0.03, seatY - slatT - 0.05, -D / 2 + slatT], [x + 0.03, seatY - slatT, D / 2 - 0.03], frame));
    }
    return { parts };
  },
});

/** A door in its frame, with a lever handle on the front; stands against a wall. */
export const door: Category = defineCategory({
  name: "door",
  extentsM: { min: [0.83, 1.98, 0.11], max: [1.09, 2.15, 0.17] },
  placements: ["wall"],
  canSupport: false,
  setting: "indoor",
  colors: ["white", "brown", "dark brown", "light brown", "grey", "beige"],
  make(c) {
    const lw = c.dim([0.75, 0.95]);
    const H = c.dim([1.98, 2.15]);
    const fw = c.dim([0.04, 0.07]);
    const fd = c.dim([0.06, 0.1]);
    const hp = c.dim([0.05, 0.07]);
    const leafT = 0.04;
    const W = lw + 2 * fw;
    const D = fd + hp;
    const leaf = c.main("painted");
    const frame = c.chance(0.5) ? leaf : c.material("painted", "white");
    const panel = c.material(leaf.texture === "wood" ? "wood" : "painted", shade(c.rgb, 0.93));
    const handle = c.material("metal", c.pick(["silver", "black"] as const));
    const z0 = -D / 2 + (fd - leafT) / 2;
    const front = z0 + leafT;
    const xh = W / 2 - fw - 0.07;
    const parts: Part[] = [
      boxSpan([-W / 2, 0, -D / 2], [-W / 2 + fw, H, -D / 2 + fd], frame),
      boxSpan([W / 2 - fw, 0, -D / 2], [W / 2, H, -D / 2 + fd], frame),
      boxSpan([-W / 2 + fw, H - fw, -D / 2], [W / 2 - fw, H, -D / 2 + fd], frame),
      boxSpan([-W / 2 + fw, 0.008, z0], [W / 2 - fw, H - fw, front], leaf),
      boxSpan([-W / 2 + fw + 0.1, 1.15, front], [W / 2 - fw - 0.1, H - fw - 0.12, front + 0.004], panel),
      boxSpan([-W / 2 + fw + 0.1, 0.15, front], [W / 2 - fw - 0.1, 0.9, front + 0.004], panel),
      boxSpan([xh - 0.01, 0.98, front], [xh + 0.01, 1.0, D / 2 - 0.015], handle),
      boxSpan([xh - 0.12, 0.98, D / 2 - 0.02], [xh + 0.01, 1.0, D / 2], handle),
    ];
    return { parts };
  },
});

/** A close-coupled toilet: tank against the wall, elongated bowl, seat and pedestal. */
export const toilet: Category = defineCategory({
  name: "toilet",
  extentsM: { min: [0.38, 0.7, 0.62], max: [0.5, 0.85, 0.75] },
  placements: ["wall"],
  canSupport: false,
  setting: "indoor",
  colors: ["white", "beige", "light grey"],
  make(c) {
    const Wt = c.dim([0.38, 0.5]);
    const H = c.dim([0.7, 0.85]);
    const D = c.dim([0.62, 0.75]);
    const tankD = c.uniform(0.16, 0.22);
    const seatY = c.uniform(0.39, 0.43);
    const r = Math.min(c.uniform(0.17, 0.19), Wt / 2);
    const ceramic = c.material("ceramic", c.rgb);
    const seat = c.material("plastic", c.rgb);
    const zb = D / 2 - r;
    const back = -D / 2 + tankD;
    return {
      parts: [
        boxSpan([-Wt / 2, seatY - 0.05, -D / 2], [Wt / 2, H, back], ceramic),
        frustumY(0, zb, 0.2, seatY - 0.03, r * 0.75, r, ceramic),
        boxSpan([-r, 0.2, back - 0.02], [r, seatY - 0.03, zb], ceramic),
        boxSpan([-0.1, 0, back], [0.1, 0.2, zb], ceramic),
        frustumY(0, zb, 0, 0.2, 0.12, 0.1, ceramic),
        cylinderY(0, zb, seatY - 0.03, seatY, r, seat),
        boxSpan([-r, seatY - 0.03, back], [r, seatY, zb], seat),
      ],
    };
  },
});

