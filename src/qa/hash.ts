/**
 * A stable, dependency-free 32-bit string hash for seeding per-item generators and for the
 * held-out split: FNV-1a over the UTF-16 code units, then murmur3's finalizer so that ids which
 * differ only in their last character ("12", "13") land far apart. Not for security.
 */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}
