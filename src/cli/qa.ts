import { access, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { InvalidArgumentError, Option } from "commander";
import type { Command } from "commander";
import { writeOfficialPointMapNpz } from "../formats/index.js";
import { depthToPointMap } from "../geometry/index.js";
import {
  BuiltinParaphraser,
  OpenAIParaphraser,
  buildN3dBench,
  generateQa,
  paraphraseQuestions,
  pointsFileFor,
  qaStats,
  readRepository,
  writeLlamaFactoryJson,
  writeN3dBench,
  writeQaJsonl,
  writeQaStats,
} from "../qa/index.js";
import type { QaForm, QaScene } from "../qa/index.js";
import { QUESTION_TYPES } from "../reason/index.js";
import { readDepth } from "../rgbd/index.js";
import type { CliIo } from "./io.js";
import { intAtLeastArg } from "./parsers.js";

function listParser(name: string, allowed: readonly string[]): (value: string) => string[] {
  return (value) => {
    const items = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
    const bad = items.find((s) => !allowed.includes(s));
    if (items.length === 0 || bad !== undefined) {
      throw new InvalidArgumentError(`${name} = "${bad ?? value}": not one of ${allowed.join(", ")}`);
    }
    return items;
  };
}

const intParser = (name: string, min: number): ((value: string) => number) => intAtLeastArg(name, min, 0xffffffff);

const FORMS: readonly QaForm[] = ["detection", "grounding", "reasoning"];

/** `n3d qa` and `n3d bench build`: questions and answers from a 3D-annotated repository. */
export function registerQaCommands(program: Command, io: CliIo, env: Readonly<Record<string, string | undefined>>): void {
  program
    .command("qa")
    .description("generate detection, grounding and reasoning QA from a 3D-annotated repository (e.g. n3d synth output)")
    .requiredOption("--repo <dir>", "repository: a folder with annotations.json (COCO with bbox3d), or the file")
    .requiredOption("--out <dir>", "output folder")
    .option("--seed <s>", "run seed: same seed, same records", intParser("seed", 0), 0)
    .option("--types <list>", "reasoning question types, comma-separated (default: all)", listParser("types", QUESTION_TYPES))
    .option("--forms <list>", "forms to generate: detection,grounding,reasoning", listParser("forms", FORMS))
    .option("--per-image <n>", "reasoning questions per type per image", intParser("per-image", 1))
    .addOption(new Option("--paraphrase <how>", "rewrite questions: the built-in bank, an OpenAI-compatible endpoint (N3D_OPENAI_BASE_URL, N3D_OPENAI_MODEL, N3D_OPENAI_API_KEY), or none").choices(["builtin", "openai", "none"]).default("builtin"))
    .addOption(new Option("--format <f>", "output: n3d JSONL, or LLaMA-Factory JSON as the official release trains on").choices(["n3d", "llamafactory"]).default("n3d"))
    .option("--points", "with --format llamafactory: write each image's point map (.npz, official layout) beside it in the repository")
    .action(
      async (flags: { repo: string; out: string; seed: number; types?: string[]; forms?: QaForm[]; perImage?: number; paraphrase: "builtin" | "openai" | "none"; format: "n3d" | "llamafactory"; points?: boolean }) => {
        const repo = await readRepository(flags.repo);
        await mkdir(flags.out, { recursive: true });
        let records = generateQa(repo.scenes, {
          seed: flags.seed,
          ...(flags.types ? { types: flags.types } : {}),
          ...(flags.forms ? { forms: flags.forms } : {}),
          ...(flags.perImage !== undefined ? { perImage: flags.perImage } : {}),
        });
        if (flags.paraphrase === "builtin") records = await paraphraseQuestions(records, new BuiltinParaphraser({ seed: flags.seed }));
        if (flags.paraphrase === "openai") {
          records = await paraphraseQuestions(records, new OpenAIParaphraser({ env, cachePath: join(flags.out, "paraphrase-cache.jsonl") }));
        }
        const outFile = join(flags.out, flags.format === "n3d" ? "qa.jsonl" : "llamafactory.json");
        if (flags.format === "n3d") await writeQaJsonl(outFile, records);
        else await writeLlamaFactoryJson(outFile, records);
        if (flags.points) {
          if (flags.format !== "llamafactory") throw new InvalidArgumentError("--points goes with --format llamafactory");
          for (const scene of repo.scenes) await writePointMap(scene);
        }
        const stats = await writeQaStats(join(flags.out, "stats"), qaStats(records));
        io.stdout(`wrote ${outFile}: ${records.length} records from ${repo.scenes.length} images; stats in ${stats.markdown}\n`);
      },
    );

  const bench = program.command("bench").description("N3D-Bench: a balanced spatial-reasoning benchmark with recorded truth and scoring rules");
  bench
    .command("build")
    .description("build N3D-Bench from the held-out images of a repository")
    .requiredOption("--repo <dir>", "repository: a folder with annotations.json (COCO with bbox3d), or the file")
    .requiredOption("--out <file>", "output JSON")
    .option("--seed <s>", "run seed", intParser("seed", 0), 0)
    .requiredOption("--per-type <n>", "most questions per type (each in open, numeric and multiple-choice forms)", intParser("per-type", 1))
    .option("--types <list>", "question types, comma-separated (default: all)", listParser("types", QUESTION_TYPES))
    .action(async (flags: { repo: string; out: string; seed: number; perType: number; types?: string[] }) => {
      const repo = await readRepository(flags.repo);
      const built = buildN3dBench(repo.scenes, { seed: flags.seed, perType: flags.perType, ...(flags.types ? { types: flags.types } : {}) });
      await writeN3dBench(flags.out, built);
      io.stdout(`wrote ${flags.out}: ${built.items.length} items\n`);
    });
}

/** The scene's point map in the official layout, beside its image (skipped when already there). */
async function writePointMap(scene: QaScene): Promise<void> {
  const path = join(scene.root, pointsFileFor(scene.imageFile));
  try {
    await access(path);
    return;
  } catch {
    // not there yet
  }
  const depth = await readDepth(join(scene.root, scene.depthFile), scene.depthScale === undefined || scene.depthScale === 1 ? {} : { scale: scene.depthScale });
  const pointsM = depthToPointMap(depth.depthM, depth.size, scene.intrinsics);
  await writeOfficialPointMapNpz(path, { pointsM, valid: null, intrinsics: scene.intrinsics, size: depth.size }, { compress: true });
}
