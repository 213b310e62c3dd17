// Test helper for src/cli: run the CLI in-process and capture what it printed. Not part of the build.
import type { CliIo } from "../io.js";
import { main } from "../main.js";

/** What one CLI run returned and printed. */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Run `n3d ARGS...` with `stdin` as standard input and an empty environment. */
export async function runCli(args: readonly string[], stdin = ""): Promise<CliRun> {
  let out = "";
  let err = "";
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), readStdin: async () => stdin, env: {} };
  const code = await main(["node", "n3d", ...args], io);
  return { code, out, err };
}
