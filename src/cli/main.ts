import { createRequire } from "node:module";
import { Command, CommanderError } from "commander";
import { InputError } from "../errors.js";
import { registerAskCommand } from "./ask.js";
import { registerBoxesCommands } from "./boxes.js";
import { registerDemoCommand } from "./demo.js";
import { registerFrameCommands } from "./frame.js";
import { registerLiftCommands } from "./lift.js";
import { registerEvalCommands } from "./eval.js";
import { registerQaCommands } from "./qa.js";
import { registerReasonCommand } from "./reason.js";
import { registerSynthCommand } from "./synth.js";
import { registerTrainCommand } from "./train.js";
import { registerGroundCommand } from "./ground.js";
import { processIo } from "./io.js";
import type { CliIo } from "./io.js";

/** Exit codes: 0 success, 1 an internal error (a bug: please report), 2 bad input or usage. */
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_BAD_INPUT = 2;

/** Build the `n3d` command tree. A fresh tree per call, so the CLI can run many times in-process. */
export function buildProgram(io: CliIo): Command {
  const program = new Command("n3d")
    .description("N3D-VLM in TypeScript: metric 3D boxes from RGB-D frames, and spatial reasoning over them")
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  registerDemoCommand(program, io);
  registerBoxesCommands(program, io);
  registerFrameCommands(program, io);
  registerSynthCommand(program, io, io.stderrIsTty === true);
  registerLiftCommands(program, io, io.stderrIsTty === true);
  registerReasonCommand(program, io);
  registerQaCommands(program, io, io.env ?? {});
  registerEvalCommands(program, io, io.env ?? {});
  registerAskCommand(program, io, io.env ?? {});
  registerTrainCommand(program, io, io.stderrIsTty === true);
  registerGroundCommand(program, io, io.stderrIsTty === true);
  // Subcommands inherit output and exit handling.
  for (const cmd of allCommands(program)) cmd.configureOutput({ writeOut: io.stdout, writeErr: io.stderr }).exitOverride();
  return program;
}

/**
 * Run the CLI on argv (as process.argv: node, script, args...) and return the exit code.
 * Never calls process.exit; bin/n3d.js sets process.exitCode from the result.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return EXIT_OK;
  } catch (err) {
    return reportError(err, io);
  }
}

/** Turn any thrown value into one line on stderr and an exit code. */
export function reportError(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    // Commander has already printed its message (unknown flag, missing argument, --help).
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") {
      return EXIT_OK;
    }
    if (err.code === "n3d.itemsSkipped") return err.exitCode; // n3d lift finished but skipped items (src/cli/lift.ts)
    return err.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
  }
  if (err instanceof InputError) {
    io.stderr(`n3d: ${err.message}\n`);
    return EXIT_BAD_INPUT;
  }
  const sys = err as NodeJS.ErrnoException;
  if (sys && typeof sys.code === "string" && typeof sys.path === "string") {
    const what = SYSTEM_ERRORS[sys.code] ?? sys.message.split("\n")[0];
    io.stderr(`n3d: ${sys.path}: ${what}\n`);
    return EXIT_BAD_INPUT;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr(`n3d: internal error: ${message.split("\n")[0]} (this is a bug; please report it with the command you ran)\n`);
  return EXIT_INTERNAL;
}

/** File-system error codes in words (the path is printed before them). */
const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOTDIR: "a folder on this path is a file",
  EISDIR: "is a directory, expected a file",
  ENOSPC: "no space left on the device",
  EROFS: "the file system is read-only",
  EEXIST: "already exists",
};

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/** The package version, read from package.json (two levels up from both src/cli and dist/cli). */
const VERSION = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;
