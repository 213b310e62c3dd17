import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import { mulMat3, rotationX, rotationY, type Box2D } from "../geometry/index.js";
import { LiftBuffers } from "./buffers.js";
import { selectPixels } from "./select.js";
import { DEFAULT_LIFT_OPTIONS, liftObject, resolveLiftOptions } from "./lift.js";
import { drawBoxes, TEST_SIZE } from "./testing/box-scene.js";
import type { LiftFrame } from "./types.js";

const { width, height } = TEST_SIZE;

/** A box turned about two axes (a silhouette that does not fill its 2D box) 2 m away, its back half in a wall at 2.2 m: the wall in the box's corners is at the box's depth. */
function tiltedScene(): { frame: LiftFrame; rgb: Uint8Array; mask: Uint8Array; box: Box2D } {
  const { frame, masks, boxes2d } = drawBoxes([{ center: [0, 0, 2], size: [0.5, 0.5, 0.5], rotation: mulMat3(rotationY(0.7), rotationX(0.6)) }], { wallM: 2.2 });
  const mask = masks[0]!;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < mask.length; i++) rgb.set(mask[i] ? [40, 60, 170] : [180 + (i % 7), 170, 150], 3 * i);
  return { frame, rgb, mask, box: boxes2d[0]! };
}

/** Share of the box-only selection's sampled pixels inside the mask. */
function precision(frame: LiftFrame, box: Box2D, mask: Uint8Array): number {
  const buffers = new LiftBuffers();
  const sel = selectPixels(frame, { label: "box", bbox2d: box }, DEFAULT_LIFT_OPTIONS, buffers);
  let hit = 0;
  for (let j = 0; j < sel.sampled; j++) hit += mask[buffers.pixelIndex[j]!]!;
  return hit / sel.sampled;
}

describe("liftObject with the frame's RGB (box only)", () => {
  it("drops the pixels of the wall's colour that share the object's depth band in its box", () => {
    const { frame, rgb, mask, box } = tiltedScene();
    expect(precision(frame, box, mask)).toBeLessThan(0.9);
    expect(precision({ ...frame, rgb }, box, mask)).toBe(1);
    // Colour plays no part when the options turn it off, nor for a mask.
    const target = { label: "box", bbox2d: box };
    expect(liftObject({ ...frame, rgb }, target, { ...DEFAULT_LIFT_OPTIONS, boxColourRatio: 0, boxColourCoreRatio: 0 })).toEqual(liftObject(frame, target));
    expect(liftObject({ ...frame, rgb }, { ...target, mask })).toEqual(liftObject(frame, { ...target, mask }));
  });

  it("validates the colour and 2D-box options", () => {
    expect(errorOf(() => resolveLiftOptions({ boxColourBins: 5 })).message).toBe("resolveLiftOptions: boxColourBins = 5: must be one of 2, 4, 8, 16 (bins per channel)");
    expect(errorOf(() => resolveLiftOptions({ boxCover: "clamp" as never })).message).toBe(
      'resolveLiftOptions: boxCover = "clamp": is not a supported choice; choose one of off, extend, match',
    );
    expect(errorOf(() => resolveLiftOptions({ boxColourCoreShare: 0 })).message).toBe("resolveLiftOptions: boxColourCoreShare = 0: must be a number in (0, 1]");
  });

  it("rejects an RGB array of the wrong length", () => {
    const { frame, box } = tiltedScene();
    expect(errorOf(() => liftObject({ ...frame, rgb: new Uint8Array(10) }, { label: "lamp", bbox2d: box })).message).toBe(
      `liftObject: frame.rgb = Uint8Array(10): must be a Uint8Array of ${width}x${height}x3 = ${width * height * 3} values (8-bit RGB)`,
    );
  });
});
