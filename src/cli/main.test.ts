import { copyFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeOfficialPointMapNpz } from "../formats/index.js";
import { writeDepthPng16, writeImagePng, writeNpz } from "../rgbd/index.js";
import { handMadePng, ihdr, listDir, makeTempDir, pngChunk, pngFile } from "../rgbd/testing/fixtures.js";
import { runCli as run } from "./testing/run-cli.js";
import type { CliRun } from "./testing/run-cli.js";

const example = join(import.meta.dirname, "..", "..", "examples", "tabletop");
const ex = (name: string): string => join(example, name);

/** Run the CLI in-process; returns exit code and what it printed. */
/** A bad-input failure: exit 2, exactly one line on stderr, matching the pattern. */
function expectOneLineError(r: CliRun, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.err.trimEnd().split("\n")).toHaveLength(1);
  expect(r.err).toMatch(pattern);
}

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  tmp = await makeTempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

describe("n3d --help", () => {
  it("lists the commands with one-line descriptions", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/boxes\s+read, convert and draw 3D boxes/);
    expect(r.out).toMatch(/frame\s+inspect RGB-D frames/);
  });

  it("rejects an unknown flag with exit 2", async () => {
    const r = await run(["frame", "info", "--image", ex("rgb.png"), "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option '--bogus'/);
  });
});

describe("n3d boxes parse", () => {
  it("turns the example's official float lines into the example's true boxes", async () => {
    const r = await run(["boxes", "parse", "--format", "n3dvlm", "--npz", ex("scene.npz"), "--text", ex("answer.txt")]);
    expect(r.code).toBe(0);
    const got = JSON.parse(r.out) as { label: string; center: number[]; size: number[]; yaw: number }[];
    const truth = JSON.parse(await readFile(ex("boxes.json"), "utf8")) as typeof got;
    expect(got.map((b) => b.label)).toEqual(truth.map((b) => b.label));
    got.forEach((b, i) => {
      // The npz stores normalized intrinsics as float32: centres agree to ~1e-7 relative.
      b.center.forEach((c, k) => expect(c).toBeCloseTo(truth[i]!.center[k]!, 5));
      b.size.forEach((s, k) => expect(s).toBeCloseTo(truth[i]!.size[k]!, 9));
      expect(b.yaw).toBeCloseTo(truth[i]!.yaw, 9);
    });
  });

  it("reads stdin with --intrinsics and --size", async () => {
    const line = "bbox_0=Bbox(Orange/Tangerine,0.5,0.5,2,0,0.1,0.1,0.1)\n";
    const r = await run(["boxes", "parse", "--format", "n3dvlm", "--intrinsics", ex("intrinsics.json"), "--size", "320x240"], line);
    expect(r.code).toBe(0);
    const [box] = JSON.parse(r.out) as { label: string; center: number[] }[];
    expect(box!.label).toBe("Orange/Tangerine");
    // u = 0.5 is the image centre (159.5 px) with the half-pixel convention: x = 0.
    expect(box!.center[0]).toBeCloseTo(0, 12);
    expect(box!.center[2]).toBe(2);
  });

  it("reports a Bbox line with 6 numbers by line and column", async () => {
    const r = await run(["boxes", "parse", "--format", "n3dvlm", "--intrinsics", ex("intrinsics.json"), "--size", "320x240"], "bbox_0=Bbox(chair,0.5,0.5,2,0,1,1)\n");
    expectOneLineError(r, /^n3d: stdin: line 1, column \d+ = .*found 6 field/);
  });

  it("rejects a malformed --size", async () => {
    const r = await run(["boxes", "parse", "--format", "n3dvlm", "--intrinsics", ex("intrinsics.json"), "--size", "320by240"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/size = "320by240": expected WxH/);
  });
});

describe("n3d boxes render", () => {
  it("writes an overlay PNG of the image's size", async () => {
    const out = join(tmp.dir, "overlay.png");
    const r = await run(["boxes", "render", "--image", ex("rgb.png"), "--npz", ex("scene.npz"), "--boxes", ex("answer.txt"), "--out", out]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`wrote ${out} (3 boxes)\n`);
    const png = await readFile(out);
    expect(png.readUInt32BE(16)).toBe(320);
    expect(png.readUInt32BE(20)).toBe(240);
    // The overlay differs from the input image (boxes were drawn).
    expect(Buffer.compare(png, await readFile(ex("rgb.png")))).not.toBe(0);
  });

  it("leaves no output behind when the boxes are bad", async () => {
    await writeFile(join(tmp.dir, "bad.txt"), "bbox_0=Bbox(chair,0.5,abc,2,0,1,1,1)\n");
    const r = await run(["boxes", "render", "--image", ex("rgb.png"), "--intrinsics", ex("intrinsics.json"), "--boxes", join(tmp.dir, "bad.txt"), "--out", join(tmp.dir, "o.png")]);
    expectOneLineError(r, /bad\.txt: line 1, column 23 = "abc"/);
    expect(await listDir(tmp.dir)).toEqual(["bad.txt"]);
  });

  it("refuses a 20000 x 20000 image from its header, before decoding", async () => {
    const huge = join(tmp.dir, "huge.png");
    const idat = pngChunk("IDAT", Uint8Array.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
    await writeFile(huge, pngFile(ihdr(20000, 20000, 8, 2), idat, pngChunk("IEND", new Uint8Array(0))));
    const r = await run(["boxes", "render", "--image", huge, "--fov-x", "60", "--boxes", ex("boxes.json"), "--out", join(tmp.dir, "o.png")]);
    expectOneLineError(r, /huge\.png: size = "20000x20000": 400000000 pixels is more than the limit/);
    expect(await listDir(tmp.dir)).toEqual(["huge.png"]);
  });
});

describe("n3d frame info", () => {
  it("prints size, valid fraction, depth range and intrinsics", async () => {
    const r = await run(["frame", "info", "--image", ex("rgb.png"), "--depth", ex("depth.png"), "--depth-scale", "1000", "--intrinsics", ex("intrinsics.json"), "--json"]);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.out) as { width: number; height: number; validFraction: number; depthMinM: number; depthMaxM: number; intrinsics: { cx: number } };
    expect([info.width, info.height]).toEqual([320, 240]);
    expect(info.validFraction).toBeGreaterThan(0.5);
    expect(info.validFraction).toBeLessThan(1);
    expect(info.depthMaxM).toBe(5.5); // the back wall of the example
    expect(info.intrinsics.cx).toBe(159.5);
  });

  it("reads depth and intrinsics from an official npz", async () => {
    const r = await run(["frame", "info", "--image", ex("rgb.png"), "--npz", ex("scene.npz")]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/size\s+320 x 240/);
    expect(r.out).toMatch(/horizontal FOV 60\.0 deg/);
  });

  it("refuses depth and image of different sizes, naming both", async () => {
    const depth = join(tmp.dir, "depth.png");
    await writeDepthPng16(depth, new Float32Array(4 * 3).fill(1), { width: 4, height: 3 }, 1000);
    const r = await run(["frame", "info", "--image", ex("rgb.png"), "--depth", depth, "--intrinsics", ex("intrinsics.json")]);
    expectOneLineError(r, /4x3.*320x240|320x240.*4x3/);
  });

  it("refuses an all-invalid depth map, naming the file", async () => {
    const image = join(tmp.dir, "rgb.png");
    const depth = join(tmp.dir, "depth.png");
    await writeImagePng(image, { size: { width: 4, height: 3 }, rgb: new Uint8Array(36) });
    await writeDepthPng16(depth, new Float32Array(12), { width: 4, height: 3 }, 1000);
    const r = await run(["frame", "info", "--image", image, "--depth", depth, "--fov-x", "60"]);
    expectOneLineError(r, /depth\.png: .*valid/);
  });

  it.each([
    ["fx = 0", { fx: 0, fy: 100, cx: 1.5, cy: 1 }, /fx = 0/],
    ["negative fy", { fx: 100, fy: -5, cx: 1.5, cy: 1 }, /fy = -5/],
    ["NaN cx", { fx: 100, fy: 100, cx: "NaN", cy: 1 }, /cx = "NaN"/],
  ])("refuses intrinsics with %s, naming the file and field", async (_name, K, pattern) => {
    const image = join(tmp.dir, "rgb.png");
    const depth = join(tmp.dir, "depth.png");
    const intr = join(tmp.dir, "K.json");
    await writeImagePng(image, { size: { width: 4, height: 3 }, rgb: new Uint8Array(36) });
    await writeDepthPng16(depth, new Float32Array(12).fill(2), { width: 4, height: 3 }, 1000);
    await writeFile(intr, JSON.stringify(K));
    const r = await run(["frame", "info", "--image", image, "--depth", depth, "--intrinsics", intr]);
    expectOneLineError(r, pattern);
    expect(r.err).toContain("K.json");
  });

  it("refuses a truncated PNG, naming the file", async () => {
    const png = handMadePng(64, 48, 8, 2, new Uint8Array(64 * 48 * 3).map((_, i) => (i * 7) % 256));
    const cut = join(tmp.dir, "cut.png");
    await writeFile(cut, png.subarray(0, Math.floor(png.length / 2)));
    const r = await run(["frame", "info", "--image", cut, "--depth", ex("depth.png"), "--fov-x", "60"]);
    expectOneLineError(r, /cut\.png: image = .*cannot decode/);
  });

  it("refuses an npz without pcd, listing the arrays it has", async () => {
    const npz = join(tmp.dir, "scene.npz");
    await writeNpz(npz, { intr: { dtype: "<f4", shape: [3, 3], data: new Float32Array([1, 0, 0.5, 0, 1, 0.5, 0, 0, 1]) } });
    const r = await run(["frame", "info", "--image", ex("rgb.png"), "--npz", npz]);
    expectOneLineError(r, /scene\.npz: pcd = "missing".*intr/);
  });

  it("refuses an image that does not match the npz size, saying which to pass", async () => {
    const npz = join(tmp.dir, "small.npz");
    const size = { width: 4, height: 3 };
    await writeOfficialPointMapNpz(npz, {
      pointsM: new Float32Array(36).map((_, i) => (i % 3 === 2 ? 2 + i / 36 : 0.01 * i)),
      valid: null,
      intrinsics: { fx: 4, fy: 4, cx: 1.5, cy: 1 },
      size,
    });
    await copyFile(ex("rgb.png"), join(tmp.dir, "rgb.png"));
    const r = await run(["frame", "info", "--image", join(tmp.dir, "rgb.png"), "--npz", npz]);
    expectOneLineError(r, /rgb\.png: size = "320x240": does not match the point map .*4x3/);
  });
});
