import type { Vec3 } from "../../geometry/index.js";
import { SKIN_TONES } from "../materials.js";
import type { Part } from "../types.js";
import type { Category } from "./category.js";
import { defineCategory } from "./category.js";
import { boxSpan, cylinderX, cylinderY, cylinderZ, frustumY, rod, sphereAt } from "./parts.js";

/**
 * Street things and people: vehicles, street furniture, trees and person figures. OBJECT frame:
 * metres, +y up, the front (a car's bonnet, a person's face) towards +z.
 */

/** A car: body, glasshouse and roof, bumpers, lights and four wheels (axes along x). */
export const car: Category = defineCategory({
  name: "car",
  extentsM: { min: [1.65, 1.4, 3.7], max: [1.95, 1.75, 5.0] },
  placements: ["floor"],
  canSupport: false,
  setting: "outdoor",
  colors: ["red", "blue", "white", "black", "silver", "grey", "yellow", "green", "dark red", "navy"],
  make(c) {
    const W = c.dim([1.65, 1.95]);
    const H = c.dim([1.4, 1.75]);
    const L = c.dim([3.7, 5.0]);
    const wr = c.dim([0.3, 0.36]);
    const tyreW = c.uniform(0.18, 0.24);
    const clearance = c.uniform(0.14, 0.2);
    const beltY = H * c.uniform(0.56, 0.62);
    const bp = c.uniform(0.03, 0.05);
    const overhang = c.uniform(0.75, 0.95);
    const inset = W * c.uniform(0.06, 0.09);
    const zFront = L / 2 - L * c.uniform(0.25, 0.32);
    const zRear = -L / 2 + L * c.uniform(0.12, 0.2);
    const roofT = c.uniform(0.05, 0.07);
    const paint = c.material("painted", c.rgb);
    const glass = c.material("glass", [40, 50, 60]);
    const black = c.material("plastic", "black");
    const tyre = c.material("rubber", [30, 30, 32]);
    const hub = c.material("metal", "silver");
    const parts: Part[] = [
      boxSpan([-W / 2, clearance, -L / 2 + bp], [W / 2, beltY, L / 2 - bp], paint),
      boxSpan([-W / 2 + inset, beltY, zRear], [W / 2 - inset, H - roofT, zFront], glass),
      boxSpan([-W / 2 + inset, H - roofT, zRear + 0.1], [W / 2 - inset, H, zFront - 0.15], paint),
      boxSpan([-W / 2 + 0.05, clearance + 0.05, L / 2 - bp - 0.05], [W / 2 - 0.05, clearance + 0.25, L / 2], black),
      boxSpan([-W / 2 + 0.05, clearance + 0.05, -L / 2], [W / 2 - 0.05, clearance + 0.25, -L / 2 + bp + 0.05], black),
    ];
    for (const sx of [-1, 1]) {
      const x0 = sx * (W / 2 - 0.25);
      const x1 = sx * (W / 2 - 0.08);
      const lo = Math.min(x0, x1);
      const hi = Math.max(x0, x1);
      parts.push(boxSpan([lo, beltY - 0.15, L / 2 - bp - 0.001], [hi, beltY - 0.05, L / 2 - bp + 0.004], c.material("plastic", [250, 245, 215])));
      parts.push(boxSpan([lo, beltY - 0.15, -L / 2 + bp - 0.004], [hi, beltY - 0.05, -L / 2 + bp + 0.001], c.material("plastic", [200, 20, 20])));
      for (const sz of [-1, 1]) {
        // Wheels: axis along x, hubcaps flush with the body side.
        const centre: Vec3 = [sx * (W / 2 - tyreW / 2 - 0.005), wr, sz * (L / 2 - overhang)];
        parts.push(cylinderX(centre, wr, tyreW, tyre));
        parts.push(cylinderX(centre, wr * 0.6, tyreW + 0.01, hub));
      }
    }
    return { parts };
  },
});

/** A bicycle: two wheels (axes along x), diamond frame of tubes, saddle and handlebar. */
export const bicycle: Category = defineCategory({
  name: "bicycle",
  extentsM: { min: [0.5, 0.9, 1.6], max: [0.64, 1.1, 1.85] },
  placements: ["floor"],
  canSupport: false,
  setting: "outdoor",
  colors: ["red", "blue", "black", "white", "green", "yellow", "orange", "silver"],
  make(c) {
    const D = c.dim([1.6, 1.85]);
    const H = c.dim([0.9, 1.1]);
    const wr = c.dim([0.31, 0.36]);
    const W = c.dim([0.5, 0.64]);
    const tyreW = c.uniform(0.025, 0.05);
    const tube = c.uniform(0.014, 0.02);
    const frame = c.material(c.color === "silver" ? "metal" : "painted", c.rgb);
    const tyre = c.material("rubber", [30, 30, 32]);
    const rim = c.material("metal", "silver");
    const black = c.material("plastic", "black");
    const zR = -D / 2 + wr;
    const zF = D / 2 - wr;
    const rear: Vec3 = [0, wr, zR];
    const front: Vec3 = [0, wr, zF];
    const bb: Vec3 = [0, 0.3, zR + 0.42];
    const seatTop: Vec3 = [0, H - 0.12, bb[2] - (H - 0.12 - bb[1]) * 0.3];
    const headTop: Vec3 = [0, H - 0.1, zF - 0.2];
    const headLow: Vec3 = [0, headTop[1] + 0.2 * (front[1] - headTop[1]), headTop[2] + 0.2 * (front[2] - headTop[2])];
    const bar: Vec3 = [0, H - 0.04, headTop[2] - 0.05];
    return {
      parts: [
        cylinderX(rear, wr, tyreW, tyre),
        cylinderX(rear, wr - 0.04, tyreW + 0.004, rim),
        cylinderX(front, wr, tyreW, tyre),
        cylinderX(front, wr - 0.04, tyreW + 0.004, rim),
        rod(bb, seatTop, tube, frame),
        rod(seatTop, headTop, tube, frame),
        rod(bb, headLow, tube * 1.2, frame),
        rod(bb, rear, tube * 0.8, frame),
        rod(seatTop, rear, tube * 0.8, frame),
        rod(headTop, front, tube, frame),
        rod(seatTop, [0, H - 0.05, seatTop[2]], tube * 0.8, rim),
        boxSpan([-0.07, H - 0.05, seatTop[2] - 0.17], [0.07, H, seatTop[2] + 0.09], black),
        rod(headTop, bar, tube, rim),
        cylinderX(bar, 0.012, W, black),
        cylinderX([0.04, bb[1], bb[2]], 0.09, 0.008, rim),
      ],
    };
  },
});

/** A standing person: legs, shoes, torso, arms, hands, neck, head and hair. */
export const person: Category = defineCategory({
  name: "person",
  extentsM: { min: [0.43, 1.5, 0.28], max: [0.63, 1.95, 0.36] },
  placements: ["floor"],
  canSupport: false,
  setting: "both",
  colors: ["red", "blue", "green", "white", "black", "yellow", "grey", "orange", "purple", "pink", "navy"],
  make(c) {
    const H = c.dim([1.5, 1.95]);
    const headR = H * c.uniform(0.062, 0.068);
    const torsoW = H * c.uniform(0.19, 0.22);
    const torsoD = c.uniform(0.18, 0.24);
    const armR = c.uniform(0.035, 0.045);
    const legR = c.uniform(0.055, 0.07);
    const hipY = H * c.uniform(0.45, 0.49);
    const shoeH = 0.07;
    const hairR = headR * 1.04;
    const headY = H - hairR;
    const neckY = headY - headR * 0.85;
    const shoulderY = neckY - H * 0.02;
    const skin = c.material("skin", c.pick(SKIN_TONES));
    const shirt = c.material("fabric", c.rgb);
    const trousers = c.material("fabric", c.pick(["navy", "blue", "black", "dark grey", "beige", "brown"] as const));
    const shoes = c.material("leather", c.pick(["black", "white", "dark brown"] as const));
    const hair = c.material("fabric", c.pick([[30, 22, 15], [70, 45, 25], [150, 110, 60], [200, 170, 110], [120, 120, 120]] as const));
    const ax = torsoW / 2 + armR + 0.005;
    const handY = hipY - H * 0.06;
    const parts: Part[] = [
      boxSpan([-torsoW / 2, hipY - 0.05, -torsoD / 2], [torsoW / 2, shoulderY, torsoD / 2], shirt),
      cylinderY(0, 0, shoulderY - 0.02, neckY + 0.02, headR * 0.45, skin),
      sphereAt([0, headY, 0], headR, skin),
      // Hair: a slightly larger sphere set back, so the face shows in front.
      sphereAt([0, headY, -0.015], hairR, hair),
    ];
    for (const sx of [-1, 1]) {
      const lx = sx * (legR + 0.01);
      parts.push(cylinderY(lx, 0, shoeH - 0.01, hipY, legR, trousers));
      parts.push(boxSpan([lx - 0.05, 0, -0.06], [lx + 0.05, shoeH, 0.2], shoes));
      parts.push(cylinderY(sx * ax, 0, handY, shoulderY - 0.02, armR, shirt));
      parts.push(sphereAt([sx * ax, handY, 0], armR, skin));
    }
    return { parts };
  },
});

/** A traffic cone on a square base, with reflective bands. */
export const trafficCone: Category = defineCategory({
  name: "traffic cone",
  extentsM: { min: [0.135, 0.3, 0.135], max: [0.495, 0.9, 0.495] },
  placements: ["floor"],
  canSupport: false,
  setting: "outdoor",
  colors: ["orange", "yellow"],
  make(c) {
    const H = c.dim([0.3, 0.9]);
    const S = H * c.uniform(0.45, 0.55);
    const baseT = c.uniform(0.02, 0.035);
    const rb = S * c.uniform(0.33, 0.38);
    const rt = c.uniform(0.015, 0.025);
    const m = c.material("plastic", c.rgb);
    const white = c.material("plastic", "white");
    const rAt = (y: number): number => rb + ((rt - rb) * (y - baseT)) / (H - baseT);
    const band = (f0: number, f1: number): Part => {
      const y0 = baseT + (H - baseT) * f0;
      const y1 = baseT + (H - baseT) * f1;
      return frustumY(0, 0, y0, y1, rAt(y0) + 0.0015, rAt(y1) + 0.0015, white);
    };
    const parts: Part[] = [boxSpan([-S / 2, 0, -S / 2], [S / 2, baseT, S / 2], m), frustumY(0, 0, baseT, H, rb, rt, m), band(0.55, 0.7)];
    if (H > 0.6) parts.push(band(0.3, 0.4));
    return { parts };
  },
});

/** A street fire hydrant: flange, barrel, bonnet and three nozzles. */
export const fireHydrant: Category = defineCategory({
  name: "fire hydrant",
  extentsM: { min: [0.25, 0.6, 0.24], max: [0.41, 0.9, 0.37] },
  placements: ["floor"],
  canSupport: false,
  setting: "outdoor",
  colors: ["red", "yellow", "green"],
  make(c) {
    const H = c.dim([0.6, 0.9]);
    const r = c.dim([0.08, 0.12]);
    const flangeR = r + c.uniform(0.025, 0.035);
    const flangeH = c.uniform(0.04, 0.06);
    const nl = c.uniform(0.06, 0.09);
    const fl = c.uniform(0.07, 0.1);
    const m = c.material("painted", c.rgb);
    const cap = c.material("metal", c.chance(0.5) ? c.rgb : [190, 192, 198]);
    return {
      parts: [
        cylinderY(0, 0, 0, flangeH, flangeR, m),
        cylinderY(0, 0, flangeH, H * 0.78, r, m),
        cylinderY(0, 0, H * 0.76, H * 0.8, r + 0.012, m),
        frustumY(0, 0, H * 0.8, H - 0.04, r + 0.005, r * 0.45, cap),
        cylinderY(0, 0, H - 0.04, H, r * 0.3, cap),
        cylinderX([-(r - 0.01 + nl / 2), H * 0.6, 0], 0.035, nl, cap),
        cylinderX([r - 0.01 + nl / 2, H * 0.6, 0], 0.035, nl, cap),
        cylinderZ([0, H * 0.5, r - 0.01 + fl / 2], 0.05, fl, cap),
      ],
    };
  },
});

/** A tree: trunk and a crown of foliage spheres. */
export const tree: Category = defineCategory({
  name: "tree",
  extentsM: { min: [1.2, 3, 1.2], max: [5.05, 8, 5.05] },
  placements: ["floor"],
  canSupport: false,
  setting: "outdoor",
  colors: ["green", "dark green"],
  make(c) {
    const H = c.dim([3, 8]);
    const crownR = H * c.uniform(0.2, 0.28);
    const trunkR = H * c.uniform(0.018, 0.03);
    const leaves = c.material("foliage", c.rgb);
    const parts: Part[] = [cylinderY(0, 0, 0, H - crownR, trunkR, c.material("wood", [95, 70, 45])), sphereAt([0, H - crownR, 0], crownR, leaves)];
    const extra = c.chance(0.7) ? 2 : 1;
    for (let i = 0; i < extra; i++) {
      const a = c.uniform(0, 2 * Math.PI);
      const dist = crownR * c.uniform(0.35, 0.5);
      parts.push(sphereAt([dist * Math.cos(a), H - crownR * c.uniform(1.5, 1.8), dist * Math.sin(a)], crownR * c.uniform(0.6, 0.75), leaves));
    }
    return { parts };
  },
});
