import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { writeOfficialPointMapNpz } from "../formats/index.js";
import { depthToPointMap } from "../geometry/index.js";
import type { ImageSize } from "../geometry/index.js";
import { writeNpz } from "../rgbd/index.js";
import { makeTempDir } from "../rgbd/testing/fixtures.js";
import { createDepthBackend } from "./index.js";
import type { DepthBackend, DepthRequest } from "./types.js";

const SIZE: ImageSize = { width: 5, height: 4 };
const K = { fx: 6, fy: 7, cx: 2, cy: 1.5 };
/** Depth rising to the right and down; pixel 7 invalid. Values are exact in float16. */
const DEPTH_M = Float32Array.from({ length: 20 }, (_, i) => (i === 7 ? 0 : 1 + 0.25 * (i % 5) + 0.5 * Math.floor(i / 5)));

let dir: string;
let cleanup: () => Promise<void>;
let npz: DepthBackend;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  npz = await createDepthBackend("npz");
  const pointsM = depthToPointMap(DEPTH_M, SIZE, K);
  await writeOfficialPointMapNpz(join(dir, "frame.npz"), { pointsM, valid: null, intrinsics: K, size: SIZE });
  await writeOfficialPointMapNpz(join(dir, "small.npz"), {
    pointsM: depthToPointMap(new Float32Array(4).fill(1), { width: 2, height: 2 }, K),
    valid: null,
    intrinsics: K,
    size: { width: 2, height: 2 },
  });
  await writeNpz(join(dir, "depth-only.npz"), { depth: { dtype: "<f4", shape: [4, 5], data: DEPTH_M } });
});
afterAll(() => cleanup());

function request(file: string, extra: Partial<DepthRequest> = {}): DepthRequest {
  return { imagePath: join(dir, "image.png"), size: SIZE, depthPath: join(dir, file), ...extra };
}

describe("npz (official point map) depth source", () => {
  it("gives depth = z, points in our frame and the file's intrinsics in pixels", async () => {
    const r = await npz.depthFor(request("frame.npz", { intrinsics: { fx: 1, fy: 1, cx: 0, cy: 0 }, gravity: [0, 1, 0] }));
    expect(r).toMatchObject({ source: "npz", metric: true, intrinsicsSource: "npz", size: SIZE, gravity: [0, 1, 0] });
    expect(Array.from(r.depthM)).toEqual(Array.from(DEPTH_M));
    // The npz stores normalized float32 intrinsics; scaled back they are the camera it was made with.
    for (const f of ["fx", "fy", "cx", "cy"] as const) expect(r.intrinsics[f]).toBeCloseTo(K[f], 5);
    const p = r.pointsM!;
    expect(p).toHaveLength(20 * 3);
    // Pixel (u=4, v=3): right of and below the principal point, so x > 0 and y > 0 in OpenCV axes.
    const i = 3 * 5 + 4;
    const z = DEPTH_M[i]!;
    expect(p[3 * i]).toBeCloseTo(((4 - K.cx) / K.fx) * z, 2);
    expect(p[3 * i + 1]).toBeCloseTo(((3 - K.cy) / K.fy) * z, 2);
    expect(p[3 * i + 2]).toBe(z);
    expect(Number.isNaN(p[3 * 7]!)).toBe(true);
  });

  it("rejects a point map of another size, naming both files", async () => {
    const err = (await npz.depthFor(request("small.npz")).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain(`small.npz: size = "2x2": does not match the image ${join(dir, "image.png")} (5x4)`);
  });

  it("rejects an .npz that is not a point map, listing what it holds", async () => {
    await expect(npz.depthFor(request("depth-only.npz"))).rejects.toThrow(/pcd = "missing": .*keys present: depth/);
  });

  it("needs a point map per image", async () => {
    await expect(npz.depthFor({ imagePath: join(dir, "image.png"), size: SIZE })).rejects.toThrow(/depth_file = undefined: the npz depth source needs a point-map \.npz/);
  });
});
