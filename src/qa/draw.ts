import {
  formatLength,
  getProgram,
  isAmbiguous,
  reason,
  type LengthUnit,
  type Margins,
  type QuestionProgram,
  type ReasonContext,
  type ReasoningResult,
} from "../reason/index.js";
import type { Rng } from "../random.js";
import { balanceKey, balanceOutcomes, type BalanceTracker } from "./balance.js";
import type { QaScene, QaSceneObject } from "./repository.js";
import { fillTemplate, reasoningTemplates } from "./templates.js";

/**
 * Drawing one reasoning question for a scene: pick objects, skip what the ambiguity guard refuses,
 * run the program, and steer yes/no and choice answers towards the outcome the balance wants.
 * Shared by the QA generator and the bench builder.
 */

/** Settings of a draw (resolved; see generate.ts for defaults and reasons). */
export interface DrawSettings {
  readonly units: readonly LengthUnit[];
  readonly margins: Margins;
  /** Most objects a many-object question names. */
  readonly maxNamed: number;
  /** Object draws per question before giving up. */
  readonly attempts: number;
  /** Radii (metres, 2 decimals) count_within_distance picks from. */
  readonly radiiM: readonly number[];
}

/** A drawn question with its executed answer. */
export interface ReasoningDraw {
  readonly type: string;
  /** Names as passed to the program, in its role order. */
  readonly names: readonly string[];
  readonly question: string;
  /** Index of the phrasing in the type's template list. */
  readonly template: number;
  /** The unit the question asks in and the sentence uses. */
  readonly unit: LengthUnit;
  /** The run in n3d's frame. */
  readonly result: ReasoningResult;
  /** The same program's trace with boxes printed in the official frame. */
  readonly cotOfficial: string;
  /** The context it ran with (frame n3d). */
  readonly ctx: ReasonContext;
  /** The balance outcome it counted as, when its type is balanced. */
  readonly outcome: string | null;
}

/** Whether a program's role list starts with a reference that stays first (R, then candidates). */
function hasReference(program: QuestionProgram): boolean {
  return /^R\b|reference/.test(program.roles[0] ?? "");
}

/** How many objects a draw names for `program` in a scene of `available` objects (0: none fits). */
function namedCount(program: QuestionProgram, available: number, settings: DrawSettings, rng: Rng): number {
  if (program.type === "count_within_distance") return available >= 2 ? 1 : 0; // A; reason() adds the rest
  if (program.arity !== "many") return available >= program.arity ? program.arity : 0;
  const most = Math.min(available, Math.max(settings.maxNamed, program.minObjects));
  if (most < program.minObjects) return 0;
  return program.minObjects + rng.int(most - program.minObjects + 1);
}

/** `k` distinct objects in random order (partial Fisher-Yates). */
function sample<T>(items: readonly T[], k: number, rng: Rng): T[] {
  const pool = [...items];
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, k);
}

/** The objects in the program's role order, as the ambiguity guard and the program see them. */
function roleObjects(type: string, chosen: readonly QaSceneObject[], all: readonly QaSceneObject[]): QaSceneObject[] {
  if (type === "count_within_distance") return [chosen[0]!, ...all.filter((o) => o !== chosen[0])];
  return [...chosen];
}

/**
 * The order that puts the answer on the wanted outcome, or null when no swap can: swapping A and
 * B flips a two-object yes/no answer; for a choice between object names, swapping the winner with
 * the option at the wanted position moves it there (the winner does not depend on order).
 */
function steer(program: QuestionProgram, chosen: readonly QaSceneObject[], result: ReasoningResult, target: string): QaSceneObject[] | null {
  const a = result.answer;
  if (a.kind === "bool") {
    if (chosen.length !== 2) return null;
    return [chosen[1]!, chosen[0]!];
  }
  if (a.kind !== "choice") return null;
  const m = /^option (\d+)$/.exec(target);
  if (m === null) return null;
  const offset = hasReference(program) ? 1 : 0;
  const from = offset + a.options.indexOf(a.value);
  const to = offset + Number(m[1]) - 1;
  if (from < offset || to >= chosen.length || from === to) return null;
  const out = [...chosen];
  [out[from], out[to]] = [out[to]!, out[from]!];
  return out;
}

/** Fill the type's phrasing number `template` for the named objects. */
export function phraseQuestion(program: QuestionProgram, template: number, names: readonly string[], unit: LengthUnit, radiusM?: number): string {
  const templates = reasoningTemplates(program.type);
  return fillTemplate(templates[template]!, {
    ...(names[0] === undefined ? {} : { A: names[0] }),
    ...(names[1] === undefined ? {} : { B: names[1] }),
    ...(names[2] === undefined ? {} : { C: names[2] }),
    objects: names,
    candidates: hasReference(program) ? names.slice(1) : names,
    unit,
    ...(radiusM === undefined ? {} : { extra: { radius: formatLength(radiusM, unit) } }),
  });
}

/**
 * Draw one question of `type` about `scene`, or null when none can be asked (too few objects, all
 * draws ambiguous, or the balance's wanted outcome unreachable in `settings.attempts` draws).
 * `seen` holds "type|names" keys already asked in this scene and is updated. Consumes `rng` in a
 * fixed pattern, so the same inputs give the same draw.
 */
export function drawReasoning(
  scene: QaScene,
  type: string,
  rng: Rng,
  tracker: BalanceTracker,
  settings: DrawSettings,
  seen: Set<string>,
): ReasoningDraw | null {
  const program = getProgram(type, "drawReasoning");
  const objects = scene.objects;
  const gravity = scene.gravity;
  for (let attempt = 0; attempt < settings.attempts; attempt++) {
    const k = namedCount(program, objects.length, settings, rng);
    if (k === 0) return null;
    const unit = settings.units[rng.int(settings.units.length)]!;
    const radiusM = type === "count_within_distance" ? settings.radiiM[rng.int(settings.radiiM.length)]! : undefined;
    const template = rng.int(reasoningTemplates(type).length);
    const ctx: ReasonContext = { unit, frame: "n3d", ...(gravity ? { gravity } : {}), ...(radiusM === undefined ? {} : { radiusM }) };
    let chosen = sample(objects, k, rng);

    const run = (order: readonly QaSceneObject[]): ReasoningResult | null => {
      const key = `${type}|${order.map((o) => o.name).join("|")}`;
      if (seen.has(key)) return null;
      if (isAmbiguous(type, roleObjects(type, order, objects), ctx, settings.margins) !== null) return null;
      return reason(type, order.map((o) => o.name), objects, ctx);
    };

    let result = run(chosen);
    if (result === null) continue;
    let outcome: string | null = null;
    const outcomes = balanceOutcomes(result.answer, result.used);
    if (outcomes !== null) {
      const target = tracker.target(type, outcomes);
      outcome = balanceKey(result.answer, result.used);
      if (outcome !== target) {
        const swapped = steer(program, chosen, result, target);
        const again = swapped === null ? null : run(swapped);
        if (again === null || balanceKey(again.answer, again.used) !== target) continue;
        chosen = swapped!;
        result = again;
        outcome = target;
      }
      tracker.add(type, outcome);
    }
    const names = chosen.map((o) => o.name);
    seen.add(`${type}|${names.join("|")}`);
    const cotOfficial = reason(type, names, objects, { ...ctx, frame: "official" }).cot;
    return { type, names, question: phraseQuestion(program, template, names, unit, radiusM), template, unit, result, cotOfficial, ctx, outcome };
  }
  return null;
}
