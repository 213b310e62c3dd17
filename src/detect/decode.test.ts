import { describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import type { ImageSize } from "../geometry/index.js";
import { decodeCenterNet } from "./decode.js";
import type { CenterNetDecodeOptions, CenterNetOutputs } from "./decode.js";

// A toy head: 4 x 4 grid over a 16 x 16 input (stride 4), three classes, image 32 x 24 (scale 2, 1.5).
const LABELS = ["a", "b", "c"] as const;
const GRID: ImageSize = { width: 4, height: 4 };
const INPUT: ImageSize = { width: 16, height: 16 };
const IMAGE: ImageSize = { width: 32, height: 24 };
const OPTIONS: CenterNetDecodeOptions = { minScore: 0.3, maxDetections: 100, iouThreshold: 0.5, labels: LABELS };

interface Peak {
  row: number;
  col: number;
  cls: number;
  score: number;
  ltrb?: [number, number, number, number];
}

function outputs(peaks: readonly Peak[], grid = GRID, classes: number = LABELS.length): CenterNetOutputs {
  const heatmap = new Float32Array(grid.width * grid.height * classes);
  const ltrbPx = new Float32Array(grid.width * grid.height * 4);
  for (const p of peaks) {
    const cell = p.row * grid.width + p.col;
    heatmap[cell * classes + p.cls] = p.score;
    if (p.ltrb) ltrbPx.set(p.ltrb, cell * 4);
  }
  return { gridSize: grid, heatmap, ltrbPx };
}

describe("decodeCenterNet", () => {
  it("turns one peak into the exact box in image pixels", () => {
    // Anchor (col 2, row 1) * stride 4 = (8, 4); box (8-3, 4-2, 8+5, 4+4) = (5, 2, 13, 8) in input px,
    // times (2, 1.5) = (10, 3, 26, 12) in image px.
    const dets = decodeCenterNet(outputs([{ row: 1, col: 2, cls: 1, score: 0.75, ltrb: [3, 2, 5, 4] }]), INPUT, IMAGE, OPTIONS);
    expect(dets).toEqual([{ label: "b", score: 0.75, box: { x1: 10, y1: 3, x2: 26, y2: 12 } }]);
  });

  it("keeps only 3x3 local maxima per class, like the graph's MaxPool == heat map test", () => {
    const heat = outputs([
      { row: 1, col: 1, cls: 0, score: 0.9, ltrb: [1, 1, 1, 1] },
      { row: 1, col: 2, cls: 0, score: 0.8 }, // neighbour of a larger value of the same class: not a peak
      { row: 1, col: 2, cls: 2, score: 0.7 }, // same cell, other class: a peak of its own
      { row: 3, col: 3, cls: 0, score: 0.6, ltrb: [1, 1, 1, 1] }, // two cells away: a peak
    ]);
    heat.ltrbPx.set([1, 1, 1, 1], (1 * 4 + 2) * 4);
    const dets = decodeCenterNet(heat, INPUT, IMAGE, OPTIONS);
    expect(dets.map((d) => [d.label, d.score])).toEqual([
      ["a", expect.closeTo(0.9, 6)],
      ["c", expect.closeTo(0.7, 6)],
      ["a", expect.closeTo(0.6, 6)],
    ]);
  });

  it("treats equal neighbours as two peaks; class-wise NMS then keeps the first", () => {
    const plateau = outputs([
      { row: 2, col: 1, cls: 0, score: 0.5, ltrb: [4, 4, 4, 4] },
      { row: 2, col: 2, cls: 0, score: 0.5, ltrb: [4, 4, 4, 4] },
    ]);
    expect(decodeCenterNet(plateau, INPUT, IMAGE, { ...OPTIONS, iouThreshold: 1 })).toHaveLength(2);
    const kept = decodeCenterNet(plateau, INPUT, IMAGE, { ...OPTIONS, iouThreshold: 0.3 });
    // IoU of the two 8-px boxes shifted by 4 is 1/3 > 0.3: the lower cell index wins the tie.
    expect(kept).toEqual([{ label: "a", score: 0.5, box: { x1: 0, y1: 6, x2: 16, y2: 18 } }]);
  });

  it("suppresses overlapping boxes of one class only", () => {
    const same = outputs([
      { row: 1, col: 1, cls: 1, score: 0.9, ltrb: [4, 4, 8, 8] },
      { row: 3, col: 3, cls: 1, score: 0.8, ltrb: [12, 12, 0, 0] }, // the same box (0, 0, 12, 12): IoU 1
    ]);
    expect(decodeCenterNet(same, INPUT, IMAGE, OPTIONS).map((d) => d.score)).toEqual([expect.closeTo(0.9, 6)]);
    const differentClasses = outputs([
      { row: 1, col: 1, cls: 1, score: 0.9, ltrb: [4, 4, 8, 8] },
      { row: 3, col: 3, cls: 2, score: 0.8, ltrb: [12, 12, 0, 0] },
    ]);
    expect(decodeCenterNet(differentClasses, INPUT, IMAGE, OPTIONS).map((d) => d.label)).toEqual(["b", "c"]);
  });

  it("clips to the image region and drops boxes with no area", () => {
    const dets = decodeCenterNet(
      outputs([
        { row: 0, col: 0, cls: 0, score: 0.9, ltrb: [10, 10, 2, 2] }, // sticks out top-left
        { row: 3, col: 3, cls: 0, score: 0.8, ltrb: [-2, 1, 1, 1] }, // left edge right of the right edge
        { row: 0, col: 3, cls: 1, score: 0.7, ltrb: [-40, 1, 50, 1] }, // entirely right of the image
      ]),
      INPUT,
      IMAGE,
      OPTIONS,
    );
    expect(dets).toEqual([{ label: "a", score: expect.closeTo(0.9, 6), box: { x1: -0.5, y1: -0.5, x2: 4, y2: 3 } }]);
  });

  it("keeps scores >= minScore, best first, at most maxDetections", () => {
    const peaks: Peak[] = [
      { row: 0, col: 0, cls: 0, score: 0.25, ltrb: [1, 1, 1, 1] },
      { row: 0, col: 2, cls: 0, score: 0.5, ltrb: [1, 1, 1, 1] },
      { row: 2, col: 0, cls: 0, score: 0.875, ltrb: [1, 1, 1, 1] },
      { row: 2, col: 2, cls: 0, score: 0.625, ltrb: [1, 1, 1, 1] },
    ];
    const all = decodeCenterNet(outputs(peaks), INPUT, IMAGE, { ...OPTIONS, minScore: 0.5 });
    expect(all.map((d) => d.score)).toEqual([0.875, 0.625, 0.5]);
    const top2 = decodeCenterNet(outputs(peaks), INPUT, IMAGE, { ...OPTIONS, minScore: 0.25, maxDetections: 2 });
    expect(top2.map((d) => d.score)).toEqual([0.875, 0.625]);
  });

  it("uses COCO-80 names by default", () => {
    const dets = decodeCenterNet(outputs([{ row: 1, col: 1, cls: 0, score: 0.5, ltrb: [1, 1, 1, 1] }], GRID, 80), INPUT, IMAGE, {
      minScore: 0.3,
      maxDetections: 10,
      iouThreshold: 0.5,
    });
    expect(dets.map((d) => d.label)).toEqual(["person"]);
  });

  it("rejects malformed outputs and options with one-line errors", () => {
    const good = outputs([{ row: 1, col: 1, cls: 0, score: 0.5, ltrb: [1, 1, 1, 1] }]);
    const cases: [CenterNetOutputs, CenterNetDecodeOptions, RegExp][] = [
      [{ ...good, heatmap: new Float32Array(5) }, OPTIONS, /heatmap.length = 5: must be gridH \* gridW \* classes = 4 \* 4 \* 3/],
      [{ ...good, ltrbPx: new Float32Array(3) }, OPTIONS, /ltrbPx.length = 3/],
      [good, { ...OPTIONS, minScore: 0 }, /minScore = 0: must be in \(0, 1\]/],
      [good, { ...OPTIONS, maxDetections: 0 }, /maxDetections = 0/],
      [good, { ...OPTIONS, iouThreshold: 1.5 }, /iouThreshold = 1.5/],
      [outputs([{ row: 1, col: 1, cls: 0, score: 1.5 }]), OPTIONS, /heatmap\[row 1, col 1, class 0\] = 1.5: must be a probability/],
      [outputs([{ row: 2, col: 3, cls: 0, score: 0.5, ltrb: [1, Number.NaN, 1, 1] }]), OPTIONS, /ltrbPx\[row 2, col 3\] = \[1,null,1,1\]: must be finite/],
    ];
    for (const [out, options, message] of cases) {
      expect(() => decodeCenterNet(out, INPUT, IMAGE, options)).toThrow(InputError);
      expect(() => decodeCenterNet(out, INPUT, IMAGE, options)).toThrow(message);
    }
  });
});
