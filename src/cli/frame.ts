import { Option } from "commander";
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { loadOfficialFrame } from "../formats/index.js";
import { frameStats, loadFrame } from "../rgbd/index.js";
import type { FrameStats, RGBDFrame } from "../rgbd/index.js";
import type { CliIo } from "./io.js";
import { parsePositiveNumberArg } from "./parsers.js";

interface FrameInfoFlags {
  image: string;
  depth?: string;
  depthScale?: number;
  intrinsics?: string;
  npz?: string;
  fovX?: number;
  json?: boolean;
}

/** `n3d frame ...`: inspect RGB-D frames. */
export function registerFrameCommands(program: Command, io: CliIo): void {
  const frame = program.command("frame").description("inspect RGB-D frames (image + depth + intrinsics)");
  frame
    .command("info")
    .description("print size, valid-depth fraction, depth range and intrinsics of a frame")
    .requiredOption("--image <file>", "colour image (PNG, JPEG)")
    .option("--depth <file>", "depth: 16-bit PNG, .npy (metres or integer units) or .npz with a `depth` array")
    .option("--depth-scale <units>", "integer depth units per metre: 1000 = millimetres, 5000 = TUM", parsePositiveNumberArg)
    .addOption(new Option("--intrinsics <file>", "intrinsics JSON (pixels, K matrix, normalized, or fov_x_deg)").conflicts(["npz", "fovX"]))
    .addOption(new Option("--npz <file>", "official N3D-VLM / MoGe point map (.npz): depth and intrinsics from it").conflicts(["fovX"]))
    .option("--fov-x <degrees>", "horizontal field of view when no intrinsics file is given", parsePositiveNumberArg)
    .option("--json", "print JSON instead of text")
    .action(async (flags: FrameInfoFlags) => {
      const loaded = await loadFrameFromFlags(flags);
      const stats = frameStats(loaded);
      io.stdout(flags.json ? `${JSON.stringify(statsJson(stats), null, 2)}\n` : statsText(stats));
    });
}

/** Load a frame from `--image` plus either `--npz` or `--depth` with intrinsics (file or FOV). */
async function loadFrameFromFlags(flags: FrameInfoFlags): Promise<RGBDFrame> {
  if (flags.npz !== undefined) {
    if (flags.depth !== undefined || flags.depthScale !== undefined) {
      throw new InputError("--depth", "with --npz", flags.depth ?? flags.depthScale, "depth comes from the point map; give one or the other");
    }
    return (await loadOfficialFrame(flags.image, flags.npz)).frame;
  }
  if (flags.depth === undefined) throw new InputError("frame info", "--depth", "missing", "give --depth FILE (or --npz FILE)");
  if (flags.intrinsics === undefined && flags.fovX === undefined) {
    throw new InputError("frame info", "intrinsics", "missing", "give --intrinsics FILE, --fov-x DEGREES, or --npz FILE");
  }
  return loadFrame({
    image: flags.image,
    depth: flags.depth,
    ...(flags.depthScale !== undefined ? { depthScale: flags.depthScale } : {}),
    ...(flags.intrinsics !== undefined ? { intrinsicsPath: flags.intrinsics } : {}),
    ...(flags.fovX !== undefined ? { fovXDeg: flags.fovX } : {}),
  });
}

function statsJson(s: FrameStats): object {
  return {
    width: s.size.width,
    height: s.size.height,
    validFraction: s.validFraction,
    depthMinM: s.depthMinM,
    depthMedianM: s.depthMedianM,
    depthMaxM: s.depthMaxM,
    intrinsics: s.intrinsics,
  };
}

function statsText(s: FrameStats): string {
  const m = (x: number | null): string => (x === null ? "-" : `${x.toFixed(3)} m`);
  const K = s.intrinsics;
  const fovX = (2 * Math.atan(s.size.width / 2 / K.fx) * 180) / Math.PI;
  return [
    `size         ${s.size.width} x ${s.size.height}`,
    `valid depth  ${(100 * s.validFraction).toFixed(1)} %`,
    `depth        min ${m(s.depthMinM)}, median ${m(s.depthMedianM)}, max ${m(s.depthMaxM)}`,
    `intrinsics   fx ${K.fx.toFixed(3)}, fy ${K.fy.toFixed(3)}, cx ${K.cx.toFixed(3)}, cy ${K.cy.toFixed(3)} (pixels; horizontal FOV ${fovX.toFixed(1)} deg)`,
    "",
  ].join("\n");
}
