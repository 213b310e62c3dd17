// Random scenes and contexts for reason/ tests, seeded.
import type { Vec3 } from "../../geometry/index.js";
import type { Rng } from "../../random.js";
import type { LengthUnit, ReasonContext, SceneObjectBox } from "../types.js";

const LABELS = ["chair", "table", "hotair ballon", "person", "mug"] as const;
const COLORS = ["red", "blue", "green", "white"] as const;
const UNITS: readonly LengthUnit[] = ["m", "cm", "ft", "in"];

/** 2..maxObjects objects; repeated labels get `<index>_<label>` names; half the boxes are yawed. */
export function randomScene(rng: Rng, maxObjects = 5): SceneObjectBox[] {
  const n = 2 + rng.int(maxObjects - 1);
  const labels = Array.from({ length: n }, () => LABELS[rng.int(LABELS.length)]!);
  return labels.map((label, i) => {
    const repeated = labels.filter((l) => l === label).length > 1;
    return {
      name: repeated ? `${i}_${label}` : label,
      label,
      attributes: { color: COLORS[rng.int(COLORS.length)]! },
      box: {
        center: [rng.uniform(-2.5, 2.5), rng.uniform(-1.2, 1.2), rng.uniform(0.8, 6)] as Vec3,
        size: [rng.uniform(0.03, 1.6), rng.uniform(0.03, 1.8), rng.uniform(0.03, 1.6)] as Vec3,
        yaw: rng.next() < 0.5 ? 0 : rng.uniform(-Math.PI, Math.PI),
      },
    };
  });
}

/** Gravity of a camera pitched by `pitchRad` (about x) and rolled by `rollRad` (about z). */
export function gravityOf(pitchRad: number, rollRad: number): Vec3 {
  // World down [0, 1, 0] in the frame of a camera turned by worldFromCamera = Rz(roll) Rx(pitch):
  // Rx(pitch)^T Rz(roll)^T [0, 1, 0].
  const [cp, sp, cr, sr] = [Math.cos(pitchRad), Math.sin(pitchRad), Math.cos(rollRad), Math.sin(rollRad)];
  return [sr, cp * cr, -sp * cr];
}

/** A random context: frame, unit, gravity for about half, a radius. */
export function randomContext(rng: Rng): ReasonContext {
  const withGravity = rng.next() < 0.5;
  return {
    frame: rng.next() < 0.5 ? "n3d" : "official",
    unit: UNITS[rng.int(UNITS.length)]!,
    radiusM: rng.uniform(0.3, 4),
    ...(withGravity ? { gravity: gravityOf(rng.uniform(-0.6, 0.6), rng.uniform(-0.6, 0.6)) } : {}),
  };
}

/** The scene mirrored left-right: x -> -x for every box (and yaw -> -yaw, gravity x -> -x). */
export function mirrorScene(objects: readonly SceneObjectBox[]): SceneObjectBox[] {
  return objects.map((o) => ({
    ...o,
    box: { center: [-o.box.center[0], o.box.center[1], o.box.center[2]] as Vec3, size: o.box.size, yaw: -o.box.yaw },
  }));
}

export function mirrorContext(ctx: ReasonContext): ReasonContext {
  return ctx.gravity ? { ...ctx, gravity: [-ctx.gravity[0], ctx.gravity[1], ctx.gravity[2]] } : ctx;
}
