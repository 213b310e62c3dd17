import type { AnswerValue, LengthUnit } from "../reason/index.js";
import { UNIT_SPELLINGS } from "./grammar.js";
import { escapeRegExp } from "../regex.js";

/**
 * Reading a back end's own free-text answer (direct mode) into a value, best effort, by one rule
 * per answer kind. Only the text after the last `</think>` is read (the answer, not the
 * reasoning), and a value is returned only when the rule finds one; otherwise null, never a guess.
 *
 *   length  the first number followed by a unit word ("2.5 meters", "91 cm", "3 feet"; "5 ft 3 in"
 *           adds up), in the unit it was written in;
 *   bool    a leading yes or no ("Yes, ...", "No.");
 *   choice  the option named first in the text (longest names tried first, case-insensitive);
 *   clock   "N o'clock" with N in 1..12;
 *   count   the first whole number written in digits;
 *   order   the options in the order the text first names them, when it names them all.
 */

/** The answer part of a reply: the text after the last `</think>`, trimmed. */
export function answerPart(text: string): string {
  const end = text.lastIndexOf("</think>");
  return (end < 0 ? text : text.slice(end + "</think>".length)).trim();
}

const UNIT_RE = UNIT_SPELLINGS.map(([w]) => escapeRegExp(w)).join("|");

function readLength(text: string): AnswerValue | null {
  const re = new RegExp(`(\\d+(?:\\.\\d+)?)\\s*(${UNIT_RE}|in|m)\\b\\.?(?:\\s*(\\d+(?:\\.\\d+)?)\\s*(inches|inch|in)\\b)?`, "i");
  const m = re.exec(text);
  if (m === null) return null;
  const word = m[2]!.toLowerCase();
  const unit: LengthUnit = word === "in" ? "in" : word === "m" ? "m" : UNIT_SPELLINGS.find(([w]) => w === word)![1];
  let value = Number(m[1]);
  let metres = value * { m: 1, cm: 0.01, ft: 0.3048, in: 0.0254 }[unit];
  if (m[3] !== undefined && unit === "ft") {
    metres += Number(m[3]) * 0.0254;
    value = metres / 0.3048;
  }
  return { kind: "length", metres, unit, value };
}

function readChoice(text: string, options: readonly string[]): string | null {
  const lower = text.toLowerCase();
  let best: { at: number; option: string } | null = null;
  for (const option of [...options].sort((a, b) => b.length - a.length)) {
    const re = new RegExp(`(?<![\\w])${escapeRegExp(option.toLowerCase())}(?![\\w])`);
    const m = re.exec(lower);
    if (m !== null && (best === null || m.index < best.at)) best = { at: m.index, option };
  }
  return best?.option ?? null;
}

/**
 * The value of a free-text answer for a question whose answer kind is `kind`; `options` are the
 * objects a choice or an order is between (their names as the question wrote them). Null when the
 * rule for the kind finds nothing.
 */
export function readDirectAnswer(text: string, kind: AnswerValue["kind"], options: readonly string[] = []): AnswerValue | null {
  const answer = answerPart(text);
  switch (kind) {
    case "length":
      return readLength(answer);
    case "bool": {
      const m = /^\W*(yes|no)\b/i.exec(answer);
      return m === null ? null : { kind: "bool", value: m[1]!.toLowerCase() === "yes" };
    }
    case "choice": {
      const value = readChoice(answer, options);
      return value === null ? null : { kind: "choice", value, options };
    }
    case "clock": {
      const m = /\b(1[0-2]|[1-9])\s*o'?\s*clock\b/i.exec(answer.replace(/\u2019/g, "'"));
      return m === null ? null : { kind: "clock", value: Number(m[1]) };
    }
    case "count": {
      const m = /(?<![\w.])(\d+)(?![\w.])/.exec(answer);
      return m === null ? null : { kind: "count", value: Number(m[1]) };
    }
    case "order": {
      const lower = answer.toLowerCase();
      const at = options.map((o) => ({ o, i: lower.indexOf(o.toLowerCase()) }));
      if (options.length === 0 || at.some((x) => x.i < 0)) return null;
      return { kind: "order", value: at.sort((a, b) => a.i - b.i).map((x) => x.o) };
    }
  }
}
