// Test helpers for src/rgbd: temporary directories and hand-made PNG bytes. Not part of the build.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";

/** A fresh temporary directory and a function that removes it. */
export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "n3d-rgbd-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The names in a directory, sorted (hidden temporaries included). */
export async function listDir(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 as PNG and zip use it. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data, CRC over type + data. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(Buffer.from(type, "latin1"), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

const SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** An IHDR chunk for the given size, bit depth and colour type (0 grey, 2 RGB, 6 RGBA). */
export function ihdr(width: number, height: number, bitDepth: number, colorType: number): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data[8] = bitDepth;
  data[9] = colorType;
  return pngChunk("IHDR", data);
}

/** Concatenate a PNG from its chunks (signature added). */
export function pngFile(...chunks: Uint8Array[]): Uint8Array {
  return Buffer.concat([SIGNATURE, ...chunks]);
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * A PNG encoded by hand (filter 0 on every row, big-endian 16-bit samples), independent of sharp,
 * so reading it checks sharp's decoding and byte order. samples: H x W x channels, row-major.
 */
export function handMadePng(width: number, height: number, bitDepth: 8 | 16, colorType: 0 | 2 | 4 | 6, samples: ArrayLike<number>): Uint8Array {
  const channels = CHANNELS[colorType]!;
  const bytesPerSample = bitDepth / 8;
  const rowBytes = 1 + width * channels * bytesPerSample;
  const raw = new Uint8Array(height * rowBytes);
  const view = new DataView(raw.buffer);
  for (let v = 0; v < height; v++) {
    for (let k = 0; k < width * channels; k++) {
      const s = samples[v * width * channels + k]!;
      if (bitDepth === 16) view.setUint16(v * rowBytes + 1 + k * 2, s);
      else raw[v * rowBytes + 1 + k] = s;
    }
  }
  return pngFile(ihdr(width, height, bitDepth, colorType), pngChunk("IDAT", deflateSync(raw)), pngChunk("IEND", new Uint8Array(0)));
}

/** The IHDR bit depth and colour type of PNG bytes. */
export function pngHeader(png: Uint8Array): { width: number; height: number; bitDepth: number; colorType: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20), bitDepth: png[24]!, colorType: png[25]! };
}
