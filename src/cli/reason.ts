import { readFile } from "node:fs/promises";
import { InvalidArgumentError, Option } from "commander";
import type { Command } from "commander";
import { parseN3dBoxesJson } from "../formats/index.js";
import type { Vec3 } from "../geometry/index.js";
import { LENGTH_UNITS, QUESTION_TYPES, nameObjects, reason } from "../reason/index.js";
import type { LengthUnit, PrintFrame } from "../reason/index.js";

import type { CliIo } from "./io.js";

function parseVec3(value: string): Vec3 {
  const parts = value.split(",").map((p) => Number(p.trim()));
  if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p))) {
    throw new InvalidArgumentError(`gravity = "${value}": expected three numbers x,y,z (camera frame)`);
  }
  return [parts[0]!, parts[1]!, parts[2]!];
}

/** `n3d reason`: run one executed spatial-reasoning program over boxes. */
export function registerReasonCommand(program: Command, io: CliIo): void {
  program
    .command("reason")
    .description("answer a spatial question over 3D boxes with an executed chain of thought")
    .requiredOption("--boxes <file>", "n3d JSON boxes (camera frame, metres)")
    .addOption(new Option("--question-type <type>", "question program").choices(QUESTION_TYPES).makeOptionMandatory())
    .requiredOption("--objects <names>", "comma-separated object names: a label, `<k>_<label>` when a label repeats, or \"red chair\"")
    .addOption(new Option("--unit <unit>", "unit of quantitative answers").choices(LENGTH_UNITS).default("m"))
    .addOption(new Option("--frame <frame>", "frame of the boxes printed in the trace").choices(["n3d", "official"]).default("n3d"))
    .option("--gravity <x,y,z>", "gravity direction in the camera frame (default: camera +y)", parseVec3)
    .option("--radius <metres>", "radius for count_within_distance", Number)
    .option("--json", "print {type, answer, sentence, cot} as JSON")
    .action(async (flags: { boxes: string; questionType: string; objects: string; unit: LengthUnit; frame: PrintFrame; gravity?: Vec3; radius?: number; json?: boolean }) => {
      const boxes = parseN3dBoxesJson(await readFile(flags.boxes, "utf8"), flags.boxes);
      const objects = nameObjects(boxes.map((b) => ({ label: b.label, box: b.box })));
      const names = flags.objects.split(",").map((n) => n.trim()).filter((n) => n !== "");
      const result = reason(flags.questionType, names, objects, {
        unit: flags.unit,
        frame: flags.frame,
        ...(flags.gravity ? { gravity: flags.gravity } : {}),
        ...(flags.radius !== undefined ? { radiusM: flags.radius } : {}),
      });
      if (flags.json) {
        io.stdout(`${JSON.stringify({ type: result.type, answer: result.answer, sentence: result.sentence, cot: result.cot, used: result.used })}\n`);
      } else {
        io.stdout(`${result.cot}\n`);
      }
    });
}
