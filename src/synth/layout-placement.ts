// Layout placement: which object stands where. Picks a category and a way to stand (floor, against
// a wall, on a support), builds an instance, and keeps a pose only when its footprint is in the
// room, clear of the camera and of other footprints on the same surface, and it shows in the image.
import { InputError } from "../errors.js";
import type { Vec3 } from "../geometry/index.js";
import { applyPose, composePoses, project } from "../geometry/index.js";
import type { Rng } from "../random.js";
import type { Aabb, CatalogObject, Category, SupportTop } from "./catalog.js";
import { buildObject } from "./catalog.js";
import type { Rect } from "./layout-footprint.js";
import { distanceToRect, footprintOf, insideRoom, rectInside, rectsOverlap } from "./layout-footprint.js";
import { floorPose, surfacePose, wallPose } from "./layout-poses.js";
import type { World } from "./layout-world.js";
import { pickOf } from "./layout-world.js";
import type { Pose, SceneObject, SynthCamera } from "./types.js";

/** Gap kept between footprints on the floor, metres: objects never touch. */
const FLOOR_MARGIN_M = 0.05;
/** Gap kept between objects on one support, metres. */
const SURFACE_MARGIN_M = 0.01;
/** No footprint comes nearer the camera's foot point than this, metres. */
const CAMERA_CLEARANCE_M = 0.5;
/** Share of floor attempts aimed just behind or in front of an object already placed (occlusion). */
const CLUTTER_SHARE = 0.35;
/** Share of attempts that put a surface category on a support when one is free. */
const ON_SUPPORT_SHARE = 0.5;
/** Largest size factor for a category that also stands on the floor when it goes on a support. */
const ON_SUPPORT_SIZE_MAX = 0.4;
/** Attempts per object asked for, before giving up on the rest. */
const ATTEMPTS_PER_OBJECT = 40;
/** Poses tried per built instance. */
const POSES_PER_ATTEMPT = 6;

/** An object placed so far, with what later placements test against. */
export interface Placed {
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

/** What every placement in one scene shares: camera, world, allowed categories, how many objects. */
export interface PlaceContext {
  readonly camera: SynthCamera;
  readonly world: World;
  readonly eligible: readonly Category[];
  readonly count: number;
  readonly minCount: number;
}

type Stand = "floor" | "clutter" | "wall" | "surface";

/**
 * Place up to `ctx.count` objects (at least `ctx.minCount`, else an InputError): pick a category
 * and a way to stand, build an instance, try a few poses, keep the first that passes every test.
 */
export function placeObjects(rng: Rng, ctx: PlaceContext): SceneObject[] {
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
