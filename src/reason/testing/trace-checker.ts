// A trace checker for tests: parses every step of a chain of thought and recomputes every number
// in it from the boxes the trace prints, with its own independent arithmetic (corners instead of
// the extent formula, a cross-product basis, alternating projections for surface distance). It
// shares no code with src/reason beyond the types. Throws on the first mismatch.
import type { ReasonContext, ReasoningResult, SceneObjectBox } from "../types.js";
import { escapeRegExp } from "../../regex.js";

type V3 = [number, number, number];

interface Box {
  c: V3;
  s: V3;
  yawDeg: number;
}

/** What the checker read off a trace: every recomputed value by key, and how many numbers it checked. */
export interface CheckedTrace {
  /** "rightPosition:chair", "height:chair", "distance:chair|table", "ground:chair|table" (vector), ... */
  readonly values: Map<string, number | number[]>;
  /** The final quantitative value in metres, when the program has one. */
  readonly finalMetres: number | null;
  readonly numbersChecked: number;
}

const fmt = (x: number, d: number): string => {
  const t = Math.abs(x).toFixed(d);
  return x < 0 && /[1-9]/.test(t) ? `-${t}` : t;
};
const dot = (a: readonly number[], b: readonly number[]): number => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
const crossV = (a: V3, b: V3): V3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const unit = (v: V3): V3 => {
  const n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
};
const escape = escapeRegExp;
const NUM = "(-?\\d+\\.\\d+)";
const UNIT_M: Record<string, [number, number, string, string]> = {
  m: [1, 2, "meter", "meters"],
  cm: [0.01, 0, "centimeter", "centimeters"],
  ft: [0.3048, 2, "foot", "feet"],
  in: [0.0254, 1, "inch", "inches"],
};

function corners(b: Box): V3[] {
  const t = (b.yawDeg * Math.PI) / 180;
  const [c, s] = [Math.cos(t), Math.sin(t)];
  const out: V3[] = [];
  for (const i of [-1, 1]) {
    for (const j of [-1, 1]) {
      for (const k of [-1, 1]) {
        const l: V3 = [(i * b.s[0]) / 2, (j * b.s[1]) / 2, (k * b.s[2]) / 2];
        out.push([b.c[0] + (c * l[0] + s * l[2]), b.c[1] + l[1], b.c[2] + (-s * l[0] + c * l[2])]);
      }
    }
  }
  return out;
}

function along(b: Box, n: V3): { min: number; max: number } {
  const p = corners(b).map((q) => dot(q, n));
  return { min: Math.min(...p), max: Math.max(...p) };
}

/** Closest point of box b to point p (clamp in the box's local frame). */
function project(b: Box, p: V3): V3 {
  const t = (b.yawDeg * Math.PI) / 180;
  const [c, s] = [Math.cos(t), Math.sin(t)];
  const d: V3 = [p[0] - b.c[0], p[1] - b.c[1], p[2] - b.c[2]];
  // local = R^T d with R = R_y(t)
  const l: V3 = [c * d[0] - s * d[2], d[1], s * d[0] + c * d[2]];
  const q = l.map((v, i) => Math.max(-b.s[i]! / 2, Math.min(b.s[i]! / 2, v))) as V3;
  return [b.c[0] + c * q[0] + s * q[2], b.c[1] + q[1], b.c[2] - s * q[0] + c * q[2]];
}

/** Surface distance by alternating projections (converges for convex sets), a slow reference. */
export function surfaceDistanceReference(a: Box, b: Box): number {
  let p: V3 = [...a.c];
  let q: V3 = project(b, p);
  let last = Infinity;
  for (let i = 0; i < 20000; i++) {
    p = project(a, q);
    q = project(b, p);
    const d = Math.sqrt((p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 + (p[2] - q[2]) ** 2);
    if (Math.abs(last - d) < 1e-15) return d;
    last = d;
  }
  return last;
}

/** Check a result's trace against the objects and context it was made from. */
export function checkTrace(result: ReasoningResult, objects: readonly SceneObjectBox[], ctx: ReasonContext): CheckedTrace {
  const fail = (step: string, why: string): never => {
    throw new Error(`${result.type}: ${why}\n  in step: ${step}\n  cot: ${result.cot}`);
  };
  const numbered = result.steps.map((s, i) => `${i + 1}. ${s}`).join(" ");
  if (result.cot !== `<think>${numbered}</think> ${result.sentence}`) fail("", "cot is not <think>numbered steps</think> sentence");

  const official = ctx.frame === "official";
  const boxes = new Map<string, Box>();
  const values = new Map<string, number | number[]>();
  let up: V3 = official ? [0, 1, 0] : [0, -1, 0];
  let checked = 0;
  let finalMetres: number | null = null;
  const basis = (): { r: V3; f: V3; u: V3 } => {
    const u = unit(up);
    const r = unit(crossV([0, 0, 1], u));
    return { r, f: crossV(u, r), u };
  };
  const expect = (step: string, printedText: string, value: number, d: number): void => {
    checked++;
    if (printedText !== fmt(value, d)) fail(step, `printed ${printedText}, recomputed ${fmt(value, d)} (${value})`);
  };
  const box = (step: string, name: string): Box => boxes.get(name) ?? fail(step, `box of ${name} not printed before use`);

  for (const step of result.steps) {
    const names = [...boxes.keys()].sort((x, y) => y.length - x.length).map(escape).join("|") || "\\u0000";
    const N = `(${names})`;
    let m: RegExpMatchArray | null;
    const numbersIn = (text: string): number => {
      let t = text.replace("The 3D bbox", "");
      for (const n of [...boxes.keys()].sort((x, y) => y.length - x.length)) t = t.split(n).join(" ");
      return (t.match(/\d+(\.\d+)?/g) ?? []).length;
    };
    const before = checked;

    if ((m = step.match(new RegExp(`^The 3D bbox of (.+) is \\[${Array(6).fill(NUM).join(", ")}\\](?: with yaw ${NUM} degrees)?\\.$`)))) {
      const name = m[1]!;
      const o = objects.find((x) => x.name === name) ?? fail(step, `no object named ${name}`);
      const sign = official ? [-1, -1, 1] : [1, 1, 1];
      for (let i = 0; i < 3; i++) expect(step, m[2 + i]!, sign[i]! * o.box.center[i]!, 2);
      for (let i = 0; i < 3; i++) expect(step, m[5 + i]!, o.box.size[i]!, 2);
      let yaw = ((official ? -o.box.yaw : o.box.yaw) * 180) / Math.PI;
      yaw = ((((yaw + 180) % 360) + 360) % 360) - 180;
      if (yaw === -180) yaw = 180;
      if (m[8] !== undefined) expect(step, m[8], yaw, 1);
      else if (fmt(yaw, 1) !== "0.0" && fmt(yaw, 1) !== "-0.0") fail(step, `yaw ${yaw} not printed`);
      boxes.set(name, { c: [Number(m[2]), Number(m[3]), Number(m[4])], s: [Number(m[5]), Number(m[6]), Number(m[7])], yawDeg: m[8] ? Number(m[8]) : 0 });
    } else if ((m = step.match(new RegExp(`^The up direction is \\[${NUM}, ${NUM}, ${NUM}\\]\\.$`)))) {
      const g = ctx.gravity ?? fail(step, "up printed without gravity");
      const gn = Math.sqrt(g[0] ** 2 + g[1] ** 2 + g[2] ** 2);
      const want: V3 = official ? [g[0] / gn, g[1] / gn, -g[2] / gn] : [-g[0] / gn, -g[1] / gn, -g[2] / gn];
      for (let i = 0; i < 3; i++) expect(step, m[1 + i]!, want[i]!, 3);
      up = [Number(m[1]), Number(m[2]), Number(m[3])];
    } else if ((m = step.match(new RegExp(`^The vector from the center of ${N} to the center of ${N} is \\[${NUM}, ${NUM}, ${NUM}\\]\\.$`)))) {
      const [a, b] = [box(step, m[1]!), box(step, m[2]!)];
      for (let i = 0; i < 3; i++) expect(step, m[3 + i]!, b.c[i]! - a.c[i]!, 2);
      values.set(`vector:${m[1]}|${m[2]}`, [Number(m[3]), Number(m[4]), Number(m[5])]);
    } else if ((m = step.match(new RegExp(`^In ground coordinates \\(right, forward, up\\), the vector from the center of ${N} to the center of ${N} is \\[${NUM}, ${NUM}, ${NUM}\\]\\.$`)))) {
      const [a, b] = [box(step, m[1]!), box(step, m[2]!)];
      const d: V3 = [b.c[0] - a.c[0], b.c[1] - a.c[1], b.c[2] - a.c[2]];
      const { r, f, u } = basis();
      [r, f, u].forEach((axis, i) => expect(step, m![3 + i]!, dot(d, axis), 2));
      values.set(`ground:${m[1]}|${m[2]}`, [Number(m[3]), Number(m[4]), Number(m[5])]);
    } else if ((m = step.match(new RegExp(`^So the (distance|horizontal distance|vertical distance) between ${N} and ${N} is ${NUM} meters\\.$`)))) {
      const key = `${m[2]}|${m[3]}`;
      if (m[1] === "distance") {
        const v = (values.get(`vector:${key}`) ?? fail(step, "distance before its vector")) as number[];
        expect(step, m[4]!, Math.sqrt(v[0]! ** 2 + v[1]! ** 2 + v[2]! ** 2), 2);
      } else {
        const g = (values.get(`ground:${key}`) ?? fail(step, "distance before its ground vector")) as number[];
        expect(step, m[4]!, m[1] === "horizontal distance" ? Math.sqrt(g[0]! ** 2 + g[1]! ** 2) : Math.abs(g[2]!), 2);
      }
      finalMetres = Number(m[4]);
    } else if ((m = step.match(new RegExp(`^So the distance between the surfaces of ${N} and ${N} is ${NUM} meters\\.$`)))) {
      expect(step, m[3]!, surfaceDistanceReference(box(step, m[1]!), box(step, m[2]!)), 2);
      finalMetres = Number(m[3]);
    } else if ((m = step.match(new RegExp(`^(So t|T)he (width|height|depth) of ${N} is ${NUM} meters\\.$`)))) {
      const { r, f, u } = basis();
      const e = along(box(step, m[3]!), m[2] === "width" ? r : m[2] === "height" ? u : f);
      expect(step, m[4]!, e.max - e.min, 2);
      values.set(`${m[2]}:${m[3]}`, Number(m[4]));
      if (m[1] === "So t") finalMetres = Number(m[4]);
    } else if ((m = step.match(new RegExp(`^(So t|T)he distance from the camera to the center of ${N} is ${NUM} meters\\.$`)))) {
      const c = box(step, m[2]!).c;
      expect(step, m[3]!, Math.sqrt(c[0] ** 2 + c[1] ** 2 + c[2] ** 2), 2);
      values.set(`cameraDistance:${m[2]}`, Number(m[3]));
      if (m[1] === "So t") finalMetres = Number(m[3]);
    } else if ((m = step.match(new RegExp(`^The center of ${N} is at ${NUM} meters along the (right|up|forward) direction\\.$`)))) {
      const { r, f, u } = basis();
      const axis = m[3] === "right" ? r : m[3] === "up" ? u : f;
      expect(step, m[2]!, dot(box(step, m[1]!).c, axis), 2);
      values.set(`${m[3]}Position:${m[1]}`, Number(m[2]));
    } else if ((m = step.match(new RegExp(`^The nearest point of ${N} is at ${NUM} meters along the forward direction\\.$`)))) {
      expect(step, m[2]!, along(box(step, m[1]!), basis().f).min, 2);
      values.set(`nearestForward:${m[1]}`, Number(m[2]));
    } else if ((m = step.match(new RegExp(`^The center of ${N} is at depth ${NUM} meters\\.$`)))) {
      expect(step, m[2]!, box(step, m[1]!).c[2], 2);
      values.set(`centreDepth:${m[1]}`, Number(m[2]));
    } else if ((m = step.match(new RegExp(`^The volume of ${N} is ${NUM} cubic meters\\.$`)))) {
      const s = box(step, m[1]!).s;
      checked++;
      const exact = Math.round(s[0] * s[1] * s[2] * 1e6) / 1e6;
      if (Number(m[2]) !== exact || !/^\d+\.\d{2,6}$/.test(m[2]!) || (m[2]!.length > m[2]!.indexOf(".") + 3 && m[2]!.endsWith("0"))) {
        fail(step, `volume ${m[2]} is not the exact product ${exact}`);
      }
      values.set(`volume:${m[1]}`, Number(m[2]));
    } else if ((m = step.match(new RegExp(`^The distance from the center of ${N} to the center of ${N} is ${NUM} meters\\.$`)))) {
      const [a, b] = [box(step, m[1]!).c, box(step, m[2]!).c];
      expect(step, m[3]!, Math.sqrt((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2 + (b[2] - a[2]) ** 2), 2);
      values.set(`distance:${m[1]}|${m[2]}`, Number(m[3]));
    } else if ((m = step.match(new RegExp(`^${NUM} meters is (\\d+(?:\\.\\d+)?) (\\w+)\\.$`)))) {
      const unitKey = ctx.unit ?? "m";
      const [factor, dec, one, many] = UNIT_M[unitKey]!;
      if (finalMetres === null || fmt(finalMetres, 2) !== m[1]) fail(step, "conversion of a number that is not the final length");
      expect(step, m[2]!, Number(m[1]) / factor, dec);
      if (m[3] !== (m[2] === "1" ? one : many)) fail(step, `unit word ${m[3]}`);
      checked++; // the metres number, compared with the final length above
    } else if ((m = step.match(new RegExp(`^Measured counter-clockwise from the forward direction, the direction from ${N} to ${N} is ${NUM} degrees, which is (\\d+) o'clock\\.$`)))) {
      const g = (values.get(`ground:${m[1]}|${m[2]}`) ?? fail(step, "clock before its ground vector")) as number[];
      // atan2(v0, v1) with v0 the LEFT component (SpatialRGPT's x-left frame)
      let angle = (Math.atan2(-g[0]!, g[1]!) * 180) / Math.PI;
      if (angle < 0) angle += 360;
      const truncated = Math.floor(angle * 10) / 10;
      expect(step, m[3]!, truncated, 1);
      let clock = 12 - Math.floor(Number(m[3]) / 30);
      if (clock <= 0) clock += 12;
      checked++;
      if (String(clock) !== m[4]) fail(step, `clock ${m[4]}, recomputed ${clock}`);
      values.set(`clock:${m[1]}|${m[2]}`, clock);
    } else if ((m = step.match(new RegExp(`^Count the objects whose centers are within ${NUM} meters of the center of ${N}\\.$`)))) {
      expect(step, m[1]!, ctx.radiusM ?? NaN, 2);
      values.set("radius", Number(m[1]));
    } else if ((m = step.match(new RegExp(`^So (\\d+) of them (?:is|are) within ${NUM} meters of ${N}(?:: (.*))?\\.$`)))) {
      const radius = values.get("radius") as number;
      expect(step, m[2]!, radius, 2);
      const inside = [...values.entries()].filter(([k, v]) => k.startsWith(`distance:${m![3]}|`) && (v as number) <= radius).map(([k]) => k.split("|")[1]!);
      checked++;
      if (Number(m[1]) !== inside.length || (m[4] ?? "") !== inside.join(", ")) fail(step, `count ${m[1]} (${m[4]}), recomputed ${inside.length} (${inside.join(", ")})`);
      values.set("count", inside.length);
    } else if (step.startsWith("So ")) {
      // A conclusion without numbers; its consistency with the answer is checked by the caller.
    } else {
      fail(step, "unrecognized step");
    }
    if (checked - before !== numbersIn(step)) fail(step, `${numbersIn(step)} numbers in the step but ${checked - before} checked`);
  }
  checked += checkAnswerNumbers(result, ctx, values, finalMetres, boxes, fail);
  return { values, finalMetres, numbersChecked: checked };
}

/** The answer value and every number in the answer sentence, against what the trace printed. */
function checkAnswerNumbers(
  result: ReasoningResult,
  ctx: ReasonContext,
  values: Map<string, number | number[]>,
  finalMetres: number | null,
  boxes: Map<string, Box>,
  fail: (step: string, why: string) => never,
): number {
  const s = result.sentence;
  let t = s;
  for (const n of [...boxes.keys()].sort((x, y) => y.length - x.length)) t = t.split(n).join(" ");
  const inSentence = (t.match(/\d+(\.\d+)?/g) ?? []).length;
  const unitKey = ctx.unit ?? "m";
  const [factor, dec, one, many] = UNIT_M[unitKey]!;
  const lengthText = (m: number): string => {
    const v = fmt(m / factor, dec);
    return `${v} ${v === "1" ? one : many}`;
  };
  const a = result.answer;
  let checked = 0;
  if (a.kind === "length") {
    if (finalMetres === null) fail(s, "length answer without a final length step");
    if (a.metres !== finalMetres || a.unit !== unitKey || a.value !== Number(fmt(finalMetres / factor, dec))) fail(s, `answer ${JSON.stringify(a)} vs final ${finalMetres}`);
    if (!s.includes(lengthText(finalMetres))) fail(s, `sentence lacks "${lengthText(finalMetres)}"`);
    checked = 1;
  } else if (a.kind === "clock") {
    const clocks = [...values.entries()].filter(([k]) => k.startsWith("clock:"));
    if (clocks.length !== 1 || clocks[0]![1] !== a.value || !s.includes(` at ${a.value} o'clock `)) fail(s, `clock answer ${a.value} not the trace's`);
    checked = 1;
  } else if (a.kind === "count") {
    const radius = values.get("radius") as number;
    if (values.get("count") !== a.value || !s.startsWith(`${a.value} object`) || !s.includes(`within ${lengthText(radius)} of`)) fail(s, `count answer ${a.value} not the trace's`);
    checked = 2;
  }
  if (checked !== inSentence) fail(s, `${inSentence} numbers in the sentence but ${checked} checked`);
  return checked;
}
