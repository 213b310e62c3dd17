import type { Mat3, Vec3 } from "../../geometry/index.js";
import { mulMat3Vec, rotationX } from "../../geometry/index.js";
import type { Part } from "../types.js";
import type { Category } from "./category.js";
import { defineCategory } from "./category.js";
import { boxAt, boxSpan, cylinderY, frustumY, sphereAt } from "./parts.js";

/**
 * Screens and lamps. Screen sizes follow the common diagonals (monitors 21-32", TVs 32-65", laptops
 * 13-17"), with 16:9 panels. OBJECT frame: metres, +y up, the screen or front towards +z.
 */

/** A dark, mirror-like display surface: depth sensors often lose these pixels. */
const SCREEN_RGB: Vec3 = [14, 16, 22];

/** A desktop monitor (about 21-32 inches) on a stand. */
export const monitor: Category = defineCategory({
  name: "monitor",
  extentsM: { min: [0.45, 0.34, 0.15], max: [0.72, 0.59, 0.24] },
  placements: ["surface"],
  canSupport: false,
  setting: "indoor",
  colors: ["black", "silver", "white", "dark grey"],
  make(c) {
    const W = c.dim([0.45, 0.72]);
    const D = c.dim([0.15, 0.24]);
    const ph = W * c.uniform(0.58, 0.62);
    const yb = c.uniform(0.08, 0.14);
    const H = yb + ph;
    const panelT = c.uniform(0.02, 0.045);
    const baseW = c.uniform(0.18, 0.26);
    const bezel = c.uniform(0.008, 0.02);
    const body = c.material(c.color === "silver" ? "metal" : "plastic", c.rgb);
    const screen = c.material("screen", SCREEN_RGB);
    const zp = -0.05 * D;
    const back = zp - panelT / 2;
    return {
      parts: [
        boxSpan([-baseW / 2, 0, -D / 2], [baseW / 2, 0.015, D / 2], body),
        boxSpan([-0.03, 0.015, back - 0.03], [0.03, yb + ph * 0.6, back], body),
        boxSpan([-W / 2, yb, back], [W / 2, H, zp + panelT / 2], body),
        boxSpan([-W / 2 + bezel, yb + bezel * 1.5, zp + panelT / 2 - 0.001], [W / 2 - bezel, H - bezel, zp + panelT / 2 + 0.001], screen),
      ],
    };
  },
});

/** A flat-panel TV (about 32-65 inches) on a pedestal or two feet. */
export const tv: Category = defineCategory({
  name: "tv",
  extentsM: { min: [0.72, 0.45, 0.18], max: [1.45, 0.97, 0.35] },
  placements: ["surface"],
  canSupport: false,
  setting: "indoor",
  colors: ["black", "dark grey", "silver"],
  make(c) {
    const W = c.dim([0.72, 1.45]);
    const D = c.dim([0.18, 0.35]);
    const ph = W * c.uniform(0.57, 0.6);
    const pedestal = c.chance(0.5);
    const yb = pedestal ? c.uniform(0.06, 0.1) : c.uniform(0.04, 0.08);
    const H = yb + ph;
    const panelT = c.uniform(0.03, 0.07);
    const bezel = c.uniform(0.006, 0.015);
    const body = c.material(c.color === "silver" ? "metal" : "plastic", c.rgb);
    const screen = c.material("screen", SCREEN_RGB);
    const back = -panelT / 2;
    const parts: Part[] = [
      boxSpan([-W / 2, yb, back], [W / 2, H, panelT / 2], body),
      boxSpan([-W / 2 + bezel, yb + bezel, panelT / 2 - 0.001], [W / 2 - bezel, H - bezel, panelT / 2 + 0.001], screen),
    ];
    if (pedestal) {
      const bw = W * c.uniform(0.25, 0.4);
      parts.push(boxSpan([-bw / 2, 0, -D / 2], [bw / 2, 0.02, D / 2], body));
      parts.push(boxSpan([-0.04, 0.02, back - 0.03], [0.04, yb + ph * 0.3, back], body));
    } else {
      const fx = W / 2 - c.uniform(0.08, 0.2);
      for (const sx of [-1, 1]) {
        parts.push(boxSpan([sx * fx - 0.025, 0, -D / 2], [sx * fx + 0.025, 0.015, D / 2], body));
        parts.push(boxSpan([sx * fx - 0.015, 0.015, -0.015], [sx * fx + 0.015, yb + 0.05, 0.015], body));
      }
    }
    return { parts };
  },
});

/** An open laptop (13-17 inches), lid leaning back 10-25 degrees from vertical. */
export const laptop: Category = defineCategory({
  name: "laptop",
  extentsM: { min: [0.3, 0.19, 0.24], max: [0.4, 0.29, 0.4] },
  placements: ["surface"],
  canSupport: false,
  setting: "indoor",
  colors: ["silver", "grey", "black", "white", "dark grey"],
  make(c) {
    const W = c.dim([0.3, 0.4]);
    const bd = c.dim([0.21, 0.27]);
    const baseT = c.uniform(0.014, 0.02);
    const L = bd * c.uniform(0.93, 0.98);
    const lidT = c.uniform(0.005, 0.008);
    const tilt = (c.uniform(10, 25) * Math.PI) / 180;
    const shell = c.material(c.color === "silver" || c.color === "grey" ? "metal" : "plastic", c.rgb);
    const keys = c.material("plastic", "black");
    const screen = c.material("screen", SCREEN_RGB);
    // The lid is hinged at the back edge of the base and leans back by `tilt` from vertical; its
    // screen face (lid +z) then faces forward and up. Lid-local points map by R, then the hinge.
    const R: Mat3 = rotationX(-tilt);
    const hinge: Vec3 = [0, baseT, -bd / 2];
    const at = (local: Vec3): Vec3 => {
      const r = mulMat3Vec(R, local);
      return [hinge[0] + r[0], hinge[1] + r[1], hinge[2] + r[2]];
    };
    return {
      parts: [
        boxSpan([-W / 2, 0, -bd / 2], [W / 2, baseT, bd / 2], shell),
        boxSpan([-W / 2 + 0.02, baseT - 0.0005, -bd / 2 + 0.02], [W / 2 - 0.02, baseT + 0.0008, bd / 2 - 0.09], keys),
        boxAt(at([0, L / 2, -lidT / 2]), [W, L, lidT], shell, R),
        boxAt(at([0, L / 2 + 0.003, 0.0005]), [W - 0.03, L - 0.035, 0.001], screen, R),
      ],
    };
  },
});

const SHADE_COLORS = ["white", "beige", "black", "red", "blue", "grey", "green", "yellow"] as const;

/** A table lamp: foot, optional ceramic body, pole and a frustum shade. */
export const lamp: Category = defineCategory({
  name: "lamp",
  extentsM: { min: [0.2, 0.3, 0.2], max: [0.4, 0.65, 0.4] },
  placements: ["surface"],
  canSupport: false,
  setting: "indoor",
  colors: [...SHADE_COLORS],
  make(c) {
    const H = c.dim([0.3, 0.65]);
    const shadeR = c.dim([0.1, 0.2]);
    const shadeH = H * c.uniform(0.3, 0.4);
    const shadeTop = shadeR * c.uniform(0.55, 0.8);
    const shadeMat = c.material("fabric", c.rgb);
    const baseMat = c.chance(0.5) ? c.material("metal", c.pick(["silver", "black"] as const)) : c.material("ceramic", c.pick(["white", "beige", "blue", "dark grey"] as const));
    const baseT = c.uniform(0.015, 0.03);
    const parts: Part[] = [cylinderY(0, 0, 0, baseT, shadeR * c.uniform(0.5, 0.7), baseMat)];
    let poleFrom = baseT;
    if (c.chance(0.5)) {
      // A ceramic body between the foot and the pole.
      const rb = Math.min(shadeR * 0.6, ((H - shadeH - baseT) / 2) * 0.8);
      parts.push(sphereAt([0, baseT + rb, 0], rb, baseMat));
      poleFrom = baseT + 2 * rb - 0.01;
    }
    parts.push(cylinderY(0, 0, poleFrom, H - shadeH * 0.3, c.uniform(0.007, 0.011), c.material("metal", "silver")));
    parts.push(frustumY(0, 0, H - shadeH, H, shadeR, shadeTop, shadeMat));
    return { parts };
  },
});

/** A floor lamp: weighted foot, tall pole and a frustum shade. */
export const floorLamp: Category = defineCategory({
  name: "floor lamp",
  extentsM: { min: [0.3, 1.4, 0.3], max: [0.5, 1.85, 0.5] },
  placements: ["floor"],
  canSupport: false,
  setting: "indoor",
  colors: [...SHADE_COLORS],
  make(c) {
    const H = c.dim([1.4, 1.85]);
    const shadeR = c.dim([0.15, 0.25]);
    const shadeH = c.uniform(0.22, 0.32);
    const metal = c.material("metal", c.pick(["silver", "black", "dark grey"] as const));
    return {
      parts: [
        cylinderY(0, 0, 0, 0.025, shadeR * c.uniform(0.6, 0.9), metal),
        cylinderY(0, 0, 0.025, H - shadeH * 0.3, c.uniform(0.012, 0.016), metal),
        frustumY(0, 0, H - shadeH, H, shadeR, shadeR * c.uniform(0.6, 0.85), c.material("fabric", c.rgb)),
      ],
    };
  },
});
