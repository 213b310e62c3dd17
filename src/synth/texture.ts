import type { Material, TextureKind } from "./types.js";

/**
 * Procedural SOLID textures: a pattern is a function of the 3D point itself (metres, in the PART
 * frame for objects, in a plane's own frame for floor and walls), so no UV mapping is needed and
 * every face of a part shows a consistent pattern. Patterns use +y as "up" (stripes are horizontal
 * bands, wood grain runs along y). Everything here is a pure function of its arguments: the noise
 * hash is fixed, so the same point always gives the same value.
 */

/** Phase added to lattice patterns so faces at round sizes do not sit exactly on a cell border. */
const PHASE = 0.2371;

/**
 * A fixed 32-bit integer mix (murmur3's finaliser): integer -> [0, 2^32). Only used to build the
 * lattice tables below, once, so the noise is the same on every run and platform.
 */
function mix32(k: number): number {
  let h = Math.imul(k ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Lattice tables (Perlin's scheme): a permutation of 0..255, repeated, and a value per entry. */
const PERM: Uint8Array = (() => {
  const p = new Uint8Array(512);
  for (let i = 0; i < 256; i++) p[i] = i;
  for (let i = 255; i > 0; i--) {
    const j = mix32(i) % (i + 1);
    const tmp = p[i]!;
    p[i] = p[j]!;
    p[j] = tmp;
  }
  p.copyWithin(256, 0, 256);
  return p;
})();
const LATTICE_VALUES: Float64Array = Float64Array.from({ length: 256 }, (_, i) => mix32(i + 1000) / 4294967296);

/** Smoothstep weight 3t^2 - 2t^3 for t in [0, 1]. */
function fade(t: number): number {
  return t * t * (3 - 2 * t);
}

/**
 * Value noise in [0, 1): random values on the integer lattice, blended with a smooth (C1) trilinear
 * interpolation. Feature size is about one unit of the input coordinates.
 */
export function valueNoise3(x: number, y: number, z: number): number {
  const fx = Math.floor(x);
  const fy = Math.floor(y);
  const fz = Math.floor(z);
  // The lattice repeats every 256 units: many metres at any texture scale.
  const ix = fx & 255;
  const iy = fy & 255;
  const iz = fz & 255;
  const ux = fade(x - fx);
  const uy = fade(y - fy);
  const uz = fade(z - fz);
  const a = PERM[ix]! + iy;
  const b = PERM[ix + 1]! + iy;
  const a0 = PERM[a]! + iz;
  const a1 = PERM[a + 1]! + iz;
  const b0 = PERM[b]! + iz;
  const b1 = PERM[b + 1]! + iz;
  const c000 = LATTICE_VALUES[PERM[a0]!]!;
  const c001 = LATTICE_VALUES[PERM[a0 + 1]!]!;
  const c010 = LATTICE_VALUES[PERM[a1]!]!;
  const c011 = LATTICE_VALUES[PERM[a1 + 1]!]!;
  const c100 = LATTICE_VALUES[PERM[b0]!]!;
  const c101 = LATTICE_VALUES[PERM[b0 + 1]!]!;
  const c110 = LATTICE_VALUES[PERM[b1]!]!;
  const c111 = LATTICE_VALUES[PERM[b1 + 1]!]!;
  const x00 = c000 + (c100 - c000) * ux;
  const x10 = c010 + (c110 - c010) * ux;
  const x01 = c001 + (c101 - c001) * ux;
  const x11 = c011 + (c111 - c011) * ux;
  const y0 = x00 + (x10 - x00) * uy;
  const y1 = x01 + (x11 - x01) * uy;
  return y0 + (y1 - y0) * uz;
}

/**
 * A smooth periodic bump without trigonometry: 1 at integer c, 0 half-way between, C1
 * (a smoothstep of the distance to the nearest integer; close to 0.5 + 0.5 cos(2 pi c)).
 */
function bump(c: number): number {
  const d = 1 - 2 * Math.abs(c - Math.floor(c + 0.5)); // 1 at integers, 0 at half-integers
  return d * d * (3 - 2 * d);
}

/**
 * The pattern of a texture kind at a point given in texture PERIODS (metres / textureScaleM):
 * 0 = base colour, 1 = fully modulated. Always in [0, 1].
 * - plain: 0 everywhere.
 * - stripes: horizontal bands (along y), one light and one dark band per period, soft edges.
 * - checker: 3D checkerboard of unit cells.
 * - noise: two octaves of value noise.
 * - wood: rings around the y axis, warped by noise, with fine grain along y.
 * - fabric: a fine crossed weave of threads along all three axes (two cross on any face).
 */
export function texturePattern(kind: TextureKind, x: number, y: number, z: number): number {
  switch (kind) {
    case "plain":
      return 0;
    case "stripes": {
      // A steepened bump: flat light and dark bands with soft edges.
      const s = 3 * bump(y + PHASE) - 1;
      return s < 0 ? 0 : s > 1 ? 1 : s;
    }
    case "checker":
      return (Math.floor(x + PHASE) + Math.floor(y + PHASE) + Math.floor(z + PHASE)) & 1;
    case "noise":
      return 0.65 * valueNoise3(x, y, z) + 0.35 * valueNoise3(2 * x + 17.1, 2 * y + 3.3, 2 * z + 9.7);
    case "wood": {
      const r = Math.sqrt(x * x + z * z) + 0.4 * valueNoise3(0.7 * x, 0.15 * y, 0.7 * z);
      const ring = 1 - bump(r);
      const grain = valueNoise3(12 * x, 0.6 * y, 12 * z);
      return 0.8 * ring * ring + 0.2 * grain;
    }
    case "fabric":
      return (bump(x + PHASE) + bump(y + PHASE) + bump(z + PHASE)) / 3;
  }
}

/**
 * Brightness multiplier of a material's texture at a point (metres, in the PART frame, or a
 * plane's own frame): 1 - textureStrength * pattern, so in [1 - textureStrength, 1]. The surface
 * colour is the material's rgb times this (before lighting).
 */
export function textureBrightness(material: Material, x: number, y: number, z: number): number {
  if (material.texture === "plain" || material.textureStrength === 0) return 1;
  const inv = 1 / material.textureScaleM;
  return 1 - material.textureStrength * texturePattern(material.texture, x * inv, y * inv, z * inv);
}
