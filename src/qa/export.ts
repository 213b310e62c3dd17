import { posix } from "node:path";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fsutil.js";
import { INVERSE_TYPES, type LengthUnit } from "../reason/index.js";
import { balanceKey } from "./balance.js";
import { OFFICIAL_DETECTION_PROMPT, officialGroundingPrompt, officialStage1Prompt } from "./templates.js";
import type { QaRecord } from "./types.js";

/** n3d JSONL: one {@link QaRecord} per line, in order, ending in "\n". */
export function serializeQaJsonl(records: readonly QaRecord[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join("");
}

/** Write {@link serializeQaJsonl} atomically (readers never see half a file). */
export async function writeQaJsonl(path: string, records: readonly QaRecord[]): Promise<void> {
  await writeFileAtomic(path, serializeQaJsonl(records));
}

/** One conversation turn in LLaMA-Factory's sharegpt-style "messages" layout. */
export interface LlamaFactoryMessage {
  readonly role: "user" | "assistant";
  readonly content: string;
}

/** One sample in the official release's LLaMA-Factory layout (its config/demo.json). */
export interface LlamaFactoryItem {
  readonly messages: readonly LlamaFactoryMessage[];
  /** One image path; the first user turn holds its `<image>` placeholder. */
  readonly images: readonly [string];
  /** The official point map (.npz: pcd, intr) of that image. */
  readonly points: readonly [string];
  readonly question_type: string;
}

/**
 * Where a record's point map is expected: the image path with its extension replaced by ".npz",
 * beside the image (`images/000000.png` -> `images/000000.npz`), written by the official point-map
 * writer (formats/ writeOfficialPointMapNpz). Paths stay as the repository stores them (relative
 * to the repository folder, or absolute), which is what LLaMA-Factory's `media_dir` expects when
 * set to that folder.
 */
export function pointsFileFor(imageFile: string): string {
  const ext = posix.extname(imageFile);
  return `${ext === "" ? imageFile : imageFile.slice(0, -ext.length)}.npz`;
}

/**
 * The `question_type` written for a record: detection and grounding records keep their form name;
 * reasoning types get the release's `2p_` prefix (`2p_direction`) unless they already carry an
 * `<n>p_` prefix.
 */
export function officialQuestionType(record: QaRecord): string {
  if (record.form !== "reasoning") return record.form;
  return /^\d+p_/.test(record.type) ? record.type : `2p_${record.type}`;
}

/**
 * One record -> the release's LLaMA-Factory sample:
 * - detection: user `<image>Detect boxes. ...<code_template>`, assistant the Bbox lines;
 * - grounding: user `<image>Identify the 3D boxes for all the '<class>' ...`, assistant the lines;
 * - reasoning: two turns, as the release's demo reads a four-message sample: user
 *   `<image><question> First locate the bbox of the aforementioned object(s). ...`, assistant the
 *   Bbox lines of the objects the question names (stage 1), then user `<question>`, assistant the
 *   chain of thought printed in the official frame (stage 2).
 */
export function toLlamaFactoryItem(record: QaRecord): LlamaFactoryItem {
  const where = `toLlamaFactoryItem(${record.id})`;
  let messages: LlamaFactoryMessage[];
  if (record.form === "detection") {
    messages = [
      { role: "user", content: OFFICIAL_DETECTION_PROMPT },
      { role: "assistant", content: record.bboxLines },
    ];
  } else if (record.form === "grounding") {
    if (record.category === undefined) throw new InputError(where, "category", undefined, "a grounding record needs its category");
    messages = [
      { role: "user", content: officialGroundingPrompt(record.category) },
      { role: "assistant", content: record.bboxLines },
    ];
  } else {
    const cot = record.cotOfficial ?? record.cot;
    if (cot === undefined) throw new InputError(where, "cotOfficial", undefined, "a reasoning record needs its chain of thought");
    messages = [
      { role: "user", content: officialStage1Prompt(record.question) },
      { role: "assistant", content: record.bboxLines },
      { role: "user", content: record.question },
      { role: "assistant", content: cot },
    ];
  }
  return { messages, images: [record.imageFile], points: [pointsFileFor(record.imageFile)], question_type: officialQuestionType(record) };
}

/** Records -> the LLaMA-Factory JSON text (an array, two-space indented, ending in "\n"). */
export function serializeLlamaFactoryJson(records: readonly QaRecord[]): string {
  return `${JSON.stringify(records.map(toLlamaFactoryItem), null, 2)}\n`;
}

/** Write {@link serializeLlamaFactoryJson} atomically. */
export async function writeLlamaFactoryJson(path: string, records: readonly QaRecord[]): Promise<void> {
  await writeFileAtomic(path, serializeLlamaFactoryJson(records));
}

/** Answer balance of one type whose answers are a choice between fixed outcomes. */
export interface AnswerBalance {
  readonly total: number;
  /** Count per outcome ("yes" / "no", "left" / "right", "option 1" / "option 2"). */
  readonly counts: Readonly<Record<string, number>>;
  /** Share per outcome, counts / total. */
  readonly shares: Readonly<Record<string, number>>;
}

/** What a QA set holds. */
export interface QaStats {
  readonly total: number;
  readonly images: number;
  readonly byForm: Readonly<Record<string, number>>;
  readonly byType: Readonly<Record<string, number>>;
  /** Per type with yes/no or choice answers. */
  readonly balance: Readonly<Record<string, AnswerBalance>>;
  /**
   * Questions per type of each inverse pair (left vs right, above vs below, ...), keyed
   * "left_choice / right_choice", so a set can be checked to ask "left" as often as "right".
   */
  readonly inversePairs: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Quantitative answers per unit. */
  readonly units: Readonly<Record<LengthUnit, number>>;
  readonly paraphrased: number;
}

const sortedRecord = (m: Map<string, number>): Record<string, number> => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const bump = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);

/** Count a QA set: by form and type, answer balance per binary type, units, paraphrases. */
export function qaStats(records: readonly QaRecord[]): QaStats {
  const byForm = new Map<string, number>();
  const byType = new Map<string, number>();
  const balance = new Map<string, Map<string, number>>();
  const units: Record<LengthUnit, number> = { m: 0, cm: 0, ft: 0, in: 0 };
  const images = new Set<string>();
  let paraphrased = 0;
  for (const r of records) {
    images.add(String(r.imageId));
    bump(byForm, r.form);
    bump(byType, r.type);
    if (r.unit !== undefined) units[r.unit]++;
    if (r.paraphrasedBy !== undefined) paraphrased++;
    if (r.answerValue.kind === "boxes") continue;
    const key = balanceKey(r.answerValue, r.objects);
    if (key === null) continue;
    let m = balance.get(r.type);
    if (m === undefined) balance.set(r.type, (m = new Map()));
    bump(m, key);
  }
  const balanceOut: Record<string, AnswerBalance> = {};
  for (const [type, m] of [...balance].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const total = [...m.values()].reduce((s, x) => s + x, 0);
    const counts = sortedRecord(m);
    balanceOut[type] = { total, counts, shares: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / total])) };
  }
  const inversePairs: Record<string, Record<string, number>> = {};
  for (const [a, b] of Object.entries(INVERSE_TYPES)) {
    if (a > b || (!byType.has(a) && !byType.has(b))) continue;
    inversePairs[`${a} / ${b}`] = { [a]: byType.get(a) ?? 0, [b]: byType.get(b) ?? 0 };
  }
  return {
    total: records.length,
    images: images.size,
    byForm: sortedRecord(byForm),
    byType: sortedRecord(byType),
    balance: balanceOut,
    inversePairs: Object.fromEntries(Object.entries(inversePairs).sort(([x], [y]) => (x < y ? -1 : 1))),
    units,
    paraphrased,
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** The stats as a Markdown report (tables of counts, balance and units). */
export function qaStatsMarkdown(stats: QaStats): string {
  const lines: string[] = ["# QA set", "", `${stats.total} records over ${stats.images} images; ${stats.paraphrased} questions paraphrased.`, ""];
  lines.push("## By form", "", "| form | records |", "| --- | ---: |");
  for (const [k, v] of Object.entries(stats.byForm)) lines.push(`| ${k} | ${v} |`);
  lines.push("", "## By type", "", "| type | records |", "| --- | ---: |");
  for (const [k, v] of Object.entries(stats.byType)) lines.push(`| ${k} | ${v} |`);
  lines.push("", "## Answer balance", "", "| type | answers | shares |", "| --- | ---: | --- |");
  for (const [k, b] of Object.entries(stats.balance)) {
    lines.push(`| ${k} | ${b.total} | ${Object.entries(b.shares).map(([o, s]) => `${o} ${pct(s)}`).join(", ")} |`);
  }
  lines.push("", "## Inverse pairs", "", "| pair | questions |", "| --- | --- |");
  for (const [k, counts] of Object.entries(stats.inversePairs)) lines.push(`| ${k} | ${Object.entries(counts).map(([t, n]) => `${t} ${n}`).join(", ")} |`);
  const unitTotal = Object.values(stats.units).reduce((s, x) => s + x, 0);
  lines.push("", "## Units of quantitative answers", "", "| unit | answers | share |", "| --- | ---: | ---: |");
  for (const [k, v] of Object.entries(stats.units)) lines.push(`| ${k} | ${v} | ${unitTotal === 0 ? "-" : pct(v / unitTotal)} |`);
  return `${lines.join("\n")}\n`;
}

/** Write the stats report as `<prefix>.json` and `<prefix>.md`, atomically. */
export async function writeQaStats(prefix: string, stats: QaStats): Promise<{ json: string; markdown: string }> {
  const json = `${prefix}.json`;
  const markdown = `${prefix}.md`;
  await writeFileAtomic(json, `${JSON.stringify(stats, null, 2)}\n`);
  await writeFileAtomic(markdown, qaStatsMarkdown(stats));
  return { json, markdown };
}
