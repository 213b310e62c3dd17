import { readFile } from "node:fs/promises";
import type { SkippedInput } from "../types.js";
import type { QaInput, QaItem } from "./types.js";

/**
 * Predictions files: JSON lines, one answer per question:
 *
 *   {"id": "quantitative_12", "answer": "It is about 2.5 meters."}
 *
 * The id may also be given as "question_id" (SpatialRGPT's answer files) and may be a number
 * (CV-Bench's idx); the answer may be given as "answer", "prediction", "text" or "pred" (the first
 * present, in that order), a string or a finite number. A file whose first non-space character is
 * "[" is read as one JSON array of such objects. Other fields are ignored.
 *
 * QaReading never throws on content: bad lines, missing ids, duplicated ids and an empty file are
 * counted and reported, and the rest is used.
 */

/** Fields an answer may be given in, in order of precedence. */
export const PREDICTION_ANSWER_FIELDS = ["answer", "prediction", "text", "pred"] as const;
/** Fields an id may be given in, in order of precedence. */
export const PREDICTION_ID_FIELDS = ["id", "question_id"] as const;

/** What {@link parseQaPredictions} read. */
export interface QaPredictionsRead {
  /** id -> answer text, first occurrence of each id. */
  readonly answers: ReadonlyMap<string, string>;
  /** Lines not used, with the reason ("line 3: not JSON", "line 7: duplicated id 12 (first on line 2)"). */
  readonly skipped: readonly SkippedInput[];
  /** Non-blank lines (or array entries) seen. */
  readonly lines: number;
  /** Lines without an id. */
  readonly missingIds: number;
  /** Lines repeating an id already read (the first one is kept). */
  readonly duplicatedIds: number;
  /** Lines with an id but no usable answer field. */
  readonly missingAnswers: number;
  /** Lines that were not JSON objects. */
  readonly badLines: number;
  /** True when the file had no non-blank line at all. */
  readonly empty: boolean;
}

function idOf(obj: Record<string, unknown>): string | null {
  for (const f of PREDICTION_ID_FIELDS) {
    const v = obj[f];
    if (typeof v === "string" && v !== "") return v;
    if (typeof v === "number" && Number.isFinite(v)) return String(v);
  }
  return null;
}

function answerOf(obj: Record<string, unknown>): string | null {
  for (const f of PREDICTION_ANSWER_FIELDS) {
    const v = obj[f];
    if (typeof v === "string") return v;
    if (typeof v === "number" && Number.isFinite(v)) return String(v);
  }
  return null;
}

/** Read predictions from the text of a JSONL (or JSON array) file. Never throws. */
export function parseQaPredictions(text: string): QaPredictionsRead {
  const body = text.replace(/^\uFEFF/, "");
  const entries: { where: string; value: unknown; error?: string }[] = [];
  if (/^\s*\[/.test(body)) {
    try {
      const arr = JSON.parse(body) as unknown[];
      arr.forEach((value, i) => entries.push({ where: `entry ${i + 1}`, value }));
    } catch (err) {
      entries.push({ where: "file", value: undefined, error: `not a JSON array: ${(err as Error).message}` });
    }
  } else {
    body.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === "") return;
      try {
        entries.push({ where: `line ${i + 1}`, value: JSON.parse(line) as unknown });
      } catch (err) {
        entries.push({ where: `line ${i + 1}`, value: undefined, error: `not JSON: ${(err as Error).message}` });
      }
    });
  }
  const answers = new Map<string, string>();
  const firstAt = new Map<string, string>();
  const skipped: SkippedInput[] = [];
  let missingIds = 0;
  let duplicatedIds = 0;
  let missingAnswers = 0;
  let badLines = 0;
  for (const { where, value, error } of entries) {
    if (error !== undefined || typeof value !== "object" || value === null || Array.isArray(value)) {
      badLines++;
      skipped.push({ id: where, reason: error ?? "not a JSON object" });
      continue;
    }
    const obj = value as Record<string, unknown>;
    const id = idOf(obj);
    if (id === null) {
      missingIds++;
      skipped.push({ id: where, reason: `missing id (give "id" or "question_id")` });
      continue;
    }
    const first = firstAt.get(id);
    if (first !== undefined) {
      duplicatedIds++;
      skipped.push({ id: where, reason: `duplicated id ${JSON.stringify(id)} (first on ${first}; that one is used)` });
      continue;
    }
    const answer = answerOf(obj);
    if (answer === null) {
      missingAnswers++;
      skipped.push({ id: where, reason: `id ${JSON.stringify(id)} has no answer (give a string or number in ${PREDICTION_ANSWER_FIELDS.map((f) => `"${f}"`).join(", ")})` });
      continue;
    }
    firstAt.set(id, where);
    answers.set(id, answer);
  }
  return { answers, skipped, lines: entries.length, missingIds, duplicatedIds, missingAnswers, badLines, empty: entries.length === 0 };
}

/**
 * Read a predictions file. An unreadable file (missing, a directory) reads as empty, with the
 * reason in `skipped`, so the caller reports it like any other bad input.
 */
export async function readQaPredictionsFile(path: string): Promise<QaPredictionsRead> {
  try {
    return parseQaPredictions(await readFile(path, "utf8"));
  } catch (err) {
    const reason = `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    return { answers: new Map(), skipped: [{ id: "file", reason }], lines: 0, missingIds: 0, duplicatedIds: 0, missingAnswers: 0, badLines: 0, empty: true };
  }
}

/** Predictions matched to the benchmark's items. */
export interface PairedQaPredictions {
  /** One input per item, in item order; `prediction` is null where none was given. */
  readonly inputs: readonly QaInput[];
  /** Ids of items with no prediction. */
  readonly missing: readonly string[];
  /** Prediction ids that match no item. */
  readonly unknown: readonly string[];
}

/**
 * Pair every item with its prediction. Items without one get a null prediction: the evaluator
 * counts them as missing and wrong, so a model cannot raise its accuracy by not answering.
 */
export function pairQaPredictions(items: readonly QaItem[], answers: ReadonlyMap<string, string>): PairedQaPredictions {
  const ids = new Set(items.map((i) => i.id));
  const inputs = items.map((item) => ({ id: item.id, prediction: answers.get(item.id) ?? null, truth: item }));
  return {
    inputs,
    missing: inputs.filter((i) => i.prediction === null).map((i) => i.id),
    unknown: [...answers.keys()].filter((id) => !ids.has(id)),
  };
}
