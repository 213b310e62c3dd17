// The answer language: the grammar the model writes answers in (objects, then a program tail or
// an answer value, then <eos>) — its structural tokens, writers from truth (objectTokens,
// programTailTokens, valueTailTokens) and the AnswerScanner that parses and constrains decoding.
// Token strings only; the tokenizer maps them to ids. Boxes inside objects are box-tokens.ts's
// seven bin tokens.
import { InputError } from "../errors.js";
import type { Box3D, ImageSize, Intrinsics } from "../geometry/index.js";
import { fromMetres, getProgram, UNIT_DECIMALS, type AnswerValue, type LengthUnit } from "../reason/index.js";
import { boxAxes, encodeBox, parseBinToken, type BinAxis } from "./box-tokens.js";
import type { BoxTarget, ModelConfig } from "./config.js";

/*
 * The grammar:
 *
 *   answer  := object* tail <eos>
 *   object  := <obj> name bins </obj>                 bins: the seven bin tokens (box-tokens.ts)
 *   name    := [<#k>] label                            `k_label` names carry their index
 *   tail    := (nothing)                               stage 1: boxes only
 *            | <prog> <p:TYPE> args                    grounding-first: the objects above, in the
 *                                                      program's role order, then its arguments
 *            | <ans> <p:TYPE> value                    end-to-end: the answer itself
 *   args    := length programs: unit; count_within_distance: unit decimal (the radius); else none
 *   value   := length: decimal unit | bool: yes | no | choice: name | clock, count: integer
 *            | order: name (<sep> name)*
 *   decimal := digit{1,5} [. digit{1,2}]      integer := digit{1,5}      unit := <unit:m|cm|ft|in>
 */

/** Structural tokens of the answer language. */
export const OBJ_OPEN = "<obj>";
export const OBJ_CLOSE = "</obj>";
export const PROGRAM_MARK = "<prog>";
export const ANSWER_MARK = "<ans>";
export const EOS = "<eos>";
export const SEP = "<sep>";
/** Largest number of integer and fraction digits a number in an answer has. */
export const MAX_INT_DIGITS = 5;
export const MAX_FRAC_DIGITS = 2;
/** Tokens of the longest grounding-first tail: <prog> <p:TYPE> <unit:u> ddddd . dd <eos>. */
const LONGEST_PROGRAM_TAIL = 4 + MAX_INT_DIGITS + 1 + MAX_FRAC_DIGITS;

/** `<#k>`: the index k of a question name `k_label`. */
export function instanceToken(k: number): string {
  return `<#${k}>`;
}
/** `<p:TYPE>`: a reasoning program (reason/'s registry name). */
export function programToken(type: string): string {
  return `<p:${type}>`;
}
/** `<unit:m>`: a length unit. */
export function unitToken(unit: LengthUnit): string {
  return `<unit:${unit}>`;
}

/** What kind of token a string is; the tokenizer answers for its vocabulary. */
export type TokenClass = "label" | "instance" | "digit" | "program" | "unit" | "bin" | "other";

/** A token or a whole class of tokens the grammar allows next; the tokenizer expands classes to ids. */
export type AllowedItem =
  | { readonly kind: "token"; readonly token: string }
  | { readonly kind: "class"; readonly cls: "label" | "instance" | "digit" | "program" | "unit" }
  | { readonly kind: "bin"; readonly axis: BinAxis };

/** Which answers a decoding may produce at the top level. */
export type GrammarMode = "boxes" | "grounding-first" | "end-to-end" | "any";

/** A name as tokens: `1_chair` -> [<#1>, chair]; a bare label -> [label]. Labels are lower-cased. */
export function nameTokens(name: string): string[] {
  const m = /^(\d+)_(.+)$/.exec(name);
  return m === null ? [normalizeLabel(name)] : [instanceToken(Number(m[1])), normalizeLabel(m[2]!)];
}

/** A label as its token: trimmed, lower case, inner whitespace collapsed. */
export function normalizeLabel(label: string): string {
  return label.trim().toLowerCase().replace(/\s+/g, " ");
}

/**
 * One object as answer tokens: <obj> name bins </obj>. `name` is the question name (with its
 * instance index when it has one) or just the label.
 */
export function objectTokens(name: string, box: Box3D, K: Intrinsics, size: ImageSize, cfg: ModelConfig, where = "objectTokens"): string[] {
  return [OBJ_OPEN, ...nameTokens(name), ...encodeBox(box, K, size, cfg, `${where} (${name})`), OBJ_CLOSE];
}

/** A non-negative number as digit tokens with exactly `decimals` decimals: 1.5, 2 -> 1 . 5 0. */
export function numberTokens(value: number, decimals: number, where = "numberTokens"): string[] {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_FRAC_DIGITS) throw new InputError(where, "decimals", decimals, `must be an integer in [0, ${MAX_FRAC_DIGITS}]`);
  const text = Number.isFinite(value) && value >= 0 ? value.toFixed(decimals) : "";
  const intDigits = text.split(".")[0]!.length;
  if (text === "" || intDigits > MAX_INT_DIGITS) throw new InputError(where, "value", value, `must be a finite number in [0, ${10 ** MAX_INT_DIGITS}) to be written in digits`);
  return [...text];
}

/** Arguments a program's tail carries. */
export interface ProgramArgs {
  /** Unit of the quantitative answer (length programs and count_within_distance). */
  readonly unit?: LengthUnit;
  /** count_within_distance: the radius in metres (written in `unit`, 2 decimals as questions print it). */
  readonly radiusM?: number;
}

/** The grounding-first tail: <prog> <p:TYPE> args. Throws when an argument the program needs is missing. */
export function programTailTokens(type: string, args: ProgramArgs, where = "programTailTokens"): string[] {
  const program = getProgram(type, where);
  const out = [PROGRAM_MARK, programToken(type)];
  if (program.answerKind === "length" || type === "count_within_distance") {
    if (args.unit === undefined) throw new InputError(where, "unit", args.unit, `${type} needs the unit its answer is asked in`);
    out.push(unitToken(args.unit));
  }
  if (type === "count_within_distance") {
    if (args.radiusM === undefined || args.unit === undefined) throw new InputError(where, "radiusM", args.radiusM, "count_within_distance needs its radius");
    out.push(...numberTokens(fromMetres(args.radiusM, args.unit), 2, where));
  }
  return out;
}

/**
 * The end-to-end tail: <ans> <p:TYPE> value. Lengths are written in their unit with the unit's
 * decimals (UNIT_DECIMALS: as the answer sentence prints them), names as {@link nameTokens}.
 */
export function valueTailTokens(type: string, answer: AnswerValue, where = "valueTailTokens"): string[] {
  const program = getProgram(type, where);
  if (program.answerKind !== answer.kind) throw new InputError(where, "answer.kind", answer.kind, `${type} answers a ${program.answerKind}`);
  const out = [ANSWER_MARK, programToken(type)];
  switch (answer.kind) {
    case "length":
      out.push(...numberTokens(answer.value, UNIT_DECIMALS[answer.unit], where), unitToken(answer.unit));
      break;
    case "bool":
      out.push(answer.value ? "yes" : "no");
      break;
    case "choice":
      out.push(...nameTokens(answer.value));
      break;
    case "clock":
    case "count":
      out.push(...numberTokens(answer.value, 0, where));
      break;
    case "order":
      answer.value.forEach((name, i) => out.push(...(i > 0 ? [SEP] : []), ...nameTokens(name)));
      break;
  }
  return out;
}

/** One object of a parsed answer. */
export interface ParsedObject {
  /** `k_label` when an instance token was given, else the label. */
  readonly name: string;
  readonly label: string;
  /** Its seven bin tokens, for {@link decodeBox}. */
  readonly bins: readonly string[];
}

/** A parsed end-to-end answer value. */
export type ParsedValue =
  | { readonly kind: "length"; readonly value: number; readonly unit: LengthUnit }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "choice"; readonly value: string }
  | { readonly kind: "clock" | "count"; readonly value: number }
  | { readonly kind: "order"; readonly value: readonly string[] };

/** A whole answer, parsed. */
export interface ParsedAnswer {
  readonly objects: readonly ParsedObject[];
  /** Grounding-first: the program to run on `objects` (in role order) and its arguments. */
  readonly program?: { readonly type: string; readonly unit?: LengthUnit; readonly radius?: number };
  /** End-to-end: the question type and the answer value. */
  readonly value?: { readonly type: string; readonly answer: ParsedValue };
}

type Slot = "unit" | "decimal" | "integer" | "yesno" | "name" | "names" | "eos";

/** An allowed item in words, for error messages: `<obj>`, `<u_k>`, `an instance token`. */
function describeItem(item: AllowedItem): string {
  if (item.kind === "token") return item.token;
  if (item.kind === "bin") return `<${item.axis}_k>`;
  return `${item.cls === "instance" ? "an" : "a"} ${item.cls} token`;
}

/** Where a scan of an answer prefix stands (internal to the grammar). */
interface ScanState {
  phase: "top" | "name" | "label" | "bins" | "close" | "type" | "slots" | "done";
  tail: "prog" | "ans" | null;
  bin: number;
  slots: Slot[];
  /** Progress inside the current slot: digits read, whether "." was read, an instance token read. */
  intDigits: number;
  fracDigits: number;
  dot: boolean;
  instance: boolean;
  /** In a "names" slot: a complete name was read and <sep> may follow. */
  nameDone: boolean;
  /** What was read. */
  objects: ParsedObject[];
  current: { instance: number | null; label: string; bins: string[] };
  type: string;
  text: string;
  names: string[];
  unit?: LengthUnit;
  numbers: number[];
  yes?: boolean;
}

function programSlots(type: string): Slot[] {
  const program = getProgram(type);
  if (type === "count_within_distance") return ["unit", "decimal", "eos"];
  return program.answerKind === "length" ? ["unit", "eos"] : ["eos"];
}

function valueSlots(type: string): Slot[] {
  switch (getProgram(type).answerKind) {
    case "length":
      return ["decimal", "unit", "eos"];
    case "bool":
      return ["yesno", "eos"];
    case "choice":
      return ["name", "eos"];
    case "clock":
    case "count":
      return ["integer", "eos"];
    case "order":
      return ["names", "eos"];
  }
}

function slotStart(slot: Slot): AllowedItem[] {
  switch (slot) {
    case "unit":
      return [{ kind: "class", cls: "unit" }];
    case "decimal":
    case "integer":
      return [{ kind: "class", cls: "digit" }];
    case "yesno":
      return [{ kind: "token", token: "yes" }, { kind: "token", token: "no" }];
    case "name":
    case "names":
      return [{ kind: "class", cls: "instance" }, { kind: "class", cls: "label" }];
    case "eos":
      return [{ kind: "token", token: EOS }];
  }
}

/**
 * The answer grammar as a scanner: feed tokens with {@link AnswerScanner.push}, ask what may come
 * next with {@link AnswerScanner.allowed}. A token the grammar does not allow throws an InputError
 * naming its position and what was expected; a scanner that threw is spent (make a new one).
 */
export class AnswerScanner {
  readonly #axes: readonly BinAxis[];
  readonly #classify: (token: string) => TokenClass;
  readonly #mode: GrammarMode;
  readonly #where: string;
  #position = 0;
  #s: ScanState = {
    phase: "top", tail: null, bin: 0, slots: [], intDigits: 0, fracDigits: 0, dot: false, instance: false, nameDone: false,
    objects: [], current: { instance: null, label: "", bins: [] }, type: "", text: "", names: [], numbers: [],
  };

  constructor(target: BoxTarget, classify: (token: string) => TokenClass, mode: GrammarMode = "any", where = "AnswerScanner") {
    this.#axes = boxAxes(target);
    this.#classify = classify;
    this.#mode = mode;
    this.#where = where;
  }

  /** Tokens read so far. */
  get length(): number {
    return this.#position;
  }

  /** True once <eos> was read. */
  get done(): boolean {
    return this.#s.phase === "done";
  }

  /**
   * Tokens allowed next (nothing after <eos>). With `remaining` (tokens the answer may still
   * take, this one included), another object is offered only while it and the shortest way to
   * finish after it fit (the grounding-first tail is reserved at its longest), so a length-capped
   * decoding still ends well-formed.
   */
  allowed(remaining = Infinity): AllowedItem[] {
    const s = this.#s;
    switch (s.phase) {
      case "top":
        return this.#topAllowed(remaining);
      case "name":
        return [{ kind: "class", cls: "instance" }, { kind: "class", cls: "label" }];
      case "label":
        return [{ kind: "class", cls: "label" }];
      case "bins":
        return [{ kind: "bin", axis: this.#axes[s.bin]! }];
      case "close":
        return [{ kind: "token", token: OBJ_CLOSE }];
      case "type":
        return [{ kind: "class", cls: "program" }];
      case "slots":
        return this.#slotAllowed();
      case "done":
        return [];
    }
  }

  #topAllowed(remaining = Infinity): AllowedItem[] {
    const n = this.#s.objects.length;
    const objectMax = 4 + this.#axes.length; // <obj> <#k> label bins </obj>
    const reserve = this.#mode === "grounding-first" ? LONGEST_PROGRAM_TAIL : 1;
    const roomForObject = remaining >= objectMax + reserve;
    const items: AllowedItem[] = [];
    const tok = (token: string): void => void items.push({ kind: "token", token });
    switch (this.#mode) {
      case "boxes":
        if (roomForObject) tok(OBJ_OPEN);
        tok(EOS);
        break;
      case "grounding-first":
        if (roomForObject) tok(OBJ_OPEN);
        if (n > 0) tok(PROGRAM_MARK);
        break;
      case "end-to-end":
        if (n === 0) tok(ANSWER_MARK);
        break;
      case "any":
        if (roomForObject) tok(OBJ_OPEN);
        tok(PROGRAM_MARK);
        if (n === 0) tok(ANSWER_MARK);
        tok(EOS);
        break;
    }
    return items;
  }

  /** Continuations of the current slot, plus the next slot's start when the current one may end. */
  #slotAllowed(): AllowedItem[] {
    const s = this.#s;
    const slot = s.slots[0]!;
    const items: AllowedItem[] = [];
    if (slot === "decimal" || slot === "integer") {
      if (!this.#numberFull()) items.push({ kind: "class", cls: "digit" });
      if (slot === "decimal" && !s.dot && s.intDigits > 0) items.push({ kind: "token", token: "." });
    } else if (slot === "names" && s.nameDone) {
      items.push({ kind: "token", token: SEP });
    } else if ((slot === "name" || slot === "names") && s.instance) {
      items.push({ kind: "class", cls: "label" });
    } else {
      items.push(...slotStart(slot));
    }
    return this.#slotComplete(slot) ? [...items, ...slotStart(s.slots[1]!)] : items;
  }

  /** Read one token; throws an InputError when the grammar does not allow it here. */
  push(token: string): void {
    const s = this.#s;
    const cls = this.#classify(token);
    const fail = (): never => {
      const expected = this.allowed().map(describeItem);
      throw new InputError(this.#where, `token ${this.#position}`, token, expected.length === 0 ? "nothing may follow <eos>" : `expected ${expected.join(" or ")}`);
    };
    switch (s.phase) {
      case "top":
        if (!this.#topAllowed().some((a) => a.kind === "token" && a.token === token)) fail();
        if (token === OBJ_OPEN) {
          s.phase = "name";
          s.current = { instance: null, label: "", bins: [] };
        } else if (token === EOS) s.phase = "done";
        else {
          s.tail = token === PROGRAM_MARK ? "prog" : "ans";
          s.phase = "type";
        }
        break;
      case "name":
      case "label":
        if (cls === "instance" && s.phase === "name") {
          s.current.instance = Number(token.slice(2, -1));
          s.phase = "label";
        } else if (cls === "label") {
          s.current.label = token;
          s.phase = "bins";
          s.bin = 0;
        } else fail();
        break;
      case "bins": {
        const parsed = parseBinToken(token);
        if (parsed === null || parsed.axis !== this.#axes[s.bin] || cls !== "bin") fail();
        s.current.bins.push(token);
        s.bin++;
        if (s.bin === this.#axes.length) s.phase = "close";
        break;
      }
      case "close": {
        if (token !== OBJ_CLOSE) fail();
        const { instance, label, bins } = s.current;
        s.objects.push({ name: instance === null ? label : `${instance}_${label}`, label, bins });
        s.phase = "top";
        break;
      }
      case "type":
        if (cls !== "program") fail();
        s.type = token.slice(3, -1);
        s.slots = s.tail === "prog" ? programSlots(s.type) : valueSlots(s.type);
        s.phase = "slots";
        this.#resetSlot();
        break;
      case "slots":
        this.#pushSlot(token, cls, fail);
        break;
      case "done":
        fail();
    }
    this.#position++;
  }

  #resetSlot(): void {
    const s = this.#s;
    s.intDigits = 0;
    s.fracDigits = 0;
    s.dot = false;
    s.instance = false;
    s.nameDone = false;
    s.text = "";
  }

  #pushSlot(token: string, cls: TokenClass, fail: () => never): void {
    const s = this.#s;
    const slot = s.slots[0]!;
    if (!this.#continuesSlot(slot, token, cls)) {
      if (!this.#slotComplete(slot)) fail();
      this.#finishSlot();
      this.#pushSlot(token, cls, fail);
      return;
    }
    switch (slot) {
      case "decimal":
      case "integer":
        if (token === ".") s.dot = true;
        else if (s.dot) s.fracDigits++;
        else s.intDigits++;
        s.text += token;
        break;
      case "name":
      case "names":
        if (token === SEP) {
          s.nameDone = false;
        } else if (cls === "instance") {
          s.instance = true;
          s.text = `${token.slice(2, -1)}_`;
        } else {
          s.names.push(`${s.text}${token}`);
          s.text = "";
          s.instance = false;
          if (slot === "names") s.nameDone = true;
          else this.#finishSlot();
        }
        break;
      case "unit":
        s.unit = token.slice(6, -1) as LengthUnit;
        this.#finishSlot();
        break;
      case "yesno":
        s.yes = token === "yes";
        this.#finishSlot();
        break;
      case "eos":
        s.phase = "done";
        break;
    }
  }

  /** Whether `token` extends the current slot. */
  #continuesSlot(slot: Slot, token: string, cls: TokenClass): boolean {
    const s = this.#s;
    switch (slot) {
      case "decimal":
      case "integer":
        if (cls === "digit") return !this.#numberFull();
        return slot === "decimal" && token === "." && !s.dot && s.intDigits > 0;
      case "name":
        return (cls === "instance" && !s.instance) || cls === "label";
      case "names":
        if (s.nameDone) return token === SEP;
        return (cls === "instance" && !s.instance) || cls === "label";
      case "unit":
        return cls === "unit";
      case "yesno":
        return token === "yes" || token === "no";
      case "eos":
        return token === EOS;
    }
  }

  /** Whether the current slot may end here (the next slot may start). */
  #slotComplete(slot: Slot): boolean {
    const s = this.#s;
    if (slot === "decimal") return s.intDigits > 0 && (!s.dot || s.fracDigits > 0);
    if (slot === "integer") return s.intDigits > 0;
    return slot === "names" && s.nameDone;
  }

  #numberFull(): boolean {
    const s = this.#s;
    return s.dot ? s.fracDigits >= MAX_FRAC_DIGITS : s.intDigits >= MAX_INT_DIGITS;
  }

  #finishSlot(): void {
    const s = this.#s;
    const slot = s.slots.shift()!;
    if (slot === "decimal" || slot === "integer") s.numbers.push(Number(s.text));
    this.#resetSlot();
  }

  /** The parsed answer; throws an InputError unless the answer is complete (ended with <eos>). */
  result(): ParsedAnswer {
    const s = this.#s;
    if (s.phase !== "done") {
      const expected = this.allowed().map(describeItem);
      throw new InputError(this.#where, `token ${this.#position}`, "end of answer", `the answer is incomplete; expected ${expected.join(" or ")}`);
    }
    const objects = [...s.objects];
    if (s.tail === "prog") {
      return {
        objects,
        program: { type: s.type, ...(s.unit === undefined ? {} : { unit: s.unit }), ...(s.numbers[0] === undefined ? {} : { radius: s.numbers[0] }) },
      };
    }
    if (s.tail === "ans") return { objects, value: { type: s.type, answer: this.#value() } };
    return { objects };
  }

  #value(): ParsedValue {
    const s = this.#s;
    const kind = getProgram(s.type).answerKind;
    switch (kind) {
      case "length":
        return { kind, value: s.numbers[0]!, unit: s.unit! };
      case "bool":
        return { kind, value: s.yes! };
      case "choice":
        return { kind, value: s.names[0]! };
      case "clock":
      case "count":
        return { kind, value: s.numbers[0]! };
      case "order":
        return { kind, value: [...s.names] };
    }
  }
}
