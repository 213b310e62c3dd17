import { InputError } from "../errors.js";
import { composePoses, invertPose, validateImageSize, validateIntrinsics } from "../geometry/index.js";
import type { Pose, Vec3 } from "../geometry/index.js";
import { createRayHit, intersectBoxInto, intersectFrustumInto, intersectPlaneInto, intersectSphereInto } from "./intersect.js";
import { textureBrightness } from "./texture.js";
import type { Material, Plane, Primitive, RenderedScene, ScenePlan } from "./types.js";

/**
 * The ray-casting renderer: a ScenePlan in, RGB + planar depth + object index + specular mask +
 * amodal areas out. Deterministic (no randomness, no anti-aliasing): pixel (u, v) shows exactly
 * what its centre ray hits, so the object-index mask and the depth agree exactly and every
 * labelled pixel back-projects onto its object's surface.
 *
 * Everything works in the CAMERA frame. The ray of pixel (u, v) is t (a, b, 1) with
 * a = (u - cx) / fx and b = (v - cy) / fy, so the ray parameter t IS the planar depth z in metres;
 * a rigid transform keeps t, so each part is intersected in its own canonical frame and the t it
 * returns is still the depth.
 *
 * Three passes over fixed-size buffers, exposed separately so the benchmark can time them:
 *   prepareRender     per-scene constants (camera_from_part, screen rectangles, ...), buffers
 *   castEnvironmentInto  floor and walls for every pixel; sky (maxDepthM) where none is hit
 *   castObjectsInto   each object's rays inside its screen rectangle, z-buffered; amodal counts
 *   shadeTarget       texture, Lambert + ambient, specular highlight, outdoor fog -> sRGB
 * {@link renderScene} chains them.
 */

/** Rays see nothing nearer than this planar depth, metres. */
export const NEAR_M = 1e-3;

/** Surface code of a pixel that sees the sky (>= 0: a part index; <= -2: plane -2 - code). */
const SKY = -1;

const KIND_BOX = 0;
const KIND_FRUSTUM = 1;
const KIND_SPHERE = 2;

/** Share of the sky colour mixed in at maxDepthM outdoors (grows with depth squared). */
const OUTDOOR_FOG = 0.7;
/** Weight of the white Blinn-Phong highlight (exponent 32) on specular materials. */
const HIGHLIGHT_WEIGHT = 0.5;

/** A material with its colour converted to linear light once per scene. */
export interface MaterialSetup {
  readonly material: Material;
  readonly linR: number;
  readonly linG: number;
  readonly linB: number;
}

/** One part's per-scene constants, hoisted out of the per-pixel loop. */
export interface PartSetup {
  /** 0 box, 1 frustum (and cylinder), 2 sphere. */
  readonly kind: number;
  /** Index of its object in plan.objects (= the object's id). */
  readonly objectIndex: number;
  /** Shape parameters: box half extents; frustum radiusBottom, radiusTop, halfHeight; sphere radius. */
  readonly p0: number;
  readonly p1: number;
  readonly p2: number;
  /** The camera centre in the PART frame (origin of every camera ray there), metres. */
  readonly ox: number;
  readonly oy: number;
  readonly oz: number;
  /** part_from_camera rotation, row-major: rotates camera-frame ray directions into the part. */
  readonly m00: number; readonly m01: number; readonly m02: number;
  readonly m10: number; readonly m11: number; readonly m12: number;
  readonly m20: number; readonly m21: number; readonly m22: number;
  /** Bounding sphere centre in the CAMERA frame, metres, and |centre|^2 - radius^2 (m^2). */
  readonly sx: number;
  readonly sy: number;
  readonly sz: number;
  readonly sk: number;
  /** Inclusive pixel rectangle that contains every pixel whose ray can hit the part (u0 > u1: none). */
  readonly u0: number;
  readonly u1: number;
  readonly v0: number;
  readonly v1: number;
  readonly material: MaterialSetup;
}

/** A floor or wall plane in the CAMERA frame: n . p = offsetM, n unit, towards its visible side. */
export interface PlaneSetup {
  readonly nx: number;
  readonly ny: number;
  readonly nz: number;
  readonly offsetM: number;
  /**
   * The plane's texture frame: texture x = ex . p - exOffsetM, texture y = ey . p - eyOffsetM for
   * a camera-frame point p. ey is world up projected onto the plane (world +z on the floor).
   */
  readonly ex: Vec3;
  readonly exOffsetM: number;
  readonly ey: Vec3;
  readonly eyOffsetM: number;
  readonly material: MaterialSetup;
}

/** One render in progress: the plan, its per-scene constants and the per-pixel buffers (H x W). */
export interface RenderTarget {
  readonly plan: ScenePlan;
  readonly width: number;
  readonly height: number;
  /** Ray direction x per unit depth for each column: (u - cx) / fx. */
  readonly rayX: Float64Array;
  /** Ray direction y per unit depth for each row: (v - cy) / fy. */
  readonly rayY: Float64Array;
  /** Nearest planar depth found so far, metres; maxDepthM where nothing nearer was hit. */
  readonly zM: Float64Array;
  /** What each pixel sees: a part index (>= 0), -1 sky, or -2 - i for plane i. */
  readonly surface: Int32Array;
  /** [H * W * 3] hit point of the visible part, in its PART frame, metres (for its texture). */
  readonly partPointM: Float32Array;
  /** [H * W * 3] outward unit normal of the visible part, in its PART frame. */
  readonly partNormal: Float32Array;
  /** Per object (index in plan.objects): pixels its parts cover ignoring occlusion. */
  readonly amodalPixels: Int32Array;
  readonly parts: readonly PartSetup[];
  /** Object k owns parts [partStart[k], partStart[k + 1]). */
  readonly partStart: Int32Array;
  /** [objects * 4] each object's inclusive pixel rectangle u0, u1, v0, v1 (u0 > u1: off screen). */
  readonly objectRects: Int32Array;
  readonly planes: readonly PlaneSetup[];
  /** Direction the light travels, CAMERA frame, unit. */
  readonly light: Vec3;
}

// ---------------------------------------------------------------------------------------------
// Validation (once per scene, at the entry)

function checkFinite(where: string, field: string, value: number, lo: number, hi: number, problem: string): void {
  if (!(Number.isFinite(value) && value >= lo && value <= hi)) throw new InputError(where, field, value, problem);
}

function checkUnit(where: string, field: string, v: Vec3): void {
  const n = Math.hypot(v[0], v[1], v[2]);
  if (!(Math.abs(n - 1) <= 1e-6)) throw new InputError(where, field, v, "must be a unit vector");
}

function checkMaterial(where: string, m: Material): void {
  m.rgb.forEach((c, i) => checkFinite(where, `material.rgb[${i}]`, c, 0, 255, "must be in 0..255"));
  checkFinite(where, "material.textureScaleM", m.textureScaleM, Number.MIN_VALUE, Infinity, "must be a finite length > 0 (metres)");
  checkFinite(where, "material.textureStrength", m.textureStrength, 0, 1, "must be in 0..1");
}

function checkPrimitive(where: string, s: Primitive): void {
  const positive = "must be a finite length > 0 (metres)";
  switch (s.kind) {
    case "box":
      s.size.forEach((x, i) => checkFinite(where, `size[${i}]`, x, Number.MIN_VALUE, Infinity, positive));
      return;
    case "sphere":
      checkFinite(where, "radius", s.radius, Number.MIN_VALUE, Infinity, positive);
      return;
    case "cylinder":
      checkFinite(where, "radius", s.radius, Number.MIN_VALUE, Infinity, positive);
      checkFinite(where, "height", s.height, Number.MIN_VALUE, Infinity, positive);
      return;
    case "frustum":
      checkFinite(where, "radiusBottom", s.radiusBottom, 0, Infinity, "must be a finite length >= 0 (metres)");
      checkFinite(where, "radiusTop", s.radiusTop, 0, Infinity, "must be a finite length >= 0 (metres)");
      checkFinite(where, "height", s.height, Number.MIN_VALUE, Infinity, positive);
      if (!(Math.max(s.radiusBottom, s.radiusTop) > 0)) throw new InputError(where, "radiusBottom", s.radiusBottom, "a frustum needs one radius > 0");
      return;
    default:
      throw new InputError(where, "kind", (s as { kind: unknown }).kind, "is not a supported primitive; choose one of box, cylinder, sphere, frustum");
  }
}

function validatePlan(plan: ScenePlan): void {
  const w = "renderScene";
  validateImageSize(plan.camera.size, `${w}: camera.size`);
  validateIntrinsics(plan.camera.intrinsics, `${w}: camera.intrinsics`);
  checkUnit(w, "light.direction", plan.light.direction);
  checkFinite(w, "light.ambient", plan.light.ambient, 0, 1, "must be in 0..1");
  const env = plan.environment;
  checkFinite(w, "environment.maxDepthM", env.maxDepthM, NEAR_M, Infinity, `must be a finite depth > ${NEAR_M} (metres)`);
  env.skyRgb.forEach((c, i) => checkFinite(w, `environment.skyRgb[${i}]`, c, 0, 255, "must be in 0..255"));
  env.planes.forEach((p, i) => {
    checkUnit(`${w}: environment.planes[${i}]`, "normal", p.normal);
    checkFinite(`${w}: environment.planes[${i}]`, "offsetM", p.offsetM, -Infinity, Infinity, "must be finite (metres)");
    checkMaterial(`${w}: environment.planes[${i}]`, p.material);
  });
  if (plan.objects.length > 32767) throw new InputError(w, "objects.length", plan.objects.length, "at most 32767 objects fit the Int16 object index");
  plan.objects.forEach((o, k) => {
    if (o.id !== k) throw new InputError(w, `objects[${k}].id`, o.id, `must equal its index ${k} in plan.objects`);
    o.parts.forEach((p, j) => {
      checkPrimitive(`${w}: objects[${k}].parts[${j}].shape`, p.shape);
      checkMaterial(`${w}: objects[${k}].parts[${j}]`, p.material);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Per-scene constants

/** sRGB 0..255 -> linear light 0..1. */
function linearFromSrgb(c: number): number {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
}

/** Linear light -> sRGB byte through a table: LUT[round(lin * SRGB_LUT_STEPS)]. */
const SRGB_LUT_STEPS = 16384;
const SRGB_LUT: Uint8Array = (() => {
  const lut = new Uint8Array(SRGB_LUT_STEPS + 1);
  for (let i = 0; i <= SRGB_LUT_STEPS; i++) {
    const l = i / SRGB_LUT_STEPS;
    const s = l <= 0.0031308 ? 12.92 * l : 1.055 * Math.pow(l, 1 / 2.4) - 0.055;
    lut[i] = Math.round(Math.min(1, s) * 255);
  }
  return lut;
})();

function encodeSrgb(lin: number): number {
  return lin >= 1 ? 255 : SRGB_LUT[(lin * SRGB_LUT_STEPS + 0.5) | 0]!;
}

function materialSetup(material: Material): MaterialSetup {
  return {
    material,
    linR: linearFromSrgb(material.rgb[0]),
    linG: linearFromSrgb(material.rgb[1]),
    linB: linearFromSrgb(material.rgb[2]),
  };
}

/** Half extents of the part-frame box that encloses a primitive, metres. */
function halfExtents(s: Primitive): Vec3 {
  switch (s.kind) {
    case "box":
      return [s.size[0] / 2, s.size[1] / 2, s.size[2] / 2];
    case "sphere":
      return [s.radius, s.radius, s.radius];
    case "cylinder":
      return [s.radius, s.height / 2, s.radius];
    case "frustum": {
      const r = Math.max(s.radiusBottom, s.radiusTop);
      return [r, s.height / 2, r];
    }
  }
}

/** Radius of a sphere about the part origin that encloses the primitive, metres. */
function boundingRadius(s: Primitive): number {
  if (s.kind === "sphere") return s.radius;
  const e = halfExtents(s);
  return Math.hypot(e[0], e[1], e[2]);
}

function shapeParams(s: Primitive): [kind: number, p0: number, p1: number, p2: number] {
  switch (s.kind) {
    case "box":
      return [KIND_BOX, s.size[0] / 2, s.size[1] / 2, s.size[2] / 2];
    case "sphere":
      return [KIND_SPHERE, s.radius, 0, 0];
    case "cylinder":
      return [KIND_FRUSTUM, s.radius, s.radius, s.height / 2];
    case "frustum":
      return [KIND_FRUSTUM, s.radiusBottom, s.radiusTop, s.height / 2];
  }
}

/**
 * Inclusive pixel rectangle [u0, u1, v0, v1] that contains the projection of the part-frame box
 * with half extents `e`, placed by cameraFromPart and clipped to the image. A convex solid wholly
 * in front of the near plane projects inside the hull of its corners' projections; if any corner
 * is not in front, the whole image is returned.
 */
function screenRect(cameraFromPart: Pose, e: Vec3, plan: ScenePlan): [number, number, number, number] {
  const { width, height } = plan.camera.size;
  const { fx, fy, cx, cy } = plan.camera.intrinsics;
  const R = cameraFromPart.rotation;
  const t = cameraFromPart.translation;
  // Grow the box a hair so rounding in the intersection code cannot reach outside it.
  const gx = e[0] * (1 + 1e-9) + 1e-9;
  const gy = e[1] * (1 + 1e-9) + 1e-9;
  const gz = e[2] * (1 + 1e-9) + 1e-9;
  let uMin = Infinity;
  let uMax = -Infinity;
  let vMin = Infinity;
  let vMax = -Infinity;
  for (let c = 0; c < 8; c++) {
    const px = c & 1 ? gx : -gx;
    const py = c & 2 ? gy : -gy;
    const pz = c & 4 ? gz : -gz;
    const x = R[0] * px + R[1] * py + R[2] * pz + t[0];
    const y = R[3] * px + R[4] * py + R[5] * pz + t[1];
    const z = R[6] * px + R[7] * py + R[8] * pz + t[2];
    if (!(z > NEAR_M)) return [0, width - 1, 0, height - 1];
    const u = (fx * x) / z + cx;
    const v = (fy * y) / z + cy;
    if (u < uMin) uMin = u;
    if (u > uMax) uMax = u;
    if (v < vMin) vMin = v;
    if (v > vMax) vMax = v;
  }
  const margin = 0.01; // pixels
  return [
    Math.max(0, Math.ceil(uMin - margin)),
    Math.min(width - 1, Math.floor(uMax + margin)),
    Math.max(0, Math.ceil(vMin - margin)),
    Math.min(height - 1, Math.floor(vMax + margin)),
  ];
}

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function rotate(pose: Pose, v: Vec3): Vec3 {
  const R = pose.rotation;
  return [R[0] * v[0] + R[1] * v[1] + R[2] * v[2], R[3] * v[0] + R[4] * v[1] + R[5] * v[2], R[6] * v[0] + R[7] * v[1] + R[8] * v[2]];
}

function normalize(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}

function planeSetup(plane: Plane, cameraFromWorld: Pose): PlaneSetup {
  const n = plane.normal;
  // Texture frame: y = world up projected onto the plane (world +z for a horizontal plane).
  const up: Vec3 = [0, 1, 0];
  const upIn: Vec3 = [up[0] - n[1] * n[0], up[1] - n[1] * n[1], up[2] - n[1] * n[2]];
  const ey: Vec3 = Math.hypot(...upIn) > 1e-6 ? normalize(upIn) : normalize([-n[2] * n[0], -n[2] * n[1], 1 - n[2] * n[2]]);
  const ex: Vec3 = [ey[1] * n[2] - ey[2] * n[1], ey[2] * n[0] - ey[0] * n[2], ey[0] * n[1] - ey[1] * n[0]];
  // A world point p_w = R^T (p_c - t), so e . p_w = (R e) . p_c - (R e) . t.
  const t = cameraFromWorld.translation;
  const nC = rotate(cameraFromWorld, n);
  const exC = rotate(cameraFromWorld, ex);
  const eyC = rotate(cameraFromWorld, ey);
  return {
    nx: nC[0],
    ny: nC[1],
    nz: nC[2],
    offsetM: plane.offsetM + dot(nC, t),
    ex: exC,
    exOffsetM: dot(exC, t),
    ey: eyC,
    eyOffsetM: dot(eyC, t),
    material: materialSetup(plane.material),
  };
}

function partSetup(cameraFromPart: Pose, shape: Primitive, objectIndex: number, material: MaterialSetup, plan: ScenePlan): PartSetup {
  const partFromCamera = invertPose(cameraFromPart);
  const M = partFromCamera.rotation;
  const o = partFromCamera.translation;
  const c = cameraFromPart.translation;
  const r = boundingRadius(shape) * (1 + 1e-6) + 1e-9;
  const [kind, p0, p1, p2] = shapeParams(shape);
  const [u0, u1, v0, v1] = screenRect(cameraFromPart, halfExtents(shape), plan);
  return {
    kind, objectIndex, p0, p1, p2,
    ox: o[0], oy: o[1], oz: o[2],
    m00: M[0], m01: M[1], m02: M[2],
    m10: M[3], m11: M[4], m12: M[5],
    m20: M[6], m21: M[7], m22: M[8],
    sx: c[0], sy: c[1], sz: c[2], sk: dot(c, c) - r * r,
    u0, u1, v0, v1,
    material,
  };
}

/**
 * Validate a plan and set up one render: per-scene constants (every part's camera_from_part and
 * screen rectangle, planes and light in the camera frame) and cleared per-pixel buffers.
 * Throws an InputError naming the field for a malformed plan.
 */
export function prepareRender(plan: ScenePlan): RenderTarget {
  validatePlan(plan);
  const { width, height } = plan.camera.size;
  const { fx, fy, cx, cy } = plan.camera.intrinsics;
  const cameraFromWorld = plan.camera.cameraFromWorld;
  const rayX = new Float64Array(width);
  for (let u = 0; u < width; u++) rayX[u] = (u - cx) / fx;
  const rayY = new Float64Array(height);
  for (let v = 0; v < height; v++) rayY[v] = (v - cy) / fy;

  const nObj = plan.objects.length;
  const parts: PartSetup[] = [];
  const partStart = new Int32Array(nObj + 1);
  const objectRects = new Int32Array(nObj * 4);
  plan.objects.forEach((obj, k) => {
    partStart[k] = parts.length;
    const cameraFromObject = composePoses(cameraFromWorld, obj.pose);
    let u0 = width;
    let u1 = -1;
    let v0 = height;
    let v1 = -1;
    for (const part of obj.parts) {
      const setup = partSetup(composePoses(cameraFromObject, part.pose), part.shape, k, materialSetup(part.material), plan);
      parts.push(setup);
      if (setup.u0 > setup.u1 || setup.v0 > setup.v1) continue;
      u0 = Math.min(u0, setup.u0);
      u1 = Math.max(u1, setup.u1);
      v0 = Math.min(v0, setup.v0);
      v1 = Math.max(v1, setup.v1);
    }
    objectRects.set([u0, u1, v0, v1], 4 * k);
  });
  partStart[nObj] = parts.length;

  const n = width * height;
  return {
    plan,
    width,
    height,
    rayX,
    rayY,
    zM: new Float64Array(n),
    surface: new Int32Array(n),
    partPointM: new Float32Array(3 * n),
    partNormal: new Float32Array(3 * n),
    amodalPixels: new Int32Array(nObj),
    parts,
    partStart,
    objectRects,
    planes: plan.environment.planes.map((p) => planeSetup(p, cameraFromWorld)),
    light: rotate(cameraFromWorld, plan.light.direction),
  };
}

// ---------------------------------------------------------------------------------------------
// Passes

/**
 * Environment pass: every pixel's nearest floor or wall hit closer than maxDepthM, else the sky.
 * Overwrites target.zM and target.surface entirely (run it first).
 */
export function castEnvironmentInto(target: RenderTarget): void {
  const { width, height, rayX, rayY, zM, surface, planes } = target;
  const far = target.plan.environment.maxDepthM;
  const hit = createRayHit();
  const nPlanes = planes.length;
  for (let v = 0; v < height; v++) {
    const b = rayY[v]!;
    const row = v * width;
    for (let u = 0; u < width; u++) {
      const a = rayX[u]!;
      let best = far;
      let code = SKY;
      for (let p = 0; p < nPlanes; p++) {
        const pl = planes[p]!;
        if (intersectPlaneInto(hit, 0, 0, 0, a, b, 1, NEAR_M, best, pl.nx, pl.ny, pl.nz, pl.offsetM)) {
          best = hit.t;
          code = -2 - p;
        }
      }
      zM[row + u] = best;
      surface[row + u] = code;
    }
  }
}

/**
 * Object pass: for each object, cast the rays of the pixels inside its screen rectangle against
 * its parts (a per-part rectangle and bounding-sphere test first), keep the nearest hit within
 * maxDepthM, count it towards amodalPixels, and write it where it is nearer than what the
 * pixel already shows. Run after {@link castEnvironmentInto}.
 */
export function castObjectsInto(target: RenderTarget): void {
  const { width, rayX, rayY, zM, surface, partPointM, partNormal, amodalPixels, parts, partStart, objectRects } = target;
  const far = target.plan.environment.maxDepthM;
  const hit = createRayHit();
  const nObj = amodalPixels.length;
  for (let k = 0; k < nObj; k++) {
    const u0 = objectRects[4 * k]!;
    const u1 = objectRects[4 * k + 1]!;
    const v0 = objectRects[4 * k + 2]!;
    const v1 = objectRects[4 * k + 3]!;
    const pStart = partStart[k]!;
    const pEnd = partStart[k + 1]!;
    let amodal = 0;
    for (let v = v0; v <= v1; v++) {
      const b = rayY[v]!;
      const bb1 = b * b + 1;
      const row = v * width;
      for (let u = u0; u <= u1; u++) {
        const a = rayX[u]!;
        const dd = a * a + bb1;
        let best = far;
        let bestPart = -1;
        let bdx = 0;
        let bdy = 0;
        let bdz = 0;
        let bnx = 0;
        let bny = 0;
        let bnz = 0;
        for (let p = pStart; p < pEnd; p++) {
          const s = parts[p]!;
          if (u < s.u0 || u > s.u1 || v < s.v0 || v > s.v1) continue;
          // Bounding sphere: skip when the camera is outside it and the ray's line misses it
          // (squared distance of the centre from the line > radius^2, times |d|^2).
          const cd = s.sx * a + s.sy * b + s.sz;
          if (s.sk > 0 && (cd <= 0 || s.sk * dd > cd * cd)) continue;
          const dx = s.m00 * a + s.m01 * b + s.m02;
          const dy = s.m10 * a + s.m11 * b + s.m12;
          const dz = s.m20 * a + s.m21 * b + s.m22;
          let found: boolean;
          if (s.kind === KIND_BOX) found = intersectBoxInto(hit, s.ox, s.oy, s.oz, dx, dy, dz, NEAR_M, best, s.p0, s.p1, s.p2);
          else if (s.kind === KIND_FRUSTUM) found = intersectFrustumInto(hit, s.ox, s.oy, s.oz, dx, dy, dz, NEAR_M, best, s.p0, s.p1, s.p2);
          else found = intersectSphereInto(hit, s.ox, s.oy, s.oz, dx, dy, dz, NEAR_M, best, s.p0);
          if (found) {
            best = hit.t;
            bestPart = p;
            bdx = dx;
            bdy = dy;
            bdz = dz;
            bnx = hit.nx;
            bny = hit.ny;
            bnz = hit.nz;
          }
        }
        if (bestPart < 0) continue;
        amodal++;
        const i = row + u;
        if (best < zM[i]!) {
          zM[i] = best;
          surface[i] = bestPart;
          const s = parts[bestPart]!;
          partPointM[3 * i] = s.ox + best * bdx;
          partPointM[3 * i + 1] = s.oy + best * bdy;
          partPointM[3 * i + 2] = s.oz + best * bdz;
          partNormal[3 * i] = bnx;
          partNormal[3 * i + 1] = bny;
          partNormal[3 * i + 2] = bnz;
        }
      }
    }
    amodalPixels[k] = amodal;
  }
}

/**
 * Shading pass: turn the buffers into the rendered scene. Colour = material rgb x texture x
 * (ambient + (1 - ambient) max(0, -light . n)), in linear light, plus a white Blinn-Phong
 * highlight on specular materials and, outdoors, fog towards the sky colour growing with depth^2;
 * encoded to sRGB bytes (clamped at 255). Sky pixels get the sky colour and depth 0.
 */
export function shadeTarget(target: RenderTarget): RenderedScene {
  const { width, height, rayX, rayY, zM, surface, partPointM, partNormal, parts, planes, plan } = target;
  const env = plan.environment;
  const n = width * height;
  const rgb = new Uint8Array(3 * n);
  const depthM = new Float32Array(n);
  const objectIndex = new Int16Array(n).fill(-1);
  const specular = new Uint8Array(n);
  const ambient = plan.light.ambient;
  const diffuse = 1 - ambient;
  const [lx, ly, lz] = target.light;
  const skyR = Math.round(env.skyRgb[0]);
  const skyG = Math.round(env.skyRgb[1]);
  const skyB = Math.round(env.skyRgb[2]);
  const skyLinR = linearFromSrgb(env.skyRgb[0]);
  const skyLinG = linearFromSrgb(env.skyRgb[1]);
  const skyLinB = linearFromSrgb(env.skyRgb[2]);
  const fogPerZ2 = env.kind === "outdoor" ? OUTDOOR_FOG / (env.maxDepthM * env.maxDepthM) : 0;
  for (let v = 0; v < height; v++) {
    const b = rayY[v]!;
    for (let u = 0; u < width; u++) {
      const i = v * width + u;
      const code = surface[i]!;
      if (code === SKY) {
        rgb[3 * i] = skyR;
        rgb[3 * i + 1] = skyG;
        rgb[3 * i + 2] = skyB;
        continue;
      }
      const a = rayX[u]!;
      const z = zM[i]!;
      depthM[i] = z;
      let nx: number;
      let ny: number;
      let nz: number;
      let mat: MaterialSetup;
      let tex: number;
      if (code >= 0) {
        const s = parts[code]!;
        mat = s.material;
        objectIndex[i] = s.objectIndex;
        const px = partNormal[3 * i]!;
        const py = partNormal[3 * i + 1]!;
        const pz = partNormal[3 * i + 2]!;
        // camera_from_part rotation = transpose of part_from_camera.
        nx = s.m00 * px + s.m10 * py + s.m20 * pz;
        ny = s.m01 * px + s.m11 * py + s.m21 * pz;
        nz = s.m02 * px + s.m12 * py + s.m22 * pz;
        tex = textureBrightness(mat.material, partPointM[3 * i]!, partPointM[3 * i + 1]!, partPointM[3 * i + 2]!);
      } else {
        const pl = planes[-2 - code]!;
        mat = pl.material;
        nx = pl.nx;
        ny = pl.ny;
        nz = pl.nz;
        const x = a * z;
        const y = b * z;
        const tx = pl.ex[0] * x + pl.ex[1] * y + pl.ex[2] * z - pl.exOffsetM;
        const ty = pl.ey[0] * x + pl.ey[1] * y + pl.ey[2] * z - pl.eyOffsetM;
        tex = textureBrightness(mat.material, tx, ty, 0);
      }
      const lambert = -(lx * nx + ly * ny + lz * nz);
      const f = tex * (ambient + (lambert > 0 ? diffuse * lambert : 0));
      let r = mat.linR * f;
      let g = mat.linG * f;
      let bl = mat.linB * f;
      if (mat.material.specular === true) {
        specular[i] = 1;
        // Half vector between the way to the light (-l) and the way to the camera (-(a, b, 1)).
        const inv = 1 / Math.sqrt(a * a + b * b + 1);
        let hx = -lx - a * inv;
        let hy = -ly - b * inv;
        let hz = -lz - inv;
        const hn = Math.sqrt(hx * hx + hy * hy + hz * hz);
        if (hn > 0) {
          hx /= hn;
          hy /= hn;
          hz /= hn;
          let c = nx * hx + ny * hy + nz * hz;
          if (c > 0) {
            c *= c; c *= c; c *= c; c *= c; c *= c; // c^32
            const spec = HIGHLIGHT_WEIGHT * diffuse * c;
            r += spec;
            g += spec;
            bl += spec;
          }
        }
      }
      if (fogPerZ2 > 0) {
        const fog = fogPerZ2 * z * z;
        r += (skyLinR - r) * fog;
        g += (skyLinG - g) * fog;
        bl += (skyLinB - bl) * fog;
      }
      rgb[3 * i] = encodeSrgb(r);
      rgb[3 * i + 1] = encodeSrgb(g);
      rgb[3 * i + 2] = encodeSrgb(bl);
    }
  }
  return { rgb, depthM, objectIndex, specular, amodalPixels: target.amodalPixels };
}

/**
 * Render a scene plan by ray casting: sRGB colour, planar depth (metres, CAMERA frame, 0 where
 * the sky is seen; rays see nothing beyond environment.maxDepthM, objects included), the id of
 * the object seen at each pixel (-1 for floor, walls, sky), a specular mask and each object's
 * amodal pixel count (pixels inside the image its parts cover when nothing occludes them).
 * Pure and deterministic: the same plan gives identical bytes. Throws an InputError for a
 * malformed plan (bad size or intrinsics, non-unit light or plane normal, non-positive shape
 * dimensions, object ids that are not their indices).
 */
export function renderScene(plan: ScenePlan): RenderedScene {
  const target = prepareRender(plan);
  castEnvironmentInto(target);
  castObjectsInto(target);
  return shadeTarget(target);
}
