import { METRES_PER_UNIT } from "../../reason/index.js";
import { isSym, isWord, quantityAt, tokenize, type Quantity, type Token } from "./tokens.js";
import type { AnswerUnit, QaItem, QaTruth, QaReading } from "./types.js";
import { escapeRegExp } from "../../regex.js";

/**
 * Rule-based answer extraction: free text -> a value, or null when the text does not state one.
 * Nothing is guessed: a number without a unit is not a length (unless the caller names the unit
 * the question asked in), "to the right" is not a clock hour, a statement without yes, no or a
 * negation is not a yes/no answer.
 *
 * Every extractor first takes the {@link finalAnswer} (the text after `</think>`), and when the
 * answer states several values of the kind asked for, the LAST one is taken: a model that reasons
 * in its answer ("the chair is 1.2 m tall and the table 0.8 m, so the difference is 0.4 m") ends
 * with its conclusion. Choices and orders are the exception: they take the first-mentioned option
 * (the subject of "The chair is closer than the table").
 */

/** Metres per unit answers may use: n3d's four (reason/units.ts, exact) plus mm and km. */
export const METRES_PER_ANSWER_UNIT: Readonly<Record<AnswerUnit, number>> = { ...METRES_PER_UNIT, mm: 0.001, km: 1000 };

/** Unit spellings (lower case) -> unit. "in" is only read where it cannot be the preposition. */
const UNIT_NAMES: Readonly<Record<string, AnswerUnit>> = {
  m: "m", meter: "m", meters: "m", metre: "m", metres: "m",
  cm: "cm", centimeter: "cm", centimeters: "cm", centimetre: "cm", centimetres: "cm",
  mm: "mm", millimeter: "mm", millimeters: "mm", millimetre: "mm", millimetres: "mm",
  km: "km", kilometer: "km", kilometers: "km", kilometre: "km", kilometres: "km",
  ft: "ft", foot: "ft", feet: "ft",
  in: "in", inch: "in", inches: "in",
};
const FOOT_MARKS = ["'", "’", "′"];
const INCH_MARKS = ['"', "”", "″"];

/** The unit a name or symbol means ("meters", "ft", "'", "inches"), or null. Case-insensitive. */
export function unitFromName(name: string): AnswerUnit | null {
  const n = name.trim().toLowerCase().replace(/\.$/, "");
  if (Object.hasOwn(UNIT_NAMES, n)) return UNIT_NAMES[n]!;
  if (FOOT_MARKS.includes(n)) return "ft";
  if (INCH_MARKS.includes(n) || n === "''") return "in";
  return null;
}

/**
 * The answer part of a model's output: the text after the last `</think>`; the empty string when
 * a `<think>` was opened and never closed (the model never reached an answer); else the whole text.
 * Trimmed.
 */
export function finalAnswer(text: string): string {
  const close = text.lastIndexOf("</think>");
  if (close >= 0) return text.slice(close + "</think>".length).trim();
  if (text.includes("<think>")) return "";
  return text.trim();
}

/** A length stated in a text: metres, and the token span it came from. */
export interface LengthMention {
  readonly metres: number;
  /** The text as written ("5 feet 3 inches", "2-3 m"). */
  readonly text: string;
  /** True for a range ("2-3 m", "between 2 and 3 meters"), read as its midpoint. */
  readonly range: boolean;
  /** Token indices [start, next). */
  readonly start: number;
  readonly next: number;
}

/** The unit right after quantity `q`, or null. */
function unitAfter(tokens: readonly Token[], q: Quantity): { unit: AnswerUnit; next: number } | null {
  let k = q.next;
  const numberEnd = tokens[k - 1]!;
  let t = tokens[k];
  // "2.5-meter gap": a hyphen glued on both sides.
  if (isSym(t, "-") && !t!.spaced && tokens[k + 1]?.type === "word" && !tokens[k + 1]!.spaced) t = tokens[++k];
  if (t === undefined) return null;
  if (t.type === "word") {
    if (!Object.hasOwn(UNIT_NAMES, t.text)) return null;
    const unit = UNIT_NAMES[t.text]!;
    // "in" is a unit when glued to the number ("12in") or not followed by a word ("12 in.", "12 in").
    if (t.text === "in" && t.spaced && tokens[k + 1]?.type === "word") return null;
    return { unit, next: k + 1 };
  }
  // Foot and inch marks: only glued to digits ("3'", "6\"", "3'6\""), never "3's".
  if (t.type === "sym" && !t.spaced && q.form === "digits" && numberEnd.type === "num") {
    const after = tokens[k + 1];
    if (FOOT_MARKS.includes(t.text)) {
      if (isSym(after, "'") && !after!.spaced) return { unit: "in", next: k + 2 };
      if (after?.type === "word" && !after.spaced) return null;
      return { unit: "ft", next: k + 1 };
    }
    if (INCH_MARKS.includes(t.text)) return { unit: "in", next: k + 1 };
  }
  return null;
}

/** A quantity with a unit at token `i` ("2.5 m", "a meter", "3'"), or null. */
function measureAt(tokens: readonly Token[], i: number): { metres: number; unit: AnswerUnit; start: number; next: number } | null {
  const q = quantityAt(tokens, i);
  if (q === null) return null;
  const u = unitAfter(tokens, q);
  if (u === null) return null;
  // "a" / "an" only count right before a unit word: "about a meter", not "a 'quote'".
  if (q.form === "article" && tokens[u.next - 1]!.type !== "word") return null;
  return { metres: q.value * METRES_PER_ANSWER_UNIT[u.unit], unit: u.unit, start: i, next: u.next };
}

const RANGE_WORDS = ["to"];
const RANGE_SYMS = ["-", "–", "—"];

/** Whether token `k` joins the two ends of a range; "and" only after "between". */
function isRangeJoin(tokens: readonly Token[], k: number, start: number): boolean {
  if (isWord(tokens[k], ...RANGE_WORDS) || isSym(tokens[k], ...RANGE_SYMS)) return true;
  return isWord(tokens[k], "and") && isWord(tokens[start - 1], "between");
}

/**
 * Every length stated in `text`, in order (no `</think>` handling; see {@link extractLength}).
 * Reads digits and words ("2.5 meters", "250cm", "1,200 mm", "one meter", "two and a half feet",
 * "half a meter"), unit words and symbols (m, cm, mm, km, ft, in; ' and "), compound lengths in
 * falling units ("5 feet 3 inches", "3'6\"", "1 m 20 cm", "a meter and a half"), and ranges
 * ("2-3 m", "2 to 3 meters", "between 2 and 3 meters", "2 m to 3 m") as their midpoint.
 */
export function lengthMentions(text: string): LengthMention[] {
  const tokens = tokenize(text);
  const out: LengthMention[] = [];
  const mention = (metres: number, start: number, next: number, range: boolean): void => {
    out.push({ metres, text: text.slice(tokens[start]!.start, tokens[next - 1]!.end), range, start, next });
  };
  let i = 0;
  while (i < tokens.length) {
    const m = measureAt(tokens, i);
    if (m === null) {
      // A range whose first end has no unit: "2-3 meters", "between 2 and 3 meters".
      const q = quantityAt(tokens, i);
      if (q !== null && q.form !== "article" && isRangeJoin(tokens, q.next, i)) {
        const end = measureAt(tokens, q.next + 1);
        if (end !== null) {
          const first = q.value * METRES_PER_ANSWER_UNIT[end.unit];
          mention((first + end.metres) / 2, i, end.next, true);
          i = end.next;
          continue;
        }
      }
      i++;
      continue;
    }
    let { metres, unit, next } = m;
    // Compound lengths in falling units: "5 feet 3 inches", "5 feet and 3 inches", "3'6\"".
    for (;;) {
      if (isWord(tokens[next], "and") && isWord(tokens[next + 1], "a") && isWord(tokens[next + 2], "half")) {
        metres += 0.5 * METRES_PER_ANSWER_UNIT[unit];
        next += 3;
        continue;
      }
      // "5 feet and 3 inches", "5 feet, 3 inches", and the abbreviation's full stop in "5 ft. 3 in.".
      const k = isWord(tokens[next], "and") || isSym(tokens[next], ",", ".") ? next + 1 : next;
      const part = measureAt(tokens, k);
      if (part === null || METRES_PER_ANSWER_UNIT[part.unit] >= METRES_PER_ANSWER_UNIT[unit]) break;
      metres += part.metres;
      unit = part.unit;
      next = part.next;
    }
    // A range with units on both ends: "2 m to 3 m".
    if (isRangeJoin(tokens, next, i)) {
      const end = measureAt(tokens, next + 1);
      if (end !== null) {
        mention((metres + end.metres) / 2, i, end.next, true);
        i = end.next;
        continue;
      }
    }
    mention(metres, i, next, false);
    i = next;
  }
  return out;
}

/** Options of {@link extractLength}. */
export interface ExtractLengthOptions {
  /**
   * The unit a number without one is read in (the unit the question asked for). Without it, a
   * bare number is unparseable.
   */
  readonly defaultUnit?: AnswerUnit;
}

/**
 * The length an answer states, in metres, or null. The {@link finalAnswer} is read; when it states
 * several lengths the last is taken. When it states none and `defaultUnit` is given, the last bare
 * number is read in that unit.
 */
export function extractLength(text: string, options: ExtractLengthOptions = {}): number | null {
  const answer = finalAnswer(text);
  const mentions = lengthMentions(answer);
  if (mentions.length > 0) return mentions[mentions.length - 1]!.metres;
  if (options.defaultUnit === undefined) return null;
  const tokens = tokenize(answer);
  for (let i = tokens.length - 1; i >= 0; i--) {
    const q = quantityAt(tokens, i);
    if (q !== null && q.form !== "article") return q.value * METRES_PER_ANSWER_UNIT[options.defaultUnit];
  }
  return null;
}

/** A whole-number quantity written in digits or words (not "a", "half"), else null. */
function wholeAt(tokens: readonly Token[], i: number): Quantity | null {
  const q = quantityAt(tokens, i);
  return q !== null && q.integer && q.form !== "article" ? q : null;
}

/** Index after an "o'clock" at `k` ("o'clock", "o’clock", "oclock", "o clock"), or -1. */
function oclockAt(tokens: readonly Token[], k: number): number {
  if (isWord(tokens[k], "oclock")) return k + 1;
  if (isWord(tokens[k], "o")) {
    if (isSym(tokens[k + 1], "'", "’") && isWord(tokens[k + 2], "clock")) return k + 3;
    if (isWord(tokens[k + 1], "clock")) return k + 2;
  }
  return -1;
}

/** Clock hours stated with "o'clock" or as "N:00", in order, as [hour, startToken, nextToken]. */
function clockMentions(tokens: readonly Token[]): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < tokens.length; i++) {
    const q = wholeAt(tokens, i);
    if (q === null) continue;
    let next = oclockAt(tokens, q.next);
    const colon = tokens[q.next];
    const minutes = tokens[q.next + 1];
    if (next < 0 && q.form === "digits" && isSym(colon, ":") && !colon!.spaced && minutes?.type === "num" && !minutes.spaced && minutes.value === 0 && minutes.integer) next = q.next + 2;
    if (next >= 0 && q.value >= 1 && q.value <= 12) {
      out.push([q.value, i, next]);
      i = next - 1;
    }
  }
  return out;
}

/**
 * The clock hour (1..12) an answer states, or null. In order of trust: the last "N o'clock"
 * (digits or words: "3 o'clock", "three o'clock") or "N:00"; else the last "at N" that ends a
 * clause or is followed by "direction" / "position" ("at 3.", "at 3 direction"); else an answer
 * that is nothing but a number ("3", "twelve."). Hours outside 1..12 are not hours.
 */
export function extractClock(text: string): number | null {
  const tokens = tokenize(finalAnswer(text));
  const explicit = clockMentions(tokens);
  if (explicit.length > 0) return explicit[explicit.length - 1]![0];
  let found: number | null = null;
  for (let i = 0; i < tokens.length; i++) {
    if (!isWord(tokens[i], "at")) continue;
    const q = wholeAt(tokens, i + 1);
    if (q === null || q.value < 1 || q.value > 12) continue;
    const after = tokens[q.next];
    if (after === undefined || isSym(after, ".", ",", ";", "!", "?", ")") || isWord(after, "direction", "position")) found = q.value;
  }
  if (found !== null) return found;
  const bare = bareQuantity(tokens);
  return bare !== null && bare.integer && bare.value >= 1 && bare.value <= 12 ? bare.value : null;
}

/** The quantity when the tokens are one number and nothing else but end punctuation. */
function bareQuantity(tokens: readonly Token[]): Quantity | null {
  let n = tokens.length;
  while (n > 0 && isSym(tokens[n - 1], ".", "!", ")")) n--;
  let s = 0;
  if (isSym(tokens[0], "(")) s = 1;
  const q = quantityAt(tokens, s);
  return q !== null && q.form !== "article" && q.next === n ? q : null;
}

const YES_LEAD = /^(?:that(?:'s|’s| is)\s+)?(?:yes|yeah|yep|true|correct|indeed|affirmative)\b/;
// "No doubt, ..." and "No question, ..." affirm; they are not a "no".
const NO_LEAD = /^(?:that(?:'s|’s| is)\s+)?(?:no\b(?!\s+(?:doubt|question)\b)|nope\b|false\b|incorrect\b|wrong\b|negative\b)/;

/**
 * The yes/no an answer gives, or null. In order:
 * 1. how it starts: yes, yeah, yep, true, correct, indeed ("That is True.", "Indeed, ...") -> yes;
 *    no, nope, false, incorrect, wrong -> no;
 * 2. the first standalone "yes" anywhere, or "no" followed by punctuation or the end ("No." but
 *    not "no gap");
 * 3. an answer opening with "In fact," or "Actually," (how SpatialRGPT's own false answers begin:
 *    "In fact, A is to the right of B.") -> no;
 * 4. a negation ("not", "n't") -> no;
 * 5. otherwise null: a bare statement ("A is behind B.") is not read as agreement.
 */
export function extractYesNo(text: string): boolean | null {
  const answer = finalAnswer(text).toLowerCase().replace(/^[\s"'*(]+/, "");
  if (YES_LEAD.test(answer)) return true;
  if (NO_LEAD.test(answer)) return false;
  const yes = /\byes\b/.exec(answer);
  const no = /\bno\b(?=\s*(?:[.,;:!?)]|$))/.exec(answer);
  if (yes !== null || no !== null) {
    if (no === null) return true;
    if (yes === null) return false;
    return yes.index < no.index;
  }
  if (/^(?:in fact|actually)\b/.test(answer)) return false;
  if (/\bnot\b|n['’]t\b/.test(answer)) return false;
  return null;
}

/**
 * The count (a whole number >= 0) an answer states, or null: the last whole number in digits or
 * words that is not part of a length ("3 objects are within 2.5 meters" -> 3), a clock hour, or a
 * name ("2_chair", "Region [0]"); when there is none, "none" or "no <noun>" -> 0.
 */
export function extractCount(text: string): number | null {
  const answer = finalAnswer(text);
  const tokens = tokenize(answer);
  const taken = new Set<number>();
  for (const m of lengthMentions(answer)) for (let k = m.start; k < m.next; k++) taken.add(k);
  for (const [, start, next] of clockMentions(tokens)) for (let k = start; k < next; k++) taken.add(k);
  let found: number | null = null;
  for (let i = 0; i < tokens.length; i++) {
    if (taken.has(i)) continue;
    const q = wholeAt(tokens, i);
    if (q === null) continue;
    found = q.value;
    i = q.next - 1;
  }
  if (found !== null) return found;
  for (let i = 0; i < tokens.length; i++) {
    if (isWord(tokens[i], "none")) return 0;
    if (isWord(tokens[i], "no") && tokens[i + 1]?.type === "word") return 0;
  }
  return null;
}

/** Lower case, single spaces, and every "Region [0]" / "region 0" / "Region[0]" as "region [0]". */
function canonical(text: string): string {
  return text
    .toLowerCase()
    .replace(/\bregion\s*(?:\[\s*)?(\d+)(?:\s*\])?/g, "region [$1]")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Where each option is first mentioned in `text` (case-insensitive, whole words, "Region [k]"
 * spellings unified), or -1. Longer options are matched first and masked, so "table" is not found
 * inside "table lamp" and "chair" not inside "armchair".
 */
export function firstMentions(text: string, options: readonly string[]): number[] {
  let masked = canonical(text);
  const order = options.map((o, i) => ({ o: canonical(o), i })).sort((a, b) => b.o.length - a.o.length);
  const at = options.map(() => -1);
  for (const { o, i } of order) {
    if (o === "") continue;
    const re = new RegExp(`(?<![a-z0-9_])${escapeRegExp(o)}(?![a-z0-9_])`, "g");
    let first = -1;
    masked = masked.replace(re, (match: string, offset: number) => {
      if (first < 0) first = offset;
      return "\u0000".repeat(match.length);
    });
    at[i] = first;
  }
  return at;
}

/** Letters of multiple-choice options, in order: options[0] is (A). */
export const CHOICE_LETTERS = "ABCDEFGHIJ";

/** Options of {@link extractChoice}. */
export interface ExtractChoiceOptions {
  /** The options were shown lettered (A), (B), ...: an answer's letter picks one. Default false. */
  readonly lettered?: boolean;
}

/**
 * The option an answer chooses, or null when it names none. With `lettered`, the letter CV-Bench's
 * rule reads ({@link cvBenchLetter}: "(B)", "The answer is B") picks its option first. Otherwise,
 * or when there is no such letter, the option mentioned first in the {@link finalAnswer} ("The
 * chair is closer than the table." -> chair). Returns the option as given in `options`.
 */
export function extractChoice(text: string, options: readonly string[], settings: ExtractChoiceOptions = {}): string | null {
  if (settings.lettered === true) {
    const letter = cvBenchLetter(text);
    const i = letter === null ? -1 : CHOICE_LETTERS.indexOf(letter);
    if (i >= 0 && i < options.length) return options[i]!;
  }
  const at = firstMentions(finalAnswer(text), options);
  let best = -1;
  at.forEach((p, i) => {
    if (p >= 0 && (best < 0 || p < at[best]!)) best = i;
  });
  return best < 0 ? null : options[best]!;
}

/**
 * The order an answer lists `names` in (each by its first mention), or null when it names none.
 * Names it leaves out are left out of the result, so an incomplete list reads as a wrong order.
 */
export function extractOrder(text: string, names: readonly string[]): string[] | null {
  const at = firstMentions(finalAnswer(text), names);
  const found = names.map((n, i) => ({ n, p: at[i]! })).filter((x) => x.p >= 0);
  if (found.length === 0) return null;
  return found.sort((a, b) => a.p - b.p).map((x) => x.n);
}

/**
 * CV-Bench's answer text: of the {@link finalAnswer}, what follows the last "answer is" or
 * "answer:" (case-insensitive) if either is present, stripped.
 */
export function cvBenchAnswerText(text: string): string {
  const answer = finalAnswer(text);
  let from = -1;
  for (const m of answer.matchAll(/answer is|answer:/gi)) from = m.index + m[0].length;
  return (from >= 0 ? answer.slice(from) : answer).trim();
}

/**
 * The letter CV-Bench's rule reads: the first character of {@link cvBenchAnswerText}, after one
 * opening parenthesis ("(B)" and "The answer is (B)" read "B"); null for an empty answer. Case is
 * kept, so "a chair" does not read as option A.
 */
export function cvBenchLetter(text: string): string | null {
  const t = cvBenchAnswerText(text).replace(/^\(\s*/, "");
  return t.length > 0 ? t[0]! : null;
}

/**
 * Read a prediction as the kind of value `item`'s truth is, or null when it states none. Lengths
 * use the item's unit for bare numbers; choices and orders look for the truth's options.
 */
export function readAnswer(text: string, item: Pick<QaItem, "unit">, truth: QaTruth): QaReading | null {
  switch (truth.kind) {
    case "length": {
      const metres = extractLength(text, item.unit === undefined ? {} : { defaultUnit: item.unit });
      return metres === null ? null : { kind: "length", metres };
    }
    case "clock": {
      const hour = extractClock(text);
      return hour === null ? null : { kind: "clock", hour };
    }
    case "bool": {
      const value = extractYesNo(text);
      return value === null ? null : { kind: "bool", value };
    }
    case "choice": {
      const value = extractChoice(text, truth.options);
      return value === null ? null : { kind: "choice", value };
    }
    case "count": {
      const value = extractCount(text);
      return value === null ? null : { kind: "count", value };
    }
    case "order": {
      const value = extractOrder(text, truth.value);
      return value === null ? null : { kind: "order", value };
    }
  }
}
