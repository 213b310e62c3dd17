import { InputError } from "../errors.js";
import { fillTemplate, reasoningTemplates } from "../qa/index.js";
import { formatLength, getProgram, QUESTION_TYPES, toMetres, type LengthUnit } from "../reason/index.js";
import { QUESTION_FORMS, UNIT_SPELLINGS, type FormSource, type QuestionForm } from "./grammar.js";

/**
 * Question understanding: a question in words -> the program that answers it (reason/'s registry
 * type), the phrases naming its objects in the program's role order, and the unit asked for. The
 * grammar is the QA generator's own phrasings (grammar.ts). A question no phrasing matches is
 * refused with the list of what can be asked; nothing is guessed.
 */

/** A question mapped onto a program. */
export interface ParsedQuestion {
  /** The question as given. */
  readonly question: string;
  /** The part that was matched: multiple-choice option lines and "Answer with ..." instructions removed. */
  readonly core: string;
  /** reason/'s program type. */
  readonly type: string;
  /**
   * Object phrases as written, in the program's role order ("red chair", "<region0>", "2_table"):
   * A, B, C; the reference then the candidates; the listed objects. `count_within_distance` names
   * only its reference.
   */
  readonly mentions: readonly string[];
  /** The unit the answer is given in: the one the question names, else metres. */
  readonly unit: LengthUnit;
  /** Whether the question named the unit. */
  readonly unitGiven: boolean;
  /** `count_within_distance`: the radius asked, in metres. */
  readonly radiusM?: number;
  /** The phrasing that matched. */
  readonly form: { readonly source: FormSource; readonly index: number; readonly template: string };
  /** Multiple choice: the options' texts in letter order ("(A) chair" lines of the question). */
  readonly options?: readonly string[];
}

/** A question type and one way to ask it. */
export interface AskableQuestion {
  readonly type: string;
  /** What the program answers, in words (reason/'s description). */
  readonly description: string;
  /** The type's first phrasing filled with example objects. */
  readonly example: string;
}

/** Every question type with an example, in registry order: what to show when a question is not understood. */
export function askableQuestions(): AskableQuestion[] {
  return QUESTION_TYPES.map((type) => {
    const template = reasoningTemplates(type)[0]!;
    const example = fillTemplate(template, {
      A: "chair",
      B: "table",
      C: "lamp",
      objects: ["chair", "table", "lamp"],
      candidates: type === "tallest" || type === "shortest" ? ["chair", "table", "lamp"] : ["table", "lamp"],
      unit: "m",
      extra: { radius: formatLength(1.5, "m") },
    });
    return { type, description: getProgram(type).description, example };
  });
}

/**
 * The error for a question no phrasing matches. Its message is one line; `askable` lists every
 * question type with an example, for the CLI to print after it.
 */
export class UnmappedQuestionError extends InputError {
  readonly askable: readonly AskableQuestion[];

  constructor(question: string, where = "ask") {
    super(
      where,
      "question",
      question,
      "matches none of the question forms n3d answers (distances, sizes, left/right, above/below, in front/behind, bigger/taller/wider, " +
        "closer to the camera, clock direction, closest/farthest/tallest among several, ordering, counting within a radius); " +
        "name objects by label (\"chair\", \"red chair\", \"1_chair\") or as <region0>, e.g. \"How tall is chair, in meters?\" or \"Is <region0> to the left of <region1>?\"",
    );
    this.askable = askableQuestions();
  }
}

const OPTION_LINE = /^\s*\(([A-J])\)\s*(.+?)\s*$/;
const INSTRUCTION = /\s*Answer with [^.?!]*[.?!]?\s*$/i;

/** Split a benchmark-style question into its core and option texts. */
function splitOptions(text: string): { core: string; options: string[] } {
  const options: string[] = [];
  const rest: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = OPTION_LINE.exec(line);
    if (m !== null) options.push(m[2]!);
    else rest.push(line);
  }
  let core = rest.join(" ").replace(/\s+/g, " ").trim();
  for (let before = ""; before !== core; ) {
    before = core;
    core = core.replace(INSTRUCTION, "").trim();
  }
  return { core, options };
}

/** "chair, table and lamp" / "chair, table or lamp" -> names. */
function splitList(text: string): string[] {
  return text
    .split(/\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+/i)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function unitOf(word: string): LengthUnit {
  const w = word.toLowerCase();
  const hit = UNIT_SPELLINGS.find(([spelling]) => spelling === w);
  if (hit === undefined) throw new Error(`understand: unit word "${word}" matched but is not in UNIT_SPELLINGS`);
  return hit[1];
}

interface Candidate {
  readonly form: QuestionForm;
  readonly mentions: string[];
  readonly unit: LengthUnit | null;
  readonly radiusM?: number;
}

/** Read one match's captures into role order, or null when a slot is empty. */
function readMatch(form: QuestionForm, m: RegExpExecArray): Candidate | null {
  const slot: Record<string, string[]> = {};
  let unit: LengthUnit | null = null;
  let radiusM: number | undefined;
  let g = 1;
  for (const name of form.slots) {
    if (name === "radius") {
      const value = Number(m[g]);
      const radiusUnit = unitOf(m[g + 1]!);
      g += 2;
      if (!(value > 0)) return null;
      unit = radiusUnit;
      radiusM = toMetres(value, radiusUnit);
      continue;
    }
    const text = m[g++]!.trim();
    if (name === "unit") {
      unit = unitOf(text);
      continue;
    }
    const names = name === "A" || name === "B" || name === "C" ? [text] : splitList(text);
    if (names.length === 0 || names.some((n) => n === "")) return null;
    slot[name] = names;
  }
  // Role order: A (the reference when a list follows), then B and C, then the listed objects.
  const list = slot["candidates"] ?? slot["candidates_and"] ?? slot["objects"] ?? [];
  const mentions = [...(slot["A"] ?? []), ...(slot["B"] ?? []), ...(slot["C"] ?? []), ...list];
  return { form, mentions, unit, ...(radiusM === undefined ? {} : { radiusM }) };
}

/**
 * Map a question onto a program. Accepts the generator's phrasings (also reworded by the built-in
 * paraphraser), their unit-less forms, a few everyday ones, and N3D-Bench's numeric and
 * multiple-choice forms (the "(A) ..." option lines and the "Answer with ..." instruction are set
 * aside; the options are returned). When several phrasings match, the one with the most fixed text
 * wins; a tie between two question types is refused as ambiguous.
 *
 * Throws {@link UnmappedQuestionError} when no phrasing matches, and an InputError for an empty
 * question or an ambiguous one.
 */
export function parseQuestion(question: string, where = "ask"): ParsedQuestion {
  if (typeof question !== "string" || question.trim() === "") throw new InputError(where, "question", question, "must be a non-empty question");
  const text = question.replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"');
  const { core, options } = splitOptions(text);
  const found: Candidate[] = [];
  for (const form of QUESTION_FORMS) {
    const m = form.pattern.exec(core);
    if (m === null) continue;
    const c = readMatch(form, m);
    if (c !== null) found.push(c);
  }
  if (found.length === 0) throw new UnmappedQuestionError(question, where);
  const best = Math.max(...found.map((c) => c.form.literalLength));
  const top = found.filter((c) => c.form.literalLength === best);
  const types = [...new Set(top.map((c) => c.form.type))];
  if (types.length > 1) {
    throw new InputError(where, "question", question, `reads as more than one question type (${types.join(", ")}); rephrase it, e.g. like ${types.map((t) => `"${reasoningTemplates(t)[0]}"`).join(" or ")}`);
  }
  const chosen = top[0]!;
  return {
    question,
    core,
    type: chosen.form.type,
    mentions: chosen.mentions,
    unit: chosen.unit ?? "m",
    unitGiven: chosen.unit !== null,
    ...(chosen.radiusM === undefined ? {} : { radiusM: chosen.radiusM }),
    form: { source: chosen.form.source, index: chosen.form.index, template: chosen.form.template },
    ...(options.length > 0 ? { options } : {}),
  };
}
