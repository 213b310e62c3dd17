import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Option } from "commander";
import type { Command } from "commander";
import { InputError, parseJsonText } from "../errors.js";
import { box3DToOfficial, loadOfficialFrame, serializeBboxLines, serializeN3dBoxesJson, toN3dJson } from "../formats/index.js";
import { writeFileAtomic } from "../fsutil.js";
import { DEFAULT_GROUND_PROMPT, ModelGrounder, repositorySource, TRAIN_HINT, type GroundingAnswer } from "../model/index.js";
import { fillTemplate, GROUNDING_TEMPLATES, readRepository } from "../qa/index.js";
import { loadFrame, writeBoxOverlay, type RGBDFrame } from "../rgbd/index.js";
import type { CliIo } from "./io.js";
import { PACKAGE_ROOT } from "./package-root.js";
import { intAtLeastArg, parsePositiveNumberArg } from "./parsers.js";
import { ProgressBar } from "./progress.js";

/**
 * `n3d ground`: metric 3D boxes for a prompt on one RGB-D frame with the compact model, printed as
 * n3d JSON (or official Bbox lines) and, with --out DIR, written there with an overlay PNG; or, with
 * --dataset, every image of a repository grounded in one process into a JSONL file that
 * `n3d eval grounding` reads (one line per image: image_id, width, height, intrinsics, boxes).
 */

/** The shipped model's folder, relative to the package root. */
export const DEFAULT_MODEL_DIR = "models/n3d-small";

interface GroundFlags {
  image?: string;
  depth?: string;
  depthScale?: number;
  intrinsics?: string;
  npz?: string;
  prompt?: string;
  model?: string;
  format: "n3d" | "n3dvlm";
  out?: string;
  dataset?: string;
  task: "detect" | "categories";
  refine?: boolean;
  threads: number;
}

/** Commander parser for `--threads N`: an integer >= 1 (onnxruntime threads). */
export const parseThreads = intAtLeastArg("threads", 1);

/** The shipped model's folder: {@link DEFAULT_MODEL_DIR} under the package root, absolute. */
export function shippedModelDir(): string {
  return join(PACKAGE_ROOT, DEFAULT_MODEL_DIR);
}

/**
 * The model folder a command uses: `given` (its --model), else the shipped one. Throws an
 * InputError naming `where` when --model is not given and this version ships no model, saying
 * how to train one.
 */
export function modelDirOf(given: string | undefined, where: string): string {
  if (given !== undefined) return given;
  const dir = shippedModelDir();
  if (!existsSync(dir)) throw new InputError(where, "--model", DEFAULT_MODEL_DIR, `the shipped model is not in this version (no ${dir}); give --model DIR, or ${TRAIN_HINT}`);
  return dir;
}

/** The model of --model, else the shipped one; its evaluation note, if any, goes to stderr. */
async function openModel(flags: GroundFlags, io: CliIo): Promise<ModelGrounder> {
  const dir = modelDirOf(flags.model, "n3d ground");
  const note = await evaluationNote(dir);
  if (note !== null) io.stderr(`n3d ground: note: ${note}\n`);
  return ModelGrounder.load(dir, { threads: flags.threads });
}

/**
 * A model folder's `evaluation.json` ({ meetsTargets, summary }, written by
 * scripts/train-shipped.sh) as a one-line warning when the model misses its targets; null when
 * the folder has none or meets them.
 */
export async function evaluationNote(dir: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(join(dir, "evaluation.json"), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  const parsed = parseJsonText(text, join(dir, "evaluation.json")) as { meetsTargets?: unknown; summary?: unknown };
  if (parsed.meetsTargets !== false) return null;
  return `this model misses its accuracy targets (${typeof parsed.summary === "string" ? parsed.summary : "see evaluation.json"}); treat its boxes as rough`;
}

/** The frame of a single-image run from the flags. */
async function frameFromFlags(flags: GroundFlags): Promise<RGBDFrame> {
  const where = "n3d ground";
  if (flags.image === undefined) throw new InputError(where, "--image", "missing", "give --image FILE with --depth and --intrinsics (or --npz), or --dataset FILE");
  if (flags.npz !== undefined) {
    if (flags.depth !== undefined || flags.depthScale !== undefined || flags.intrinsics !== undefined) {
      throw new InputError(where, "--npz", flags.npz, "depth and intrinsics come from the point map; give --npz alone, or --depth with --intrinsics");
    }
    return (await loadOfficialFrame(flags.image, flags.npz)).frame;
  }
  if (flags.depth === undefined) throw new InputError(where, "--depth", "missing", "the model needs metric depth: give --depth FILE with --intrinsics FILE, or --npz FILE");
  if (flags.intrinsics === undefined) throw new InputError(where, "--intrinsics", "missing", "give --intrinsics FILE (or --npz FILE)");
  return loadFrame({ image: flags.image, depth: flags.depth, intrinsicsPath: flags.intrinsics, ...(flags.depthScale !== undefined ? { depthScale: flags.depthScale } : {}) });
}

/** The boxes of an answer as n3d boxes (label, camera-frame box, score). */
function n3dBoxes(answer: GroundingAnswer) {
  return answer.objects.map((o) => ({ label: o.label, box: o.box, score: o.score }));
}

/** The boxes in the requested language. */
function formatBoxes(answer: GroundingAnswer, frame: RGBDFrame, format: "n3d" | "n3dvlm"): string {
  if (format === "n3d") return serializeN3dBoxesJson(n3dBoxes(answer), frame.intrinsics);
  const records = answer.objects.map((o, id) => box3DToOfficial(o.label, o.box, { K: frame.intrinsics, size: frame.size, form: "float", id }));
  return records.length === 0 ? "" : serializeBboxLines(records);
}

async function groundOne(flags: GroundFlags, io: CliIo): Promise<void> {
  if (flags.out !== undefined && /\.jsonl?$/i.test(flags.out)) {
    throw new InputError("n3d ground", "--out", flags.out, "is a folder for one image (boxes and overlay); a .jsonl output goes with --dataset");
  }
  const frame = await frameFromFlags(flags);
  const grounder = await openModel(flags, io);
  try {
    const answer = await grounder.ground(frame, { prompt: flags.prompt ?? DEFAULT_GROUND_PROMPT, refine: flags.refine === true });
    if (answer.note !== undefined) io.stderr(`n3d ground: ${answer.note}\n`);
    const text = formatBoxes(answer, frame, flags.format);
    io.stdout(text);
    if (flags.out !== undefined) {
      await mkdir(flags.out, { recursive: true });
      await writeFileAtomic(join(flags.out, flags.format === "n3d" ? "boxes.json" : "boxes.txt"), text);
      await writeBoxOverlay(join(flags.out, "overlay.png"), frame, frame.intrinsics, n3dBoxes(answer));
    }
  } finally {
    await grounder.dispose();
  }
}

async function groundDataset(flags: GroundFlags, io: CliIo, isTty: boolean): Promise<void> {
  const where = "n3d ground";
  if (flags.image !== undefined || flags.depth !== undefined || flags.npz !== undefined || flags.intrinsics !== undefined) {
    throw new InputError(where, "--dataset", flags.dataset, "grounds the repository's own images; give --image/--depth/--intrinsics/--npz only without it");
  }
  if (flags.out === undefined) throw new InputError(where, "--out", "missing", "--dataset writes one JSON line per image: give --out PREDS.jsonl");
  const repo = await readRepository(flags.dataset!);
  const source = repositorySource(repo);
  const grounder = await openModel(flags, io);
  const bar = new ProgressBar("ground", source.count, io.stderr, isTty, "images");
  const lines: string[] = [];
  let boxes = 0;
  try {
    for (let i = 0; i < source.count; i++) {
      const { frame, scene } = await source.load(i);
      // detect: one prompt for everything; categories: one grounding prompt per category the image holds.
      const prompts =
        flags.task === "categories"
          ? [...new Set(scene.objects.map((o) => o.label))].sort().map((c) => fillTemplate(GROUNDING_TEMPLATES[0]!, { class: c }))
          : [flags.prompt ?? DEFAULT_GROUND_PROMPT];
      const found: ReturnType<typeof n3dBoxes> = [];
      for (const prompt of prompts) found.push(...n3dBoxes(await grounder.ground(frame, { prompt, refine: flags.refine === true })));
      boxes += found.length;
      lines.push(
        JSON.stringify({
          image_id: scene.imageId,
          width: frame.size.width,
          height: frame.size.height,
          intrinsics: frame.intrinsics,
          boxes: found.map((b) => toN3dJson(b, frame.intrinsics)),
        }),
      );
      bar.update(i + 1);
    }
  } finally {
    await grounder.dispose();
  }
  await writeFileAtomic(flags.out, lines.map((l) => `${l}\n`).join(""));
  io.stdout(`wrote ${flags.out}: ${lines.length} images, ${boxes} boxes\n`);
}

/** `n3d ground`. */
export function registerGroundCommand(program: Command, io: CliIo, isTty: boolean): void {
  program
    .command("ground")
    .description("metric 3D boxes for a prompt with the compact model: one RGB-D frame, or every image of a repository (--dataset)")
    .option("--image <file>", "colour image (PNG, JPEG)")
    .option("--depth <file>", "depth map: 16-bit PNG (with --depth-scale, default millimetres), .npy or .npz, metres")
    .option("--depth-scale <units>", "depth PNG units per metre (default 1000)", parsePositiveNumberArg)
    .option("--intrinsics <file>", "intrinsics JSON (fx, fy, cx, cy in pixels)")
    .option("--npz <file>", "official point map (.npz): depth and intrinsics together")
    .option("--prompt <text>", `what to ground (default "${DEFAULT_GROUND_PROMPT}")`)
    .option("--model <dir>", `model folder (default ${DEFAULT_MODEL_DIR} in the package)`)
    .addOption(new Option("--format <name>", "printed boxes: n3d JSON or official Bbox lines").choices(["n3d", "n3dvlm"]).default("n3d"))
    .option("--out <path>", "one frame: a folder for boxes and overlay.png; --dataset: the predictions JSONL file")
    .option("--dataset <file>", "repository folder or annotations.json: ground every image into --out (JSONL)")
    .addOption(
      new Option("--task <name>", "--dataset: detect = one detect-all prompt per image; categories = one grounding prompt per category the image holds (the paper's grounding protocol)")
        .choices(["detect", "categories"])
        .default("detect"),
    )
    .option("--refine", "re-measure each box with the frame's depth: its projection is lifted as a box prompt (lift/'s pipeline)")
    .option("--threads <n>", "onnxruntime threads", parseThreads, 2)
    .action(async (flags: GroundFlags) => {
      if (flags.dataset !== undefined) await groundDataset(flags, io, isTty);
      else await groundOne(flags, io);
    });
}
