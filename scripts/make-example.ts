// Makes examples/tabletop: a small RGB-D frame rendered by ray casting a floor and a few boxes
// whose 3D boxes are therefore known exactly. Run: npx tsx scripts/make-example.ts
// (The full procedural world is `n3d synth`; this is only the committed example for the README.)
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { depthToPointMap, intrinsicsFromFov, makeBox3D, toBoxLocal } from "../src/geometry/index.js";
import type { Box3D, Vec3 } from "../src/geometry/index.js";
import { writeDepthPng16, writeImagePng } from "../src/rgbd/index.js";
import { box3DToOfficial, serializeBboxLines, toN3dJson, writeOfficialPointMapNpz } from "../src/formats/index.js";

const outDir = join("examples", "tabletop");
const size = { width: 320, height: 240 };
const K = intrinsicsFromFov((60 * Math.PI) / 180, size);
const cameraHeightM = 0.8; // level camera; the floor plane is y = +0.8 (y points down)
const wallDepthM = 5.5; // a back wall at z = 5.5; above it (beyond the room) there is no depth

interface SceneObject { label: string; box: Box3D; rgb: Vec3 }
const objects: SceneObject[] = [
  { label: "cabinet", box: makeBox3D([-1.0, cameraHeightM - 0.45, 3.6], [0.6, 0.9, 0.5], 0.3), rgb: [150, 100, 60] },
  { label: "box", box: makeBox3D([0.1, cameraHeightM - 0.2, 2.6], [0.4, 0.4, 0.4], -0.5), rgb: [60, 120, 200] },
  { label: "suitcase", box: makeBox3D([1.0, cameraHeightM - 0.33, 4.0], [0.45, 0.66, 0.25], 0), rgb: [200, 60, 60] },
];
const light: Vec3 = normalize([0.3, 1, 0.6]); // direction the light travels: down, forward, a little to the right

/** Ray (through the camera centre, z component 1) vs box: entry depth and local-frame normal. */
function hitBox(d: Vec3, box: Box3D): { t: number; normal: Vec3 } | null {
  const o = toBoxLocal(box, [0, 0, 0]);
  const dl = toBoxLocal({ ...box, center: [0, 0, 0] }, d);
  let tNear = -Infinity;
  let tFar = Infinity;
  let axis = 0;
  let sign = 1;
  for (let i = 0; i < 3; i++) {
    const half = box.size[i]! / 2;
    const di = dl[i]!;
    const oi = o[i]!;
    if (Math.abs(di) < 1e-12) {
      if (Math.abs(oi) > half) return null;
      continue;
    }
    let t1 = (-half - oi) / di;
    let t2 = (half - oi) / di;
    let s = -1;
    if (t1 > t2) [t1, t2, s] = [t2, t1, 1];
    if (t1 > tNear) [tNear, axis, sign] = [t1, i, s];
    tFar = Math.min(tFar, t2);
  }
  if (tNear > tFar || tNear <= 0) return null;
  const nl: [number, number, number] = [0, 0, 0];
  nl[axis] = sign;
  const c = Math.cos(box.yaw);
  const s = Math.sin(box.yaw);
  return { t: tNear, normal: [c * nl[0] + s * nl[2], nl[1], -s * nl[0] + c * nl[2]] };
}

function normalize(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}

const rgb = new Uint8Array(size.width * size.height * 3);
const depthM = new Float32Array(size.width * size.height);
for (let v = 0; v < size.height; v++) {
  for (let u = 0; u < size.width; u++) {
    const d: Vec3 = [(u - K.cx) / K.fx, (v - K.cy) / K.fy, 1]; // point = t * d, so t is planar depth
    let best = { t: Infinity, normal: [0, -1, 0] as Vec3, base: [0, 0, 0] as Vec3 };
    if (d[1] > 1e-9) {
      const t = cameraHeightM / d[1];
      const checker = (Math.floor(t * d[0] * 2) + Math.floor(t * 2)) & 1;
      if (t < wallDepthM) best = { t, normal: [0, -1, 0], base: checker ? [200, 200, 190] : [160, 160, 150] };
    }
    if (best.t === Infinity && wallDepthM * d[1] > -2.0) best = { t: wallDepthM, normal: [0, 0, -1], base: [215, 205, 180] };
    for (const obj of objects) {
      const hit = hitBox(d, obj.box);
      if (hit && hit.t < best.t) best = { t: hit.t, normal: hit.normal, base: obj.rgb };
    }
    const i = v * size.width + u;
    if (best.t === Infinity) {
      rgb.set([225, 235, 245], 3 * i); // above the wall: no depth (invalid pixels)
      continue;
    }
    const lambert = Math.max(0, -(best.normal[0] * light[0] + best.normal[1] * light[1] + best.normal[2] * light[2]));
    const shade = 0.35 + 0.65 * lambert;
    rgb.set(best.base.map((c) => Math.min(255, Math.round(c * shade))), 3 * i);
    depthM[i] = best.t;
  }
}

await mkdir(outDir, { recursive: true });
await writeImagePng(join(outDir, "rgb.png"), { size, rgb });
await writeDepthPng16(join(outDir, "depth.png"), depthM, size, 1000);
await writeFile(join(outDir, "intrinsics.json"), JSON.stringify({ fx: K.fx, fy: K.fy, cx: K.cx, cy: K.cy, width: size.width, height: size.height }, null, 2) + "\n");
await writeFile(
  join(outDir, "boxes.json"),
  JSON.stringify(objects.map((o) => toN3dJson({ label: o.label, box: o.box }, K)), null, 2) + "\n",
);
const valid = new Uint8Array(depthM.length).map((_, i) => (depthM[i]! > 0 ? 1 : 0));
await writeOfficialPointMapNpz(
  join(outDir, "scene.npz"),
  { pointsM: depthToPointMap(depthM, size, K), valid, intrinsics: K, size },
  { compress: true },
);
const official = objects.map((o, id) => ({ ...box3DToOfficial(o.label, o.box, { K, size, form: "float" }), id }));
await writeFile(join(outDir, "answer.txt"), serializeBboxLines(official));
