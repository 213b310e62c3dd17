import { InvalidArgumentError, Option } from "commander";
import type { Command } from "commander";
import type { ImageSize } from "../geometry/index.js";
import { DEFAULT_SYNTH_SIZE, NOISE_PRESET_NAMES, writeSynthDataset } from "../synth/index.js";
import type { CliIo } from "./io.js";
import { intAtLeastArg, intInRangeArg, parseSizeArg } from "./parsers.js";
import { ProgressBar } from "./progress.js";

const parseCount = intAtLeastArg("count", 1);
const parseSeed = intInRangeArg("seed", 0, 0xffffffff);

function parseRatio(value: string): number {
  const x = Number(value);
  if (value.trim() === "" || !(x >= 0 && x <= 1)) throw new InvalidArgumentError(`indoor-ratio = "${value}": must be a number in [0, 1]`);
  return x;
}

/** Commander parser for an inclusive range "A-B" of non-negative numbers (or a single "A"). */
function rangeParser(name: string, integer: boolean): (value: string) => [number, number] {
  return (value) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?))?\s*$/.exec(value);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || lo > hi || (integer && !(Number.isInteger(lo) && Number.isInteger(hi)))) {
      throw new InvalidArgumentError(`${name} = "${value}": expected ${integer ? "integers" : "numbers"} MIN-MAX with MIN <= MAX, e.g. ${integer ? "2-12" : "45-90"}`);
    }
    return [lo, hi];
  };
}

/** `n3d synth`: write a synthetic RGB-D dataset with exact 3D boxes. */
export function registerSynthCommand(program: Command, io: CliIo, isTty: boolean): void {
  program
    .command("synth")
    .description("render synthetic RGB-D scenes with exact 3D boxes into a COCO-style dataset folder")
    .requiredOption("--out <dir>", "output folder (created; a partly written one is resumed)")
    .requiredOption("--count <n>", "number of scenes", parseCount)
    .option("--seed <s>", "run seed: same seed, same bytes", parseSeed, 0)
    .option("--size <WxH>", "image size in pixels", parseSizeArg, DEFAULT_SYNTH_SIZE)
    .addOption(new Option("--noise <preset>", "sensor noise preset").choices(NOISE_PRESET_NAMES).default("none"))
    .option("--indoor-ratio <r>", "share of indoor (room) scenes, 0..1", parseRatio, 0.6)
    .addOption(new Option("--depth-format <f>", "depth files: 16-bit PNG millimetres or float32 .npy metres").choices(["png16", "npy"]).default("png16"))
    .option("--objects <min-max>", "objects per scene", rangeParser("objects", true), [2, 12] as [number, number])
    .option("--fov-x <min-max>", "horizontal field of view range, degrees", rangeParser("fov-x", false), [45, 90] as [number, number])
    .option("--categories <list>", "comma-separated categories to use (default: all)", (v: string) => v.split(",").map((c) => c.trim()).filter((c) => c !== ""))
    .option("--preview", "also draw each scene's visible 3D boxes over its image into OUT/preview/")
    .action(async (flags: {
      out: string;
      count: number;
      seed: number;
      size: ImageSize;
      noise: string;
      indoorRatio: number;
      objects: [number, number];
      fovX: [number, number];
      categories?: string[];
      depthFormat: "png16" | "npy";
      preview?: boolean;
    }) => {
      const bar = new ProgressBar("synth", flags.count, io.stderr, isTty, "scenes");
      const result = await writeSynthDataset({
        outDir: flags.out,
        count: flags.count,
        seed: flags.seed,
        size: flags.size,
        noise: flags.noise,
        indoorRatio: flags.indoorRatio,
        objects: flags.objects,
        fovXDeg: flags.fovX,
        ...(flags.categories ? { categories: flags.categories } : {}),
        depthFormat: flags.depthFormat,
        preview: flags.preview === true,
        onProgress: (done, _total, skipped) => bar.update(done, skipped),
      });
      io.stdout(
        `wrote ${result.annotationsPath}: ${result.scenes} scenes (${result.skipped} already there), ${result.objects} objects\n`,
      );
    });
}
