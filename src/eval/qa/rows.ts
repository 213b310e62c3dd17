import { InputError } from "../../errors.js";
import type { SkippedInput } from "../types.js";

/**
 * QaReading benchmark files row by row: a JSON array or JSON lines, each row an object. Shared by
 * the loaders, which turn rows into items and report (never throw on) what a row gets wrong.
 */

/** One row of a benchmark file. `row` is 1-based: the array position or the line number. */
export interface Row {
  readonly row: number;
  readonly value: unknown;
}

/** Rows of `text`, plus the lines that were not JSON (JSONL only). */
export interface Rows {
  readonly rows: readonly Row[];
  readonly skipped: readonly SkippedInput[];
}

/**
 * Split a benchmark file into rows. A file whose first non-space character is "[" is one JSON
 * array (a syntax error there is fatal: InputError naming `source`); a file that is one JSON object
 * (even pretty-printed) is one row; anything else is JSON lines, where a line that is not JSON is
 * skipped with its reason and blank lines are ignored.
 */
export function parseRows(text: string, source: string): Rows {
  const body = text.replace(/^\uFEFF/, "");
  if (/^\s*\[/.test(body)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (err) {
      throw new InputError(source, "JSON", body.slice(0, 40), `is not valid JSON: ${(err as Error).message}`);
    }
    return { rows: (parsed as unknown[]).map((value, i) => ({ row: i + 1, value })), skipped: [] };
  }
  if (/^\s*\{/.test(body)) {
    // One object, possibly pretty-printed over many lines: a file of one row.
    try {
      return { rows: [{ row: 1, value: JSON.parse(body) as unknown }], skipped: [] };
    } catch {
      // Several objects: JSON lines, below.
    }
  }
  const rows: Row[] = [];
  const skipped: SkippedInput[] = [];
  body.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      rows.push({ row: i + 1, value: JSON.parse(line) as unknown });
    } catch (err) {
      skipped.push({ id: `row ${i + 1}`, reason: `not JSON: ${(err as Error).message}` });
    }
  });
  return { rows, skipped };
}

/** Whether `v` is a plain object (not an array, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Warnings for the keys of `obj` that are not in `known`: "unknown field 'foo' in row 3" (with
 * `prefix` "qa_info." for nested objects).
 */
export function unknownFields(obj: Record<string, unknown>, known: readonly string[], where: string, prefix = ""): string[] {
  return Object.keys(obj)
    .filter((k) => !known.includes(k))
    .map((k) => `unknown field '${prefix}${k}' in ${where}`);
}

/** Whether `v` is an array of strings. */
export function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

/** Shorten a text for a message: one line, at most 80 characters. */
export function brief(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(t.length > 80 ? `${t.slice(0, 77)}...` : t);
}
