import { readFile } from "node:fs/promises";
import { InputError } from "../errors.js";

/**
 * Read a whole input file. A missing file, a directory or an unreadable file becomes an InputError
 * naming the path, so callers never surface a bare ENOENT.
 */
export async function readInputBytes(path: string): Promise<Uint8Array> {
  try {
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(path, "file", path, "does not exist");
    if (code === "EISDIR") throw new InputError(path, "file", path, "is a directory, not a file");
    throw new InputError(path, "file", path, `cannot read: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The lower-case extension of a path including the dot (".png"), or "" when there is none. */
export function extensionOf(path: string): string {
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  const dot = path.lastIndexOf(".");
  return dot > slash + 1 ? path.slice(dot).toLowerCase() : "";
}
