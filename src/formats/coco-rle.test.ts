import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import { createRng } from "../random.js";
import {
  decodeRle,
  encodeLabelRles,
  encodeRle,
  rleArea,
  rleCountsFromString,
  rleCountsToString,
  rleToBbox,
  type MaskSize,
} from "./coco-rle.js";

/** A row-major mask from rows of "0" / "1". */
function maskOf(rows: readonly string[]): { mask: Uint8Array; size: MaskSize } {
  const height = rows.length;
  const width = rows[0]!.length;
  const mask = new Uint8Array(width * height);
  rows.forEach((row, y) => [...row].forEach((c, x) => (mask[y * width + x] = c === "1" ? 1 : 0)));
  return { mask, size: { width, height } };
}

/** Slow reference bbox: scan every pixel. */
function extentOf(mask: Uint8Array, size: MaskSize): [number, number, number, number] {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (let y = 0; y < size.height; y++) {
    for (let x = 0; x < size.width; x++) {
      if (mask[y * size.width + x]) {
        x1 = Math.min(x1, x);
        x2 = Math.max(x2, x);
        y1 = Math.min(y1, y);
        y2 = Math.max(y2, y);
      }
    }
  }
  return x2 < 0 ? [0, 0, 0, 0] : [x1, y1, x2 - x1 + 1, y2 - y1 + 1];
}

function randomMask(seed: number, size: MaskSize, density: number): Uint8Array {
  const rng = createRng(seed);
  const mask = new Uint8Array(size.width * size.height);
  // Blobs plus speckle, so runs of every length appear.
  for (let i = 0; i < mask.length; i++) mask[i] = rng.next() < density ? 1 : 0;
  const cx = rng.uniform(0, size.width);
  const cy = rng.uniform(0, size.height);
  const r = rng.uniform(0, Math.min(size.width, size.height) / 2);
  for (let y = 0; y < size.height; y++) for (let x = 0; x < size.width; x++) if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) mask[y * size.width + x] = 1;
  return mask;
}

describe("COCO RLE, hand-computed", () => {
  it("encodes a 2 x 2 all-ones mask as counts [0, 4] = \"04\"", () => {
    const { mask, size } = maskOf(["11", "11"]);
    expect(encodeRle(mask, size)).toEqual({ size: [2, 2], counts: "04" });
    expect(rleCountsFromString("04")).toEqual([0, 4]);
  });

  it("encodes an all-zeros mask as one run", () => {
    const { mask, size } = maskOf(["000", "000"]);
    expect(encodeRle(mask, size)).toEqual({ size: [2, 3], counts: "6" });
    expect(rleToBbox({ size: [2, 3], counts: "6" })).toEqual([0, 0, 0, 0]);
    expect(rleArea({ size: [2, 3], counts: [6] })).toBe(0);
  });

  it("walks a 3 x 4 mask column by column", () => {
    // Column-major: 000 110 110 001 -> runs 0x3, 1x2, 0x1, 1x2, 0x3, 1x1.
    const { mask, size } = maskOf(["0110", "0110", "0001"]);
    // Compressed: 3, 2, 1 as is; then 2 - 2 = 0, 3 - 1 = 2, 1 - 2 = -1 (one char: 31 + 48 = 'O').
    expect(encodeRle(mask, size)).toEqual({ size: [3, 4], counts: "32102O" });
    expect(rleCountsFromString("32102O")).toEqual([3, 2, 1, 2, 3, 1]);
    expect(decodeRle({ size: [3, 4], counts: [3, 2, 1, 2, 3, 1] })).toEqual(mask);
    expect(decodeRle({ size: [3, 4], counts: "32102O" })).toEqual(mask);
    expect(rleArea({ size: [3, 4], counts: "32102O" })).toBe(5);
    expect(rleToBbox({ size: [3, 4], counts: "32102O" })).toEqual([1, 0, 3, 3]);
  });

  it("writes multi-character and negative numbers like pycocotools", () => {
    // Every string here was derived by hand and checked against pycocotools 2.0.11
    // (mask.frPyObjects of the uncompressed counts).
    // 100 = 4 + 3 * 32: low group 4 with the "more" bit (4 | 32 = 36 -> 'T'), then 3 -> '3'.
    expect(rleCountsToString([0, 100])).toBe("0T3");
    // 16 has bit 4 set, which would read as a sign: a second group of 0 follows.
    expect(rleCountsToString([16])).toBe("`0");
    expect(rleCountsToString([48])).toBe("`1");
    // 200 = 8 + 6 * 32 -> 'X' '6'; at i = 3 the delta 100 - 200 = -100: 28 with "more"
    // (60 -> 'l'), then -4 & 31 = 28 with the sign bit set -> 'L'.
    expect(rleCountsToString([1, 200, 3, 100])).toBe("1X63lL");
    expect(rleCountsFromString("1X63lL")).toEqual([1, 200, 3, 100]);
    // The delta starts at i = 3, not 2: counts[2] is written as is.
    expect(rleCountsToString([5, 7, 5])).toBe("575");
  });

  it("agrees with pycocotools on larger masks", () => {
    // pycocotools 2.0.11 mask.encode of np.ones((10, 10)) and of a 10 x 10 mask with only the
    // last pixel set (counts [99, 1]).
    expect(encodeRle(new Uint8Array(100).fill(1), { width: 10, height: 10 }).counts).toBe("0T3");
    const last = new Uint8Array(100);
    last[99] = 1;
    expect(encodeRle(last, { width: 10, height: 10 }).counts).toBe("S31");

    // A 17 x 23 pattern: (7x + 13y) mod 11 < 4, or inside a circle; toBbox [0, 0, 23, 17], area 203.
    const size = { width: 23, height: 17 };
    const mask = new Uint8Array(23 * 17);
    for (let y = 0; y < 17; y++) for (let x = 0; x < 23; x++) mask[y * 23 + x] = (x * 7 + y * 13) % 11 < 4 || (x - 12) ** 2 + (y - 8) ** 2 < 30 ? 1 : 0;
    const pattern =
      "0240O030N0O0OO1110O0N0201020M010MO31O01OM130O030K32MN0260IO<3NLI0742MD0:OG0;5MKH0O360JM123NM50N0O0N02010OOO1101020M0120NO01";
    expect(encodeRle(mask, size)).toEqual({ size: [17, 23], counts: pattern });
    expect(rleToBbox({ size: [17, 23], counts: pattern })).toEqual([0, 0, 23, 17]);
    expect(rleArea({ size: [17, 23], counts: pattern })).toBe(203);

    // A 40 x 60 mask: rows 5-29, columns 10-49, plus pixel (0, 59). toBbox [10, 0, 50, 30], area 1001.
    const big = new Uint8Array(40 * 60);
    for (let y = 5; y < 30; y++) for (let x = 10; x < 50; x++) big[y * 60 + x] = 1;
    big[59] = 1;
    const rect = "e<i0?00000000000000000000000000000000000000000000000000000000000000000000000000000S;XOeE";
    expect(encodeRle(big, { width: 60, height: 40 })).toEqual({ size: [40, 60], counts: rect });
    expect(decodeRle({ size: [40, 60], counts: rect })).toEqual(big);
    expect(rleToBbox({ size: [40, 60], counts: rect })).toEqual([10, 0, 50, 30]);
    expect(rleArea({ size: [40, 60], counts: rect })).toBe(1001);
  });
});

describe("COCO RLE, invariants", () => {
  it("round-trips random masks of many shapes through both count forms", () => {
    for (let seed = 0; seed < 40; seed++) {
      const rng = createRng(1000 + seed);
      const size = { width: 1 + rng.int(40), height: 1 + rng.int(30) };
      const mask = randomMask(seed, size, [0, 0.02, 0.3, 0.9, 1][seed % 5]!);
      const rle = encodeRle(mask, size);
      expect(rle.size).toEqual([size.height, size.width]);
      expect(decodeRle(rle)).toEqual(mask);
      const counts = rleCountsFromString(rle.counts);
      expect(rleCountsToString(counts)).toBe(rle.counts);
      expect(decodeRle({ size: rle.size, counts })).toEqual(mask);
      expect(rleArea(rle)).toBe(mask.reduce((a, b) => a + b, 0));
      expect(rleToBbox(rle)).toEqual(extentOf(mask, size));
    }
  });

  it("round-trips large counts (beyond 32 bits) and their deltas", () => {
    const counts = [2 ** 33 + 5, 17, 2 ** 40, 3, 1, 2 ** 35, 0, 16, 48, 1024];
    expect(rleCountsFromString(rleCountsToString(counts))).toEqual(counts);
  });

  it("treats any non-zero byte as foreground", () => {
    const rle = encodeRle(Uint8Array.from([0, 255, 7, 1]), { width: 2, height: 2 });
    expect(decodeRle(rle)).toEqual(Uint8Array.from([0, 1, 1, 1]));
  });

  it("encodes many labels in one pass exactly as one mask at a time", () => {
    const rng = createRng(9);
    for (let n = 0; n < 10; n++) {
      const size = { width: 1 + rng.int(25), height: 1 + rng.int(25) };
      const labels = new Int16Array(size.width * size.height);
      for (let i = 0; i < labels.length; i++) labels[i] = rng.int(5) - 1; // -1 ... 3
      const ids = [3, 0, 1, 2, 7]; // 7 never appears
      const rles = encodeLabelRles(labels, size, ids);
      ids.forEach((id, k) => {
        const mask = Uint8Array.from(labels, (l) => (l === id ? 1 : 0));
        expect(rles[k]).toEqual(encodeRle(mask, size));
      });
    }
    expect(() => encodeLabelRles(new Int16Array(4), { width: 2, height: 2 }, [1, 1])).toThrow("encodeLabelRles: labels[1] = 1: is listed twice");
  });

  it("handles zero-length runs in hand-made uncompressed counts", () => {
    // [1, 0, 2, 1]: no ones, two zeros, one one: only the last pixel (row 1, column 1) of a 2 x 2.
    expect(rleToBbox({ size: [2, 2], counts: [1, 0, 2, 1] })).toEqual([1, 1, 1, 1]);
    expect(decodeRle({ size: [2, 2], counts: [1, 0, 2, 1] })).toEqual(Uint8Array.from([0, 0, 0, 1]));
  });
});

describe("COCO RLE, validation", () => {
  it("names the field", () => {
    expect(errorOf(() => decodeRle({ size: [2, 2], counts: [1, 2] }, "ann.json")).message).toBe(
      "ann.json: counts = [1,2]: run lengths sum to 3, expected height * width = 2 * 2 = 4",
    );
    expect(errorOf(() => decodeRle({ size: [2, 2], counts: "03" }, "ann.json")).message).toBe(
      'ann.json: counts = "03": run lengths sum to 3, expected height * width = 2 * 2 = 4',
    );
    expect(errorOf(() => decodeRle({ size: [2, 2], counts: [1, -1, 4] })).message).toBe("decodeRle: counts[1] = -1: must be an integer >= 0 (a run length)");
    expect(errorOf(() => decodeRle({ size: [2, 2.5] as unknown as [number, number], counts: [5] })).message).toBe("decodeRle: size[1] = 2.5: must be an integer >= 0 (pixels)");
    expect(errorOf(() => decodeRle({ size: [2, 2], counts: "0~" })).message).toContain('has character "~" at 1');
    expect(errorOf(() => decodeRle({ size: [2, 2], counts: "T" })).message).toContain("ends in the middle of a number");
    expect(errorOf(() => encodeRle(new Uint8Array(3), { width: 2, height: 2 })).message).toBe("encodeRle: mask length = 3: expected 2x2 = 4");
  });
});
