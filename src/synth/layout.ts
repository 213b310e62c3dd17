import { InputError } from "../errors.js";
import type { ImageSize, Vec2, Vec3 } from "../geometry/index.js";
import { applyPose, composePoses, project, rotationY, validateImageSize } from "../geometry/index.js";
import type { Rng } from "../random.js";
import { createRng } from "../random.js";
import type { CameraSamplerConfig } from "./camera-sampler.js";
import { resolveCameraSamplerConfig, sampleCamera } from "./camera-sampler.js";
import type { Aabb, CatalogObject, Category, SupportTop } from "./catalog.js";
import { buildObject, CATEGORY_NAMES, getCategory } from "./catalog.js";
import { jitterColor, makeMaterial } from "./materials.js";
import type { ColorName, MaterialKind } from "./materials.js";
import type { Environment, Light, Material, Plane, Pose, SceneObject, ScenePlan, SynthCamera } from "./types.js";

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

// Environment

/** The walkable floor: x and z limits (metres, WORLD), a ceiling height, and where objects may stand ahead. */
interface World {
  readonly environment: Environment;
  readonly kind: "room" | "outdoor";
  readonly xMin: number;
  readonly xMax: number;
  readonly zMin: number;
  readonly zMax: number;
  readonly ceilingM: number;
  /** Nearest and farthest horizontal distance from the camera for objects, metres. */
  readonly nearM: number;
  readonly farM: number;
}

function plane(normal: Vec3, offsetM: number, material: Material): Plane {
  return { normal, offsetM, material };
}

/** A plane material: a palette colour as is, or an sRGB colour with a small brightness jitter. */
function surface(rng: Rng, kind: MaterialKind, color: ColorName | Vec3, textureScaleM?: number): Material {
  const m = makeMaterial(kind, typeof color === "string" ? color : jitterColor(color, rng));
  return textureScaleM === undefined ? m : { ...m, textureScaleM };
}

/**
 * A room around the camera: floor, four walls (the one behind the camera out of view) and a
 * ceiling. The far wall is 4.5-10 m ahead and the side walls 2-5 m to each side, so the farthest
 * objects (8 m) still fit in big rooms.
 */
function sampleRoom(rng: Rng): World {
  const zMax = rng.uniform(4.5, 10);
  const zMin = -rng.uniform(0.8, 3);
  const xMax = rng.uniform(2, 5);
  const xMin = -rng.uniform(2, 5);
  const ceilingM = rng.uniform(2.5, 3.2);
  const floorStyle = rng.int(3);
  const floor =
    floorStyle === 0
      ? surface(rng, "wood", pickOf(rng, [[185, 140, 95], [140, 95, 60], [210, 180, 140]] as const), 0.15)
      : floorStyle === 1
        ? { ...surface(rng, "painted", pickOf(rng, [[205, 205, 200], [225, 215, 190], [150, 150, 150]] as const)), texture: "checker" as const, textureScaleM: rng.uniform(0.3, 0.6), textureStrength: 0.12 }
        : surface(rng, "fabric", pickOf(rng, [[120, 120, 125], [170, 160, 140], [70, 80, 110]] as const), 0.02);
  const wallRgb = pickOf(rng, [[236, 234, 228], [225, 215, 190], [200, 200, 200], [190, 210, 225], [215, 225, 200], [235, 215, 200]] as const);
  const wall = surface(rng, "painted", wallRgb, 0.4);
  const environment: Environment = {
    kind: "room",
    planes: [
      plane([0, 1, 0], 0, floor),
      plane([0, 0, -1], -zMax, wall),
      plane([-1, 0, 0], -xMax, wall),
      plane([1, 0, 0], xMin, wall),
      plane([0, 0, 1], zMin, wall),
      plane([0, -1, 0], -ceilingM, surface(rng, "painted", [245, 245, 242], 0.5)),
    ],
    skyRgb: [30, 30, 30],
    // Farther than any point of the largest room (10 x 10 x 3.2 m), so the room is always closed.
    maxDepthM: 20,
  };
  return { environment, kind: "room", xMin, xMax, zMin, zMax, ceilingM, nearM: 0.8, farM: Math.min(8, zMax - 0.3) };
}

/** Open ground to the horizon; things beyond 40 m fade into the sky. */
function sampleOutdoor(rng: Rng): World {
  const style = rng.int(4);
  // Grass, asphalt, paving slabs or sand.
  const ground =
    style === 0
      ? surface(rng, "foliage", [70, 125, 55], 0.15)
      : style === 1
        ? surface(rng, "rubber", [75, 75, 78], 0.05)
        : style === 2
          ? { ...surface(rng, "painted", [165, 160, 150]), texture: "checker" as const, textureScaleM: 0.5, textureStrength: 0.1 }
          : surface(rng, "cardboard", [200, 180, 140], 0.1);
  const sky: Vec3 = rng.next() < 0.75 ? [Math.round(rng.uniform(130, 180)), Math.round(rng.uniform(180, 210)), Math.round(rng.uniform(225, 250))] : [200, 203, 208];
  const environment: Environment = { kind: "outdoor", planes: [plane([0, 1, 0], 0, ground)], skyRgb: sky, maxDepthM: 40 };
  return { environment, kind: "outdoor", xMin: -Infinity, xMax: Infinity, zMin: -Infinity, zMax: Infinity, ceilingM: Infinity, nearM: 1.2, farM: 20 };
}

/** Sun or ceiling light from above: elevation 35-80 degrees, any azimuth. */
function sampleLight(rng: Rng, indoor: boolean): Light {
  const el = (rng.uniform(35, 80) * Math.PI) / 180;
  const az = rng.uniform(0, 2 * Math.PI);
  const direction: Vec3 = [-Math.cos(el) * Math.sin(az), -Math.sin(el), -Math.cos(el) * Math.cos(az)];
  return { direction, ambient: indoor ? rng.uniform(0.3, 0.45) : rng.uniform(0.2, 0.35) };
}

function pickOf<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

// Footprints: oriented rectangles on a horizontal plane, as 4 (x, z) corners in order.

type Rect = readonly [Vec2, Vec2, Vec2, Vec2];

/** Corners of the bounds' x-z rectangle under `worldFromObject` (rotation about y only). */
function footprintOf(bounds: { readonly min: Vec3; readonly max: Vec3 }, worldFromObject: Pose): Rect {
  const at = (x: number, z: number): Vec2 => {
    const p = applyPose(worldFromObject, [x, 0, z]);
    return [p[0], p[2]];
  };
  const { min, max } = bounds;
  return [at(min[0], min[2]), at(max[0], min[2]), at(max[0], max[2]), at(min[0], max[2])];
}

/**
 * True when two convex quads come within `marginM` of each other along every separating axis
 * candidate (their edge normals): the separating-axis test with a gap.
 */
export function rectsOverlap(a: Rect, b: Rect, marginM: number): boolean {
  for (const poly of [a, b]) {
    for (let i = 0; i < 4; i++) {
      const p = poly[i]!;
      const q = poly[(i + 1) % 4]!;
      const len = Math.hypot(q[0] - p[0], q[1] - p[1]);
      if (len === 0) continue;
      const nx = -(q[1] - p[1]) / len;
      const nz = (q[0] - p[0]) / len;
      const [a0, a1] = projectRect(a, nx, nz);
      const [b0, b1] = projectRect(b, nx, nz);
      if (b0 - a1 >= marginM || a0 - b1 >= marginM) return false;
    }
  }
  return true;
}

function projectRect(r: Rect, nx: number, nz: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const [x, z] of r) {
    const d = x * nx + z * nz;
    lo = Math.min(lo, d);
    hi = Math.max(hi, d);
  }
  return [lo, hi];
}

/** Distance from point (x, z) to a convex quad (corners in either winding), 0 inside. */
function distanceToRect(r: Rect, x: number, z: number): number {
  let positive = 0;
  let negative = 0;
  let best = Infinity;
  for (let i = 0; i < 4; i++) {
    const p = r[i]!;
    const q = r[(i + 1) % 4]!;
    const ex = q[0] - p[0];
    const ez = q[1] - p[1];
    const cross = ex * (z - p[1]) - ez * (x - p[0]);
    if (cross > 0) positive++;
    if (cross < 0) negative++;
    const t = Math.max(0, Math.min(1, ((x - p[0]) * ex + (z - p[1]) * ez) / (ex * ex + ez * ez || 1)));
    best = Math.min(best, Math.hypot(x - (p[0] + t * ex), z - (p[1] + t * ez)));
  }
  return positive === 0 || negative === 0 ? 0 : best;
}

// Objects

/** Gap kept between footprints on the floor, metres: objects never touch. */
const FLOOR_MARGIN_M = 0.05;
/** Gap kept between objects on one support, metres. */
const SURFACE_MARGIN_M = 0.01;
/** No footprint comes nearer the camera's foot point than this, metres. */
const CAMERA_CLEARANCE_M = 0.5;
/** Gap between a wall and the back of an object placed against it, metres. */
const WALL_GAP_M = 0.005;
/** Share of floor attempts aimed just behind or in front of an object already placed (occlusion). */
const CLUTTER_SHARE = 0.35;
/** Share of attempts that put a surface category on a support when one is free. */
const ON_SUPPORT_SHARE = 0.5;
/** Largest size factor for a category that also stands on the floor when it goes on a support. */
const ON_SUPPORT_SIZE_MAX = 0.4;
/** Attempts per object asked for, before giving up on the rest. */
const ATTEMPTS_PER_OBJECT = 40;
/** Farthest floor placement keeps an object's largest extent at least this many pixels long. */
const MIN_EXTENT_PX = 6;
/** Poses tried per built instance. */
const POSES_PER_ATTEMPT = 6;

/** An object placed so far, with what later placements test against. */
interface Placed {
  readonly object: SceneObject;
  readonly footprint: Rect;
  /** Horizontal distance and bearing of the footprint centre from the camera. */
  readonly rangeM: number;
  readonly bearingRad: number;
  /** Top surface in the WORLD frame, for supports standing on the floor; else null. */
  readonly top: { readonly heightM: number; readonly top: SupportTop; readonly worldFromObject: Pose } | null;
  /** Footprints of the objects already on this one's top. */
  readonly onTop: Rect[];
}

interface PlaceContext {
  readonly camera: SynthCamera;
  readonly world: World;
  readonly eligible: readonly Category[];
  readonly count: number;
  readonly minCount: number;
}

type Stand = "floor" | "clutter" | "wall" | "surface";

function placeObjects(rng: Rng, ctx: PlaceContext): SceneObject[] {
  const placed: Placed[] = [];
  const room = ctx.world.kind === "room";
  const surfaceCats = ctx.eligible.filter((c) => c.placements.includes("surface"));
  const groundCats = ctx.eligible.filter((c) => c.placements.includes("floor") || (room && c.placements.includes("wall")));
  const supportCats = groundCats.filter((c) => c.canSupport);
  const maxAttempts = ATTEMPTS_PER_OBJECT * Math.max(ctx.count, 1);
  for (let attempt = 0; attempt < 2 * maxAttempts && placed.length < ctx.count; attempt++) {
    // Past the first round, and still short of minObjects (a low camera looking at the floor
    // cannot see a door), objects may stand out of view: hidden objects are a real case too.
    if (attempt >= maxAttempts && placed.length >= ctx.minCount) break;
    const inView = attempt < maxAttempts;
    const supports = placed.filter((p) => p.top !== null);
    let category: Category;
    let stand: Stand;
    let support: Placed | null = null;
    if (supports.length > 0 && surfaceCats.length > 0 && (groundCats.length === 0 || rng.next() < ON_SUPPORT_SHARE)) {
      support = pickOf(rng, supports);
      const fitting = surfaceCats.filter((c) => fitsOn(c, support!, ctx.world));
      if (fitting.length === 0) continue;
      category = pickOf(rng, fitting);
      stand = "surface";
    } else if (groundCats.length > 0) {
      // Start a scene with something to put things on, when there are things to put on it.
      const wantSupport = supports.length === 0 && supportCats.length > 0 && surfaceCats.length > 0 && rng.next() < 0.6;
      category = pickOf(rng, wantSupport ? supportCats : groundCats);
      stand = groundStand(rng, category, room, placed.length > 0);
    } else {
      // Only surface categories and nothing to stand them on: the floor it is (a mug on the floor).
      category = pickOf(rng, surfaceCats);
      stand = placed.length > 0 && rng.next() < CLUTTER_SHARE ? "clutter" : "floor";
    }
    const sizeFactor = support ? rng.uniform(0, sizeFactorCapOn(category, support)) : rng.next();
    const built = buildObject(category.name, rng, { sizeFactor });
    for (let k = 0; k < POSES_PER_ATTEMPT; k++) {
      const p = tryPose(rng, ctx, placed, built, stand, support, inView);
      if (p) {
        placed.push(p);
        break;
      }
    }
  }
  if (placed.length < ctx.minCount) {
    throw new InputError("sampleScenePlan", "minObjects", ctx.minCount, `could place only ${placed.length} of the allowed categories in this scene; ask for fewer objects or more categories`);
  }
  return placed.map((p) => p.object);
}

/** Whether the smallest instance of `category` fits on the support's top (either way round) and under the ceiling. */
function fitsOn(category: Category, support: Placed, world: World): boolean {
  const top = support.top!;
  const w = top.top.maxXZ[0] - top.top.minXZ[0];
  const d = top.top.maxXZ[1] - top.top.minXZ[1];
  const [ex, ey, ez] = category.extentsM.min;
  const fitsFlat = Math.min(ex, ez) <= Math.min(w, d) && Math.max(ex, ez) <= Math.max(w, d);
  return fitsFlat && top.heightM + ey < world.ceilingM - 0.05;
}

/**
 * Largest size factor for `category` on this support: what keeps the instance's footprint within
 * the top (extents grow linearly with the factor), and at most ON_SUPPORT_SIZE_MAX for things
 * that also stand on the floor (a small plant on a table, a big one on the floor).
 */
function sizeFactorCapOn(category: Category, support: Placed): number {
  const top = support.top!.top;
  const long = Math.max(top.maxXZ[0] - top.minXZ[0], top.maxXZ[1] - top.minXZ[1]);
  const short = Math.min(top.maxXZ[0] - top.minXZ[0], top.maxXZ[1] - top.minXZ[1]);
  const { min, max } = category.extentsM;
  const wide = min[0] >= min[2] ? 0 : 2;
  const narrow = 2 - wide;
  const cap = (room: number, axis: number): number => (max[axis]! <= room ? 1 : Math.max(0, (room - min[axis]!) / (max[axis]! - min[axis]!)));
  const fit = Math.min(cap(long, wide), cap(short, narrow));
  return category.placements.includes("floor") ? Math.min(fit, ON_SUPPORT_SIZE_MAX) : fit;
}

function groundStand(rng: Rng, category: Category, room: boolean, haveOthers: boolean): Stand {
  const canFloor = category.placements.includes("floor");
  const canWall = room && category.placements.includes("wall");
  if (canWall && (!canFloor || rng.next() < 0.6)) return "wall";
  return haveOthers && rng.next() < CLUTTER_SHARE ? "clutter" : "floor";
}

/** One try at a pose for `built`; the placed record when every test passes, else null. */
function tryPose(rng: Rng, ctx: PlaceContext, placed: readonly Placed[], built: CatalogObject, stand: Stand, support: Placed | null, inView: boolean): Placed | null {
  const { world } = ctx;
  const b = built.localBounds;
  let pose: Pose;
  if (support) {
    pose = surfacePose(rng, support, b);
  } else if (stand === "wall") {
    const p = wallPose(rng, world, b);
    if (!p) return null;
    pose = p;
  } else {
    const p = floorPose(rng, ctx, placed, b, stand === "clutter");
    if (!p) return null;
    pose = p;
  }
  const footprint = footprintOf(b, pose);
  const heightM = pose.translation[1] + b.max[1];
  if (heightM > world.ceilingM - 0.05) return null;
  if (!inFront(ctx.camera, pose, b, inView)) return null;
  if (support) {
    const top = support.top!;
    if (!rectInside(footprint, top.top, top.worldFromObject)) return null;
    if (support.onTop.some((r) => rectsOverlap(r, footprint, SURFACE_MARGIN_M))) return null;
  } else {
    if (!insideRoom(world, footprint)) return null;
    if (distanceToRect(footprint, 0, 0) < CAMERA_CLEARANCE_M) return null;
    if (placed.some((p) => p.object.supportId === null && rectsOverlap(p.footprint, footprint, FLOOR_MARGIN_M))) return null;
  }
  const id = placed.length;
  const object: SceneObject = {
    id,
    label: built.label,
    attributes: built.attributes,
    parts: built.parts,
    pose,
    localBounds: built.localBounds,
    supportId: support ? support.object.id : null,
  };
  if (support) support.onTop.push(footprint);
  const cx = pose.translation[0];
  const cz = pose.translation[2];
  return {
    object,
    footprint,
    rangeM: Math.hypot(cx, cz),
    bearingRad: Math.atan2(-cx, cz),
    top: !support && built.supportTop ? { heightM: pose.translation[1] + built.supportTop.heightM, top: built.supportTop, worldFromObject: pose } : null,
    onTop: [],
  };
}

function yawPose(yawRad: number, x: number, y: number, z: number): Pose {
  return { rotation: rotationY(yawRad), translation: [x, y, z] };
}

/** Facing the camera (front +z towards the origin) turned by up to +-maxOffRad, or any yaw. */
function sampleYaw(rng: Rng, x: number, z: number, faceShare: number, maxOffRad: number): number {
  if (rng.next() < faceShare) return Math.atan2(-x, -z) + rng.uniform(-maxOffRad, maxOffRad);
  return rng.uniform(-Math.PI, Math.PI);
}

/** Horizontal half field of view, radians (ignoring roll): bearings up to this are in the image. */
function halfFovX(camera: SynthCamera): number {
  const { fx, cx } = camera.intrinsics;
  return Math.atan(Math.max(cx + 0.5, camera.size.width - 0.5 - cx) / fx);
}

/**
 * A floor pose in view: a bearing up to 0.25 rad past the image edge (so some objects are cut by
 * it) and a distance up to where the object is still MIN_EXTENT_PX pixels long. `clutter`: just behind or in
 * front of an object already on the floor, on nearly the same bearing, so one hides the other.
 */
function floorPose(rng: Rng, ctx: PlaceContext, placed: readonly Placed[], b: Aabb, clutter: boolean): Pose | null {
  const { world } = ctx;
  const extent = Math.max(b.max[0] - b.min[0], b.max[1] - b.min[1], b.max[2] - b.min[2]);
  const far = Math.min(world.farM, (ctx.camera.intrinsics.fx * extent) / MIN_EXTENT_PX);
  if (far <= world.nearM) return null;
  let r: number;
  let bearing: number;
  const floorObjects = placed.filter((p) => p.object.supportId === null);
  if (clutter && floorObjects.length > 0) {
    const other = pickOf(rng, floorObjects);
    const half = Math.atan2(0.5 * Math.hypot(other.footprint[0][0] - other.footprint[2][0], other.footprint[0][1] - other.footprint[2][1]), other.rangeM);
    bearing = other.bearingRad + rng.uniform(-0.7, 0.7) * half;
    r = other.rangeM + (rng.next() < 0.65 ? rng.uniform(0.6, 2.5) : -rng.uniform(0.6, 1.5));
    if (r < world.nearM || r > world.farM) return null;
  } else {
    const h = halfFovX(ctx.camera) + 0.25;
    bearing = rng.uniform(-h, h);
    // Nearer distances are likelier (u^1.5), so far-off objects stay a minority of a few pixels.
    r = world.nearM + (far - world.nearM) * Math.pow(rng.next(), 1.5);
  }
  const x = -r * Math.sin(bearing);
  const z = r * Math.cos(bearing);
  return yawPose(sampleYaw(rng, x, z, 0.5, Math.PI / 4), x, 0, z);
}

/** Back against the far wall or a side wall (ahead of the camera), facing into the room. */
function wallPose(rng: Rng, world: World, b: Aabb): Pose | null {
  if (world.kind !== "room") return null;
  const which = rng.next();
  // Inward normal (nx, nz) of the chosen wall and a point along it.
  let nx: number;
  let nz: number;
  let x: number;
  let z: number;
  if (which < 0.5) {
    nx = 0;
    nz = -1;
    x = rng.uniform(world.xMin, world.xMax);
    z = world.zMax;
  } else {
    nx = which < 0.75 ? -1 : 1;
    nz = 0;
    x = nx < 0 ? world.xMax : world.xMin;
    z = rng.uniform(1.5, world.zMax);
  }
  const yaw = Math.atan2(nx, nz);
  // Slide the object off the wall until its farthest footprint corner is WALL_GAP_M from it.
  const probe = footprintOf(b, yawPose(yaw, 0, 0, 0));
  const reach = Math.max(...probe.map(([px, pz]) => -(px * nx + pz * nz)));
  const d = reach + WALL_GAP_M;
  return yawPose(yaw, x + nx * d, 0, z + nz * d);
}

/** On a support's top: uniform in its usable rectangle, square to it or facing the camera. */
function surfacePose(rng: Rng, support: Placed, b: Aabb): Pose {
  const top = support.top!;
  const s = top.top;
  const lx = rng.uniform(s.minXZ[0], s.maxXZ[0]);
  const lz = rng.uniform(s.minXZ[1], s.maxXZ[1]);
  const centre = applyPose(top.worldFromObject, [lx, 0, lz]);
  const supportYaw = Math.atan2(top.worldFromObject.rotation[2], top.worldFromObject.rotation[0]);
  // Mostly facing the way the support faces (a monitor on a desk), else square to it or towards the camera.
  const style = rng.next();
  const yaw =
    style < 0.55
      ? supportYaw + rng.uniform(-0.25, 0.25)
      : style < 0.75
        ? supportYaw + (rng.int(4) * Math.PI) / 2 + rng.uniform(-0.15, 0.15)
        : sampleYaw(rng, centre[0], centre[2], 1, Math.PI / 5);
  // Centre the child's footprint (not its origin) on the sampled point, then stand it on the top.
  const rot = rotationY(yaw);
  const cLocal: Vec3 = [(b.min[0] + b.max[0]) / 2, 0, (b.min[2] + b.max[2]) / 2];
  const off = applyPose({ rotation: rot, translation: [0, 0, 0] }, cLocal);
  return { rotation: rot, translation: [centre[0] - off[0], top.heightM, centre[2] - off[2]] };
}

/** True when every corner of `r` (WORLD x-z) lies in the support's usable rectangle. */
function rectInside(r: Rect, top: SupportTop, worldFromSupport: Pose): boolean {
  const R = worldFromSupport.rotation;
  const t = worldFromSupport.translation;
  return r.every(([x, z]) => {
    // Support-local coordinates: R^T (p - t), rotation about y only.
    const dx = x - t[0];
    const dz = z - t[2];
    const lx = R[0] * dx + R[6] * dz;
    const lz = R[2] * dx + R[8] * dz;
    return lx >= top.minXZ[0] && lx <= top.maxXZ[0] && lz >= top.minXZ[1] && lz <= top.maxXZ[1];
  });
}

function insideRoom(world: World, r: Rect): boolean {
  const eps = 1e-6;
  return r.every(([x, z]) => x >= world.xMin + eps && x <= world.xMax - eps && z >= world.zMin + eps && z <= world.zMax - eps);
}

/**
 * True when the object is wholly in front of the camera and, when `inView`, at least a quarter of
 * its projected box (the 2D box of its 8 bounds corners) lies in the image, covering at least 16
 * pixels.
 */
function inFront(camera: SynthCamera, worldFromObject: Pose, b: Aabb, inView: boolean): boolean {
  const cameraFromObject = composePoses(camera.cameraFromWorld, worldFromObject);
  let u0 = Infinity;
  let u1 = -Infinity;
  let v0 = Infinity;
  let v1 = -Infinity;
  for (let i = 0; i < 8; i++) {
    const corner: Vec3 = [i & 1 ? b.max[0] : b.min[0], i & 2 ? b.max[1] : b.min[1], i & 4 ? b.max[2] : b.min[2]];
    const p = applyPose(cameraFromObject, corner);
    if (p[2] < 0.1) return false;
    const uv = project(camera.intrinsics, p)!;
    u0 = Math.min(u0, uv[0]);
    u1 = Math.max(u1, uv[0]);
    v0 = Math.min(v0, uv[1]);
    v1 = Math.max(v1, uv[1]);
  }
  if (!inView) return true;
  const { width, height } = camera.size;
  const iw = Math.min(u1, width - 0.5) - Math.max(u0, -0.5);
  const ih = Math.min(v1, height - 0.5) - Math.max(v0, -0.5);
  if (iw <= 0 || ih <= 0) return false;
  const inArea = iw * ih;
  return inArea >= 16 && inArea >= 0.25 * (u1 - u0) * (v1 - v0);
}
