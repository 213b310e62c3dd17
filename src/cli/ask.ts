import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { CommanderError, InvalidArgumentError, Option } from "commander";
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { loadOfficialFrame } from "../formats/index.js";
import { writeFileAtomic } from "../fsutil.js";
import type { Box2D, Intrinsics, Vec3 } from "../geometry/index.js";
import {
  ask,
  askJson,
  createGrounder,
  GROUNDER_NAMES,
  renderAskOverlay,
  UnmappedQuestionError,
  type AskMode,
  type AskResult,
  type Grounder,
  type RegionPrompt,
} from "../ground/index.js";
import { loadFrame, parseIntrinsics, readImage, type RGBDFrame } from "../rgbd/index.js";
import { DEFAULT_MODEL_DIR, modelDirOf, parseThreads } from "./ground.js";
import type { CliIo } from "./io.js";
import { parsePositiveNumberArg } from "./parsers.js";

/**
 * `n3d ask`: answer a spatial question about an RGB-D frame, with the chain of thought and the
 * boxes used; `--batch` answers a JSONL file of questions in one process, one JSON line per
 * question ({id, ...answer} or {id, error}), and exits 1 when any question failed.
 *
 * Region prompts: `--region x1,y1,x2,y2` in pixel-edge coordinates as COCO and SpatialRGPT-Bench
 * write boxes (the image spans [0, W] x [0, H]); `--mask FILE` a PNG whose bright pixels (any
 * channel >= 128) are the object. Regions are numbered in the order given: the boxes, or the masks,
 * or, when both are given, box k and mask k together are region k (then their counts must match).
 *
 * `--backend native` grounds with the compact model of `--model DIR` (default the package's
 * models/n3d-small), read on the first question and shared by the rest.
 */

interface AskFlags {
  image?: string;
  depth?: string;
  depthScale?: number;
  intrinsics?: string;
  npz?: string;
  gravity?: Vec3;
  backend?: string;
  region?: Box2D[];
  mask?: string[];
  mode: "ground" | "direct";
  minScore?: number;
  endpointUrl?: string;
  endpointModel?: string;
  endpointKey?: string;
  endpointCache?: string;
  model?: string;
  threads?: number;
  overlay?: string;
  batch?: string;
  json?: boolean;
}

/** Commander parser for `--region x1,y1,x2,y2` (pixel edges) -> an n3d Box2D (pixel centres at integers). */
export function parseRegionArg(value: string, previous: Box2D[] = []): Box2D[] {
  const parts = value.split(",").map((p) => Number(p.trim()));
  if (parts.length !== 4 || value.split(",").some((p) => p.trim() === "") || parts.some((p) => !Number.isFinite(p))) {
    throw new InvalidArgumentError(`region = "${value}": expected x1,y1,x2,y2 in pixels (the image spans 0..width, 0..height)`);
  }
  const [x1, y1, x2, y2] = parts as [number, number, number, number];
  if (!(x2 > x1 && y2 > y1)) throw new InvalidArgumentError(`region = "${value}": needs x2 > x1 and y2 > y1`);
  return [...previous, regionFromEdges([x1, y1, x2, y2])];
}

/** A pixel-edge box [x1, y1, x2, y2] (image spans [0, W]) as an n3d Box2D (image spans [-0.5, W - 0.5]). */
export function regionFromEdges(b: readonly [number, number, number, number]): Box2D {
  return { x1: b[0] - 0.5, y1: b[1] - 0.5, x2: b[2] - 0.5, y2: b[3] - 0.5 };
}

function parseGravityArg(value: string): Vec3 {
  const parts = value.split(",").map((p) => Number(p.trim()));
  const n = Math.hypot(...parts);
  if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p)) || !(n > 0)) {
    throw new InvalidArgumentError(`gravity = "${value}": expected three numbers x,y,z, not all 0 (camera frame, pointing down)`);
  }
  return [parts[0]! / n, parts[1]! / n, parts[2]! / n];
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** A PNG mask file -> H * W flags (1 where any channel >= 128), checked against the frame's size. */
async function readMask(path: string, frame: RGBDFrame): Promise<Uint8Array> {
  const image = await readImage(path);
  const { width, height } = frame.size;
  if (image.size.width !== width || image.size.height !== height) {
    throw new InputError(path, "size", `${image.size.width}x${image.size.height}`, `a mask must be the image's size, ${width}x${height}`);
  }
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) mask[i] = Math.max(image.rgb[3 * i]!, image.rgb[3 * i + 1]!, image.rgb[3 * i + 2]!) >= 128 ? 1 : 0;
  return mask;
}

/** Region prompts from boxes and mask files (see the file comment for how they pair). */
async function regionsOf(boxes: readonly Box2D[], maskFiles: readonly string[], frame: RGBDFrame, where: string): Promise<RegionPrompt[]> {
  const masks = await Promise.all(maskFiles.map((f) => readMask(f, frame)));
  if (boxes.length > 0 && masks.length > 0 && boxes.length !== masks.length) {
    throw new InputError(where, "regions", `${boxes.length} boxes, ${masks.length} masks`, "give one box per mask (box k and mask k are region k), or only boxes, or only masks");
  }
  const n = Math.max(boxes.length, masks.length);
  return Array.from({ length: n }, (_, k) => ({ ...(boxes[k] ? { box: boxes[k] } : {}), ...(masks[k] ? { mask: masks[k] } : {}) }));
}

/** The frame of a single question from the flags. */
async function frameFromFlags(flags: AskFlags): Promise<RGBDFrame> {
  if (flags.image === undefined) throw new InputError("n3d ask", "--image", "missing", "give --image FILE (or --batch FILE)");
  let frame: RGBDFrame;
  if (flags.npz !== undefined) {
    if (flags.depth !== undefined || flags.depthScale !== undefined || flags.intrinsics !== undefined) {
      throw new InputError("n3d ask", "--npz", flags.npz, "depth and intrinsics come from the point map; give --npz alone, or --depth with --intrinsics");
    }
    frame = (await loadOfficialFrame(flags.image, flags.npz)).frame;
  } else {
    if (flags.depth === undefined) throw new InputError("n3d ask", "--depth", "missing", "give --depth FILE with --intrinsics FILE, or --npz FILE");
    if (flags.intrinsics === undefined) throw new InputError("n3d ask", "--intrinsics", "missing", "give --intrinsics FILE (or --npz FILE)");
    frame = await loadFrame({
      image: flags.image,
      depth: flags.depth,
      intrinsicsPath: flags.intrinsics,
      ...(flags.depthScale !== undefined ? { depthScale: flags.depthScale } : {}),
    });
  }
  return flags.gravity === undefined ? frame : { ...frame, gravity: flags.gravity };
}

/** Back ends by name, made on first use and shared by every question of the run. */
class Grounders {
  readonly #made = new Map<string, Grounder>();
  constructor(
    private readonly flags: AskFlags,
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {}

  get(name: string): Grounder {
    let g = this.#made.get(name);
    if (g === undefined) {
      const f = this.flags;
      const url = f.endpointUrl ?? this.env["N3D_ENDPOINT_URL"];
      const model = f.endpointModel ?? this.env["N3D_ENDPOINT_MODEL"];
      const key = f.endpointKey ?? this.env["N3D_ENDPOINT_KEY"];
      g = createGrounder(name, {
        ...(f.minScore !== undefined ? { detectLift: { minScore: f.minScore } } : {}),
        endpoint: {
          ...(url !== undefined ? { baseUrl: url } : {}),
          ...(model !== undefined ? { model } : {}),
          ...(key !== undefined && key !== "" ? { apiKey: key } : {}),
          ...(f.endpointCache !== undefined ? { cachePath: f.endpointCache } : {}),
        },
        // Only the native back end reads a model folder; the shipped one is looked for only then.
        ...(name === "native" ? { native: { modelDir: modelDirOf(f.model, "n3d ask"), ...(f.threads !== undefined ? { threads: f.threads } : {}) } } : {}),
      });
      this.#made.set(name, g);
    }
    return g;
  }

  async dispose(): Promise<void> {
    for (const g of this.#made.values()) await g.dispose();
  }
}

const MODES: Readonly<Record<AskFlags["mode"], AskMode>> = { ground: "ground-then-reason", direct: "direct" };

function fmt3(v: readonly number[]): string {
  return v.map((x) => x.toFixed(2)).join(", ");
}

/** The answer as text: the boxes used, the numbered steps, the answer. */
function answerText(r: AskResult): string {
  const lines: string[] = [];
  lines.push(`question type: ${r.type ?? "(not mapped)"}  (${r.mode}, back end ${r.backend})`);
  if (r.used.length > 0) {
    lines.push("boxes used (camera frame, metres: centre x, y, z; size x, y, z):");
    for (const o of r.used) {
      lines.push(`  ${o.name}: ${o.label}, centre [${fmt3(o.box.center)}], size [${fmt3(o.box.size)}], score ${o.score.toFixed(2)}${o.note ? ` (kept despite: ${o.note})` : ""}`);
    }
  }
  if (r.steps.length > 0) {
    lines.push("reasoning:");
    r.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${s}`));
  } else if (r.mode === "direct") {
    lines.push("reply:", ...r.cot.split("\n").map((l) => `  ${l}`));
  }
  lines.push(`answer: ${r.sentence}`);
  if (r.choice) lines.push(`choice: (${r.choice.letter}) ${r.choice.text}`);
  return `${lines.join("\n")}\n`;
}

/** What a question that maps onto no program prints: the error line, then what can be asked. */
function unmappedText(err: UnmappedQuestionError): string {
  const width = Math.max(...err.askable.map((a) => a.type.length));
  return [`n3d: ${err.message}`, "questions n3d can answer (type: example):", ...err.askable.map((a) => `  ${a.type.padEnd(width)}  ${a.example}`), ""].join("\n");
}

/** One batch line, validated. */
interface BatchLine {
  readonly id: string;
  readonly image: string;
  readonly depth: string;
  readonly depthScale?: number;
  readonly intrinsics: unknown;
  readonly regions: readonly (readonly [number, number, number, number])[];
  readonly masks: readonly string[];
  readonly question: string;
  readonly gravity?: Vec3;
}

const LINE_FIELDS = ["id", "image", "depth", "depth_scale", "intrinsics", "regions", "masks", "question", "gravity"];

function readBatchLine(raw: unknown, where: string, base: string): BatchLine {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new InputError(where, "line", raw, "must be a JSON object {id, image, depth, intrinsics, question, ...}");
  const o = raw as Record<string, unknown>;
  const extra = Object.keys(o).find((k) => !LINE_FIELDS.includes(k));
  if (extra !== undefined) throw new InputError(where, extra, o[extra], `is not a field of a question line; fields are ${LINE_FIELDS.join(", ")}`);
  const str = (k: string): string => {
    if (typeof o[k] !== "string" || o[k] === "") throw new InputError(where, k, o[k], "must be a non-empty string");
    return o[k] as string;
  };
  const regions = o["regions"] ?? [];
  if (!Array.isArray(regions) || !regions.every((r) => Array.isArray(r) && r.length === 4 && r.every((x) => typeof x === "number" && Number.isFinite(x)))) {
    throw new InputError(where, "regions", regions, "must be a list of [x1, y1, x2, y2] boxes in pixels (the image spans 0..width, 0..height)");
  }
  const masks = o["masks"] ?? [];
  if (!Array.isArray(masks) || !masks.every((m) => typeof m === "string" && m !== "")) throw new InputError(where, "masks", masks, "must be a list of PNG mask paths");
  const scale = o["depth_scale"];
  if (scale !== undefined && !(typeof scale === "number" && scale > 0)) throw new InputError(where, "depth_scale", scale, "must be a number > 0 (integer depth units per metre)");
  const gravity = o["gravity"];
  if (gravity !== undefined && !(Array.isArray(gravity) && gravity.length === 3 && gravity.every((x) => typeof x === "number" && Number.isFinite(x)) && Math.hypot(...gravity) > 0)) {
    throw new InputError(where, "gravity", gravity, "must be [x, y, z], not all 0 (camera frame, pointing down)");
  }
  if (o["intrinsics"] === undefined) throw new InputError(where, "intrinsics", undefined, "missing; give the 3x3 K matrix in pixels");
  const id = typeof o["id"] === "number" && Number.isFinite(o["id"]) ? String(o["id"]) : str("id");
  const g = gravity as number[] | undefined;
  const n = g === undefined ? 1 : Math.hypot(...g);
  return {
    id,
    image: resolve(base, str("image")),
    depth: resolve(base, str("depth")),
    ...(scale !== undefined ? { depthScale: scale as number } : {}),
    intrinsics: o["intrinsics"],
    regions: regions as [number, number, number, number][],
    masks: (masks as string[]).map((m) => resolve(base, m)),
    question: str("question"),
    ...(g !== undefined ? { gravity: [g[0]! / n, g[1]! / n, g[2]! / n] as Vec3 } : {}),
  };
}

function intrinsicsOf(value: unknown, where: string): Intrinsics {
  return parseIntrinsics(Array.isArray(value) ? { K: value } : value, `${where}: intrinsics`);
}

/** Answer every line of a JSONL file; returns how many lines failed. */
async function runBatch(path: string, flags: AskFlags, grounders: Grounders, io: CliIo): Promise<{ failed: number; total: number }> {
  const text = await readFile(path, "utf8");
  const base = dirname(resolve(path));
  const frames = new Map<string, Promise<RGBDFrame>>();
  let failed = 0;
  let total = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const rawLine = lines[i]!.trim();
    if (rawLine === "") continue;
    total++;
    const where = `${path}: line ${i + 1}`;
    let id: string = `line ${i + 1}`;
    try {
      let raw: unknown;
      try {
        raw = JSON.parse(rawLine);
      } catch (err) {
        throw new InputError(where, "json", rawLine, `is not JSON: ${(err as Error).message}`);
      }
      const maybeId = (raw as { id?: unknown } | null)?.id;
      if (typeof maybeId === "string" || typeof maybeId === "number") id = String(maybeId);
      const line = readBatchLine(raw, where, base);
      const K = intrinsicsOf(line.intrinsics, where);
      const key = JSON.stringify([line.image, line.depth, line.depthScale, K]);
      let framePromise = frames.get(key);
      if (framePromise === undefined) {
        if (frames.size >= 4) frames.delete(frames.keys().next().value!);
        framePromise = loadFrame({ image: line.image, depth: line.depth, intrinsics: K, ...(line.depthScale !== undefined ? { depthScale: line.depthScale } : {}) });
        frames.set(key, framePromise);
      }
      const loaded = await framePromise;
      const frame = line.gravity ? { ...loaded, gravity: line.gravity } : flags.gravity ? { ...loaded, gravity: flags.gravity } : loaded;
      const regions = await regionsOf(line.regions.map(regionFromEdges), line.masks, frame, where);
      const backend = flags.backend ?? (regions.length > 0 ? "regions" : "detect-lift");
      const result = await ask(frame, line.question, { grounder: grounders.get(backend), mode: MODES[flags.mode], ...(regions.length > 0 ? { regions } : {}) });
      io.stdout(`${JSON.stringify({ id: line.id, ...askJson(result, frame.intrinsics) })}\n`);
    } catch (err) {
      if (!(err instanceof InputError) && !isFileError(err)) throw err;
      failed++;
      const message = err instanceof InputError ? err.message : `${(err as NodeJS.ErrnoException).path}: ${(err as NodeJS.ErrnoException).code}`;
      io.stdout(`${JSON.stringify({ id, error: message })}\n`);
    }
  }
  return { failed, total };
}

function isFileError(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException;
  return e !== null && typeof e === "object" && typeof e.code === "string" && typeof e.path === "string";
}

/** `n3d ask`. */
export function registerAskCommand(program: Command, io: CliIo, env: Readonly<Record<string, string | undefined>>): void {
  program
    .command("ask")
    .description("answer a spatial question about an RGB-D frame, with the chain of thought and the 3D boxes it used")
    .argument("[question]", 'the question, e.g. "Is <region0> taller than <region1>?" or "How far is the chair from the table?"')
    .option("--image <file>", "colour image (PNG, JPEG)")
    .option("--depth <file>", "depth: 16-bit PNG, .npy or .npz")
    .option("--depth-scale <units>", "integer depth units per metre (default 1000: millimetres)", parsePositiveNumberArg)
    .addOption(new Option("--intrinsics <file>", "intrinsics JSON (pixels, K matrix, normalized, or fov_x_deg)").conflicts(["npz"]))
    .option("--npz <file>", "official N3D-VLM / MoGe point map: depth and intrinsics from it")
    .option("--gravity <x,y,z>", "gravity direction in the camera frame (default: camera +y, down the image)", parseGravityArg)
    .addOption(new Option("--backend <name>", "grounding back end (default: regions with --region/--mask, else detect-lift; native: the compact model of --model)").choices(GROUNDER_NAMES))
    .option("--region <x1,y1,x2,y2>", "a region prompt, <region0>, <region1>, ... in the order given (pixels; repeat the flag)", parseRegionArg)
    .option("--mask <file>", "a region prompt as a PNG mask (bright = object; repeat the flag)", collect)
    .addOption(new Option("--mode <mode>", "ground then reason (executed CoT), or let the back end answer directly").choices(["ground", "direct"]).default("ground"))
    .option("--min-score <s>", "detect-lift: lowest detection score lifted (default 0.3)", parsePositiveNumberArg)
    .option("--endpoint-url <url>", "endpoint back end: OpenAI-compatible base URL (env N3D_ENDPOINT_URL)")
    .option("--endpoint-model <name>", "endpoint back end: model name (env N3D_ENDPOINT_MODEL)")
    .option("--endpoint-key <key>", "endpoint back end: API key (env N3D_ENDPOINT_KEY)")
    .option("--endpoint-cache <file>", "endpoint back end: JSONL cache of replies (reruns make no requests)")
    .option("--model <dir>", `native back end: model folder (default ${DEFAULT_MODEL_DIR} in the package)`)
    .option("--threads <n>", "native back end: onnxruntime threads (default 2)", parseThreads)
    .option("--overlay <file>", "write the image with the boxes used drawn over it (PNG)")
    .option("--batch <file>", "answer a JSONL file of questions: {id, image, depth, depth_scale, intrinsics (3x3), regions, masks, question} per line")
    .option("--json", "print one JSON object {type, answer, sentence, cot, boxes} (batch: one per line)")
    .action(async (question: string | undefined, flags: AskFlags) => {
      const grounders = new Grounders(flags, env);
      try {
        if ((flags.model !== undefined || flags.threads !== undefined) && flags.backend !== "native") {
          const flag = flags.model !== undefined ? "--model" : "--threads";
          throw new InputError("n3d ask", flag, flags.model ?? flags.threads, `goes with --backend native (the compact model); the ${flags.backend ?? "default"} back end does not use it`);
        }
        if (flags.batch !== undefined) {
          if (question !== undefined) throw new InputError("n3d ask", "question", question, "with --batch the questions come from the file; give one or the other");
          if (flags.overlay !== undefined) throw new InputError("n3d ask", "--overlay", flags.overlay, "draws one answer; it does not go with --batch");
          const { failed, total } = await runBatch(flags.batch, flags, grounders, io);
          if (failed > 0) {
            // Exit 1 (main.ts's "finished, but items were skipped" code, shared with n3d lift): the
            // run completed and every line has its answer or its error.
            io.stderr(`n3d: ${new InputError(flags.batch, "failed questions", `${failed} of ${total}`, "each is written as {id, error}; the others were answered").message}\n`);
            throw new CommanderError(1, "n3d.itemsSkipped", `${failed} questions failed`);
          }
          return;
        }
        if (question === undefined) throw new InputError("n3d ask", "question", "missing", 'give the question as an argument, e.g. n3d ask ... "Is <region0> taller than <region1>?"');
        const frame = await frameFromFlags(flags);
        const regions = await regionsOf(flags.region ?? [], flags.mask ?? [], frame, "n3d ask");
        const backend = flags.backend ?? (regions.length > 0 ? "regions" : "detect-lift");
        let result: AskResult;
        try {
          result = await ask(frame, question, { grounder: grounders.get(backend), mode: MODES[flags.mode], ...(regions.length > 0 ? { regions } : {}) });
        } catch (err) {
          if (!(err instanceof UnmappedQuestionError)) throw err;
          io.stderr(unmappedText(err));
          throw new CommanderError(2, "n3d.ask.unmapped", err.message);
        }
        if (flags.overlay !== undefined) await writeFileAtomic(flags.overlay, await renderAskOverlay(frame, result, { all: true }));
        io.stdout(flags.json ? `${JSON.stringify(askJson(result, frame.intrinsics))}\n` : answerText(result));
      } finally {
        await grounders.dispose();
      }
    });
}
