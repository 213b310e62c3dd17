import type { AnswerValue } from "../reason/index.js";
import { readDirectAnswer } from "./direct-answer.js";

/**
 * Multiple choice: which of a question's listed options ("(A) chair", "(B) 2.5 meters") an answer
 * picks. By answer kind: yes/no by the word; an object by the option naming it (through the
 * caller's resolver, so "<region1>" or "red chair" find their object); a length by the option
 * nearest on a log scale (the ratio closest to 1); a clock hour or a count by equal value. Null
 * when no option fits (an order has no options).
 */

/** Option letters, in order. */
export const OPTION_LETTERS = "ABCDEFGHIJ";

/**
 * The option `answer` picks among `options` (texts in letter order), or null. `nameOf` maps an
 * option's text to the name of the object it means (null when it means none).
 */
export function pickOption(answer: AnswerValue, options: readonly string[], nameOf: (text: string) => string | null): { letter: string; text: string } | null {
  const at = (i: number): { letter: string; text: string } | null => (i >= 0 && i < OPTION_LETTERS.length ? { letter: OPTION_LETTERS[i]!, text: options[i]! } : null);
  const norm = (s: string): string => s.trim().toLowerCase().replace(/[.!]$/, "");
  switch (answer.kind) {
    case "bool":
      return at(options.findIndex((o) => norm(o) === (answer.value ? "yes" : "no")));
    case "choice":
      return at(options.findIndex((o) => nameOf(o) === answer.value || norm(o) === norm(answer.value)));
    case "length": {
      let best = -1;
      let bestErr = Infinity;
      options.forEach((o, i) => {
        const read = readDirectAnswer(o, "length");
        if (read === null || read.kind !== "length" || !(read.metres > 0) || !(answer.metres > 0)) return;
        const err = Math.abs(Math.log(read.metres / answer.metres));
        if (err < bestErr) [best, bestErr] = [i, err];
      });
      return at(best);
    }
    case "clock":
      return at(options.findIndex((o) => {
        const read = readDirectAnswer(o, "clock") ?? readDirectAnswer(o, "count");
        return read !== null && read.value === answer.value;
      }));
    case "count":
      return at(options.findIndex((o) => {
        const read = readDirectAnswer(o, "count");
        return read !== null && read.value === answer.value;
      }));
    case "order":
      return null;
  }
}
