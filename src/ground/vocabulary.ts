/**
 * Words for objects: how a phrase in a question ("the red chairs", "sofa", "tv monitor") meets the
 * category labels a grounder produced ("chair", "couch", "tv"). Three rules, tried in order for
 * each tail of the phrase (longest first, so "floor lamp" is the label "floor lamp", not a "floor"
 * coloured "lamp"):
 *   1. the tail is a label, ignoring case, spacing and a plural ending ("chairs" -> "chair");
 *   2. the tail and a label are in one synonym group ("sofa" / "couch", "table" / "dining table");
 * the words before the tail are its modifiers (colour and size words, checked by mentions.ts).
 * Synonyms only bridge names when the frame has no label for the word itself: in a scene with
 * both a "tv" and a "monitor", "monitor" is the monitor.
 */

/**
 * Groups of names for one kind of thing: n3d's synthetic catalog, COCO-80 and the words people use.
 * A phrase in a group may be answered by any label in the same group.
 */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ["person", "people", "man", "woman", "men", "women", "human", "pedestrian", "child", "kid", "boy", "girl"],
  ["couch", "sofa", "settee"],
  ["dining table", "table", "kitchen table"],
  ["potted plant", "plant", "houseplant", "pot plant"],
  ["tv", "television", "tv monitor", "monitor", "screen"],
  ["cell phone", "phone", "mobile phone", "smartphone", "cellphone"],
  ["bicycle", "bike", "cycle"],
  ["motorcycle", "motorbike", "scooter"],
  ["car", "automobile", "vehicle"],
  ["airplane", "plane", "aeroplane", "aircraft"],
  ["cup", "mug"],
  ["sports ball", "ball"],
  ["refrigerator", "fridge"],
  ["bookshelf", "bookcase", "shelf", "shelves"],
  ["trash can", "garbage can", "trash bin", "bin", "dustbin", "waste basket"],
  ["nightstand", "bedside table", "night stand"],
  ["traffic cone", "cone", "pylon"],
  ["fire hydrant", "hydrant"],
  ["cabinet", "cupboard"],
  ["backpack", "rucksack", "knapsack"],
  ["suitcase", "luggage"],
  ["laptop", "notebook computer"],
  ["floor lamp", "standing lamp"],
  ["box", "carton", "cardboard box"],
  ["handbag", "purse", "bag"],
];


/** Lower case, single spaces, no articles in front, no punctuation around. */
export function normalizePhrase(phrase: string): string {
  return phrase
    .toLowerCase()
    .trim()
    .replace(/[“”"'`.,;:!?()]+$/g, "")
    .replace(/^[“”"'`(]+/, "")
    .trim()
    .replace(/\s+/g, " ")
    .replace(/^(?:the|a|an|this|that)\s+/, "");
}

/** Colour words compared in one spelling ("grey" and "gray" are the same colour). */
export function normalizeColor(words: string): string {
  return normalizePhrase(words).replace(/\bgrey\b/g, "gray");
}

const IRREGULAR: Readonly<Record<string, string>> = {
  people: "person",
  men: "man",
  women: "woman",
  children: "child",
  knives: "knife",
  shelves: "shelf",
  leaves: "leaf",
  mice: "mouse",
  feet: "foot",
  skis: "skis",
  buses: "bus",
};

/** The singular of the last word of a phrase ("red chairs" -> "red chair"); other words unchanged. */
export function singularize(phrase: string): string {
  const words = normalizePhrase(phrase).split(" ");
  const last = words[words.length - 1] ?? "";
  let one = last;
  if (Object.prototype.hasOwnProperty.call(IRREGULAR, last)) one = IRREGULAR[last]!;
  else if (/[^aeiou]ies$/.test(last)) one = `${last.slice(0, -3)}y`;
  else if (/(?:ch|sh|ss|x|z)es$/.test(last)) one = last.slice(0, -2);
  else if (/(?:ss|us|is)$/.test(last)) one = last;
  else if (/s$/.test(last) && last.length > 3) one = last.slice(0, -1);
  words[words.length - 1] = one;
  return words.join(" ");
}

/** Two names for the same label: equal, or equal once both are singular. */
export function sameName(a: string, b: string): boolean {
  const x = normalizePhrase(a);
  const y = normalizePhrase(b);
  return x === y || singularize(x) === singularize(y);
}

/** The synonym group a name belongs to (matched singular-insensitively), or null. */
export function synonymGroup(name: string): readonly string[] | null {
  return SYNONYM_GROUPS.find((group) => group.some((g) => sameName(g, name))) ?? null;
}

/** Whether `word` may be answered by `label` through a synonym group. */
export function isSynonym(word: string, label: string): boolean {
  const group = synonymGroup(word);
  return group !== null && group.some((g) => sameName(g, label));
}

/** A phrase split into the label it names and the words in front of it. */
export interface LabelMatch {
  /** One of the labels offered, as given. */
  readonly label: string;
  /** The words before the label's name ("large red" in "large red chairs"), normalized; "" when none. */
  readonly modifiers: string;
  /** How the name met the label. */
  readonly via: "name" | "synonym";
}

/**
 * The label `phrase` names among `labels`, by the rules in the file comment, or null when none
 * fits. Several labels can share a synonym ("table" offered "dining table" and "desk" only meets
 * "dining table"); when two labels meet one tail the first offered wins.
 */
export function matchLabel(phrase: string, labels: readonly string[]): LabelMatch | null {
  const words = normalizePhrase(phrase).split(" ").filter((w) => w !== "");
  for (let k = 0; k < words.length; k++) {
    const tail = words.slice(k).join(" ");
    const modifiers = words.slice(0, k).join(" ");
    const byName = labels.find((l) => sameName(tail, l));
    if (byName !== undefined) return { label: byName, modifiers, via: "name" };
  }
  for (let k = 0; k < words.length; k++) {
    const tail = words.slice(k).join(" ");
    const modifiers = words.slice(0, k).join(" ");
    const bySynonym = labels.find((l) => isSynonym(tail, l));
    if (bySynonym !== undefined) return { label: bySynonym, modifiers, via: "synonym" };
  }
  return null;
}

/**
 * Split `modifiers` into the given attribute values, each used at most once, in any order
 * ("large light brown" with ["light brown", "large"]); returns false when some words are left over.
 * Colours compare in one spelling.
 */
export function coveredByAttributes(modifiers: string, attributes: readonly string[]): boolean {
  const values = attributes.map(normalizeColor).filter((a) => a !== "");
  const cover = (rest: string, unused: readonly string[]): boolean => {
    if (rest === "") return true;
    return unused.some((value, i) => {
      if (rest !== value && !rest.startsWith(`${value} `)) return false;
      return cover(rest.slice(value.length).trim(), unused.filter((_, j) => j !== i));
    });
  };
  return cover(normalizeColor(modifiers), values);
}
