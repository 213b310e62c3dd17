import { InputError } from "../errors.js";
import { parseBoxesText, toN3dJson, type N3dBoxJson } from "../formats/index.js";
import { projectedCenter, type Box2D, type Intrinsics } from "../geometry/index.js";
import { getProgram, nameObjects, reason, type AnswerValue, type PrintFrame, type SceneObjectBox } from "../reason/index.js";
import type { RGBDFrame } from "../rgbd/index.js";
import { answerPart, readDirectAnswer } from "./direct-answer.js";
import { bboxLinesOf } from "./endpoint.js";
import { regionIndex, regionName, resolveMention, type MentionTarget } from "./mentions.js";
import { pickOption } from "./options.js";
import type { GroundedBox, Grounder, GroundRequest, RegionPrompt } from "./types.js";
import { parseQuestion, UnmappedQuestionError, type ParsedQuestion } from "./understand.js";

/**
 * ask(): a frame and a question in, the answer with a chain of thought that can be checked and the
 * boxes it used out, in the paper's two modes:
 *
 * - `ground-then-reason`: understand the question (understand.ts: its program and the phrases
 *   naming its objects), ground those objects with the back end (region prompts when given, else
 *   the named categories; every object for counting), name them as the release does (the label,
 *   or `<k>_<label>` numbered left to right; unlabelled regions "Region [k]"), resolve the phrases
 *   (mentions.ts), and run reason/'s executed program on the boxes: the CoT's every number is
 *   computed from the boxes it prints.
 * - `direct`: the back end answers in its own words (only back ends that can talk: `endpoint`);
 *   the reply is kept as text and read into a value best effort (direct-answer.ts), with any
 *   Bbox lines it contains read as its boxes.
 */

/** The two modes of the paper. */
export type AskMode = "ground-then-reason" | "direct";

/** Every mode. */
export const ASK_MODES: readonly AskMode[] = ["ground-then-reason", "direct"];

/** Options of {@link ask}. */
export interface AskOptions {
  readonly grounder: Grounder;
  /** Default "ground-then-reason". */
  readonly mode?: AskMode;
  /** Objects given as 2D boxes or masks, named `<region0>`, `<region1>` ... in the question. */
  readonly regions?: readonly RegionPrompt[];
  /** Frame the CoT prints boxes in (default "n3d": camera frame, +x right, +y down). */
  readonly printFrame?: PrintFrame;
}

/** A grounded object with its question name. */
export interface AskObject extends SceneObjectBox, MentionTarget {
  readonly score: number;
  readonly box2d?: Box2D;
  readonly note?: string;
}

/** What ask() answers. */
export interface AskResult {
  readonly question: string;
  readonly mode: AskMode;
  /** The back end's name. */
  readonly backend: string;
  /** The question mapped onto a program; null only in direct mode for a question n3d cannot map. */
  readonly parsed: ParsedQuestion | null;
  /** The program type (reason/'s registry name), or null as `parsed`. */
  readonly type: string | null;
  /** The answer as a value; in direct mode null when the reply could not be read. */
  readonly answer: AnswerValue | null;
  /** The answer sentence ("The chair is 0.91 meters tall."); in direct mode the reply's answer part. */
  readonly sentence: string;
  /** `<think>1. ... </think> sentence`; in direct mode the whole reply. */
  readonly cot: string;
  /** The numbered reasoning steps of the CoT, each computed from the boxes (empty in direct mode). */
  readonly steps: readonly string[];
  /** The objects the answer used, in the program's role order (direct mode: the boxes the reply gave). */
  readonly used: readonly AskObject[];
  /** Every object grounded in the frame for this question. */
  readonly objects: readonly AskObject[];
  /** Multiple choice: the option the answer picks, when the question lists options. */
  readonly choice?: { readonly letter: string; readonly text: string };
}

/**
 * Name grounded boxes: unlabelled regions "Region [k]"; the rest by label, `<k>_<label>` when a
 * label repeats, numbered left to right by projected centre (then top to bottom), as the QA
 * repository names objects.
 */
export function nameGrounded(grounded: readonly GroundedBox[], K: Intrinsics): AskObject[] {
  const unlabelled = grounded.filter((g) => g.region !== undefined && g.label === "region");
  const labelled = grounded
    .map((g, i) => ({ g, i, uv: projectedCenter(K, g.box) ?? [Infinity, Infinity] }))
    .filter(({ g }) => !(g.region !== undefined && g.label === "region"))
    .sort((a, b) => a.uv[0] - b.uv[0] || a.uv[1] - b.uv[1] || a.i - b.i);
  const named = nameObjects(labelled.map(({ g }) => ({ ...g })));
  const regions = unlabelled.map((g) => ({ ...g, name: regionName(g.region!) }));
  return [...regions, ...named].map((o): AskObject => {
    const { label, box, score, name } = o;
    return {
      name,
      label,
      box,
      score,
      ...(o.box2d !== undefined ? { box2d: o.box2d } : {}),
      ...(o.region !== undefined ? { region: o.region } : {}),
      ...(o.attributes !== undefined ? { attributes: o.attributes } : {}),
      ...(o.note !== undefined ? { note: o.note } : {}),
    };
  });
}

/** What to ground for a parsed question. */
function requestFor(parsed: ParsedQuestion, regions: readonly RegionPrompt[] | undefined): GroundRequest {
  if (regions !== undefined && regions.length > 0) return { kind: "regions", regions };
  const regionWord = parsed.mentions.find((m) => regionIndex(m) !== null);
  if (regionWord !== undefined) {
    throw new InputError("ask", "object", regionWord, "names a region prompt but no regions were given; give each region as a 2D box or a mask");
  }
  if (parsed.type === "count_within_distance") return { kind: "all" };
  return { kind: "named", names: parsed.mentions, question: parsed.core };
}

function checkAccepts(grounder: Grounder, request: GroundRequest): void {
  if (grounder.accepts.includes(request.kind)) return;
  const hint = request.kind === "regions" ? "use the regions back end for region prompts" : "give the objects as region prompts (2D boxes or masks) for the regions back end, or use detect-lift";
  throw new InputError("ask", "backend", grounder.name, `cannot ground ${request.kind === "named" ? "named objects" : request.kind} requests; ${hint}`);
}

/** Resolve the question's phrases to distinct objects, in role order. */
function resolveAll(parsed: ParsedQuestion, objects: readonly AskObject[]): AskObject[] {
  const chosen = parsed.mentions.map((m) => resolveMention(m, objects) as AskObject);
  chosen.forEach((o, i) => {
    const j = chosen.indexOf(o);
    if (j !== i) {
      throw new InputError("ask", "objects", [parsed.mentions[j], parsed.mentions[i]], `both name ${o.name}; a question compares different objects`);
    }
  });
  return chosen;
}

async function groundThenReason(frame: RGBDFrame, question: string, options: AskOptions): Promise<AskResult> {
  const parsed = parseQuestion(question);
  const request = requestFor(parsed, options.regions);
  checkAccepts(options.grounder, request);
  const grounded = await options.grounder.ground(frame, request);
  const objects = nameGrounded(grounded, frame.intrinsics);
  const chosen = resolveAll(parsed, objects);
  const result = reason(
    parsed.type,
    chosen.map((o) => o.name),
    objects,
    {
      unit: parsed.unit,
      frame: options.printFrame ?? "n3d",
      ...(frame.gravity !== undefined ? { gravity: frame.gravity } : {}),
      ...(parsed.radiusM !== undefined ? { radiusM: parsed.radiusM } : {}),
    },
  );
  const used = result.used.map((name) => objects.find((o) => o.name === name)!);
  const choice = parsed.options === undefined ? null : pickOption(result.answer, parsed.options, (text) => {
    try {
      return resolveMention(text, objects).name;
    } catch {
      return null;
    }
  });
  return {
    question,
    mode: "ground-then-reason",
    backend: options.grounder.name,
    parsed,
    type: parsed.type,
    answer: result.answer,
    sentence: result.sentence,
    cot: result.cot,
    steps: result.steps,
    used,
    objects,
    ...(choice !== null ? { choice } : {}),
  };
}

async function direct(frame: RGBDFrame, question: string, options: AskOptions): Promise<AskResult> {
  const { grounder } = options;
  if (grounder.answer === undefined) {
    throw new InputError("ask", "mode", "direct", `the ${grounder.name} back end only grounds and cannot answer in words; use the ground-then-reason mode, or the endpoint back end`);
  }
  let parsed: ParsedQuestion | null = null;
  try {
    parsed = parseQuestion(question);
  } catch (err) {
    if (!(err instanceof UnmappedQuestionError)) throw err;
  }
  const reply = await grounder.answer(frame, question);
  const kind = parsed === null ? null : getProgram(parsed.type).answerKind;
  const answer = kind === null ? null : readDirectAnswer(reply, kind, parsed!.mentions);
  let used: AskObject[] = [];
  const lines = bboxLinesOf(reply);
  if (lines !== "") {
    try {
      const boxes = parseBoxesText(lines, "reply", { K: frame.intrinsics, size: frame.size, form: "float" });
      used = nameGrounded(boxes.map((b) => ({ label: b.label, box: b.box, score: 1 })), frame.intrinsics);
    } catch (err) {
      if (!(err instanceof InputError)) throw err; // boxes in a direct reply are a bonus; unreadable ones are left out
    }
  }
  const choice = parsed?.options === undefined || answer === null ? null : pickOption(answer, parsed.options, (t) => t.trim().toLowerCase());
  return {
    question,
    mode: "direct",
    backend: grounder.name,
    parsed,
    type: parsed?.type ?? null,
    answer,
    sentence: answerPart(reply),
    cot: reply,
    steps: [],
    used,
    objects: used,
    ...(choice !== null ? { choice } : {}),
  };
}

/**
 * Answer a spatial question about an RGB-D frame (see the file comment for the two modes). Throws
 * an InputError naming the cause: a question that maps onto no program
 * ({@link UnmappedQuestionError}, listing what can be asked), an object not in the frame or named
 * ambiguously, region prompts that are bad (outside the image, one object twice, no valid depth),
 * a back end that cannot serve the request or mode, an unreachable or garbled endpoint.
 */
export async function ask(frame: RGBDFrame, question: string, options: AskOptions): Promise<AskResult> {
  const mode = options.mode ?? "ground-then-reason";
  if (!ASK_MODES.includes(mode)) throw new InputError("ask", "mode", mode, `is not a supported mode; choose one of ${ASK_MODES.join(", ")}`);
  return mode === "direct" ? direct(frame, question, options) : groundThenReason(frame, question, options);
}

/** One box of {@link AskJson}: n3d JSON (label, center, size, yaw, uvz; camera frame, metres) plus its name and provenance. */
export interface AskBoxJson extends N3dBoxJson {
  readonly name: string;
  readonly score: number;
  /** [x1, y1, x2, y2], n3d pixel coordinates (pixel centres at integers). */
  readonly box2d?: readonly [number, number, number, number];
  readonly region?: number;
  readonly note?: string;
}

/** The JSON form of an answer, as `n3d ask --json` prints it. */
export interface AskJson {
  readonly type: string | null;
  readonly mode: AskMode;
  readonly backend: string;
  /** reason/'s AnswerValue: {kind: "length", value, unit, metres} | {kind: "bool", value} | {kind: "choice", value, options} | ... */
  readonly answer: AnswerValue | null;
  readonly choice?: { readonly letter: string; readonly text: string };
  readonly sentence: string;
  readonly cot: string;
  /** The boxes the answer used, in role order. */
  readonly boxes: readonly AskBoxJson[];
}

/** An object as {@link AskBoxJson}. */
export function askBoxJson(o: AskObject, K: Intrinsics): AskBoxJson {
  return {
    name: o.name,
    ...toN3dJson({ label: o.label, box: o.box }, K),
    score: o.score,
    ...(o.box2d !== undefined ? { box2d: [o.box2d.x1, o.box2d.y1, o.box2d.x2, o.box2d.y2] as const } : {}),
    ...(o.region !== undefined ? { region: o.region } : {}),
    ...(o.note !== undefined ? { note: o.note } : {}),
  };
}

/** The JSON form of an answer (the intrinsics give each box's uvz). */
export function askJson(result: AskResult, K: Intrinsics): AskJson {
  return {
    type: result.type,
    mode: result.mode,
    backend: result.backend,
    answer: result.answer,
    ...(result.choice !== undefined ? { choice: result.choice } : {}),
    sentence: result.sentence,
    cot: result.cot,
    boxes: result.used.map((o) => askBoxJson(o, K)),
  };
}
