import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { makeBox3D, project } from "../geometry/index.js";
import { renderBoxOverlay } from "./overlay.js";

const size = { width: 64, height: 48 };
const K = { fx: 50, fy: 50, cx: 31.5, cy: 23.5 };
const black = { size, rgb: new Uint8Array(size.width * size.height * 3) };

async function decode(png: Uint8Array): Promise<Uint8Array> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height]).toEqual([size.width, size.height]);
  return new Uint8Array(data);
}

function pixel(rgb: Uint8Array, u: number, v: number): number[] {
  const i = (Math.round(v) * size.width + Math.round(u)) * 3;
  return [rgb[i]!, rgb[i + 1]!, rgb[i + 2]!];
}

describe("renderBoxOverlay", () => {
  it("draws the near face edges in the box colour and leaves far pixels untouched", async () => {
    const box = makeBox3D([0, 0, 2], [0.8, 0.6, 0.4]);
    const rgb = await decode(await renderBoxOverlay(black, K, [{ label: "", box, color: "#ff0000" }], { lineWidthPx: 2 }));
    // Midpoint of the near top edge (corners 0 -> 1): (0, -0.3, 1.8).
    const mid = project(K, [0, -0.3, 1.8])!;
    expect(pixel(rgb, mid[0], mid[1])[0]!).toBeGreaterThan(150);
    expect(pixel(rgb, mid[0], mid[1])[1]!).toBeLessThan(60);
    // The box centre pixel is inside the box, not on an edge: stays black.
    expect(pixel(rgb, K.cx, K.cy)).toEqual([0, 0, 0]);
    // A corner of the image far from the box stays black.
    expect(pixel(rgb, 1, 1)).toEqual([0, 0, 0]);
  });

  it("draws nothing for a box wholly behind the camera", async () => {
    const box = makeBox3D([0, 0, -3], [1, 1, 1]);
    const rgb = await decode(await renderBoxOverlay(black, K, [{ label: "ghost", box }]));
    expect(rgb.every((x) => x === 0)).toBe(true);
  });

  it("draws the in-front part of a box that crosses the camera plane", async () => {
    const box = makeBox3D([0, 0, 0.5], [0.4, 0.4, 2]);
    const rgb = await decode(await renderBoxOverlay(black, K, [{ label: "near", box, color: "#00ff00" }]));
    // The far face's top edge, (-0.2..0.2, -0.2, 1.5), is dashed: some of its row is green.
    const left = project(K, [-0.2, -0.2, 1.5])!;
    const right = project(K, [0.2, -0.2, 1.5])!;
    let green = 0;
    for (let u = Math.ceil(left[0]); u <= Math.floor(right[0]); u++) if (pixel(rgb, u, left[1])[1]! > 150) green++;
    expect(green).toBeGreaterThan(2);
  });

  it("rejects an rgb buffer of the wrong length, naming the expected size", async () => {
    await expect(renderBoxOverlay({ size, rgb: new Uint8Array(10) }, K, [])).rejects.toThrow(/64x48x3 = 9216/);
  });
});
