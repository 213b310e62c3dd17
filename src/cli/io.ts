import { readFile } from "node:fs/promises";

/**
 * Where the CLI's text goes. Only src/cli touches process streams; commands write through this
 * so tests can run the CLI in-process and read what it printed.
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The whole of standard input as text (for `--text -`). */
  readonly readStdin: () => Promise<string>;
  /** Whether stderr is a terminal (progress bars redraw in place there). */
  readonly stderrIsTty?: boolean;
  /** Environment variables commands may read (only the CLI reads the environment). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The real process streams. */
export const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  },
  stderrIsTty: process.stderr.isTTY === true,
  env: process.env,
};

/** Read a text argument that is a path or "-" for standard input. */
export async function readTextArg(io: CliIo, pathOrDash: string): Promise<string> {
  return pathOrDash === "-" ? io.readStdin() : readFile(pathOrDash, "utf8");
}
