import { InputError } from "../../errors.js";
import type { SkippedInput } from "../types.js";
import { CHOICE_LETTERS } from "./extract.js";
import { isRecord, isStringArray, parseRows, unknownFields } from "./rows.js";
import type { QaItem, QaLoadResult } from "./types.js";

/**
 * CV-Bench rows (reference/FORMATS.md section 5), as a JSON array or JSON lines: {idx, type ("2D" |
 * "3D"), task ("Depth" | "Distance" | "Count" | "Relation"), question, choices [...], answer "(A)",
 * prompt, source, ...}. Every row is a lettered multiple-choice item scored by CV-Bench's letter
 * rule (exact-choice with letters); results are reported per task.
 */

const FIELDS = ["idx", "type", "task", "image", "question", "choices", "answer", "prompt", "filename", "source", "source_dataset", "source_filename", "target_class", "target_size", "bbox"];

/** The tasks of CV-Bench's 3D part, loaded by default. */
export const CVBENCH_3D_TASKS: readonly string[] = ["Depth", "Distance"];

/** Options of {@link loadCvBench}. */
export interface CvBenchOptions {
  /** Tasks to keep (default {@link CVBENCH_3D_TASKS}); "all" keeps every row. */
  readonly tasks?: readonly string[] | "all";
}

/**
 * Load CV-Bench rows. Rows of other tasks are dropped (one warning says how many); a row without
 * a usable id, question, choices or answer letter is skipped with the reason. Never throws on a bad
 * row; a JSON array with a syntax error is an InputError.
 */
export function loadCvBench(text: string, source = "CV-Bench.jsonl", options: CvBenchOptions = {}): QaLoadResult {
  const tasks = options.tasks ?? CVBENCH_3D_TASKS;
  if (tasks !== "all" && (!isStringArray(tasks) || tasks.length === 0)) throw new InputError("loadCvBench", "tasks", tasks, 'must be "all" or a non-empty list of task names');
  const { rows, skipped: bad } = parseRows(text, source);
  const skipped: SkippedInput[] = [...bad];
  const warnings: string[] = [];
  const items: QaItem[] = [];
  const firstRow = new Map<string, number>();
  const dropped = new Map<string, number>();
  for (const { row, value } of rows) {
    const where = `row ${row}`;
    if (!isRecord(value)) {
      skipped.push({ id: where, reason: "not an object" });
      continue;
    }
    warnings.push(...unknownFields(value, FIELDS, where));
    const { idx, task, question, choices, answer } = value;
    const id = typeof idx === "number" && Number.isFinite(idx) ? String(idx) : typeof idx === "string" && idx !== "" ? idx : null;
    if (id === null) {
      skipped.push({ id: where, reason: "missing idx" });
      continue;
    }
    if (typeof task !== "string" || task === "") {
      skipped.push({ id, reason: "missing task" });
      continue;
    }
    if (tasks !== "all" && !tasks.includes(task)) {
      dropped.set(task, (dropped.get(task) ?? 0) + 1);
      continue;
    }
    const first = firstRow.get(id);
    if (first !== undefined) {
      skipped.push({ id, reason: `duplicated idx (first in row ${first})` });
      continue;
    }
    if (typeof question !== "string") {
      skipped.push({ id, reason: "missing question" });
      continue;
    }
    if (!isStringArray(choices) || choices.length < 2 || choices.length > CHOICE_LETTERS.length) {
      skipped.push({ id, reason: `choices must be a list of 2 to ${CHOICE_LETTERS.length} strings` });
      continue;
    }
    const m = typeof answer === "string" ? /^\s*\(?([A-J])\)?\s*$/.exec(answer) : null;
    const letter = m?.[1];
    if (letter === undefined || CHOICE_LETTERS.indexOf(letter) >= choices.length) {
      skipped.push({ id, reason: `answer = ${JSON.stringify(answer)}: must be "(A)" .. "(${CHOICE_LETTERS[choices.length - 1]})"` });
      continue;
    }
    firstRow.set(id, row);
    const type = typeof value["type"] === "string" && value["type"] !== "" ? value["type"] : CVBENCH_3D_TASKS.includes(task) ? "3D" : "2D";
    items.push({
      id,
      benchmark: "cvbench",
      category: task,
      group: type,
      rule: "exact-choice",
      question,
      truthText: answer as string,
      truth: { kind: "choice", value: choices[CHOICE_LETTERS.indexOf(letter)]!, options: choices },
      choices,
      truthLetter: letter,
    });
  }
  if (dropped.size > 0) {
    const n = [...dropped.values()].reduce((a, b) => a + b, 0);
    warnings.push(`dropped ${n} row(s) of tasks ${[...dropped.keys()].join(", ")} (kept tasks: ${tasks === "all" ? "all" : tasks.join(", ")})`);
  }
  return { benchmark: "cvbench", items, skipped, warnings };
}
