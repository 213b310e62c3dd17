/**
 * The small lexer behind answer extraction: free text -> tokens (numbers, words, symbols), and
 * quantities read from them ("2.5", "1,200", "two and a half", "half a", "twenty-five").
 *
 * Why tokens and not one big regex: a number's neighbours decide what it is. "4_chair" is a name,
 * "Region [0]" an index, "2,5" an ambiguous decimal comma (never read), "3'" a length in feet and
 * "3's" not; all of that is one look at the adjacent token.
 */

/** One token. `start`/`end` are character offsets; `spaced` says whitespace precedes it. */
export type Token =
  | { readonly type: "num"; readonly value: number; readonly integer: boolean; readonly start: number; readonly end: number; readonly spaced: boolean }
  /** A digit run that is not a well-formed number ("2,5", "1.2.3"): never read as a quantity. */
  | { readonly type: "bad"; readonly start: number; readonly end: number; readonly spaced: boolean }
  /** A run of letters, lower-cased. */
  | { readonly type: "word"; readonly text: string; readonly start: number; readonly end: number; readonly spaced: boolean }
  /** Any other single non-space character. */
  | { readonly type: "sym"; readonly text: string; readonly start: number; readonly end: number; readonly spaced: boolean };

/** Decimal numbers with optional thousands separators: "3", "0.5", ".5", "1,200", "1,200.5". */
const WELL_FORMED = /^(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$/;
const LEXEME = /(\.?\d(?:[\d,.]*\d)?)|([A-Za-z]+)|(\S)/g;

/** Split `text` into tokens. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const m of text.matchAll(LEXEME)) {
    const start = m.index;
    const end = start + m[0].length;
    // LEXEME covers every non-space character, so any gap since the last token is whitespace.
    const spaced = start === 0 || start !== last;
    last = end;
    if (m[1] !== undefined) {
      const raw = m[1];
      if (WELL_FORMED.test(raw) && /\d/.test(raw)) {
        const value = Number(raw.replace(/,/g, ""));
        tokens.push({ type: "num", value, integer: !raw.includes("."), start, end, spaced });
      } else {
        tokens.push({ type: "bad", start, end, spaced });
      }
    } else if (m[2] !== undefined) {
      tokens.push({ type: "word", text: m[2].toLowerCase(), start, end, spaced });
    } else {
      tokens.push({ type: "sym", text: m[3]!, start, end, spaced });
    }
  }
  return tokens;
}

/** True when token `t` is the word `w` (one of `w` when an array). */
export function isWord(t: Token | undefined, ...w: readonly string[]): boolean {
  return t !== undefined && t.type === "word" && w.includes(t.text);
}

/** True when token `t` is the symbol `s` (one of `s`). */
export function isSym(t: Token | undefined, ...s: readonly string[]): boolean {
  return t !== undefined && t.type === "sym" && s.includes(t.text);
}

const UNITS: Readonly<Record<string, number>> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9,
  ten: 10, eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16,
  seventeen: 17, eighteen: 18, nineteen: 19,
};
const TENS: Readonly<Record<string, number>> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };

/** A quantity read at a token index: its value and the index of the first token after it. */
export interface Quantity {
  readonly value: number;
  /** Whether it is a whole number written without a decimal point (counts, clock hours). */
  readonly integer: boolean;
  /**
   * How it was written: "digits" ("3", "2.5"), "words" (a cardinal: "three", "twenty-five"), or
   * "article" ("a", "an", "half", "a quarter": a value only right before a unit).
   */
  readonly form: "digits" | "words" | "article";
  /** Token index where the quantity starts. */
  readonly start: number;
  /** Token index just after it. */
  readonly next: number;
}

/**
 * Whether the number token at `i` is part of a name or index rather than a value: glued to a
 * letter or underscore before it ("x2"), or to an underscore or letter after it ("4_chair",
 * "3rd" is handled by callers through the unit table), or inside brackets ("[0]").
 */
function isNameDigit(tokens: readonly Token[], i: number): boolean {
  const t = tokens[i]!;
  const prev = tokens[i - 1];
  const next = tokens[i + 1];
  if (prev !== undefined && !t.spaced && (prev.type === "word" || isSym(prev, "_", "[", "#"))) return true;
  if (next !== undefined && !next.spaced && (isSym(next, "_", "]") || (next.type === "word" && /^(st|nd|rd|th|x|d)$/.test(next.text)))) return true;
  return false;
}

/** "one hundred and twenty", "twenty-five", "seven": a cardinal written in words, or null. */
function cardinal(tokens: readonly Token[], i: number): { value: number; next: number } | null {
  let k = i;
  const small = (): number | null => {
    const t = tokens[k];
    if (t?.type !== "word") return null;
    if (Object.hasOwn(UNITS, t.text)) {
      k++;
      return UNITS[t.text]!;
    }
    if (Object.hasOwn(TENS, t.text)) {
      let v = TENS[t.text]!;
      k++;
      const hyphen = isSym(tokens[k], "-") ? 1 : 0;
      const u = tokens[k + hyphen];
      if (u?.type === "word" && Object.hasOwn(UNITS, u.text) && UNITS[u.text]! < 10 && UNITS[u.text]! > 0) {
        v += UNITS[u.text]!;
        k += hyphen + 1;
      }
      return v;
    }
    return null;
  };
  const first = small();
  if (first === null) return null;
  let value = first;
  if (isWord(tokens[k], "hundred")) {
    value *= 100;
    k++;
    const save = k;
    if (isWord(tokens[k], "and")) k++;
    const rest = small();
    if (rest === null) k = save;
    else value += rest;
  }
  return { value, next: k };
}

/** "and a half", "and one quarter", "and three quarters" at `k`: the fraction added, or null. */
function andFraction(tokens: readonly Token[], k: number): { value: number; next: number } | null {
  if (!isWord(tokens[k], "and")) return null;
  if (isWord(tokens[k + 1], "a", "an", "one")) {
    if (isWord(tokens[k + 2], "half")) return { value: 0.5, next: k + 3 };
    if (isWord(tokens[k + 2], "quarter")) return { value: 0.25, next: k + 3 };
  }
  if (isWord(tokens[k + 1], "three") && isWord(tokens[k + 2], "quarters")) return { value: 0.75, next: k + 3 };
  return null;
}

/**
 * The quantity starting at token `i`, or null. Reads digits ("2.5", "1,200"), cardinals in words
 * ("two", "twenty-five", "one hundred and five"), "half" / "half a" (0.5), "a quarter" (0.25),
 * and "a" / "an" (1; callers accept it only right before a unit, as in "about a meter"), each
 * optionally followed by "and a half" / "and a quarter" / "and three quarters".
 */
export function quantityAt(tokens: readonly Token[], i: number): Quantity | null {
  const t = tokens[i];
  if (t === undefined) return null;
  let value: number;
  let next: number;
  let integer: boolean;
  let form: Quantity["form"] = "digits";
  if (t.type === "num") {
    if (isNameDigit(tokens, i)) return null;
    value = t.value;
    next = i + 1;
    integer = t.integer;
  } else if (t.type === "word") {
    form = "words";
    integer = true;
    if (t.text === "half") {
      form = "article";
      value = 0.5;
      integer = false;
      next = isWord(tokens[i + 1], "a", "an") ? i + 2 : i + 1;
    } else if (t.text === "a" || t.text === "an") {
      form = "article";
      if (isWord(tokens[i + 1], "half")) {
        value = 0.5;
        integer = false;
        next = i + 2;
      } else if (isWord(tokens[i + 1], "quarter")) {
        value = 0.25;
        integer = false;
        next = isWord(tokens[i + 2], "of") && isWord(tokens[i + 3], "a", "an") ? i + 4 : i + 2;
      } else {
        value = 1;
        next = i + 1;
      }
    } else {
      const c = cardinal(tokens, i);
      if (c === null) return null;
      value = c.value;
      next = c.next;
    }
  } else {
    return null;
  }
  const frac = andFraction(tokens, next);
  if (frac !== null) {
    value += frac.value;
    next = frac.next;
    integer = false;
  }
  return { value, integer, form, start: i, next };
}
