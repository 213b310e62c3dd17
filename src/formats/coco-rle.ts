import { InputError } from "../errors.js";

/**
 * COCO run-length encoded masks, bit for bit as pycocotools (`maskApi.c`) writes and reads them.
 *
 * - `size` is [height, width] (rows first, as COCO stores it).
 * - The mask is walked in COLUMN-major (Fortran) order: pixel (row y, column x) is position
 *   x * height + y. n3d's masks are row-major H x W buffers like its images; the functions here
 *   convert, so callers never do this index arithmetic.
 * - `counts` are alternating run lengths starting with a run of ZEROS (0 when the first pixel is
 *   set): a 2 x 2 all-ones mask is [0, 4], an all-zeros one [4].
 * - Compressed counts (what COCO's JSON holds for non-crowd masks from pycocotools) write each
 *   count, after subtracting counts[i - 2] when i > 2 (pycocotools' rule: note "> 2", not ">= 2"),
 *   as a little-endian sequence of 5-bit signed groups, 6 bits per character (bit 5 = more
 *   follows), each character offset by 48 ('0').
 */

/** An RLE with uncompressed counts (COCO's `iscrowd` form). */
export interface UncompressedRle {
  readonly size: readonly [number, number];
  readonly counts: readonly number[];
}

/** An RLE with compressed string counts (what pycocotools `encode` returns, utf-8 decoded). */
export interface CompressedRle {
  readonly size: readonly [number, number];
  readonly counts: string;
}

/** Either COCO RLE form. */
export type CocoRle = UncompressedRle | CompressedRle;

/** Mask size in pixels, named so height and width cannot be swapped. */
export interface MaskSize {
  readonly width: number;
  readonly height: number;
}

/**
 * Encode a binary mask (row-major H x W, any non-zero byte is foreground) to a compressed RLE.
 * Throws an InputError when the buffer length is not width * height.
 */
export function encodeRle(mask: Uint8Array, size: MaskSize): CompressedRle {
  const { width, height } = checkSize(size, "encodeRle");
  if (mask.length !== width * height) {
    throw new InputError("encodeRle", "mask length", mask.length, `expected ${width}x${height} = ${width * height}`);
  }
  const counts: number[] = [];
  let previous = 0;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const bit = mask[y * width + x]! !== 0 ? 1 : 0;
      if (bit !== previous) {
        counts.push(run);
        run = 0;
        previous = bit;
      }
      run++;
    }
  }
  counts.push(run);
  return { size: [height, width], counts: rleCountsToString(counts) };
}

/**
 * Encode many masks at once from a label map (row-major H x W; pixel value = the label seen
 * there): one compressed RLE per entry of `labels`, the mask of pixels equal to that label, each
 * identical to {@link encodeRle} of that mask. One pass over the image, whatever the number of
 * labels.
 */
export function encodeLabelRles(labelMap: Int16Array | Int32Array, size: MaskSize, labels: readonly number[]): CompressedRle[] {
  const { width, height } = checkSize(size, "encodeLabelRles");
  const n = width * height;
  if (labelMap.length !== n) {
    throw new InputError("encodeLabelRles", "label map length", labelMap.length, `expected ${width}x${height} = ${n}`);
  }
  // Per label: the column-major position where its current run started, and its counts so far.
  const slot = new Map<number, number>();
  labels.forEach((label, i) => {
    if (slot.has(label)) throw new InputError("encodeLabelRles", `labels[${i}]`, label, "is listed twice");
    slot.set(label, i);
  });
  const runStart = new Array<number>(labels.length).fill(0);
  const counts = labels.map((): number[] => []);
  let current = -1; // slot of the label whose run of ones is open, or -1
  let j = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++, j++) {
      const here = slot.get(labelMap[y * width + x]!) ?? -1;
      if (here === current) continue;
      if (current >= 0) {
        counts[current]!.push(j - runStart[current]!); // run of ones ends
        runStart[current] = j;
      }
      if (here >= 0) {
        counts[here]!.push(j - runStart[here]!); // run of zeros ends
        runStart[here] = j;
      }
      current = here;
    }
  }
  return counts.map((c, i) => {
    c.push(n - runStart[i]!);
    return { size: [height, width] as const, counts: rleCountsToString(c) };
  });
}

/**
 * Decode either RLE form to a row-major H x W mask of 0 / 1. `where` names the source in errors.
 * Validates the size (two integers >= 0), the counts (non-negative integers, or a well-formed
 * string) and that the counts sum to height * width.
 */
export function decodeRle(rle: CocoRle, where = "decodeRle"): Uint8Array {
  const [height, width] = checkRleSize(rle, where);
  const counts = rleCounts(rle, where);
  const mask = new Uint8Array(width * height);
  let j = 0;
  let bit = 0;
  for (const run of counts) {
    if (bit === 1) {
      for (let k = j; k < j + run; k++) {
        const x = Math.floor(k / height);
        mask[(k - x * height) * width + x] = 1;
      }
    }
    j += run;
    bit ^= 1;
  }
  return mask;
}

/** The number of foreground pixels (pycocotools `area`). Validates like {@link decodeRle}. */
export function rleArea(rle: CocoRle, where = "rleArea"): number {
  checkRleSize(rle, where);
  let area = 0;
  rleCounts(rle, where).forEach((run, i) => {
    if (i % 2 === 1) area += run;
  });
  return area;
}

/**
 * The foreground's bounding box as COCO [x, y, w, h] in whole pixels (pycocotools `toBbox`):
 * x, y the first column and row, w = x_max - x_min + 1 and h = y_max - y_min + 1 the numbers of
 * columns and rows spanned. In COCO's convention (pixel i covers [i, i + 1]) that is exactly the
 * area the pixels cover; in n3d's (pixel centres at integers) the same pixels cover
 * [x - 0.5, x + w - 0.5]. An empty mask gives [0, 0, 0, 0]. Validates like {@link decodeRle}.
 *
 * The walk is pycocotools': the first and last pixel of each run of ones, and every row when a run
 * continues into the next column. One difference: a zero-length run in the middle of the counts
 * (which pycocotools never writes, but a hand-made uncompressed RLE may hold) marks no pixel here,
 * where pycocotools would count a phantom one.
 */
export function rleToBbox(rle: CocoRle, where = "rleToBbox"): [number, number, number, number] {
  const [h, w] = checkRleSize(rle, where);
  const counts = rleCounts(rle, where);
  let xs = w;
  let ys = h;
  let xe = -1;
  let ye = -1;
  let start = 0; // column-major position where the current run begins
  for (let j = 0; j < counts.length; j++) {
    const run = counts[j]!;
    if (j % 2 === 1 && run > 0) {
      const first = start;
      const last = start + run - 1;
      const y0 = first % h;
      const x0 = (first - y0) / h;
      const y1 = last % h;
      const x1 = (last - y1) / h;
      if (x0 < x1) {
        ys = 0;
        ye = h - 1;
      }
      xs = Math.min(xs, x0);
      xe = Math.max(xe, x1);
      ys = Math.min(ys, y0, y1);
      ye = Math.max(ye, y0, y1);
    }
    start += run;
  }
  return xe < 0 ? [0, 0, 0, 0] : [xs, ys, xe - xs + 1, ye - ys + 1];
}

/** Counts -> pycocotools' compressed string (rleToString). */
export function rleCountsToString(counts: readonly number[]): string {
  const chars: number[] = [];
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i]!;
    if (i > 2) x -= counts[i - 2]!;
    let more = true;
    while (more) {
      // Arithmetic on doubles, not 32-bit ints, so counts beyond 2^31 survive: x & 0x1f and
      // x >> 5 of a (possibly negative) integer.
      let c = x - 32 * Math.floor(x / 32);
      x = Math.floor(x / 32);
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      chars.push(c + 48);
    }
  }
  // In slices: spreading a whole long array into one call can overflow the stack.
  let out = "";
  for (let i = 0; i < chars.length; i += 8192) out += String.fromCharCode(...chars.slice(i, i + 8192));
  return out;
}

/**
 * pycocotools' compressed string -> counts (rleFrString). Throws an InputError naming `where` and
 * the character position on a character outside '0' ... 'o' or a string that ends mid-number.
 */
export function rleCountsFromString(s: string, where = "rleCountsFromString"): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length) throw new InputError(where, "counts", s, `ends in the middle of a number (at character ${p})`);
      const c = s.charCodeAt(p) - 48;
      if (!(c >= 0 && c < 64)) throw new InputError(where, "counts", s, `has character ${JSON.stringify(s[p])} at ${p}; RLE strings use '0' ... 'o'`);
      x += (c & 0x1f) * 32 ** k;
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x -= 32 ** k; // sign-extend: set every bit above the 5k read
    }
    if (counts.length > 2) x += counts[counts.length - 2]!;
    counts.push(x);
  }
  return counts;
}

/** Uncompressed counts of either form, validated: non-negative integers summing to h * w. */
function rleCounts(rle: CocoRle, where: string): number[] {
  const [h, w] = rle.size;
  let counts: number[];
  if (typeof rle.counts === "string") {
    counts = rleCountsFromString(rle.counts, where);
  } else if (Array.isArray(rle.counts)) {
    counts = [...rle.counts];
  } else {
    throw new InputError(where, "counts", rle.counts, "must be a string or an array of run lengths");
  }
  let sum = 0;
  counts.forEach((c, i) => {
    if (!Number.isSafeInteger(c) || c < 0) throw new InputError(where, `counts[${i}]`, c, "must be an integer >= 0 (a run length)");
    sum += c;
  });
  if (sum !== h * w) throw new InputError(where, "counts", rle.counts, `run lengths sum to ${sum}, expected height * width = ${h} * ${w} = ${h * w}`);
  return counts;
}

function checkRleSize(rle: CocoRle, where: string): readonly [number, number] {
  const size = (rle as { size?: unknown }).size;
  if (!Array.isArray(size) || size.length !== 2) throw new InputError(where, "size", size, "must be [height, width]");
  size.forEach((v, i) => {
    if (!Number.isSafeInteger(v) || (v as number) < 0) throw new InputError(where, `size[${i}]`, v, "must be an integer >= 0 (pixels)");
  });
  return size as [number, number];
}

function checkSize(size: MaskSize, where: string): MaskSize {
  for (const field of ["width", "height"] as const) {
    const v = size[field];
    if (!Number.isSafeInteger(v) || v < 0) throw new InputError(where, field, v, "must be an integer >= 0 (pixels)");
  }
  return size;
}
