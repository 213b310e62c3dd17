import { InputError } from "../errors.js";
import type { SceneObjectBox } from "./types.js";

/**
 * Naming objects in questions. A name refers to objects by, in order of precedence:
 *   1. the object's exact `name` (a unique label, or `<index>_<label>` such as `2_table`);
 *   2. the same, ignoring case and extra spaces;
 *   3. its label ("chair"), ignoring case;
 *   4. attributes then label ("red chair", "large chair", "large red chair"): every word before
 *      the label must be the object's colour or size attribute.
 * The first rule that matches anything decides.
 */

const norm = (s: string): string => s.trim().replace(/\s+/g, " ").toLowerCase();

function describedBy(object: SceneObjectBox, words: readonly string[]): boolean {
  const attributes = [object.attributes?.color, object.attributes?.size].filter((a): a is string => typeof a === "string").map(norm);
  // Each word names one attribute, and no attribute twice ("red red chair" is not a description).
  return words.length > 0 && words.every((w, i) => attributes.includes(w) && words.indexOf(w) === i);
}

/** Every object `name` refers to (empty when none), by the rules above. */
export function matchObjects(name: string, objects: readonly SceneObjectBox[]): SceneObjectBox[] {
  const exact = objects.filter((o) => o.name === name);
  if (exact.length > 0) return exact;
  const q = norm(name);
  if (q === "") return [];
  const byName = objects.filter((o) => norm(o.name) === q);
  if (byName.length > 0) return byName;
  const byLabel = objects.filter((o) => norm(o.label) === q);
  if (byLabel.length > 0) return byLabel;
  return objects.filter((o) => {
    const label = norm(o.label);
    if (!q.endsWith(` ${label}`)) return false;
    return describedBy(o, q.slice(0, q.length - label.length - 1).split(" "));
  });
}

/**
 * The one object `name` refers to. Throws an InputError when it refers to none ("no object named
 * 'sofa'; objects are: chair, 1_table, 2_table") or to several without an index or attribute
 * that tells them apart ("'table' refers to 2 objects (1_table, 2_table); ...").
 */
export function resolveObject(name: string, objects: readonly SceneObjectBox[], where = "resolveObject"): SceneObjectBox {
  if (typeof name !== "string") throw new InputError(where, "name", name, "must be a string");
  const found = matchObjects(name, objects);
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    throw new InputError(where, "name", name, `no object named '${name}'; objects are: ${objects.map((o) => o.name).join(", ")}`);
  }
  throw new InputError(
    where,
    "name",
    name,
    `'${name}' refers to ${found.length} objects (${found.map((o) => o.name).join(", ")}); name one by its <index>_<label> name or by colour or size ("red chair")`,
  );
}
