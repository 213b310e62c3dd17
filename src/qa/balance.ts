import type { AnswerValue } from "../reason/index.js";

/**
 * The outcome a balanced QA set evens out, per question type:
 * - yes/no answers: "yes" or "no";
 * - choices between object names ("which is taller, A or B?"): the answer's position among the
 *   options, "option 1", "option 2", ... (so the right answer is not always the first named);
 * - choices between fixed words ("left" / "right"): the word itself.
 * Other answers (lengths, clocks, counts, orders) have no outcome to balance: null.
 *
 * `names` are the object names the question uses; an option that is one of them is a name.
 */
export function balanceKey(answer: AnswerValue, names: readonly string[]): string | null {
  if (answer.kind === "bool") return answer.value ? "yes" : "no";
  if (answer.kind !== "choice") return null;
  const byName = answer.options.length > 0 && answer.options.every((o) => names.includes(o));
  if (!byName) return answer.value;
  const i = answer.options.indexOf(answer.value);
  return `option ${i + 1}`;
}

/** The outcomes a balanced type should spread over, given one answer of it (null: none). */
export function balanceOutcomes(answer: AnswerValue, names: readonly string[]): readonly string[] | null {
  if (answer.kind === "bool") return ["yes", "no"];
  if (answer.kind !== "choice") return null;
  const byName = answer.options.length > 0 && answer.options.every((o) => names.includes(o));
  return byName ? answer.options.map((_, i) => `option ${i + 1}`) : [...answer.options];
}

/**
 * Running counts of outcomes per type. {@link target} is the outcome the next question of a type
 * should have: the least frequent so far, ties broken by the order of the outcomes, so a run
 * alternates and every share stays within one question of even.
 */
export class BalanceTracker {
  readonly #counts = new Map<string, Map<string, number>>();

  /** The outcome wanted next for `type` among `outcomes`. */
  target(type: string, outcomes: readonly string[]): string {
    const m = this.#counts.get(type);
    let best = outcomes[0]!;
    let bestCount = Infinity;
    for (const o of outcomes) {
      const c = m?.get(o) ?? 0;
      if (c < bestCount) {
        best = o;
        bestCount = c;
      }
    }
    return best;
  }

  /** Record that a question of `type` with `outcome` was kept. */
  add(type: string, outcome: string): void {
    let m = this.#counts.get(type);
    if (m === undefined) this.#counts.set(type, (m = new Map()));
    m.set(outcome, (m.get(outcome) ?? 0) + 1);
  }

  /** Counts so far for a type (outcome -> questions). */
  counts(type: string): ReadonlyMap<string, number> {
    return this.#counts.get(type) ?? new Map();
  }
}
