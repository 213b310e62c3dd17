import { InputError } from "../errors.js";

/**
 * The official N3D-VLM box lines (reference/FORMATS.md §1), one box per line:
 *
 *   bbox_<id>=Bbox(<class>,<u>,<v>,<z>,<angle_y>,<sx>,<sy>,<sz>)
 *
 * This file reads and writes the text only; the numbers are returned raw, with no frame, unit or
 * bin interpretation (that is official-box.ts).
 *
 * Parsing rules:
 * - Lines are split on "\n" (a trailing "\r" is dropped); leading and trailing whitespace of a line
 *   is ignored. Blank lines are skipped.
 * - A line that does not start with `bbox_` and has no `Bbox(` in it is prose and is ignored.
 *   Everything else is a box line and must be well formed, or an InputError is thrown whose field
 *   is `line L, column C` (1-based, in the original line) pointing at the offending token and whose
 *   value is that token. The release's regex silently skips what it cannot match; we do not.
 * - `<id>` is decimal digits. The class is everything between `Bbox(` and the 7th comma from the
 *   end, trimmed, so class names may contain spaces, '/', ')' and commas; the 7 fields after it are
 *   numbers (decimal, optional sign, fraction and exponent; no nan / inf), each trimmed. One
 *   restriction keeps miscounts loud: a class whose last comma-separated part is itself a number
 *   is read as a line with too many numbers.
 * - The line ends with ')' (then only whitespace). A class name may itself contain ')'.
 */

/** One parsed line, numbers as written (float or integer form). */
export interface BboxRecord {
  readonly id: number;
  readonly label: string;
  /** Horizontal centre: normalized [0, 1] in the float form, a bin in [0, 999] in the integer form. */
  readonly u: number;
  readonly v: number;
  /** Centre depth: metres (float form) or a bin of the scene-normalized depth (integer form). */
  readonly z: number;
  /** angle_y: radians about the official y axis (float form) or a bin (integer form). */
  readonly angle: number;
  readonly sx: number;
  readonly sy: number;
  readonly sz: number;
}

const NUMBER_FIELDS = ["u", "v", "z", "angle_y", "sx", "sy", "sz"] as const;
const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEADER_RE = /^bbox_([^=]*)=$/;
const OPEN = "Bbox(";

/** A substring with its 0-based start in the original line. */
interface Token {
  readonly text: string;
  readonly start: number;
}

/** Trim a token, keeping its start column pointing at the first non-space character. */
function trimToken(text: string, start: number): Token {
  const lead = text.length - text.trimStart().length;
  return { text: text.trim(), start: start + lead };
}

function fail(where: string, line: number, column0: number, token: string, problem: string): never {
  throw new InputError(where, `line ${line}, column ${column0 + 1}`, token, problem);
}

function parseLine(raw: string, lineNo: number, where: string): BboxRecord | null {
  const first = raw.length - raw.trimStart().length;
  const text = raw.trimEnd();
  if (first === text.length) return null; // blank
  const open = text.indexOf(OPEN);
  const startsAsBox = text.startsWith("bbox_", first);
  if (!startsAsBox && open < 0) return null; // prose

  if (!startsAsBox) {
    fail(where, lineNo, first, text.slice(first, open).trim(), "unexpected text before Bbox(; a box line is bbox_<id>=Bbox(...)");
  }
  if (open < 0) {
    fail(where, lineNo, first, text.slice(first), "expected bbox_<id>=Bbox(<class>,<u>,<v>,<z>,<angle_y>,<sx>,<sy>,<sz>)");
  }

  // Header: bbox_<id>=
  const header = text.slice(first, open);
  const hm = HEADER_RE.exec(header);
  if (hm === null) {
    const eq = header.indexOf("=");
    if (eq < 0) fail(where, lineNo, open, OPEN, "expected '=' between bbox_<id> and Bbox(");
    fail(where, lineNo, first + eq + 1, header.slice(eq + 1), "unexpected text between '=' and Bbox(");
  }
  const idText = hm[1]!;
  const idStart = first + "bbox_".length;
  if (!/^\d+$/.test(idText) || !Number.isSafeInteger(Number(idText))) {
    fail(where, lineNo, idStart, idText, "box id must be a non-negative integer (bbox_<id>)");
  }

  // Body: between Bbox( and the ')' that ends the line.
  const bodyStart = open + OPEN.length;
  if (!text.endsWith(")") || text.length - 1 < bodyStart) {
    const lastClose = text.lastIndexOf(")");
    const after = lastClose >= bodyStart ? lastClose + 1 : bodyStart;
    if (lastClose < bodyStart || text.includes(",", after)) {
      // No ')' after the fields: point at the last field, the one left unclosed.
      const lastComma = text.lastIndexOf(",");
      const last = lastComma >= bodyStart ? trimToken(text.slice(lastComma + 1), lastComma + 1) : trimToken(text.slice(bodyStart), bodyStart);
      fail(where, lineNo, last.start, last.text, "missing ')' at the end of Bbox(...)");
    }
    const trailing = trimToken(text.slice(after), after);
    fail(where, lineNo, trailing.start, trailing.text, "unexpected text after the closing ')'");
  }
  const close = text.length - 1;

  // Split the last 7 commas off; the class keeps any earlier commas.
  const commas: number[] = [];
  for (let i = close - 1; i >= bodyStart && commas.length < NUMBER_FIELDS.length; i--) {
    if (text[i] === ",") commas.unshift(i);
  }
  if (commas.length < NUMBER_FIELDS.length) {
    // Too few fields: point at the run of fields after the class (or the empty body).
    const firstComma = commas[0];
    const run = firstComma === undefined ? trimToken(text.slice(bodyStart, close), bodyStart) : trimToken(text.slice(firstComma + 1, close), firstComma + 1);
    fail(where, lineNo, run.start, run.text, `expected <class> and 7 numbers (u, v, z, angle_y, sx, sy, sz); found ${commas.length} field(s) after the class`);
  }
  const label = trimToken(text.slice(bodyStart, commas[0]), bodyStart);
  if (label.text === "") fail(where, lineNo, label.start, label.text, "empty class name");
  const labelParts = label.text.split(",");
  if (labelParts.every((p) => NUMBER_RE.test(p.trim()))) {
    fail(where, lineNo, label.start, label.text, "class name missing: found a number where the class should be");
  }
  let extra = 0;
  while (extra < labelParts.length - 1 && NUMBER_RE.test(labelParts[labelParts.length - 1 - extra]!.trim())) extra++;
  if (extra > 0) {
    const tail = labelParts.slice(labelParts.length - extra).join(",");
    const tailStart = label.start + label.text.length - tail.length;
    fail(where, lineNo, tailStart, tail.trim(), `found ${7 + extra} numbers after the class, expected 7 (u, v, z, angle_y, sx, sy, sz)`);
  }

  const values: number[] = [];
  for (let k = 0; k < NUMBER_FIELDS.length; k++) {
    const from = commas[k]! + 1;
    const to = k + 1 < commas.length ? commas[k + 1]! : close;
    const tok = trimToken(text.slice(from, to), from);
    if (!NUMBER_RE.test(tok.text)) {
      fail(where, lineNo, tok.start, tok.text, `${NUMBER_FIELDS[k]} must be a number`);
    }
    values.push(Number(tok.text));
  }
  const [u, v, z, angle, sx, sy, sz] = values as [number, number, number, number, number, number, number];
  return { id: Number(idText), label: label.text, u, v, z, angle, sx, sy, sz };
}

/**
 * Parse the official box lines in `text` (a model answer or a reference answer). Returns the
 * records in order. `where` names the source (file path, "model output") for errors, which look
 * like `answer.txt: line 2, column 31 = "abc": sx must be a number`.
 */
export function parseBboxLines(text: string, where: string): BboxRecord[] {
  const out: BboxRecord[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    const rec = parseLine(line, i + 1, where);
    if (rec !== null) out.push(rec);
  }
  return out;
}

/** Significant digits written for a non-integer (see {@link formatBboxNumber}). */
export const BBOX_FLOAT_DIGITS = 12;

/**
 * Format one number for a box line. Integers are written as integers ("500", "0"). Other numbers
 * are rounded to {@link BBOX_FLOAT_DIGITS} significant digits and written in the shortest form
 * that reads back as that rounded value ("0.490625", "2.8857421875", "0.3" for 0.1 + 0.2), so the
 * relative round-trip error is at most 5e-12 (well inside the 1e-9 promised). Twelve digits keep
 * float16-derived values such as the release's 0.609619140625 exact while dropping float noise;
 * six digits would lose metric precision (2.8857421875 m -> 2.88574 m).
 */
export function formatBboxNumber(x: number): string {
  if (Number.isInteger(x)) return String(x); // String(-0) is "0"
  return String(Number(x.toPrecision(BBOX_FLOAT_DIGITS)));
}

/**
 * Records -> box lines, each ending in "\n" (as the release serializes them). Throws an InputError
 * for a record that would not read back as itself: a non-finite number, an id that is not a
 * non-negative integer, or a class that is empty, spans lines, has surrounding whitespace, or
 * ends in a comma-separated number.
 */
export function serializeBboxLines(records: readonly BboxRecord[]): string {
  const where = "serializeBboxLines";
  return records
    .map((r, i) => {
      if (!Number.isSafeInteger(r.id) || r.id < 0) throw new InputError(where, `[${i}].id`, r.id, "must be a non-negative integer");
      const label = r.label;
      if (label.trim() === "" || label !== label.trim() || /[\r\n]/.test(label)) {
        throw new InputError(where, `[${i}].label`, label, "class must be non-empty, on one line, without surrounding whitespace");
      }
      const parts = label.split(",");
      if (parts.length > 1 && NUMBER_RE.test(parts[parts.length - 1]!.trim())) {
        throw new InputError(where, `[${i}].label`, label, "class may not end in a comma-separated number (it would read back as an extra field)");
      }
      const nums = [r.u, r.v, r.z, r.angle, r.sx, r.sy, r.sz];
      nums.forEach((x, k) => {
        if (!Number.isFinite(x)) throw new InputError(where, `[${i}].${NUMBER_FIELDS[k]}`, x, "must be a finite number");
      });
      return `bbox_${r.id}=Bbox(${label},${nums.map(formatBboxNumber).join(",")})\n`;
    })
    .join("");
}
