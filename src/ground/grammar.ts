import { reasoningTemplates } from "../qa/index.js";
import { getProgram, QUESTION_TYPES } from "../reason/index.js";
import { escapeRegExp } from "../regex.js";

/**
 * The question grammar, compiled from the QA generator's own phrasings (qa/templates.ts
 * REASONING_TEMPLATES), so every question n3d generates parses back to its program. Each template
 * becomes an anchored, case-insensitive pattern:
 *   - `{A}`, `{B}`, `{C}` an object phrase (without commas); `{objects}`, `{candidates}`, `{candidates_and}` a list
 *     of them ("chair, table and lamp"); `{unit}` a unit word; `{radius}` a number and a unit word;
 *   - the built-in paraphraser's word swaps ("What is" / "What's", "to the left of" / "left of",
 *     "object" / "item", ...) as alternatives, and its lead-ins ("Looking at the scene, ") allowed
 *     in front, so reworded training questions parse too;
 *   - commas and the final "?" or "." optional, runs of spaces as one.
 * Derived families widen it: every quantitative phrasing without its unit clause ("How tall is
 * {A}?"; the answer is then in metres), a few everyday phrasings ({@link EXTRA_PHRASINGS}), and
 * every unit-less quantitative phrasing with ", in {unit}" added at the end ("How tall is the
 * chair in feet?").
 */

/** Where a compiled form comes from. */
export type FormSource = "template" | "unitless" | "extra" | "unit-suffix";

/** The slot kinds a form captures. */
export type SlotName = "A" | "B" | "C" | "objects" | "candidates" | "candidates_and" | "unit" | "radius";

/** One phrasing of one question type, compiled. */
export interface QuestionForm {
  readonly type: string;
  readonly source: FormSource;
  /** Index in the type's list for its source (template index for "template" and "unitless"). */
  readonly index: number;
  /** The phrasing with its slots, as written. */
  readonly template: string;
  /** Anchored, case-insensitive. Capture groups follow {@link slots} (a radius takes two: number and unit). */
  readonly pattern: RegExp;
  /** Slots in the order they appear in the text. */
  readonly slots: readonly SlotName[];
  /** Characters of fixed text: among several forms matching one question, the most specific wins. */
  readonly literalLength: number;
}

/**
 * Unit words a question may name, longest first, with the unit each means. Bare "m" and "in" are
 * left out: "in" is also a preposition.
 */
export const UNIT_SPELLINGS: readonly (readonly [string, "m" | "cm" | "ft" | "in"])[] = [
  ["centimeters", "cm"], ["centimetres", "cm"], ["centimeter", "cm"], ["centimetre", "cm"], ["cm", "cm"],
  ["meters", "m"], ["metres", "m"], ["meter", "m"], ["metre", "m"],
  ["inches", "in"], ["inch", "in"],
  ["feet", "ft"], ["foot", "ft"], ["ft", "ft"],
];

const UNIT_ALTERNATION = UNIT_SPELLINGS.map(([w]) => w).join("|");

/**
 * The built-in paraphraser's swaps (qa/paraphrase.ts) that can touch a reasoning question, each as
 * the words of the template and the rewordings it may have become. A test rewords every template
 * with the paraphraser and parses it back, so a swap added there and not here fails it.
 */
export const PARAPHRASE_SWAPS: readonly (readonly [string, readonly string[]])[] = [
  ["What is", ["What's", "Can you tell me"]],
  ["located", ["positioned", "situated"]],
  ["in this scene", ["in the scene", "in this image", "in the picture"]],
  ["in the image", ["in this image", "in the picture", "in the photo"]],
  ["bigger", ["larger"]],
  ["wider", ["broader"]],
  ["objects", ["items", "things"]],
  ["object", ["item"]],
  ["to the left of", ["on the left side of", "left of"]],
  ["to the right of", ["on the right side of", "right of"]],
  ["Could you", ["Can you", "Would you"]],
  ["approximately", ["roughly", "about"]],
  ["estimate", ["work out", "gauge"]],
];

/** Openings allowed in front of any question (the paraphraser's lead-ins and their kin). */
export const LEAD_INS: readonly string[] = [
  "Looking at the scene,",
  "Looking at the image,",
  "Based on the image,",
  "Based on the scene,",
  "In this picture,",
  "In this image,",
  "In the image,",
];

/**
 * Everyday phrasings beyond the generator's, per type, in the generator's slot language: the way
 * SpatialRGPT-Bench and people ask ("What is the distance between <region0> and <region1>?").
 */
export const EXTRA_PHRASINGS: Readonly<Record<string, readonly string[]>> = {
  direct_distance: [
    "What is the distance between {A} and {B}, in {unit}?",
    "What is the distance between {A} and {B}?",
    "How far is {A} from {B}?",
    "How far away is {A} from {B}?",
    "What is the distance from {A} to {B}?",
  ],
  distance_to_camera: ["How far away is {A}?", "How far is {A} from me?"],
  width_data: ["What is the width of {A}?", "How wide is {A}?"],
  height_data: ["How high is {A}?"],
  left_predicate: ["Is {A} on the left of {B}?"],
  right_predicate: ["Is {A} on the right of {B}?"],
  front_predicate: ["Is {A} before {B}?"],
  closer_to_camera_predicate: ["Is {A} closer to the camera than {B} is?"],
  closer_to_camera: ["Which is closer to the camera, {A} or {B}?", "Which object is closer to the camera, {A} or {B}?"],
  farther_from_camera: ["Which is farther from the camera, {A} or {B}?", "Which is farther away, {A} or {B}?"],
  direction: ["If I am at {A}, where will I find {B}?", "From {A}, in which clock direction is {B}?"],
};

/** A run of fixed text as a pattern: swaps as alternatives, commas and end punctuation optional. */
function literalPattern(text: string): string {
  const froms = [...PARAPHRASE_SWAPS].sort((a, b) => b[0].length - a[0].length);
  const swapRe = new RegExp(`\\b(${froms.map(([f]) => escapeRegExp(f)).join("|")})\\b`, "gi");
  let out = "";
  let last = 0;
  for (const m of text.matchAll(swapRe)) {
    out += plain(text.slice(last, m.index));
    const swap = froms.find(([f]) => f.toLowerCase() === m[0].toLowerCase())!;
    out += `(?:${[swap[0], ...swap[1]].map((w) => plain(w)).join("|")})`;
    last = m.index + m[0].length;
  }
  return out + plain(text.slice(last));
}

/** Fixed text with spacing and punctuation loosened. */
function plain(text: string): string {
  return escapeRegExp(text)
    .replace(/,/g, ",?")
    .replace(/ +/g, "\\s+");
}

const SLOT_PATTERNS: Readonly<Record<SlotName, string>> = {
  A: "([^,]+?)",
  B: "([^,]+?)",
  C: "([^,]+?)",
  objects: "(.+?)",
  candidates: "(.+?)",
  candidates_and: "(.+?)",
  unit: `(${UNIT_ALTERNATION})`,
  radius: `(\\d+(?:\\.\\d+)?)\\s*(${UNIT_ALTERNATION})`,
};

const isSlotName = (s: string): s is SlotName => Object.prototype.hasOwnProperty.call(SLOT_PATTERNS, s);

/**
 * Compile one phrasing. Throws (a programming error, not bad input) for a slot the grammar does not
 * know, so a template added with a new slot is noticed by the tests.
 */
export function compileForm(type: string, template: string, source: FormSource, index: number): QuestionForm {
  const slots: SlotName[] = [];
  let body = "";
  let literalLength = 0;
  let last = 0;
  const trimmed = template.trim().replace(/[?.!]$/, "");
  for (const m of trimmed.matchAll(/\{([A-Za-z_]+)\}/g)) {
    const name = m[1]!;
    if (!isSlotName(name)) throw new Error(`compileForm: ${type} template "${template}" uses the unknown slot {${name}}`);
    const text = trimmed.slice(last, m.index);
    // A bare comma between two slots ("{A}, {B} or {C}") is what separates them: keep it required.
    body += slots.length > 0 && text === ", " ? ",\\s*" : literalPattern(text);
    literalLength += text.replace(/\s+/g, "").length;
    body += SLOT_PATTERNS[name];
    slots.push(name);
    last = m.index + m[0].length;
  }
  const tail = trimmed.slice(last);
  body += literalPattern(tail);
  literalLength += tail.replace(/\s+/g, "").length;
  const leads = LEAD_INS.map((l) => plain(l)).join("|");
  const pattern = new RegExp(`^(?:(?:${leads})\\s*)?${body}\\s*[?.!]?$`, "i");
  return { type, source, index, template, pattern, slots, literalLength };
}

/**
 * A quantitative phrasing without its unit clause, or null when it names no unit or the clause
 * cannot be taken out cleanly: ", in {unit}?" and " in {unit}." drop, "? Answer in {unit}." and a
 * leading "In {unit}, " go.
 */
export function unitlessTemplate(template: string): string | null {
  if (!template.includes("{unit}")) return null;
  let t = template
    .replace(/\s*Answer in \{unit\}\.?$/, "")
    .replace(/,? in \{unit\}(?=[?.]$)/, "")
    .replace(/^In \{unit\}, (\w)/, (_, c: string) => c.toUpperCase());
  t = t.trim();
  return t.includes("{unit}") ? null : t;
}

/** A unit-less phrasing with ", in {unit}" before its final "?" or "." (commas are optional when matching). */
export function unitSuffixTemplate(template: string): string {
  return template.replace(/([?.])?$/, (_, end: string | undefined) => `, in {unit}${end ?? "?"}`);
}

function buildForms(): QuestionForm[] {
  const forms: QuestionForm[] = [];
  for (const type of QUESTION_TYPES) {
    const typeForms: QuestionForm[] = [];
    reasoningTemplates(type).forEach((t, i) => {
      typeForms.push(compileForm(type, t, "template", i));
      const bare = unitlessTemplate(t);
      if (bare !== null) typeForms.push(compileForm(type, bare, "unitless", i));
    });
    (EXTRA_PHRASINGS[type] ?? []).forEach((t, i) => typeForms.push(compileForm(type, t, "extra", i)));
    if (getProgram(type).answerKind === "length") {
      const bare = typeForms.filter((f) => f.source !== "template" && !f.slots.includes("unit"));
      bare.forEach((f, i) => typeForms.push(compileForm(type, unitSuffixTemplate(f.template), "unit-suffix", i)));
    }
    forms.push(...typeForms);
  }
  return forms;
}

/** Every compiled phrasing of every question type reason/ knows, in registry order. */
export const QUESTION_FORMS: readonly QuestionForm[] = buildForms();
