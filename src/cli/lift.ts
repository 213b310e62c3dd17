import { availableParallelism } from "node:os";
import { CommanderError, InvalidArgumentError, Option } from "commander";
import type { Command } from "commander";
import { DEPTH_SOURCES } from "../depth/index.js";
import { InputError } from "../errors.js";
import type { Intrinsics } from "../geometry/index.js";
import { DEFAULT_CHUNK_SIZE, DEFAULT_LIFT_OPTIONS, DEFAULT_MIN_SCORE, LIFT_REJECT_REASONS, LIFT_SKIP_REASONS, mergeLift, runLift } from "../lift/index.js";
import type { LiftDatasetSource, LiftRunResult, ManifestCounts, ShardSpec } from "../lift/index.js";
import { readIntrinsics } from "../rgbd/index.js";
import type { CliIo } from "./io.js";
import { intAtLeastArg, parsePositiveNumberArg } from "./parsers.js";
import { ProgressBar } from "./progress.js";

/** Exit code of `n3d lift` when it finished but skipped some items (0: nothing skipped; 2: bad usage or input). */
export const EXIT_ITEMS_SKIPPED = 1;

/**
 * Thrown at the end of a `n3d lift` run that skipped items (after its summary is printed): the CLI
 * turns it into exit code {@link EXIT_ITEMS_SKIPPED} and prints nothing more.
 */
export class ItemsSkipped extends CommanderError {
  constructor(skipped: number) {
    super(EXIT_ITEMS_SKIPPED, "n3d.itemsSkipped", `${skipped} items skipped`);
  }
}

/** `k/n` -> shard k of n (0 <= k < n). */
function parseShard(value: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) throw new InvalidArgumentError(`shard = "${value}": expected k/n with 0 <= k < n, e.g. 0/8`);
  return { index, count };
}

const intParser = (name: string, min: number): ((value: string) => number) => intAtLeastArg(name, min, 1e9);

function parseFov(value: string): number {
  const x = Number(value);
  if (value.trim() === "" || !(x > 0 && x < 180)) throw new InvalidArgumentError(`fov-x = "${value}": must be a number of degrees in (0, 180)`);
  return x;
}

function parseScore(value: string): number {
  const x = Number(value);
  if (value.trim() === "" || !(x > 0 && x <= 1)) throw new InvalidArgumentError(`min-score = "${value}": must be a number in (0, 1]`);
  return x;
}

/** Repeated `--lift-option key=value`: the value is read as JSON (numbers, true/false, "strings") or else taken as a string. */
function collectLiftOption(value: string, previous: Record<string, unknown>): Record<string, unknown> {
  const eq = value.indexOf("=");
  const key = eq < 0 ? "" : value.slice(0, eq).trim();
  if (eq < 0 || key === "") throw new InvalidArgumentError(`lift-option = "${value}": expected key=value, e.g. maxDepthM=20`);
  const raw = value.slice(eq + 1).trim();
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // a bare word: a string option such as outlierMethod=mad
  }
  if (key in previous) throw new InvalidArgumentError(`lift-option = "${value}": ${key} is given twice`);
  return { ...previous, [key]: parsed };
}

interface LiftFlags {
  dataset?: string;
  openimages?: string;
  classes?: string;
  images?: string;
  out?: string;
  depth: string;
  depthDir?: string;
  depthScale?: number;
  detector?: "centernet";
  detectAll?: boolean;
  minScore: number;
  shard?: ShardSpec;
  workers?: number;
  chunkSize: number;
  fovX?: number;
  intrinsics?: string;
  liftOption: Record<string, unknown>;
}

/** `n3d lift` and `n3d lift merge`. */
export function registerLiftCommands(program: Command, io: CliIo, isTty: boolean): void {
  const lift = program
    .command("lift")
    .description("lift 2D annotations (COCO / Objects365 JSON, OpenImages CSV) to metric 3D boxes with depth, into a sharded, resumable repository")
    .option("--dataset <file>", "COCO-style annotations JSON (COCO, Objects365, n3d synth): images with file_name, optional depth_file, depth_scale, intrinsics, gravity")
    .option("--openimages <file>", "OpenImages boxes CSV (*-annotations-bbox.csv) instead of --dataset; images are <ImageID>.jpg under --images")
    .option("--classes <file>", "with --openimages: the class-descriptions CSV (LabelName,DisplayName)")
    .option("--images <dir>", "folder image file_names are relative to (default: the annotation file's folder)")
    .option("--out <dir>", "repository folder (required; a folder with the same options is resumed)")
    .option("--depth <source>", `where depth comes from: ${DEPTH_SOURCES.join(" | ")}`, "sensor")
    .option("--depth-dir <dir>", "folder depth_files are relative to; images without one use <image stem>.png|.npy|.npz here (default: the annotation file's folder)")
    .option("--depth-scale <s>", "units per metre of integer depth for images without depth_scale (default 1000: millimetres)", parsePositiveNumberArg)
    .addOption(new Option("--detector <name>", "detect objects in images without annotations and lift them too").choices(["centernet"]))
    .option("--detect-all", "with --detector: detect in every image, not only those without annotations")
    .option("--min-score <s>", "with --detector: lowest score lifted, in (0, 1]", parseScore, DEFAULT_MIN_SCORE)
    .option("--shard <k/n>", "lift only shard k of n (images by a hash of their id; stable across machines)", parseShard)
    .option("--workers <n>", `worker threads (default: the number of cores, ${availableParallelism()} here); 0 lifts in the main thread`, intParser("workers", 0))
    .option("--chunk-size <n>", "images per chunk file (the unit of resume)", intParser("chunk-size", 1), DEFAULT_CHUNK_SIZE)
    .option("--fov-x <deg>", "horizontal field of view assumed for images without intrinsics", parseFov)
    .option("--intrinsics <file>", "intrinsics JSON ({fx, fy, cx, cy}, {K}, ...) for images without intrinsics")
    .addOption(
      new Option("--lift-option <key=value>", `override a lifting option (repeatable); options: ${Object.keys(DEFAULT_LIFT_OPTIONS).join(", ")}`)
        .argParser(collectLiftOption)
        .default({}, "none"),
    )
    .addHelpText(
      "after",
      "\nWrites OUT/shards/*.jsonl (one record per object), OUT/annotations.json (kept boxes, readable by `n3d qa --repo OUT`),\n" +
        "OUT/report.md and OUT/manifest.json. Exit code 0: nothing skipped; 1: finished, some items skipped (see the report); 2: bad usage or input.\n" +
        "Join shard outputs with `n3d lift merge DIR... --out DIR`.",
    )
    .action(async (flags: LiftFlags) => {
      const out = requireFlag(flags.out, "--out", "the repository folder");
      const dataset = datasetSource(flags);
      if (flags.detectAll && !flags.detector) throw new InputError("n3d lift", "--detect-all", true, "needs --detector");
      let intrinsics: Intrinsics | undefined;
      if (flags.intrinsics !== undefined) intrinsics = await readIntrinsics(flags.intrinsics);
      let bar: ProgressBar | null = null;
      const result = await runLift({
        dataset,
        outDir: out,
        ...(flags.images === undefined ? {} : { imagesDir: flags.images }),
        depth: flags.depth,
        ...(flags.depthDir === undefined ? {} : { depthDir: flags.depthDir }),
        ...(flags.depthScale === undefined ? {} : { depthScale: flags.depthScale }),
        ...(intrinsics === undefined ? {} : { intrinsics, intrinsicsFile: flags.intrinsics! }),
        ...(flags.fovX === undefined ? {} : { fovXDeg: flags.fovX }),
        ...(flags.detector === undefined ? {} : { detector: flags.detector, detectAll: flags.detectAll === true, minScore: flags.minScore }),
        liftOptions: flags.liftOption,
        ...(flags.shard === undefined ? {} : { shard: flags.shard }),
        ...(flags.workers === undefined ? {} : { workers: flags.workers }),
        chunkSize: flags.chunkSize,
        onProgress: (p) => {
          bar ??= new ProgressBar("lift", p.total, io.stderr, isTty, "images");
          bar.update(p.done, p.resumed);
        },
      });
      io.stdout(summaryText(result));
      if (result.counts.skipped > 0 || result.redone.length > 0) throw new ItemsSkipped(result.counts.skipped);
    });

  lift
    .command("merge")
    .description("join the repositories of shards of one lift job (same dataset and options, different --shard k) into one")
    .argument("<dirs...>", "lift output folders (finished shard runs, or earlier merges)")
    .option("--out <dir>", "merged repository folder (required)")
    .action(async (dirs: string[], flags: { out?: string }) => {
      const out = requireFlag(flags.out ?? (lift.opts() as { out?: string }).out, "--out", "the merged repository folder");
      const merged = await mergeLift({ inputs: dirs, outDir: out });
      const missing = merged.missingShards.length === 0 ? "" : `; shards not given: ${merged.missingShards.join(", ")}`;
      io.stdout(`merged shards ${merged.shards.join(", ")} of ${merged.shards.length + merged.missingShards.length}${missing}\n${countsText(merged.counts)}wrote ${merged.files.annotationsPath}, ${merged.files.reportPath}, ${merged.files.manifestPath}\n`);
    });
}

function requireFlag(value: string | undefined, flag: string, what: string): string {
  if (value === undefined || value === "") throw new InputError("n3d lift", flag, value, `missing; give ${what}`);
  return value;
}

function datasetSource(flags: LiftFlags): LiftDatasetSource {
  if (flags.dataset !== undefined && flags.openimages !== undefined) throw new InputError("n3d lift", "--openimages", flags.openimages, "give either --dataset or --openimages, not both");
  if (flags.openimages !== undefined) {
    const classes = requireFlag(flags.classes, "--classes", "the OpenImages class-descriptions CSV");
    return { kind: "openimages", boxesPath: flags.openimages, classesPath: classes };
  }
  if (flags.classes !== undefined) throw new InputError("n3d lift", "--classes", flags.classes, "goes with --openimages");
  return { kind: "coco", path: requireFlag(flags.dataset, "--dataset", "the annotations JSON (or --openimages with --classes)") };
}

/** The closing summary of a run: what was done, the counts by reason, where the files are. */
function summaryText(r: LiftRunResult): string {
  const speed = r.chunks.written === 0 ? "" : `; ${r.seconds.toFixed(1)} s, ${r.imagesPerSecond.toFixed(1)} images/s with ${r.workers === 0 ? "the main thread" : `${r.workers} workers`}`;
  const lines = [`${r.images} images in shard ${r.config.shard.index}/${r.config.shard.count}: ${r.chunks.written} chunks written, ${r.chunks.resumed} already done${speed}`];
  for (const c of r.redone) lines.push(`redone ${c.file}: ${c.reason}`);
  return `${lines.join("\n")}\n${countsText(r.counts)}wrote ${r.files.annotationsPath}, ${r.files.reportPath}, ${r.files.manifestPath}\n`;
}

function countsText(c: ManifestCounts): string {
  const list = (counts: Readonly<Record<string, number>>, order: readonly string[]): string =>
    order.filter((k) => (counts[k] ?? 0) > 0).map((k) => `${k} ${counts[k]}`).join(", ");
  const rejected = c.rejected === 0 ? "" : ` (${list(c.rejected_by_reason, LIFT_REJECT_REASONS)})`;
  const skipped = c.skipped === 0 ? "skipped: nothing\n" : `skipped: ${c.skipped} items (${list(c.skipped_by_reason, LIFT_SKIP_REASONS)}); see the report\n`;
  return `images: ${c.images} (${c.images_lifted} lifted, ${c.images_skipped} skipped)\nobjects: ${c.objects}: ${c.kept} kept, ${c.rejected} rejected${rejected}\n${skipped}`;
}
