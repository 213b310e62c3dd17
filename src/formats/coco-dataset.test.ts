import { describe, expect, it } from "vitest";
import { createRng } from "../random.js";
import { errorOf } from "../../test/helpers.js";
import { annotationRegion, clearAnnotationMask, decodeRleInto, parseCocoDataset, parseCocoDatasetText, rasterizePolygonsInto } from "./coco-dataset.js";
import type { DatasetAnnotation } from "./coco-dataset.js";
import { decodeRle, encodeRle } from "./coco-rle.js";

const size = { width: 8, height: 6 };
const image = (id: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  file_name: `images/${id}.png`,
  width: 8,
  height: 6,
  depth_file: `depth/${id}.png`,
  depth_scale: 1000,
  intrinsics: { fx: 10, fy: 10, cx: 3.5, cy: 2.5 },
  gravity: [0, 1, 0],
  ...extra,
});
const ann = (id: number, imageId: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  image_id: imageId,
  category_id: 1,
  bbox: [1, 1, 3, 2],
  ...extra,
});
const categories = [{ id: 1, name: "chair" }, { id: 2, name: "table" }];

describe("parseCocoDataset", () => {
  it("reads images with their fields and annotations grouped by image, in file order", () => {
    const rle = encodeRle(Uint8Array.from({ length: 48 }, (_, i) => (i % 8 < 3 ? 1 : 0)), size);
    const ds = parseCocoDataset(
      {
        images: [image(2), image(1, { gravity: null })],
        annotations: [ann(10, 1), ann(11, 2, { category_id: 2, segmentation: rle }), ann(12, 1, { segmentation: [[1, 1, 4, 1, 4, 3]] })],
        categories,
      },
      "a.json",
    );
    expect(ds.skips).toEqual([]);
    expect(ds.images.map((i) => i.id)).toEqual([2, 1]);
    const [two, one] = ds.images;
    expect(two!.annotations.map((a) => [a.id, a.label, a.segmentation?.kind])).toEqual([[11, "table", "rle"]]);
    expect(one!.annotations.map((a) => [a.id, a.label, a.segmentation?.kind])).toEqual([[10, "chair", undefined], [12, "chair", "polygons"]]);
    expect(two).toMatchObject({ fileName: "images/2.png", size, depthFile: "depth/2.png", depthScale: 1000, intrinsics: { fx: 10, fy: 10, cx: 3.5, cy: 2.5 }, gravity: [0, 1, 0] });
    expect(one!.gravity).toBeUndefined();
  });

  it("skips each bad item with its reason and reads the rest", () => {
    const ds = parseCocoDataset(
      {
        images: [image(1), image(1), { id: 3, width: 8, height: 6 }, image(4, { width: -2 }), image(5, { gravity: [0, 2, 0] }), image(6, { intrinsics: { fx: 0, fy: 1, cx: 0, cy: 0 } })],
        annotations: [
          ann(20, 1),
          ann(21, 99),
          ann(22, 1, { category_id: 7 }),
          ann(23, 1, { bbox: [1, 1, -3, 2] }),
          ann(24, 1, { iscrowd: 1 }),
          ann(25, 1, { bbox: [1, 2] }),
          ann(26, 1, { segmentation: { size: [6, 8], counts: [3, 4] } }),
          ann(27, 1, { segmentation: [[1, 2, 3]] }),
          ann(28, 1, { segmentation: { size: [6, 8], counts: "!!" } }),
        ],
        categories,
      },
      "a.json",
    );
    expect(ds.images.map((i) => i.id)).toEqual([1]);
    expect(ds.images[0]!.annotations.map((a) => a.id)).toEqual([20]);
    expect(ds.skips.map((s) => [s.imageId, s.annotationId, s.reason])).toEqual([
      [1, undefined, "bad_image_entry"],
      [3, undefined, "bad_image_entry"],
      [4, undefined, "bad_image_entry"],
      [5, undefined, "bad_image_entry"],
      [6, undefined, "bad_image_entry"],
      [99, 21, "unknown_image_id"],
      [1, 22, "unknown_category"],
      [1, 23, "bbox_negative_size"],
      [1, 24, "group_annotation"],
      [1, 25, "bad_annotation"],
      [1, 26, "bad_annotation"],
      [1, 27, "bad_annotation"],
      [1, 28, "bad_annotation"],
    ]);
    const detail = (id: number): string => ds.skips.find((s) => s.annotationId === id)!.detail;
    expect(ds.skips[0]!.detail).toMatch(/images\[1\]\.id = 1: is used by more than one image/);
    expect(ds.skips[1]!.detail).toMatch(/file_name = undefined/);
    expect(ds.skips[2]!.detail).toMatch(/width = -2: must be a positive integer/);
    expect(ds.skips[3]!.detail).toMatch(/gravity = \[0,2,0\]: must be a unit vector/);
    expect(ds.skips[4]!.detail).toMatch(/intrinsics\.fx = 0/);
    expect(detail(22)).toMatch(/category_id = 7: is not listed in categories/);
    expect(detail(23)).toMatch(/bbox = \[1,1,-3,2\]: width and height must be >= 0/);
    expect(detail(26)).toMatch(/run lengths sum to 7, expected height \* width = 48/);
    expect(detail(28)).toMatch(/segmentation\.counts = "!!"/);
  });

  it("uses an annotation's label when it has no category_id", () => {
    const ds = parseCocoDataset({ images: [image(1)], annotations: [{ id: 1, image_id: 1, label: "mug", bbox: [0, 0, 1, 1] }] }, "a.json");
    expect(ds.images[0]!.annotations[0]).toMatchObject({ label: "mug", categoryId: "mug" });
    expect(ds.categories).toEqual([{ id: "mug", name: "mug" }]);
  });

  it("throws only for a document that is not COCO at all", () => {
    expect(errorOf(() => parseCocoDataset([], "a.json")).message).toMatch(/^a\.json: document = \[\]: must be a COCO JSON object/);
    expect(errorOf(() => parseCocoDataset({ images: [] }, "a.json")).message).toMatch(/annotations = undefined: must be an array/);
    expect(errorOf(() => parseCocoDataset({ images: [], annotations: [], categories: [{ id: 1 }] }, "a.json")).message).toMatch(/categories\[0\]\.name/);
    expect(errorOf(() => parseCocoDatasetText("{", "a.json")).message).toMatch(/a\.json: json = "\{": is not valid JSON/);
  });
});

describe("annotationRegion", () => {
  const boxAnn = (values: [number, number, number, number], extra: Partial<DatasetAnnotation> = {}): DatasetAnnotation => ({
    id: 1,
    categoryId: 1,
    label: "chair",
    box: { format: "coco-xywh", values },
    ...extra,
  });

  it("moves COCO boxes to n3d pixel centres (c - 0.5)", () => {
    expect(annotationRegion(boxAnn([1, 2, 3, 4]), size)).toEqual({ box: { x1: 0.5, y1: 1.5, x2: 3.5, y2: 5.5 } });
    const normalized: DatasetAnnotation = { ...boxAnn([0, 0, 0, 0]), box: { format: "normalized-xyxy", values: [0.25, 0, 0.5, 1] } };
    expect(annotationRegion(normalized, size)).toEqual({ box: { x1: 1.5, y1: -0.5, x2: 3.5, y2: 5.5 } });
  });

  it("skips boxes, polygons and RLEs that do not fit the image", () => {
    expect(annotationRegion(boxAnn([5, 1, 5, 1]), size)).toMatchObject({ skip: "bbox_outside_image" });
    const poly = boxAnn([1, 1, 2, 2], { segmentation: { kind: "polygons", polygons: [[1, 1, 20, 1, 1, 3]] } });
    expect(annotationRegion(poly, size)).toMatchObject({ skip: "mask_outside_image", detail: expect.stringMatching(/vertex \(20, 1\)/) });
    const rle = boxAnn([1, 1, 2, 2], { segmentation: { kind: "rle", rle: encodeRle(new Uint8Array(12), { width: 4, height: 3 }) } });
    expect(annotationRegion(rle, size)).toMatchObject({ skip: "mask_size_mismatch" });
    // Within the tolerance the box is clipped to the image.
    expect(annotationRegion(boxAnn([-0.5, 0, 9, 6]), size)).toEqual({ box: { x1: -0.5, y1: -0.5, x2: 7.5, y2: 5.5 } });
  });

  it("decodes masks into a reused zeroed buffer and clears them after", () => {
    const buffer = new Uint8Array(48);
    const poly = boxAnn([0, 0, 2, 2], { segmentation: { kind: "polygons", polygons: [[0, 0, 2, 0, 2, 2, 0, 2]] } });
    const rleMask = Uint8Array.from({ length: 48 }, (_, i) => (i % 8 >= 5 && i >= 16 ? 1 : 0));
    const rle = boxAnn([5, 2, 3, 4], { segmentation: { kind: "rle", rle: encodeRle(rleMask, size) } });
    for (const [a, area] of [[poly, 4], [rle, 12]] as const) {
      const region = annotationRegion(a, size, buffer);
      expect("mask" in region && region.mask).toBe(buffer);
      expect(buffer.reduce((s, v) => s + v, 0)).toBe(area);
      clearAnnotationMask(buffer, a, size);
      expect(buffer.every((v) => v === 0)).toBe(true);
    }
    expect(rleMask.reduce((s, v) => s + v, 0)).toBe(12);
    // Without a buffer, a fresh one.
    const fresh = annotationRegion(rle, size);
    expect("mask" in fresh && fresh.mask).toEqual(rleMask);
  });
});

describe("mask decoding", () => {
  it("decodeRleInto matches decodeRle on random masks, compressed and not", () => {
    const rng = createRng(5);
    for (let t = 0; t < 20; t++) {
      const s = { width: 1 + rng.int(12), height: 1 + rng.int(9) };
      const mask = Uint8Array.from({ length: s.width * s.height }, () => (rng.next() < 0.4 ? 1 : 0));
      const rle = encodeRle(mask, s);
      const out = new Uint8Array(mask.length);
      expect(decodeRleInto(out, rle, s)).toEqual(decodeRle(rle));
      expect(out).toEqual(mask);
      expect(decodeRleInto(out, rle, s, 0).every((v) => v === 0)).toBe(true);
    }
  });

  it("rasterizes polygons by pixel centres, like a slow point-in-polygon reference", () => {
    const rng = createRng(9);
    const s = { width: 16, height: 12 };
    for (let t = 0; t < 15; t++) {
      const polygons = [0, 1].map(() => Array.from({ length: 2 * (3 + rng.int(4)) }, (_, k) => rng.uniform(-0.5, k % 2 === 0 ? 16.5 : 12.5)));
      const fast = rasterizePolygonsInto(new Uint8Array(s.width * s.height), polygons, s);
      const slow = new Uint8Array(s.width * s.height);
      for (let y = 0; y < s.height; y++) {
        for (let x = 0; x < s.width; x++) slow[y * s.width + x] = polygons.some((p) => insideEvenOdd(p, x + 0.5, y + 0.5)) ? 1 : 0;
      }
      expect(fast).toEqual(slow);
    }
    // An axis-aligned rectangle with integer corners covers exactly its pixels.
    const rect = rasterizePolygonsInto(new Uint8Array(96 * 2), [[2, 3, 7, 3, 7, 5, 2, 5]], s);
    expect(rect.reduce((a, v) => a + v, 0)).toBe(10);
    expect(rect[3 * 16 + 2]).toBe(1);
    expect(rect[3 * 16 + 7]).toBe(0);
  });
});

function insideEvenOdd(flat: readonly number[], px: number, py: number): boolean {
  let inside = false;
  const n = flat.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const [xi, yi, xj, yj] = [flat[2 * i]!, flat[2 * i + 1]!, flat[2 * j]!, flat[2 * j + 1]!];
    if (yi <= py !== yj <= py && px < xi + ((py - yi) * (xj - xi)) / (yj - yi)) inside = !inside;
  }
  return inside;
}
