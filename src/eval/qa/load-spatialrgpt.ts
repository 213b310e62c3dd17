import type { SkippedInput } from "../types.js";
import { extractChoice, extractClock, extractLength, extractYesNo } from "./extract.js";
import { brief, isRecord, parseRows, unknownFields } from "./rows.js";
import type { QaItem, QaLoadResult, QaTruth } from "./types.js";

/**
 * SpatialRGPT-Bench (reference/FORMATS.md section 4): rows {id: "qualitative_..." |
 * "quantitative_...", image_info {file_path, height, width}, text_q, qa_info {type, category}, rle,
 * bbox, conversations [{from: "human", value}, {from: "gpt", value}]}, as one JSON array or JSON
 * lines. The truth is the gpt turn's free text; it is read here, once, with the same extractors
 * predictions go through:
 *
 * - quantitative `direction` -> a clock hour (clock-within-1);
 * - other quantitative categories -> a length in metres (within25pct);
 * - qualitative `*_predicate` -> yes/no (yes-no);
 * - qualitative `*_choice` -> the region named first (exact-choice among "Region [0]" ..
 *   "Region [n-1]", n the number of boxes or masks of the row).
 *
 * A truth that cannot be read is kept with a null truth (counted by the evaluator) and a warning.
 * Results are reported per category as the SpatialRGPT paper tables them (left/right, ...,
 * direct_distance, ..., direction) and per type (qualitative, quantitative).
 */

const FIELDS = ["id", "image_info", "text_q", "qa_info", "rle", "bbox", "conversations"];
const IMAGE_INFO_FIELDS = ["file_path", "height", "width"];
const QA_INFO_FIELDS = ["type", "category"];

/** Raw quantitative categories -> the names the paper reports them under. */
export const SPATIALRGPT_QUANTITATIVE: Readonly<Record<string, string>> = {
  distance_data: "direct_distance",
  horizontal_distance_data: "horizontal_distance",
  vertical_distance_data: "vertical_distance",
  width_data: "width",
  height_data: "height",
  direction: "direction",
};

/**
 * Qualitative groups, in the order the raw category is tested against them (a raw category such
 * as "tall_choice" or "short_predicate" contains one of the pair's words).
 */
export const SPATIALRGPT_QUALITATIVE: readonly (readonly [string, readonly string[]])[] = [
  ["tall/short", ["tall", "short"]],
  ["wide/thin", ["wide", "thin"]],
  ["big/small", ["big", "small"]],
  ["left/right", ["left", "right"]],
  ["below/above", ["below", "above"]],
  ["behind/front", ["behind", "front"]],
];

/** The reported category of a raw one, or null when it is none of the paper's. */
export function spatialRgptCategory(type: "qualitative" | "quantitative", raw: string): string | null {
  if (type === "quantitative") return Object.hasOwn(SPATIALRGPT_QUANTITATIVE, raw) ? SPATIALRGPT_QUANTITATIVE[raw]! : null;
  for (const [name, words] of SPATIALRGPT_QUALITATIVE) if (words.some((w) => raw.includes(w))) return name;
  return null;
}

/** "Region [0]" .. "Region [n-1]" for the row's boxes or masks, else the regions its texts name. */
function regionOptions(row: Record<string, unknown>, texts: readonly string[]): string[] {
  const n = Math.max(Array.isArray(row["bbox"]) ? row["bbox"].length : 0, Array.isArray(row["rle"]) ? row["rle"].length : 0);
  if (n >= 2) return Array.from({ length: n }, (_, i) => `Region [${i}]`);
  const seen = new Set<number>();
  for (const t of texts) for (const m of t.matchAll(/\bregion\s*(?:\[\s*)?(\d+)(?:\s*\])?/gi)) seen.add(Number(m[1]));
  return [...seen].sort((a, b) => a - b).map((k) => `Region [${k}]`);
}

/** Read the truth of a row from its gpt text: the truth and rule, or the problem. */
function truthOf(type: "qualitative" | "quantitative", raw: string, gt: string, options: () => string[]): { rule: string; truth: QaTruth | null; problem?: string } {
  if (type === "quantitative") {
    if (raw === "direction") {
      const hour = extractClock(gt);
      return hour === null ? { rule: "clock-within-1", truth: null, problem: `no clock hour in ${brief(gt)}` } : { rule: "clock-within-1", truth: { kind: "clock", hour } };
    }
    const metres = extractLength(gt);
    return metres === null ? { rule: "within25pct", truth: null, problem: `no length with a unit in ${brief(gt)}` } : { rule: "within25pct", truth: { kind: "length", metres } };
  }
  const yes = extractYesNo(gt);
  const isChoice = raw.endsWith("_choice") || (!raw.endsWith("_predicate") && yes === null);
  if (!isChoice) {
    return yes === null ? { rule: "yes-no", truth: null, problem: `no yes or no in ${brief(gt)}` } : { rule: "yes-no", truth: { kind: "bool", value: yes } };
  }
  const opts = options();
  if (opts.length < 2) return { rule: "exact-choice", truth: null, problem: "fewer than two regions to choose from" };
  const value = extractChoice(gt, opts);
  return value === null ? { rule: "exact-choice", truth: null, problem: `names none of ${opts.join(", ")}: ${brief(gt)}` } : { rule: "exact-choice", truth: { kind: "choice", value, options: opts } };
}

/** The turn text of the first turn from `from`, or null. */
function turn(conversations: unknown, from: string): string | null {
  if (!Array.isArray(conversations)) return null;
  for (const t of conversations) if (isRecord(t) && t["from"] === from && typeof t["value"] === "string") return t["value"];
  return null;
}

/** Load SpatialRGPT-Bench text (JSON array or JSON lines). Never throws on a bad row. */
export function loadSpatialRgptBench(text: string, source = "SpatialRGPT-Bench.json"): QaLoadResult {
  const { rows, skipped: bad } = parseRows(text, source);
  const skipped: SkippedInput[] = [...bad];
  const warnings: string[] = [];
  const items: QaItem[] = [];
  const firstRow = new Map<string, number>();
  for (const { row, value } of rows) {
    const where = `row ${row}`;
    if (!isRecord(value)) {
      skipped.push({ id: where, reason: "not an object" });
      continue;
    }
    warnings.push(...unknownFields(value, FIELDS, where));
    if (isRecord(value["image_info"])) warnings.push(...unknownFields(value["image_info"], IMAGE_INFO_FIELDS, where, "image_info."));
    if (isRecord(value["qa_info"])) warnings.push(...unknownFields(value["qa_info"], QA_INFO_FIELDS, where, "qa_info."));
    const id = value["id"];
    if (typeof id !== "string" || id === "") {
      skipped.push({ id: where, reason: "missing id" });
      continue;
    }
    const first = firstRow.get(id);
    if (first !== undefined) {
      skipped.push({ id, reason: `duplicated id (first in row ${first})` });
      continue;
    }
    const info = isRecord(value["qa_info"]) ? value["qa_info"] : {};
    const prefix = id.startsWith("qualitative_") ? "qualitative" : id.startsWith("quantitative_") ? "quantitative" : null;
    const declared = info["type"] === "qualitative" || info["type"] === "quantitative" ? info["type"] : null;
    const type = declared ?? prefix;
    if (type === null) {
      skipped.push({ id, reason: `qa_info.type = ${JSON.stringify(info["type"])}: must be qualitative or quantitative (and the id has neither prefix)` });
      continue;
    }
    if (declared !== null && prefix !== null && declared !== prefix) warnings.push(`${where} (${id}): qa_info.type is ${declared} but the id says ${prefix}; using ${declared}`);
    const raw = typeof info["category"] === "string" ? info["category"] : "";
    if (raw === "") {
      skipped.push({ id, reason: "missing qa_info.category" });
      continue;
    }
    const gt = turn(value["conversations"], "gpt");
    if (gt === null) {
      skipped.push({ id, reason: "no gpt turn in conversations (it holds the truth)" });
      continue;
    }
    const conversations = value["conversations"] as unknown[];
    if (conversations.length > 2) warnings.push(`${where} (${id}): ${conversations.length} turns; only the first question and answer are scored`);
    const human = turn(conversations, "human") ?? "";
    const question = typeof value["text_q"] === "string" ? value["text_q"] : human;
    let category = spatialRgptCategory(type, raw);
    if (category === null) {
      warnings.push(`${where} (${id}): unknown ${type} category '${raw}'; reported as is`);
      category = raw;
    }
    const read = truthOf(type, raw, gt, () => regionOptions(value, [question, human, gt]));
    if (read.truth === null) warnings.push(`truth of ${id} cannot be parsed: ${read.problem ?? "unreadable"}`);
    firstRow.set(id, row);
    items.push({
      id,
      benchmark: "spatialrgpt",
      category,
      group: type,
      rule: read.rule,
      question,
      truthText: gt,
      truth: read.truth,
      ...(read.truth === null ? { truthProblem: read.problem ?? "unreadable" } : {}),
    });
  }
  return { benchmark: "spatialrgpt", items, skipped, warnings };
}
