import { Option } from "commander";
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { parseBoxesText, readOfficialPointMapNpz, serializeN3dBoxesJson } from "../formats/index.js";
import type { OfficialFormChoice, SceneNormalization } from "../formats/index.js";
import { intrinsicsFromFov, intrinsicsFromNormalized } from "../geometry/index.js";
import type { ImageSize, Intrinsics } from "../geometry/index.js";
import { readImage, readIntrinsics, writeBoxOverlay } from "../rgbd/index.js";
import { readTextArg } from "./io.js";
import type { CliIo } from "./io.js";
import { parsePositiveNumberArg, parseSizeArg } from "./parsers.js";

/** The camera a box text is read against: pixel intrinsics, image size, and (from an .npz) the bins' normalization. */
interface Camera {
  readonly K: Intrinsics;
  readonly size: ImageSize;
  readonly norm?: SceneNormalization;
}

interface CameraFlags {
  npz?: string;
  intrinsics?: string;
  fovX?: number;
}

const FORMS = ["auto", "float", "int"] as const;

/** `n3d boxes ...`: read, convert and draw 3D boxes. */
export function registerBoxesCommands(program: Command, io: CliIo): void {
  const boxes = program.command("boxes").description("read, convert and draw 3D boxes (n3d JSON and official N3D-VLM Bbox lines)");

  boxes
    .command("parse")
    .description("read boxes (official Bbox lines or n3d JSON) and print them as n3d JSON (camera frame, metres)")
    .addOption(new Option("--format <name>", "language of the input text").choices(["n3dvlm", "n3d"]).makeOptionMandatory())
    .addOption(new Option("--npz <file>", "the frame's official point map: intrinsics, size and the 1000-bin normalization").conflicts(["intrinsics", "size"]))
    .option("--intrinsics <file>", "intrinsics JSON (needs --size)")
    .option("--size <WxH>", "image size in pixels, e.g. 640x480", parseSizeArg)
    .option("--text <file>", "input text file, or - for standard input", "-")
    .addOption(new Option("--form <form>", "official number form: float, 1000-bin int, or auto-detect").choices(FORMS).default("auto"))
    .action(async (flags: CameraFlags & { format: "n3dvlm" | "n3d"; size?: ImageSize; text: string; form: OfficialFormChoice }) => {
      let camera: Camera;
      if (flags.npz !== undefined) camera = await cameraFromNpz(flags.npz);
      else {
        if (flags.intrinsics === undefined || flags.size === undefined) {
          throw new InputError("boxes parse", "camera", "missing", "give --npz FILE, or --intrinsics FILE with --size WxH");
        }
        camera = { K: await readIntrinsics(flags.intrinsics, flags.size), size: flags.size };
      }
      const where = flags.text === "-" ? "stdin" : flags.text;
      const text = await readTextArg(io, flags.text);
      const isJson = text.trimStart().startsWith("[");
      if (flags.format === "n3d" && !isJson) throw new InputError(where, "format", "n3d", "expected a JSON array of n3d boxes");
      if (flags.format === "n3dvlm" && isJson) throw new InputError(where, "format", "n3dvlm", "this is JSON; expected bbox_<id>=Bbox(...) lines (use --format n3d)");
      const parsed = parseBoxesText(text, where, { ...camera, form: flags.form });
      io.stdout(serializeN3dBoxesJson(parsed, camera.K));
    });

  boxes
    .command("render")
    .description("draw 3D boxes (n3d JSON or official Bbox lines) over an image and write a PNG")
    .requiredOption("--image <file>", "colour image (PNG, JPEG)")
    .addOption(new Option("--intrinsics <file>", "intrinsics JSON for the image").conflicts(["npz", "fovX"]))
    .addOption(new Option("--npz <file>", "the frame's official point map (normalized intrinsics, 1000-bin normalization)").conflicts(["fovX"]))
    .option("--fov-x <degrees>", "horizontal field of view when no intrinsics are given", parsePositiveNumberArg)
    .requiredOption("--boxes <file>", "boxes: n3d JSON array or official Bbox lines")
    .requiredOption("--out <file>", "output PNG")
    .addOption(new Option("--form <form>", "official number form: float, 1000-bin int, or auto-detect").choices(FORMS).default("auto"))
    .action(async (flags: CameraFlags & { image: string; boxes: string; out: string; form: OfficialFormChoice }) => {
      const image = await readImage(flags.image);
      const camera = await cameraForImage(flags, image.size);
      const parsed = parseBoxesText(await readTextArg(io, flags.boxes), flags.boxes, { ...camera, form: flags.form });
      await writeBoxOverlay(flags.out, image, camera.K, parsed);
      io.stdout(`wrote ${flags.out} (${parsed.length} box${parsed.length === 1 ? "" : "es"})\n`);
    });
}

/** The camera of an official point map at its own size. */
async function cameraFromNpz(path: string): Promise<Camera> {
  const pm = await readOfficialPointMapNpz(path);
  return { K: pm.intrinsics, size: pm.size, norm: pm.normalization };
}

/**
 * The camera for an image of the given size. Normalized intrinsics from an .npz scale to any image
 * size, so the original photo and the 640-pixel copy the point map was made from both work.
 */
async function cameraForImage(flags: CameraFlags, size: ImageSize): Promise<Camera> {
  if (flags.npz !== undefined) {
    const pm = await readOfficialPointMapNpz(flags.npz);
    return { K: intrinsicsFromNormalized(pm.intrinsicsNormalized, size), size, norm: pm.normalization };
  }
  if (flags.intrinsics !== undefined) return { K: await readIntrinsics(flags.intrinsics, size), size };
  if (flags.fovX !== undefined) return { K: intrinsicsFromFov((flags.fovX * Math.PI) / 180, size), size };
  throw new InputError("boxes render", "camera", "missing", "give --intrinsics FILE, --npz FILE or --fov-x DEGREES");
}
