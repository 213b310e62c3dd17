import { InputError } from "../errors.js";
import {
  backProject,
  normalizedFromPixel,
  pixelFromNormalized,
  project,
  makeBox3D,
  validateImageSize,
  validateIntrinsics,
  type Box3D,
  type ImageSize,
  type Intrinsics,
} from "../geometry/index.js";
import type { BboxRecord } from "./bbox-lines.js";
import { officialAngleFromYaw, yawFromOfficialAngle } from "./official-frame.js";
import {
  dequantizeAngle,
  dequantizeDepth,
  dequantizeSize,
  dequantizeUV,
  quantizeAngle,
  quantizeDepth,
  quantizeSize,
  quantizeUV,
  type SceneNormalization,
} from "./scene-normalization.js";

/**
 * Official Bbox records <-> our {@link Box3D}, for both forms of reference/FORMATS.md §1.
 *
 * Float form: u, v normalized to [0, 1] of the image width / height, with the release's (and
 * MoGe's) convention that pixel i's centre is at (i + 0.5) / W; z the metric planar depth of the
 * centre; sizes in metres; angle_y in radians about the official y axis (up).
 *
 * Integer form: every field is a bin 0 ... 999. u, v bins are 1000ths of the image; z and sizes
 * are bins of the scene-normalized values (scene-normalization.ts); angle bins span [-2 pi, 2 pi).
 *
 * Centre. The release computes xyz = z * inverse(K_norm) [u, v, 1] with its normalized K (MoGe's,
 * an OpenCV-like x-right / y-down frame) and only then negates x and y into its own frame. So in
 * OUR frame the centre is exactly z * inverse(K_norm) [u, v, 1]:
 *   x = z (u - cx_n) / fx_n,  y = z (v - cy_n) / fy_n,
 * which equals backProject(K_px, pixelFromNormalized([u, v], size), z), because
 * u_px - cx_px = (u W - 0.5) - (cx_n W - 0.5) = (u - cx_n) W and fx_px = fx_n W.
 * Yaw = -angle_y (derivation in official-frame.ts).
 */

/** Which number form a record uses. */
export type OfficialForm = "float" | "int";

/** Camera and encoding of the records being converted. */
export interface OfficialBoxOptions {
  /** Pixel intrinsics of the frame (integer pixel centres). */
  readonly K: Intrinsics;
  /** Image size in pixels; u, v are normalized by it. */
  readonly size: ImageSize;
  readonly form: OfficialForm;
  /** The scene's normalization (official frame); required for the integer form. */
  readonly norm?: SceneNormalization;
  /** Where the records came from, for errors (a file, "model output"). */
  readonly where?: string;
}

/** A labelled box in our frame decoded from one record. */
export interface DecodedOfficialBox {
  readonly id: number;
  readonly label: string;
  readonly box: Box3D;
}

/** Names of a record's number fields, as reported in {@link EncodedBboxRecord.clipped}. */
export type OfficialField = "u" | "v" | "z" | "angle" | "sx" | "sy" | "sz";

/**
 * An encoded record: a {@link BboxRecord} (usable wherever one is expected, e.g. serializeBboxLines)
 * that also says which integer-form fields fell outside the bins and were clipped.
 */
export interface EncodedBboxRecord extends BboxRecord {
  /** Empty for the float form; for the integer form the fields clipped to bin 0 or 999. */
  readonly clipped: readonly OfficialField[];
}

function requireNorm(opts: OfficialBoxOptions, where: string): SceneNormalization {
  if (opts.norm === undefined) throw new InputError(where, "norm", undefined, "the integer form needs the scene normalization (shift0, scaling)");
  return opts.norm;
}

/** The float-form numbers of a record, decoding bins first for the integer form. */
function floatFields(r: BboxRecord, opts: OfficialBoxOptions, where: string): Omit<BboxRecord, "id" | "label"> {
  if (opts.form === "float") return r;
  const norm = requireNorm(opts, where);
  const bin = (field: OfficialField, decode: (b: number) => number): number => {
    try {
      return decode(r[field]);
    } catch (err) {
      if (err instanceof InputError) throw new InputError(where, `bbox_${r.id}.${field}`, r[field], err.problem);
      throw err;
    }
  };
  return {
    u: bin("u", dequantizeUV),
    v: bin("v", dequantizeUV),
    z: bin("z", (b) => dequantizeDepth(b, norm)),
    angle: bin("angle", dequantizeAngle),
    sx: bin("sx", (b) => dequantizeSize(b, norm)),
    sy: bin("sy", (b) => dequantizeSize(b, norm)),
    sz: bin("sz", (b) => dequantizeSize(b, norm)),
  };
}

/**
 * One official record -> our labelled {@link Box3D}. The centre is z * inverse(K_norm) [u, v, 1]
 * in our frame (see the file comment), sizes are unchanged, yaw = -angle_y.
 *
 * Throws an InputError for a float-form depth <= 0 or negative size (the release would silently
 * take abs() of sizes), a non-finite number, or an integer-form bin outside 0 ... 999.
 */
export function officialToBox3D(record: BboxRecord, opts: OfficialBoxOptions): DecodedOfficialBox {
  const where = opts.where ?? "officialToBox3D";
  validateIntrinsics(opts.K, where);
  validateImageSize(opts.size, where);
  const f = floatFields(record, opts, where);
  for (const field of ["u", "v", "z", "angle", "sx", "sy", "sz"] as const) {
    if (!Number.isFinite(f[field])) throw new InputError(where, `bbox_${record.id}.${field}`, f[field], "must be a finite number");
  }
  if (!(f.z > 0)) throw new InputError(where, `bbox_${record.id}.z`, record.z, "centre depth must be > 0 (metres)");
  for (const field of ["sx", "sy", "sz"] as const) {
    if (f[field] < 0) throw new InputError(where, `bbox_${record.id}.${field}`, record[field], "size must be >= 0 (metres)");
  }
  const center = backProject(opts.K, pixelFromNormalized([f.u, f.v], opts.size), f.z);
  return {
    id: record.id,
    label: record.label,
    box: { center, size: [f.sx, f.sy, f.sz], yaw: yawFromOfficialAngle(f.angle) },
  };
}

/**
 * Our labelled {@link Box3D} -> an official record in the requested form. u, v are the centre's
 * projection normalized with the half-pixel convention, z its depth, angle_y = -yaw; for the
 * integer form these are then binned, and any field that fell outside the bins is listed in
 * `clipped` (the record holds the clipped bin) so the caller can warn. `id` defaults to 0.
 *
 * Throws an InputError when the centre is not in front of the camera (z <= 0) or the box has a
 * non-finite number or a negative size.
 */
export function box3DToOfficial(label: string, box: Box3D, opts: OfficialBoxOptions & { readonly id?: number }): EncodedBboxRecord {
  const where = opts.where ?? "box3DToOfficial";
  validateIntrinsics(opts.K, where);
  validateImageSize(opts.size, where);
  makeBox3D(box.center, box.size, box.yaw, where);
  const uvPx = project(opts.K, box.center);
  if (uvPx === null) throw new InputError(where, "center.z", box.center[2], "box centre must be in front of the camera (z > 0)");
  const [u, v] = normalizedFromPixel(uvPx, opts.size);
  const angle = officialAngleFromYaw(box.yaw);
  const id = opts.id ?? 0;
  const [sx, sy, sz] = box.size;
  if (opts.form === "float") {
    return { id, label, u, v, z: box.center[2], angle, sx, sy, sz, clipped: [] };
  }
  const norm = requireNorm(opts, where);
  const q = {
    u: quantizeUV(u),
    v: quantizeUV(v),
    z: quantizeDepth(box.center[2], norm),
    angle: quantizeAngle(angle),
    sx: quantizeSize(sx, norm),
    sy: quantizeSize(sy, norm),
    sz: quantizeSize(sz, norm),
  };
  const clipped = (Object.keys(q) as OfficialField[]).filter((k) => q[k].clipped);
  return { id, label, u: q.u.value, v: q.v.value, z: q.z.value, angle: q.angle.value, sx: q.sx.value, sy: q.sy.value, sz: q.sz.value, clipped };
}
