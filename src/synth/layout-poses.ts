// Layout poses: candidate poses for one object — on the floor in view (or just behind / in front
// of another, for occlusion), backed against a wall, or on a support's top — and the yaw they
// face. Pure draws from the generator; layout-placement.ts tests and keeps them.
import type { Vec3 } from "../geometry/index.js";
import { applyPose, rotationY } from "../geometry/index.js";
import type { Rng } from "../random.js";
import type { Aabb } from "./catalog.js";
import { footprintOf } from "./layout-footprint.js";
import type { Placed, PlaceContext } from "./layout-placement.js";
import type { World } from "./layout-world.js";
import { pickOf } from "./layout-world.js";
import type { Pose, SynthCamera } from "./types.js";

/** Gap between a wall and the back of an object placed against it, metres. */
const WALL_GAP_M = 0.005;
/** Farthest floor placement keeps an object's largest extent at least this many pixels long. */
const MIN_EXTENT_PX = 6;

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
export function floorPose(rng: Rng, ctx: PlaceContext, placed: readonly Placed[], b: Aabb, clutter: boolean): Pose | null {
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
export function wallPose(rng: Rng, world: World, b: Aabb): Pose | null {
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
export function surfacePose(rng: Rng, support: Placed, b: Aabb): Pose {
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
