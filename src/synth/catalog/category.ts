import { InputError } from "../../errors.js";
import type { Vec2, Vec3 } from "../../geometry/index.js";
import type { Rng } from "../../random.js";
import type { ColorName, MaterialKind } from "../materials.js";
import { COLOR_NAMES, colorRgb, isColorName, jitterColor, makeMaterial, WOOD_COLORS } from "../materials.js";
import type { Material, Part } from "../types.js";
import type { Aabb } from "./bounds.js";
import { partBounds, partsBounds } from "./bounds.js";

/** Where a category is found: inside rooms, outside, or both. */
export type Setting = "indoor" | "outdoor" | "both";

/**
 * Where an instance can stand:
 * - "floor": anywhere on the floor or ground;
 * - "surface": on top of a support object (a mug on a table);
 * - "wall": on the floor with its back (OBJECT -z side) against a room wall (a door, a bookshelf).
 */
export type Placement = "floor" | "surface" | "wall";

/**
 * The top of a support object, in its OBJECT frame: the plane y = heightM (the object's highest
 * point, so nothing of the support pokes through what stands on it) and the rectangle of that
 * plane an object's footprint may cover.
 */
export interface SupportTop {
  /** Height of the top above the object's base, metres. */
  readonly heightM: number;
  /** Usable rectangle of the top: (x, z) min and max corners, metres. */
  readonly minXZ: Vec2;
  readonly maxXZ: Vec2;
}

/** One built instance: its parts and exact bounds in the OBJECT frame. */
export interface BuiltObject {
  readonly parts: readonly Part[];
  /** Exact axis-aligned bounds of all parts (min y = 0, x and z centred on the origin). */
  readonly localBounds: Aabb;
  /** The surface others may stand on, for categories that can support; otherwise null. */
  readonly supportTop: SupportTop | null;
}

/**
 * An object category: the name a person would use, its real-world size range and where it
 * belongs, and a builder composing an instance from primitives.
 *
 * Size: `extentsM` bounds the OBJECT-frame extents (x width side to side, y height, z depth front
 * to back; the front faces +z) over all instances; `sizeFactor` in [0, 1] places an instance
 * between the smallest (0) and largest (1) real examples.
 */
export interface Category {
  readonly name: string;
  /** Smallest and largest extents of an instance (x, y, z), metres. */
  readonly extentsM: { readonly min: Vec3; readonly max: Vec3 };
  /** Where it can stand, in order of preference. */
  readonly placements: readonly Placement[];
  /** Whether other objects can stand on it (its build then returns a supportTop). */
  readonly canSupport: boolean;
  readonly setting: Setting;
  /** Colours it comes in; the first is the most typical. */
  readonly colors: readonly ColorName[];
  /**
   * Build an instance. `sizeFactor` in [0, 1]; `color` paints the part that dominates the
   * object's look (default: the first of `colors`). Every random choice draws from `rng`.
   */
  build(rng: Rng, sizeFactor: number, color?: ColorName): BuiltObject;
}

/** What a category's builder gets: the randomness, the size factor and the main colour. */
export interface BuildContext {
  readonly rng: Rng;
  readonly sizeFactor: number;
  readonly color: ColorName;
  /** The main colour, sRGB 0..255, with a small per-instance brightness jitter. */
  readonly rgb: Vec3;
  /**
   * A size in metres, lerp(range[0], range[1], t) where t is the size factor moved by up to
   * +-`jitter` (and kept in [0, 1]), so instances of one size class still vary.
   */
  dim(range: readonly [number, number], jitter?: number): number;
  /** A proportion independent of the size factor: uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One of `items`, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** A material of the main colour: wood grain when the colour is a wood colour, else `otherwise`. */
  main(otherwise: MaterialKind): Material;
  /** A material of a palette colour (brightness-jittered like the main one) or of an sRGB colour as given. */
  material(kind: MaterialKind, color: ColorName | Vec3): Material;
}

/** What a builder returns: parts anywhere, and which part (if any) is the support top. */
export interface Draft {
  readonly parts: readonly Part[];
  /**
   * The part whose top face others stand on. `round`: the part is a disc, so the usable
   * rectangle is the inscribed square; `insetM`: keep footprints this far from its edges
   * (metres, default 0.02).
   */
  readonly top?: { readonly part: number; readonly round?: boolean; readonly insetM?: number };
}

/** The definition of a category: everything but `build`, plus a builder from context to draft. */
export interface CategoryDefinition extends Omit<Category, "build"> {
  make(ctx: BuildContext): Draft;
}

/**
 * Turn a definition into a Category. The built parts are moved so the object rests on y = 0 with
 * its footprint centred on the origin, and its bounds and support top are computed from the parts
 * (never typed by hand).
 */
export function defineCategory(def: CategoryDefinition): Category {
  const { make, ...meta } = def;
  return {
    ...meta,
    build(rng: Rng, sizeFactor: number, color: ColorName = def.colors[0]!): BuiltObject {
      const where = `${def.name}.build`;
      if (!Number.isFinite(sizeFactor) || sizeFactor < 0 || sizeFactor > 1) {
        throw new InputError(where, "sizeFactor", sizeFactor, "must be a number in [0, 1]");
      }
      if (!isColorName(color)) {
        throw new InputError(where, "color", color, `is not a supported colour; choose one of ${COLOR_NAMES.join(", ")}`);
      }
      const draft = make(contextFor(rng, sizeFactor, color));
      return finishDraft(draft, where);
    },
  };
}

function contextFor(rng: Rng, sizeFactor: number, color: ColorName): BuildContext {
  const rgb = jitterColor(colorRgb(color), rng);
  const jittered = (c: ColorName | Vec3): Vec3 => (typeof c === "string" ? jitterColor(colorRgb(c), rng) : c);
  return {
    rng,
    sizeFactor,
    color,
    rgb,
    dim(range, jitter = 0.1) {
      const t = Math.min(1, Math.max(0, sizeFactor + rng.uniform(-jitter, jitter)));
      return range[0] + (range[1] - range[0]) * t;
    },
    uniform: (lo, hi) => rng.uniform(lo, hi),
    chance: (p) => rng.next() < p,
    pick: <T>(items: readonly T[]): T => items[rng.int(items.length)]!,
    main: (otherwise) => makeMaterial(WOOD_COLORS.includes(color) ? "wood" : otherwise, rgb),
    material: (kind, c) => makeMaterial(kind, jittered(c)),
  };
}

/** Move the draft onto y = 0 with its footprint centred, then compute bounds and support top. */
function finishDraft(draft: Draft, where: string): BuiltObject {
  const raw = partsBounds(draft.parts);
  const shift: Vec3 = [-(raw.min[0] + raw.max[0]) / 2, -raw.min[1], -(raw.min[2] + raw.max[2]) / 2];
  const parts = draft.parts.map((p) => ({
    ...p,
    pose: {
      rotation: p.pose.rotation,
      translation: [p.pose.translation[0] + shift[0], p.pose.translation[1] + shift[1], p.pose.translation[2] + shift[2]] as Vec3,
    },
  }));
  const localBounds = partsBounds(parts);
  let supportTop: SupportTop | null = null;
  if (draft.top) {
    const topPart = parts[draft.top.part];
    if (!topPart) throw new Error(`${where}: top part ${draft.top.part} does not exist`);
    const b = partBounds(topPart);
    const cx = (b.min[0] + b.max[0]) / 2;
    const cz = (b.min[2] + b.max[2]) / 2;
    let hx = (b.max[0] - b.min[0]) / 2;
    let hz = (b.max[2] - b.min[2]) / 2;
    if (draft.top.round) hx = hz = Math.min(hx, hz) / Math.SQRT2;
    const inset = draft.top.insetM ?? 0.02;
    hx = Math.max(0, hx - inset);
    hz = Math.max(0, hz - inset);
    supportTop = { heightM: localBounds.max[1], minXZ: [cx - hx, cz - hz], maxXZ: [cx + hx, cz + hz] };
  }
  return { parts, localBounds, supportTop };
}
