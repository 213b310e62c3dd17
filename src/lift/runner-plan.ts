import { InputError } from "../errors.js";
import { idKey } from "../formats/index.js";
import type { DatasetId } from "../formats/index.js";

/**
 * How a dataset is cut into shards and chunks, one place:
 *
 * - Shard: image `id` belongs to shard k of n when fnv1a32(String(id)) mod n = k. The rule needs
 *   nothing but the id, so every machine of a batch job agrees on it, and adding images to the
 *   dataset does not move the others. Items without any image id (an image entry with no id) go
 *   to shard 0.
 * - Chunk: a shard's images, in dataset order, are cut into runs of `chunkSize`; chunk c holds
 *   images c * chunkSize ... (c + 1) * chunkSize - 1 and is written as one file when all of them are
 *   done. A chunk file is the unit of resume.
 */

/** Shard k of n (0 <= k < n). */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

/** The whole dataset as one shard. */
export const WHOLE_DATASET: ShardSpec = { index: 0, count: 1 };

/** Check a shard spec; `where` names the option in errors. */
export function validateShard(shard: ShardSpec, where = "shard"): ShardSpec {
  if (!Number.isSafeInteger(shard.count) || shard.count < 1) throw new InputError(where, "count", shard.count, "must be an integer >= 1");
  if (!Number.isSafeInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new InputError(where, "index", shard.index, `must be an integer in 0 ... ${shard.count - 1} (shard k of n counts from 0)`);
  }
  return shard;
}

/** 32-bit FNV-1a of a string's UTF-8 bytes. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The shard (0 ... count - 1) an image id belongs to; null ids go to shard 0. */
export function shardOf(id: DatasetId | null | undefined, count: number): number {
  return id === null || id === undefined ? 0 : fnv1a32(idKey(id)) % count;
}

/** The file name of chunk `chunk` of a shard, inside `OUT/shards/`: `shard-3-of-8.chunk-000012.jsonl`. */
export function chunkFileName(shard: ShardSpec, chunk: number): string {
  return `${shardPrefix(shard)}.chunk-${String(chunk).padStart(6, "0")}.jsonl`;
}

/** The file of a shard's items that belong to no usable image (inside `OUT/shards/`). */
export function orphanFileName(shard: ShardSpec): string {
  return `${shardPrefix(shard)}.orphans.jsonl`;
}

function shardPrefix(shard: ShardSpec): string {
  return `shard-${shard.index}-of-${shard.count}`;
}

/** Cut `items` into runs of `size` (the last may be shorter). */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * A file-system-safe stem for an image id (for depth the repository writes itself): the id when it
 * is only letters, digits, '.', '_' and '-' (and not starting with '.'), else a cleaned id with the
 * id's hash appended so two ids never share a stem.
 */
export function idStem(id: DatasetId): string {
  const text = idKey(id);
  const clean = text.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\./, "_").slice(0, 80);
  return clean === text ? text : `${clean}-${fnv1a32(text).toString(16).padStart(8, "0")}`;
}
