import { describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/helpers.js";
import { errorOf } from "../../test/helpers.js";
import { checkRegions, createRegionsGrounder, liftRegions, maskBox } from "./regions.js";
import { oracleLift, truthFrameWith } from "./testing/fixtures.js";

const t = truthFrameWith(3);
const [a, b, c] = t.objects as [typeof t.objects[0], typeof t.objects[0], typeof t.objects[0]];
const { width: W, height: H } = t.frame.size;

const rejection = rejectionOf;

describe("checkRegions", () => {
  it("takes a mask's tight box when no box is given", () => {
    const [r] = checkRegions([{ mask: a.mask }], t.frame);
    expect(r!.box).toEqual(a.box2d);
    expect(maskBox(new Uint8Array(W * H), t.frame.size)).toBeNull();
  });

  it("refuses regions outside the image, without area, empty or mis-sized masks", () => {
    expect(errorOf(() => checkRegions([{ box: { x1: 10, y1: 10, x2: W + 5, y2: 20 } }], t.frame)).message).toBe(
      `regions: region 0 = "10,10,${W + 5},20": reaches outside the ${W}x${H} image (pixel centres 0..${W - 1}, 0..${H - 1}; the image spans -0.5,-0.5,${W - 0.5},${H - 0.5})`,
    );
    expect(errorOf(() => checkRegions([{ box: { x1: 5, y1: 5, x2: 5, y2: 9 } }], t.frame)).message).toMatch(/region 0 = "5,5,5,9": has no area/);
    expect(errorOf(() => checkRegions([{ box: { x1: 5, y1: 5, x2: 4, y2: 9 } }], t.frame)).message).toMatch(/region 0\.x2 = 4: must be >= x1 = 5/);
    expect(errorOf(() => checkRegions([{ mask: new Uint8Array(W * H) }], t.frame)).message).toMatch(/region 0 mask = "0 pixels": is empty/);
    expect(errorOf(() => checkRegions([{ mask: new Uint8Array(7) }], t.frame)).message).toMatch(/region 0 mask = Uint8Array\(7\): must be a 96x72 mask/);
    expect(errorOf(() => checkRegions([], t.frame)).message).toMatch(/give at least one region/);
  });

  it("refuses one object given twice, naming both regions", () => {
    const nudged = { x1: a.box2d.x1 + 0.5, y1: a.box2d.y1, x2: a.box2d.x2, y2: a.box2d.y2 };
    const err = errorOf(() => checkRegions([{ box: a.box2d }, { box: b.box2d }, { box: nudged }], t.frame));
    expect(err.field).toBe("regions 0 and 2");
    expect(err.message).toMatch(/are the same object \(box IoU 0\.9\d\d > 0\.9\); give each object once/);
    expect(errorOf(() => checkRegions([{ mask: a.mask }, { mask: a.mask }], t.frame)).message).toMatch(/mask IoU 1\.000 > 0\.9/);
    expect(() => checkRegions([{ box: a.box2d }, { box: b.box2d }], t.frame)).not.toThrow();
  });

  it("refuses a region with no valid depth", () => {
    const depthM = new Float32Array(t.frame.depthM);
    for (let i = 0; i < a.mask.length; i++) if (a.mask[i]) depthM[i] = 0;
    const holed = { ...t.frame, depthM };
    expect(errorOf(() => checkRegions([{ mask: a.mask }, { mask: b.mask }], holed)).message).toMatch(/region 0 = ".*": has no valid depth: every depth pixel in its mask is 0 or NaN/);
    const masked = { ...t.frame, validMask: new Uint8Array(W * H) };
    expect(errorOf(() => checkRegions([{ box: b.box2d }], masked)).message).toMatch(/every depth pixel in its box/);
    expect(checkRegions([{ box: b.box2d, label: "chair" }], masked)).toHaveLength(1);
  });
});

describe("liftRegions and the regions back end", () => {
  it("lifts each region in order, unlabelled ones as 'region'", () => {
    const regions = checkRegions([{ box: c.box2d }, { mask: a.mask, label: a.label }], t.frame);
    const boxes = liftRegions(t.frame, regions, oracleLift(t.objects));
    expect(boxes.map((g) => [g.label, g.region, g.score])).toEqual([["region", 0, 1], [a.label, 1, 1]]);
    expect(boxes[0]!.box).toEqual(c.box);
    expect(boxes[1]!.box).toEqual(a.box);
  });

  it("keeps a box the filters reject, with the verdict as a note; no box at all is an error", () => {
    const rejecting = () => ({ box: a.box, verdict: "rejected" as const, reason: "truncated" as const, detail: "touches the left border", pixelSource: "box" as const, pixelsSelected: 9, pointsUsed: 9, extentMethod: "visible" as const });
    const [kept] = liftRegions(t.frame, checkRegions([{ box: a.box2d }], t.frame), rejecting);
    expect(kept!.note).toBe("truncated: touches the left border");
    const none = () => ({ box: null, verdict: "rejected" as const, reason: "too_few_pixels" as const, pixelSource: "box" as const, pixelsSelected: 3, pointsUsed: 0, extentMethod: "visible" as const });
    expect(errorOf(() => liftRegions(t.frame, checkRegions([{ box: a.box2d }], t.frame), none)).message).toMatch(/region 0 = ".*": lifting found no 3D box \(too_few_pixels; 3 depth pixels selected\)/);
    // A labelled region is a detector's output: left out, like a rejected detection.
    expect(liftRegions(t.frame, checkRegions([{ box: a.box2d, label: "chair" }], t.frame), none)).toEqual([]);
  });

  it("answers region requests only", async () => {
    const grounder = createRegionsGrounder({ lift: oracleLift(t.objects) });
    expect(grounder.accepts).toEqual(["regions"]);
    expect((await grounder.ground(t.frame, { kind: "regions", regions: [{ box: b.box2d }] }))[0]!.box).toEqual(b.box);
    expect((await rejection(grounder.ground(t.frame, { kind: "all" }))).message).toMatch(/grounds region prompts only/);
  });

  it("lifts with src/lift by default: a mask region lands near the true box", async () => {
    const [g] = await createRegionsGrounder().ground(t.frame, { kind: "regions", regions: [{ mask: c.mask }] });
    const err = Math.hypot(...g!.box.center.map((x, i) => x - c.box.center[i]!));
    expect(err).toBeLessThan(0.15 * c.box.center[2]);
  });
});
