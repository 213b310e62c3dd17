import { InputError } from "../errors.js";
import { matchObjects, type SceneObjectBox } from "../reason/index.js";
import { coveredByAttributes, matchLabel, normalizePhrase } from "./vocabulary.js";

/**
 * From the phrases a question uses ("the red chairs", "<region1>", "2_table", "sofa") to the
 * grounded objects they mean. In order:
 *   1. a region token `<regionk>` (also "region k", "Region [k]") is region prompt k;
 *   2. reason/'s naming rules on the phrase as written: the exact name, `<k>_<label>`, the label,
 *      or colour/size words then the label;
 *   3. `<k>_<word>` where the word names a label through a plural or synonym ("1_sofas" -> 1_couch);
 *   4. the label the phrase's last words name (vocabulary.ts: plurals, synonyms), narrowed by the
 *      words in front of it, which must be the object's colour or size ("large light brown table").
 *      Objects that carry no attributes at all (a detector's) cannot be told apart by such words:
 *      the words are then not checked, and a phrase that fits several of them is refused.
 * A phrase that fits no object, or several, is an InputError naming the phrase and listing the
 * objects there are; nothing is guessed.
 */

/** A scene object that may answer a region prompt. */
export interface MentionTarget extends SceneObjectBox {
  /** Index of the region prompt it answers, when it came from one. */
  readonly region?: number;
}

/** The region index a phrase names (`<region0>`, "region 0", "Region [0]"), or null. */
export function regionIndex(phrase: string): number | null {
  const m = /^\s*(?:<\s*region\s*(\d+)\s*>|region\s*\[?\s*(\d+)\s*\]?)\s*$/i.exec(phrase);
  return m === null ? null : Number(m[1] ?? m[2]);
}

/** The name an unlabelled region prompt k gets in traces and answers (SpatialRGPT-Bench's spelling). */
export function regionName(k: number): string {
  return `Region [${k}]`;
}

function listNames(objects: readonly MentionTarget[]): string {
  return objects.length === 0 ? "nothing was grounded in the frame" : `objects in the frame: ${objects.map((o) => o.name).join(", ")}`;
}

function ambiguous(phrase: string, found: readonly MentionTarget[], where: string): InputError {
  const described = found.some((o) => o.attributes?.color !== undefined || o.attributes?.size !== undefined);
  return new InputError(
    where,
    "object",
    phrase,
    `refers to ${found.length} objects (${found.map((o) => o.name).join(", ")}, numbered left to right); name one by its name${described ? ' or by colour or size ("red chair")' : ""}`,
  );
}

function notFound(phrase: string, objects: readonly MentionTarget[], where: string): InputError {
  return new InputError(where, "object", phrase, `is not in the frame; ${listNames(objects)}`);
}

/** The one object `phrase` means among `objects`, by the rules in the file comment. */
export function resolveMention(phrase: string, objects: readonly MentionTarget[], where = "ask"): MentionTarget {
  const k = regionIndex(phrase);
  if (k !== null) {
    const hit = objects.find((o) => o.region === k);
    if (hit !== undefined) return hit;
    const regions = objects.filter((o) => o.region !== undefined).map((o) => `<region${o.region}>`);
    throw new InputError(
      where,
      "object",
      phrase,
      regions.length === 0 ? "names a region prompt but no regions were given (give them as 2D boxes or masks)" : `names a region that was not given; the regions are ${regions.join(", ")}`,
    );
  }
  const written = phrase.trim();
  const plain = normalizePhrase(written);
  if (plain === "") throw new InputError(where, "object", phrase, "is empty");
  for (const form of [written, plain]) {
    const found = matchObjects(form, objects) as MentionTarget[];
    if (found.length === 1) return found[0]!;
    if (found.length > 1) throw ambiguous(phrase, found, where);
  }
  const labels = [...new Set(objects.map((o) => o.label))];
  const indexed = /^(\d+)_(.+)$/.exec(plain);
  if (indexed !== null) {
    const label = matchLabel(indexed[2]!, labels);
    const index = Number(indexed[1]);
    if (label !== null && label.modifiers === "") {
      const same = objects.filter((o) => o.label === label.label);
      const hit = same.find((o) => o.name === `${index}_${label.label}`) ?? (same.length === 1 && index === 0 ? same[0] : undefined);
      if (hit !== undefined) return hit;
    }
    throw notFound(phrase, objects, where);
  }
  const label = matchLabel(plain, labels);
  if (label === null) throw notFound(phrase, objects, where);
  let found = objects.filter((o) => o.label === label.label);
  if (label.modifiers !== "" && found.some((o) => o.attributes !== undefined)) {
    found = found.filter((o) => coveredByAttributes(label.modifiers, [o.attributes?.color ?? "", o.attributes?.size ?? ""]));
    if (found.length === 0) {
      const seen = objects.filter((o) => o.label === label.label).map((o) => `${o.name} (${[o.attributes?.size, o.attributes?.color].filter(Boolean).join(" ") || "no attributes"})`);
      throw new InputError(where, "object", phrase, `no ${label.label} is "${label.modifiers}"; the ${label.label} objects are ${seen.join(", ")}`);
    }
  }
  if (found.length > 1) throw ambiguous(phrase, found, where);
  return found[0]!;
}
