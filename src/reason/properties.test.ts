// Properties the issue demands, over many seeded random scenes: every number in every trace is
// recomputed from the printed boxes by an independent checker; answers follow from the printed
// numbers; mirrored scenes flip left/right; swapping A and B flips predicates and negates vectors.
import { describe, expect, it } from "vitest";
import { createRng, deriveSeed } from "../random.js";
import { clockDifference } from "./clock.js";
import { isAmbiguous } from "./margins.js";
import { INVERSE_TYPES, PROGRAMS, QUESTION_TYPES } from "./registry.js";
import { checkTrace, type CheckedTrace } from "./testing/trace-checker.js";
import { mirrorContext, mirrorScene, randomContext, randomScene } from "./testing/scenes.js";
import type { ReasonContext, ReasoningResult, SceneObjectBox } from "./types.js";

const SCENES = 150;

/** Independent statement of what each comparison means: measure key and which way wins. */
const RELATIONS: Record<string, [string, "smaller" | "larger"]> = {
  left: ["rightPosition", "smaller"],
  right: ["rightPosition", "larger"],
  below: ["upPosition", "smaller"],
  above: ["upPosition", "larger"],
  behind: ["nearestForward", "larger"],
  front: ["nearestForward", "smaller"],
  behind_center: ["forwardPosition", "larger"],
  front_center: ["forwardPosition", "smaller"],
  big: ["volume", "larger"],
  small: ["volume", "smaller"],
  tall: ["height", "larger"],
  short: ["height", "smaller"],
  wide: ["width", "larger"],
  thin: ["width", "smaller"],
  closer_to_camera: ["centreDepth", "smaller"],
  farther_from_camera: ["centreDepth", "larger"],
};

function relationOf(type: string): { family: string; form: "predicate" | "choice" } | null {
  if (type.endsWith("_predicate")) return { family: type.slice(0, -"_predicate".length), form: "predicate" };
  if (type.endsWith("_choice")) return { family: type.slice(0, -"_choice".length), form: "choice" };
  if (type === "closer_to_camera" || type === "farther_from_camera") return { family: type, form: "choice" };
  return null;
}

/** Objects for a program from a scene (first ones, as many as it takes). */
function argsFor(type: string, scene: readonly SceneObjectBox[]): SceneObjectBox[] | null {
  const p = PROGRAMS[type]!;
  const n = p.arity === "many" ? Math.max(p.minObjects, scene.length) : p.arity;
  return scene.length >= n ? scene.slice(0, n) : null;
}

/** The answer must follow from the numbers the trace printed (read by the checker). */
function checkAnswer(r: ReasoningResult, t: CheckedTrace, used: readonly SceneObjectBox[]): void {
  const v = (key: string): number => {
    const x = t.values.get(key);
    if (typeof x !== "number") throw new Error(`${r.type}: trace lacks ${key}\n${r.cot}`);
    return x;
  };
  const names = used.map((o) => o.name);
  const last = r.steps[r.steps.length - 1]!;
  const rel = relationOf(r.type);
  const pick = (values: number[], wins: "smaller" | "larger"): number =>
    values.reduce((best, x, i) => ((wins === "smaller" ? x < values[best]! : x > values[best]!) ? i : best), 0);
  if (rel) {
    const [key, wins] = RELATIONS[rel.family]!;
    const [a, b] = [v(`${key}:${names[0]}`), v(`${key}:${names[1]}`)];
    if (rel.form === "predicate") {
      expect(r.answer).toEqual({ kind: "bool", value: wins === "smaller" ? a < b : a > b });
      expect(last.includes(" not ")).toBe(!(r.answer as { value: boolean }).value);
    } else {
      const winner = a === b ? names[0] : (wins === "smaller" ? a < b : a > b) ? names[0] : names[1];
      expect(r.answer).toEqual({ kind: "choice", value: winner, options: names.slice(0, 2) });
      expect(last.startsWith(`So ${winner} `)).toBe(true);
    }
    return;
  }
  switch (r.type) {
    case "closer_to_reference":
    case "closest_to":
    case "farthest_to": {
      const d = names.slice(1).map((n) => v(`distance:${names[0]}|${n}`));
      const i = pick(d, r.type === "farthest_to" ? "larger" : "smaller");
      expect(r.answer).toEqual({ kind: "choice", value: names[1 + i], options: names.slice(1) });
      break;
    }
    case "tallest":
    case "shortest": {
      const h = names.map((n) => v(`height:${n}`));
      expect(r.answer).toEqual({ kind: "choice", value: names[pick(h, r.type === "tallest" ? "larger" : "smaller")], options: names });
      break;
    }
    case "order_by_distance_to_camera": {
      const d = names.map((n) => v(`cameraDistance:${n}`));
      const order = names.map((n, i) => [n, d[i]!] as const).sort((x, y) => x[1] - y[1]).map((x) => x[0]);
      expect(r.answer).toEqual({ kind: "order", value: order });
      break;
    }
    default:
      expect(["length", "clock", "count"]).toContain(r.answer.kind); // checked inside checkTrace
  }
}

function forEachScene(fn: (scene: SceneObjectBox[], ctx: ReasonContext, seed: number) => void): void {
  for (let s = 0; s < SCENES; s++) {
    const rng = createRng(deriveSeed(2024, s));
    fn(randomScene(rng), randomContext(rng), s);
  }
}

describe("executed traces", () => {
  it("every number in every trace of every program recomputes exactly from the printed boxes", () => {
    let traces = 0;
    let numbers = 0;
    const seenTypes = new Set<string>();
    forEachScene((scene, ctx) => {
      for (const type of QUESTION_TYPES) {
        const used = argsFor(type, scene);
        if (!used) continue;
        const r = PROGRAMS[type]!.run(used, ctx);
        expect(r.type).toBe(type);
        expect(r.used).toEqual(used.map((o) => o.name));
        const checked = checkTrace(r, used, ctx);
        checkAnswer(r, checked, used);
        traces++;
        numbers += checked.numbersChecked;
        seenTypes.add(type);
      }
    });
    expect(seenTypes).toEqual(new Set(QUESTION_TYPES));
    expect(traces).toBeGreaterThan(QUESTION_TYPES.length * 50);
    expect(numbers).toBeGreaterThan(traces * 5);
  });

  it("the checker catches a wrong number (it can fail)", () => {
    const scene = randomScene(createRng(1));
    const ctx: ReasonContext = { unit: "ft" };
    const r = PROGRAMS.direct_distance!.run(scene.slice(0, 2), ctx);
    const bad = r.steps.map((s) => s.replace(/is (\d+)\.(\d)(\d) meters\./, (_m, a: string, b: string, c: string) => `is ${a}.${b}${(Number(c) + 1) % 10} meters.`));
    const tampered = { ...r, steps: bad, cot: r.cot.replace(r.steps.join(" "), bad.join(" ")) };
    const numbered = bad.map((s, i) => `${i + 1}. ${s}`).join(" ");
    expect(() => checkTrace({ ...tampered, cot: `<think>${numbered}</think> ${r.sentence}` }, scene.slice(0, 2), ctx)).toThrow(/recomputed/);
    const moved = scene.slice(0, 2).map((o, i) => (i === 0 ? { ...o, box: { ...o.box, center: [o.box.center[0] + 0.05, o.box.center[1], o.box.center[2]] as const } } : o));
    expect(() => checkTrace(r, moved, ctx)).toThrow(/recomputed/);
  });
});

describe("symmetries", () => {
  it("a mirrored scene (x -> -x) flips left and right", () => {
    let flips = 0;
    forEachScene((scene, ctx) => {
      const [a, b] = [scene.slice(0, 2), mirrorScene(scene).slice(0, 2)];
      const mctx = mirrorContext(ctx);
      for (const [left, right] of [["left_predicate", "right_predicate"], ["right_predicate", "left_predicate"], ["left_choice", "right_choice"]] as const) {
        expect(PROGRAMS[left]!.run(b, mctx).answer).toEqual(PROGRAMS[right]!.run(a, ctx).answer);
      }
      if (isAmbiguous("left_predicate", a, ctx) === null) {
        expect(PROGRAMS.left_predicate!.run(b, mctx).answer).not.toEqual(PROGRAMS.left_predicate!.run(a, ctx).answer);
        flips++;
      }
    });
    expect(flips).toBeGreaterThan(SCENES / 2);
  });

  it("swapping A and B flips every predicate, swaps every choice, and negates the direction vector", () => {
    const predicates = QUESTION_TYPES.filter((t) => PROGRAMS[t]!.answerKind === "bool");
    const choices = QUESTION_TYPES.filter((t) => PROGRAMS[t]!.answerKind === "choice" && PROGRAMS[t]!.arity === 2);
    let strict = 0;
    forEachScene((scene, ctx) => {
      const [a, b] = [scene[0]!, scene[1]!];
      for (const t of predicates) {
        const ab = (PROGRAMS[t]!.run([a, b], ctx).answer as { value: boolean }).value;
        const ba = (PROGRAMS[t]!.run([b, a], ctx).answer as { value: boolean }).value;
        expect(ab && ba).toBe(false);
        if (isAmbiguous(t, [a, b], ctx) === null) {
          expect(ab).toBe(!ba);
          // ... and the inverse question answers the opposite on the same order.
          expect((PROGRAMS[INVERSE_TYPES[t]!]!.run([a, b], ctx).answer as { value: boolean }).value).toBe(!ab);
          strict++;
        }
      }
      for (const t of choices) {
        if (isAmbiguous(t, [a, b], ctx) !== null) continue;
        expect(PROGRAMS[t]!.run([a, b], ctx).answer).toMatchObject({ value: (PROGRAMS[t]!.run([b, a], ctx).answer as { value: string }).value });
        expect(PROGRAMS[INVERSE_TYPES[t]!]!.run([a, b], ctx).answer).not.toEqual(PROGRAMS[t]!.run([a, b], ctx).answer);
      }
      const ab = PROGRAMS.direction!.run([a, b], ctx);
      const ba = PROGRAMS.direction!.run([b, a], ctx);
      const vector = (r: ReasoningResult): number[] => r.steps.find((s) => s.startsWith("In ground"))!.match(/\[(.*)\]/)![1]!.split(", ").map(Number);
      expect(vector(ba)).toEqual(vector(ab).map((x) => (x === 0 ? 0 : -x)));
      const hours = clockDifference((ab.answer as { value: number }).value, (ba.answer as { value: number }).value);
      expect(hours).toBe(6);
    });
    expect(strict).toBeGreaterThan(SCENES * 5);
  });
});
