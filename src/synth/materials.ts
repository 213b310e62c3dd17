import { InputError } from "../errors.js";
import type { Vec3 } from "../geometry/index.js";
import type { Rng } from "../random.js";
import type { Material } from "./types.js";

/**
 * Colours and surface materials of the synthetic world.
 *
 * The palette holds the colour names a person would use when describing an object ("the red mug",
 * "the light brown table"); each object's `attributes.color` is one of these names, and the part
 * that dominates the object's look is painted with it. Values are sRGB 0..255, chosen so the name
 * still reads right after Lambertian shading darkens them.
 */
export const PALETTE = {
  red: [200, 30, 35],
  "dark red": [120, 20, 25],
  orange: [240, 120, 20],
  yellow: [240, 205, 40],
  green: [50, 150, 60],
  "dark green": [30, 85, 40],
  blue: [35, 80, 190],
  "light blue": [120, 175, 225],
  navy: [25, 35, 90],
  purple: [115, 55, 160],
  pink: [235, 130, 170],
  brown: [120, 75, 40],
  "dark brown": [70, 45, 25],
  "light brown": [185, 140, 95],
  beige: [220, 205, 170],
  white: [240, 240, 235],
  black: [25, 25, 28],
  grey: [128, 128, 128],
  "light grey": [195, 195, 195],
  "dark grey": [70, 70, 72],
  silver: [190, 192, 198],
} as const satisfies Record<string, Vec3>;

/** A colour name of the {@link PALETTE}. */
export type ColorName = keyof typeof PALETTE;

/** Every palette name, in palette order. */
export const COLOR_NAMES: readonly ColorName[] = Object.keys(PALETTE) as ColorName[];

/** Colours that read as natural wood; furniture in these gets a wood grain. */
export const WOOD_COLORS: readonly ColorName[] = ["brown", "dark brown", "light brown"];

/** True when `name` is a palette colour. */
export function isColorName(name: string): name is ColorName {
  return Object.prototype.hasOwnProperty.call(PALETTE, name);
}

/** sRGB 0..255 of a palette colour; throws "X is not a supported colour; choose one of ...". */
export function colorRgb(name: string): Vec3 {
  if (!isColorName(name)) {
    throw new InputError("colorRgb", "color", name, `is not a supported colour; choose one of ${COLOR_NAMES.join(", ")}`);
  }
  return PALETTE[name];
}

/**
 * Scale a colour's brightness by a random factor in [1 - amount, 1 + amount] (channels rounded,
 * capped at 255), so two "red" chairs are not the same red. Small amounts keep the name true.
 */
export function jitterColor(rgb: Vec3, rng: Rng, amount = 0.08): Vec3 {
  const k = 1 + rng.uniform(-amount, amount);
  return [channel(rgb[0] * k), channel(rgb[1] * k), channel(rgb[2] * k)];
}

function channel(x: number): number {
  return Math.min(255, Math.round(x));
}

/** Names of the material factories in {@link MATERIALS}. */
export type MaterialKind =
  | "wood"
  | "fabric"
  | "leather"
  | "metal"
  | "plastic"
  | "painted"
  | "glass"
  | "screen"
  | "ceramic"
  | "paper"
  | "cardboard"
  | "rubber"
  | "foliage"
  | "skin"
  | "stripes";

/**
 * Material factories: base colour (sRGB 0..255) -> Material. Texture periods are in metres and
 * sized to the surfaces they usually cover (wood grain a few centimetres, weave a centimetre).
 * `specular` marks surfaces a depth sensor often misses (metal, glass, screens).
 */
export const MATERIALS: Record<MaterialKind, (rgb: Vec3) => Material> = {
  wood: (rgb) => ({ rgb, texture: "wood", textureScaleM: 0.04, textureStrength: 0.25 }),
  fabric: (rgb) => ({ rgb, texture: "fabric", textureScaleM: 0.012, textureStrength: 0.18 }),
  leather: (rgb) => ({ rgb, texture: "noise", textureScaleM: 0.03, textureStrength: 0.08 }),
  metal: (rgb) => ({ rgb, texture: "noise", textureScaleM: 0.08, textureStrength: 0.05, specular: true }),
  plastic: (rgb) => ({ rgb, texture: "noise", textureScaleM: 0.05, textureStrength: 0.04 }),
  painted: (rgb) => ({ rgb, texture: "noise", textureScaleM: 0.2, textureStrength: 0.05 }),
  glass: (rgb) => ({ rgb, texture: "plain", textureScaleM: 0.1, textureStrength: 0, specular: true }),
  screen: (rgb) => ({ rgb, texture: "plain", textureScaleM: 0.1, textureStrength: 0, specular: true }),
  ceramic: (rgb) => ({ rgb, texture: "plain", textureScaleM: 0.05, textureStrength: 0 }),
  paper: (rgb) => ({ rgb, texture: "stripes", textureScaleM: 0.002, textureStrength: 0.1 }),
  cardboard: (rgb) => ({ rgb, texture: "noise", textureScaleM: 0.02, textureStrength: 0.12 }),
  rubber: (rgb) => ({ rgb, texture: "noise", textureScaleM: 0.01, textureStrength: 0.1 }),
  foliage: (rgb) => ({ rgb, texture: "noise", textureScaleM: 0.03, textureStrength: 0.35 }),
  skin: (rgb) => ({ rgb, texture: "plain", textureScaleM: 0.05, textureStrength: 0 }),
  stripes: (rgb) => ({ rgb, texture: "stripes", textureScaleM: 0.05, textureStrength: 0.3 }),
};

/** Every material kind, in registry order. */
export const MATERIAL_KINDS: readonly MaterialKind[] = Object.keys(MATERIALS) as MaterialKind[];

/**
 * A material of the given kind and colour (a palette name or sRGB 0..255). Throws
 * "X is not a supported material; choose one of ..." for an unknown kind.
 */
export function makeMaterial(kind: string, color: ColorName | Vec3): Material {
  if (!Object.prototype.hasOwnProperty.call(MATERIALS, kind)) {
    throw new InputError("makeMaterial", "kind", kind, `is not a supported material; choose one of ${MATERIAL_KINDS.join(", ")}`);
  }
  const rgb = typeof color === "string" ? colorRgb(color) : color;
  return MATERIALS[kind as MaterialKind](rgb);
}

/** Skin tones for person figures, sRGB 0..255 (not palette colours: a person's colour is their clothes). */
export const SKIN_TONES: readonly Vec3[] = [
  [245, 215, 190],
  [225, 185, 150],
  [190, 140, 100],
  [140, 95, 65],
  [95, 65, 45],
];
