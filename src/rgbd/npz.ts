import { unzipSync, zipSync } from "fflate";
import type { Zippable } from "fflate";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fsutil.js";
import { parseNpy, serializeNpy } from "./npy.js";
import type { NpyArray } from "./npy.js";
import { readInputBytes } from "./read-input.js";

/**
 * NumPy .npz archives: a zip of .npy members, stored (np.savez) or deflated
 * (np.savez_compressed); numpy's zip64 extra fields are understood.
 */

/** Zip DOS timestamps cannot be omitted; a fixed one keeps writes byte-identical. */
const FIXED_MTIME = new Date(1980, 0, 1);

/**
 * Read an .npz archive: a map from member name without ".npy" to the parsed array.
 * Members that are not .npy files are ignored (numpy ignores them too); a member's parse errors
 * name it as `<where>:<member>.npy`.
 *
 * @param source a file path, or the archive's bytes
 * @param where  the name used in errors; defaults to the path (or "npz" for bytes)
 */
export async function readNpz(source: string | Uint8Array, where?: string): Promise<Map<string, NpyArray>> {
  const name = where ?? (typeof source === "string" ? source : "npz");
  const bytes = typeof source === "string" ? await readInputBytes(source) : source;
  return parseNpz(bytes, name);
}

/** Parse .npz bytes; see {@link readNpz}. */
export function parseNpz(bytes: Uint8Array, where: string): Map<string, NpyArray> {
  const isZip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05);
  if (!isZip) {
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new InputError(where, "format", head, "not a zip archive (an .npz is a zip of .npy files, starting with 50 4b = \"PK\")");
  }
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes);
  } catch (err) {
    throw new InputError(where, "zip", err instanceof Error ? err.message : String(err), "cannot read the zip archive");
  }
  const out = new Map<string, NpyArray>();
  for (const [member, data] of Object.entries(members)) {
    if (!member.endsWith(".npy")) continue;
    out.set(member.slice(0, -".npy".length), parseNpy(data, `${where}:${member}`));
  }
  return out;
}

/** Options for {@link writeNpz}. */
export interface WriteNpzOptions {
  /** Deflate members like np.savez_compressed (default false: stored, like np.savez). */
  readonly compress?: boolean;
}

/** Serialize arrays as .npz bytes, one `<key>.npy` member each, in key order. */
export function serializeNpz(arrays: Record<string, NpyArray>, options: WriteNpzOptions = {}, where = "serializeNpz"): Uint8Array {
  const level = options.compress ? 6 : 0;
  const zippable: Zippable = {};
  for (const [key, array] of Object.entries(arrays)) {
    if (key.length === 0) throw new InputError(where, "key", key, "array names must be non-empty");
    zippable[`${key}.npy`] = [serializeNpy(array, `${where}:${key}`), { level }];
  }
  return zipSync(zippable, { mtime: FIXED_MTIME });
}

/**
 * Write arrays as an .npz file atomically (readable by np.load); nothing is written when an array
 * is invalid.
 */
export async function writeNpz(path: string, arrays: Record<string, NpyArray>, opts: WriteNpzOptions = {}): Promise<void> {
  await writeFileAtomic(path, serializeNpz(arrays, opts, path));
}
