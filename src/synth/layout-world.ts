// Layout environment: a room around the camera or open ground to the horizon (planes, materials,
// the walkable limits objects are placed in), and the light. WORLD frame: metres, +y up, floor
// y = 0, camera at (0, h, 0) looking along +z.
import type { Vec3 } from "../geometry/index.js";
import type { Rng } from "../random.js";
import { jitterColor, makeMaterial } from "./materials.js";
import type { ColorName, MaterialKind } from "./materials.js";
import type { Environment, Light, Material, Plane } from "./types.js";

/** The walkable floor: x and z limits (metres, WORLD), a ceiling height, and where objects may stand ahead. */
export interface World {
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
export function sampleRoom(rng: Rng): World {
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
export function sampleOutdoor(rng: Rng): World {
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
export function sampleLight(rng: Rng, indoor: boolean): Light {
  const el = (rng.uniform(35, 80) * Math.PI) / 180;
  const az = rng.uniform(0, 2 * Math.PI);
  const direction: Vec3 = [-Math.cos(el) * Math.sin(az), -Math.sin(el), -Math.cos(el) * Math.cos(az)];
  return { direction, ambient: indoor ? rng.uniform(0.3, 0.45) : rng.uniform(0.2, 0.35) };
}

/** One of `items`, uniformly (one draw from `rng`). */
export function pickOf<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}
