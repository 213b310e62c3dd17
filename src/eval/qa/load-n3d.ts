import { InputError } from "../../errors.js";
import { BENCH_FORMATS } from "../../qa/index.js";
import { isLengthUnit, toMetres } from "../../reason/index.js";
import type { SkippedInput } from "../types.js";
import { ruleMismatch } from "./rules.js";
import { isRecord, isStringArray, unknownFields } from "./rows.js";
import type { QaItem, QaLoadResult, QaTruth } from "./types.js";

/**
 * N3D-Bench, as `n3d bench build` writes it (qa/bench-build.ts): {format: "n3d-bench", version: 1,
 * ..., items}. Each item already carries its truth as a value and its scoring rule's name; the
 * category is the question type, the group the format (open, numeric, choice).
 *
 * Length truths are taken as the bench prints them (`value` in `unit`, e.g. 0.91 m), not the
 * unrounded metres, so an answer that reproduces `truthText` has zero error.
 */

const TOP_FIELDS = ["format", "version", "seed", "perType", "heldOut", "images", "types", "counts", "scoringRules", "items"];
const ITEM_FIELDS = ["id", "group", "imageId", "imageFile", "depthFile", "type", "format", "question", "choices", "truth", "truthText", "truthChoice", "scoring", "unit", "objects", "cot"];

/** An AnswerValue (reason/types.ts) as a truth, or the reason it is not one. */
function truthOf(v: unknown): QaTruth | string {
  if (!isRecord(v)) return "truth must be an object";
  switch (v["kind"]) {
    case "length": {
      const { value, unit } = v;
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0) return `truth.value = ${String(value)}: must be a number >= 0`;
      if (!isLengthUnit(unit)) return `truth.unit = ${JSON.stringify(unit)}: must be one of m, cm, ft, in`;
      return { kind: "length", metres: toMetres(value, unit) };
    }
    case "bool":
      return typeof v["value"] === "boolean" ? { kind: "bool", value: v["value"] } : "truth.value must be true or false";
    case "clock": {
      const h = v["value"];
      return typeof h === "number" && Number.isInteger(h) && h >= 1 && h <= 12 ? { kind: "clock", hour: h } : `truth.value = ${String(h)}: must be a clock hour 1..12`;
    }
    case "count": {
      const n = v["value"];
      return typeof n === "number" && Number.isInteger(n) && n >= 0 ? { kind: "count", value: n } : `truth.value = ${String(n)}: must be a whole number >= 0`;
    }
    case "choice": {
      const { value, options } = v;
      if (typeof value !== "string" || !isStringArray(options) || !options.includes(value)) return "truth must have a string value that is one of its string options";
      return { kind: "choice", value, options };
    }
    case "order": {
      const value = v["value"];
      return isStringArray(value) && value.length > 0 ? { kind: "order", value } : "truth.value must be a non-empty list of names";
    }
    default:
      return `truth.kind = ${JSON.stringify(v["kind"])}: must be one of length, bool, clock, count, choice, order`;
  }
}

/** The item of one bench entry, or the reason it cannot be used. */
function itemOf(v: Record<string, unknown>): QaItem | string {
  const { id, type, format, question, truthText, scoring, choices, truthChoice, unit } = v;
  if (typeof id !== "string" || id === "") return "missing id";
  if (typeof type !== "string" || type === "") return "missing type";
  if (typeof format !== "string" || !(BENCH_FORMATS as readonly string[]).includes(format)) return `format = ${JSON.stringify(format)}: must be one of ${BENCH_FORMATS.join(", ")}`;
  if (typeof question !== "string") return "missing question";
  if (typeof truthText !== "string") return "missing truthText";
  if (typeof scoring !== "string") return "missing scoring";
  if (choices !== undefined && !isStringArray(choices)) return "choices must be a list of strings";
  if (truthChoice !== undefined && typeof truthChoice !== "string") return "truthChoice must be a letter";
  if (unit !== undefined && !isLengthUnit(unit)) return `unit = ${JSON.stringify(unit)}: must be one of m, cm, ft, in`;
  const truth = truthOf(v["truth"]);
  if (typeof truth === "string") return truth;
  const item: QaItem = {
    id,
    benchmark: "n3d",
    category: type,
    group: format,
    rule: scoring,
    question,
    truthText,
    truth,
    ...(choices === undefined ? {} : { choices }),
    ...(truthChoice === undefined ? {} : { truthLetter: truthChoice }),
    ...(unit === undefined ? {} : { unit }),
  };
  return ruleMismatch(item, truth) ?? item;
}

/**
 * Load N3D-Bench JSON text. Throws an InputError when the text is not an N3D-Bench file (not JSON,
 * wrong format tag or version, no items list); items that cannot be used are skipped with the
 * reason, and unknown fields are reported as warnings.
 */
export function loadN3dBench(text: string, source = "n3d-bench.json"): QaLoadResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (err) {
    throw new InputError(source, "JSON", text.slice(0, 40), `is not valid JSON: ${(err as Error).message}`);
  }
  if (!isRecord(doc)) throw new InputError(source, "document", doc, "must be an object {format: \"n3d-bench\", version: 1, items: [...]}");
  if (doc["format"] !== "n3d-bench") throw new InputError(source, "format", doc["format"], 'must be "n3d-bench" (the output of n3d bench build)');
  if (doc["version"] !== 1) throw new InputError(source, "version", doc["version"], "is not supported; this n3d reads version 1");
  const entries = doc["items"];
  if (!Array.isArray(entries)) throw new InputError(source, "items", entries, "must be a list of bench items");
  const warnings = unknownFields(doc, TOP_FIELDS, "the bench");
  const skipped: SkippedInput[] = [];
  const items: QaItem[] = [];
  const firstRow = new Map<string, number>();
  entries.forEach((entry, i) => {
    const row = i + 1;
    if (!isRecord(entry)) {
      skipped.push({ id: `row ${row}`, reason: "not an object" });
      return;
    }
    warnings.push(...unknownFields(entry, ITEM_FIELDS, `row ${row}`));
    const item = itemOf(entry);
    const id = typeof entry["id"] === "string" && entry["id"] !== "" ? entry["id"] : `row ${row}`;
    if (typeof item === "string") {
      skipped.push({ id, reason: item });
      return;
    }
    const first = firstRow.get(item.id);
    if (first !== undefined) {
      skipped.push({ id, reason: `duplicated id (first in row ${first})` });
      return;
    }
    firstRow.set(item.id, row);
    items.push(item);
  });
  return { benchmark: "n3d", items, skipped, warnings };
}
