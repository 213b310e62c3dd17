// The benchmark groups: the foundation's hot paths, each beside a baseline timed in the same run.
import { unzipSync } from "fflate";
import sharp from "sharp";
import { createRng } from "../../src/random.js";
import { depthToPointMap, intrinsicsFromFov, pairwiseIou3d, type Box3D, type ImageSize } from "../../src/geometry/index.js";
import { decodeDepthPng16, decodeImage, encodeDepthPng16, encodeImagePng, parseNpz, serializeNpz } from "../../src/rgbd/index.js";
import { officialPointMapArrays, officialToBox3D, parseBboxLines, readOfficialPointMapNpz, serializeBboxLines } from "../../src/formats/index.js";
import { randomBboxRecords, randomBoxes, sceneDepthM, sceneRgb, withoutYaw } from "./fixtures.js";
import type { BenchGroup } from "./harness.js";

/** Every fixture derives from this seed. */
export const BENCH_SEED = 20240611;

const FOV_X_RAD = (60 * Math.PI) / 180;
const VGA: ImageSize = { width: 640, height: 480 };
/** The official release's point maps are 640 wide at the image's aspect; 640 x 427 is a 3:2 photo. */
const OFFICIAL_SIZE: ImageSize = { width: 640, height: 427 };

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
const pct = (x: number): string => `${(100 * x).toFixed(0)} %`;
const ns = (ms: number): string => `${(ms * 1e6).toFixed(0)} ns`;

/** 1. Exact 3D IoU, yawed (polygon clipping) against yaw 0 (the interval fast path). */
function iouGroup(): BenchGroup {
  const n = 200;
  const yawed = randomBoxes(createRng(BENCH_SEED + 1), n);
  const aligned = withoutYaw(yawed);
  const pairs = n * n;
  let yOverlap = 0;
  for (const a of yawed) for (const b of yawed) if (Math.abs(a.center[1] - b.center[1]) < (a.size[1] + b.size[1]) / 2) yOverlap++;
  const positive = (m: number[][]): number => m.flat().filter((x) => x > 0).length / pairs;
  const throughput = [{ perOp: pairs, unit: "pairs" }];
  return {
    id: "1",
    title: `pairwiseIou3d, ${n} x ${n} boxes`,
    baseline: { name: "iou3d yaw=0", what: `${n}x${n} axis-aligned (fast path)`, run: () => pairwiseIou3d(aligned, aligned), throughput },
    cases: [{ name: "iou3d yawed", what: `${n}x${n}, yaw in [-pi, pi)`, run: () => pairwiseIou3d(yawed, yawed), throughput }],
    notes: [
      `pairs overlapping in y (the only ones that reach the footprint test): ${pct(yOverlap / pairs)}`,
      `pairs with IoU > 0: yawed ${pct(positive(pairwiseIou3d(yawed, yawed)))}, axis-aligned ${pct(positive(pairwiseIou3d(aligned, aligned)))}`,
    ],
    derive: (m) => {
      const extra = m("iou3d yawed") - m("iou3d yaw=0");
      return [`yaw costs ${ns(extra / pairs)} per pair, ${ns(extra / yOverlap)} per y-overlapping pair`];
    },
  };
}

/** 2. Depth -> point map against copying the depth (memory bandwidth). */
function pointMapGroup(): BenchGroup {
  const K = intrinsicsFromFov(FOV_X_RAD, VGA);
  const depthM = sceneDepthM(createRng(BENCH_SEED + 2), VGA, K);
  const px = VGA.width * VGA.height;
  const reused = new Float32Array(px);
  const copyInto = (out: Float32Array): Float32Array => {
    for (let i = 0; i < px; i++) out[i] = depthM[i]!;
    return out;
  };
  const bytesOf = (perPx: number) => [{ perOp: px, unit: "px" }, { perOp: px * perPx, unit: "B" }];
  return {
    id: "2",
    title: `depthToPointMap, ${VGA.width} x ${VGA.height}`,
    baseline: { name: "copy loop", what: "f32 depth -> reused f32 array (8 B/px)", run: () => copyInto(reused), throughput: bytesOf(8) },
    cases: [
      { name: "copy loop, new array", what: "same, into a fresh array each op", run: () => copyInto(new Float32Array(px)), throughput: bytesOf(8) },
      { name: "depthToPointMap", what: "depth -> new H x W x 3 (16 B/px)", run: () => depthToPointMap(depthM, VGA, K), throughput: bytesOf(16) },
    ],
    notes: [`${pct(depthM.filter((z) => z === 0).length / px)} of pixels invalid (NaN written)`, "B/s counts bytes read + written"],
  };
}

/** 3. 16-bit depth PNG decode / encode against sharp on an 8-bit RGB PNG of the same size. */
async function depthPngGroup(): Promise<BenchGroup> {
  const K = intrinsicsFromFov(FOV_X_RAD, VGA);
  const rng = createRng(BENCH_SEED + 3);
  const depthM = sceneDepthM(rng, VGA, K);
  const rgb = sceneRgb(rng, VGA, depthM);
  const depthPng = await encodeDepthPng16(depthM, VGA, 1000);
  const rgbPng = await encodeImagePng({ size: VGA, rgb });
  const decoded = await decodeDepthPng16(depthPng, "bench-depth.png", { scale: 1000 });
  const worst = decoded.depthM.reduce((w, z, i) => Math.max(w, Math.abs(z - depthM[i]!)), 0);
  if (worst > 0.0005 + 1e-6) throw new Error(`bench fixture: depth PNG round trip is off by ${worst} m`);
  const px = [{ perOp: VGA.width * VGA.height, unit: "px" }];
  return {
    id: "3",
    title: `PNG at ${VGA.width} x ${VGA.height}`,
    baseline: { name: "decodeImage", what: "8-bit RGB PNG -> RGB (sharp)", run: () => decodeImage(rgbPng, "bench-rgb.png"), throughput: px },
    cases: [
      {
        name: "sharp grey16 raw",
        what: "16-bit PNG -> raw u16, sharp only",
        run: () => sharp(depthPng).toColourspace("grey16").raw({ depth: "ushort" }).toBuffer(),
        throughput: px,
      },
      { name: "decodeDepthPng16", what: "16-bit PNG -> depth in metres", run: () => decodeDepthPng16(depthPng, "bench-depth.png"), throughput: px },
      { name: "encodeDepthPng16", what: "depth in metres -> 16-bit PNG", run: () => encodeDepthPng16(depthM, VGA, 1000), throughput: px },
      { name: "encodeImagePng", what: "RGB -> 8-bit RGB PNG (sharp)", run: () => encodeImagePng({ size: VGA, rgb }), throughput: px },
    ],
    notes: [`16-bit depth PNG ${kb(depthPng.length)}, 8-bit RGB PNG ${kb(rgbPng.length)}`],
    derive: (m) => [
      `decodeDepthPng16 spends ${(m("decodeDepthPng16") - m("sharp grey16 raw")).toFixed(2)} ms beyond sharp's decode (header probe, u16 -> metres)`,
    ],
  };
}

/** 4a / 4b. Official point-map npz: the whole read against parseNpz, and unzip alone. */
function officialNpzGroup(compress: boolean): BenchGroup {
  const K = intrinsicsFromFov(FOV_X_RAD, OFFICIAL_SIZE);
  const depthM = sceneDepthM(createRng(BENCH_SEED + 4), OFFICIAL_SIZE, K);
  const pointsM = depthToPointMap(depthM, OFFICIAL_SIZE, K);
  const bytes = serializeNpz(officialPointMapArrays({ pointsM, valid: null, intrinsics: K, size: OFFICIAL_SIZE }), { compress });
  const kind = compress ? "compressed" : "stored";
  const throughput = [
    { perOp: OFFICIAL_SIZE.width * OFFICIAL_SIZE.height, unit: "px" },
    { perOp: bytes.length, unit: "B" },
  ];
  const names = { unzip: `unzipSync (${kind})`, parse: `parseNpz (${kind})`, read: `readOfficialPointMapNpz (${kind})` };
  return {
    id: compress ? "4a" : "4b",
    title: `official point-map npz ${OFFICIAL_SIZE.width} x ${OFFICIAL_SIZE.height}, ${kind}`,
    baseline: { name: names.parse, what: "unzip + .npy parse (f16 -> f32)", run: () => parseNpz(bytes, "bench.npz"), throughput },
    cases: [
      { name: names.unzip, what: "fflate unzip only", run: () => unzipSync(bytes), throughput },
      { name: names.read, what: "parseNpz + conversion to n3d", run: () => readOfficialPointMapNpz(bytes, "bench.npz"), throughput },
    ],
    notes: [`${kind} archive ${kb(bytes.length)} (pcd f16 H x W x 4, intr, depth f32, mask); B/s counts archive bytes`],
    derive: (m) => {
      const total = m(names.read);
      const unzip = m(names.unzip);
      const npy = m(names.parse) - unzip;
      const conversion = total - m(names.parse);
      const part = (label: string, ms: number): string => `${label} ${ms.toFixed(2)} ms (${pct(ms / total)})`;
      return [`split of the read: ${part("unzip", unzip)}, ${part(".npy parse", npy)}, ${part("conversion", conversion)}`];
    },
  };
}

/** 5. Official Bbox lines -> Box3D against parsing the lines alone. */
function bboxLinesGroup(): BenchGroup {
  const count = 1000;
  const records = randomBboxRecords(createRng(BENCH_SEED + 5), count);
  const text = serializeBboxLines(records);
  const opts = { K: intrinsicsFromFov(FOV_X_RAD, VGA), size: VGA, form: "float" as const, where: "bench" };
  if (parseBboxLines(text, "bench").length !== count) throw new Error("bench fixture: box lines did not read back");
  const throughput = [{ perOp: count, unit: "lines" }];
  const toBoxes = (): Box3D[] => parseBboxLines(text, "bench").map((r) => officialToBox3D(r, opts).box);
  return {
    id: "5",
    title: `official Bbox lines, ${count} lines`,
    baseline: { name: "parseBboxLines", what: `${count} float-form lines -> records`, run: () => parseBboxLines(text, "bench"), throughput },
    cases: [{ name: "parse + officialToBox3D", what: "same, then each -> Box3D", run: toBoxes, throughput }],
    notes: [`${kb(text.length)} of text, ${(text.length / count).toFixed(0)} characters a line`],
    derive: (m) => [`officialToBox3D costs ${ns((m("parse + officialToBox3D") - m("parseBboxLines")) / count)} a line`],
  };
}

/** All groups, fixtures built. */
export async function benchGroups(): Promise<BenchGroup[]> {
  return [iouGroup(), pointMapGroup(), await depthPngGroup(), officialNpzGroup(true), officialNpzGroup(false), bboxLinesGroup()];
}
