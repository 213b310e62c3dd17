// Scene layout: the layout options and sampleScenePlan, seed -> full ScenePlan. The parts it draws
// on live in layout-world.ts, layout-placement.ts, layout-poses.ts and layout-footprint.ts.
import { InputError } from "../errors.js";
import type { ImageSize } from "../geometry/index.js";
import { validateImageSize } from "../geometry/index.js";
import { createRng } from "../random.js";
import type { CameraSamplerConfig } from "./camera-sampler.js";
import { resolveCameraSamplerConfig, sampleCamera } from "./camera-sampler.js";
import { CATEGORY_NAMES, getCategory } from "./catalog.js";
import { placeObjects } from "./layout-placement.js";
import { sampleLight, sampleOutdoor, sampleRoom } from "./layout-world.js";
import type { ScenePlan } from "./types.js";

/**
 * Scene layout: from a seed to a full {@link ScenePlan} (environment, camera, objects, light).
 *
 * WORLD frame (types.ts): metres, +y up, floor y = 0. The camera stands at (0, h, 0) looking along
 * +z (camera-sampler.ts), so "ahead" is +z and the camera's right is world -x. A point at
 * horizontal distance r and bearing a (radians, positive to the camera's right) is
 * (x, z) = (-r sin a, r cos a).
 *
 * Order of work, all drawn from one generator seeded by `seed`:
 *   1. indoor or outdoor; 2. camera; 3. room walls or open ground; 4. light; 5. objects.
 *
 * Objects: each attempt picks a category and a way to stand (floor, against a wall, on a support),
 * builds an instance and tries a few poses. A pose is kept when the object's footprint stays in
 * the room, clear of the camera and of every other footprint on the same surface (oriented
 * rectangles, with a margin), and its projected box lands at least partly in the image. Bearings
 * reach past the field of view, so some objects are cut by the image border; some attempts aim
 * just behind or in front of an object already placed, so objects occlude each other. Only when
 * the first round of attempts falls short of minObjects (a camera low and pitched down cannot see
 * a door) may further objects stand out of view.
 *
 * Files: this one (options and the top-level sampler); layout-world.ts (room or open ground,
 * light); layout-placement.ts (which object stands where, and the tests a pose must pass);
 * layout-poses.ts (candidate poses on the floor, against a wall, on a support);
 * layout-footprint.ts (footprint rectangles and their overlap and containment tests).
 */

/** Options of {@link sampleScenePlan}; everything but `size` has a default. */
export interface LayoutOptions {
  /** Image size in pixels. */
  readonly size: ImageSize;
  /** Probability that a scene is a room (else open ground). Default 0.6. */
  readonly indoorRatio?: number;
  /** Fewest objects per scene. Default 2. */
  readonly minObjects?: number;
  /** Most objects per scene. Default 12. */
  readonly maxObjects?: number;
  /** Camera sampling ranges (defaults: camera-sampler.ts). */
  readonly camera?: Partial<CameraSamplerConfig>;
  /** Only these categories appear (default: all). */
  readonly categories?: readonly string[];
}

/** {@link LayoutOptions} with every default filled in and validated. */
export interface ResolvedLayoutOptions {
  readonly size: ImageSize;
  readonly indoorRatio: number;
  readonly minObjects: number;
  readonly maxObjects: number;
  readonly camera: CameraSamplerConfig;
  readonly categories: readonly string[];
}

/**
 * Defaults, and why: 0.6 indoor because the downstream tasks (tabletop and room QA) are mostly
 * indoor; 2 to 12 objects so every scene has a relation to ask about and no scene is a pile.
 */
export const DEFAULT_LAYOUT_OPTIONS = { indoorRatio: 0.6, minObjects: 2, maxObjects: 12 } as const;

/** Most objects a scene may ask for: placement needs room, and more would be a pile. */
export const MAX_OBJECTS_LIMIT = 50;

const OPTION_KEYS = ["size", "indoorRatio", "minObjects", "maxObjects", "camera", "categories"];

/** Fill defaults and validate; throws an InputError naming the field. */
export function resolveLayoutOptions(options: LayoutOptions, where = "sampleScenePlan"): ResolvedLayoutOptions {
  if (typeof options !== "object" || options === null) throw new InputError(where, "options", options, "must be an object with at least size");
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) throw new InputError(where, key, (options as unknown as Record<string, unknown>)[key], `is not a layout option; choose one of ${OPTION_KEYS.join(", ")}`);
  }
  if (typeof options.size !== "object" || options.size === null) throw new InputError(where, "size", options.size, "must be { width, height } in pixels");
  const size = validateImageSize(options.size, `${where}: size`);
  const indoorRatio = options.indoorRatio ?? DEFAULT_LAYOUT_OPTIONS.indoorRatio;
  if (typeof indoorRatio !== "number" || !(indoorRatio >= 0 && indoorRatio <= 1)) throw new InputError(where, "indoorRatio", indoorRatio, "must be a number in [0, 1]");
  const minObjects = options.minObjects ?? DEFAULT_LAYOUT_OPTIONS.minObjects;
  const maxObjects = options.maxObjects ?? DEFAULT_LAYOUT_OPTIONS.maxObjects;
  if (!Number.isInteger(minObjects) || minObjects < 0 || minObjects > MAX_OBJECTS_LIMIT) {
    throw new InputError(where, "minObjects", minObjects, `must be an integer in [0, ${MAX_OBJECTS_LIMIT}]`);
  }
  if (!Number.isInteger(maxObjects) || maxObjects < minObjects || maxObjects > MAX_OBJECTS_LIMIT) {
    throw new InputError(where, "maxObjects", maxObjects, `must be an integer in [minObjects = ${minObjects}, ${MAX_OBJECTS_LIMIT}]`);
  }
  const camera = resolveCameraSamplerConfig(options.camera ?? {}, `${where}: camera`);
  const categories = options.categories ?? CATEGORY_NAMES;
  if (!Array.isArray(categories) || categories.length === 0) throw new InputError(where, "categories", categories, "must be a non-empty list of category names");
  const seen = new Set<string>();
  for (const name of categories) {
    getCategory(name);
    if (seen.has(name)) throw new InputError(where, "categories", name, "is listed twice");
    seen.add(name);
  }
  return { size, indoorRatio, minObjects, maxObjects, camera, categories: [...categories] };
}

/**
 * A random scene, fully determined by `seed` (an integer in [0, 2^32)) and the options: the same
 * inputs give a deep-equal plan. Pure; throws an InputError for bad options, or when the objects
 * asked for cannot all be placed (only possible with unusual options, e.g. many beds).
 */
export function sampleScenePlan(seed: number, options: LayoutOptions): ScenePlan {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new InputError("sampleScenePlan", "seed", seed, "must be an integer in [0, 4294967295]");
  const o = resolveLayoutOptions(options);
  const rng = createRng(seed);

  let indoor = rng.next() < o.indoorRatio;
  const fits = (name: string, inRoom: boolean): boolean => {
    const s = getCategory(name).setting;
    const wallOnly = getCategory(name).placements.every((p) => p === "wall");
    return inRoom ? s !== "outdoor" : s !== "indoor" && !wallOnly;
  };
  // When none of the allowed categories belongs in this kind of scene, use the other kind.
  if (!o.categories.some((n) => fits(n, indoor))) indoor = !indoor;
  const eligible = o.categories.filter((n) => fits(n, indoor)).map(getCategory);

  const camera = sampleCamera(rng, o.size, o.camera);
  const world = indoor ? sampleRoom(rng) : sampleOutdoor(rng);
  const light = sampleLight(rng, indoor);
  const count = o.minObjects + rng.int(o.maxObjects - o.minObjects + 1);
  const objects = placeObjects(rng, { camera, world, eligible, count, minCount: o.minObjects });
  return { seed, environment: world.environment, objects, camera, light };
}
