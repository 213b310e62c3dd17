// The README's commands must stay true: run every `npx n3d ...` line it shows against the built
// CLI (bin/n3d.js -> dist/, built by `npm test` before vitest runs), exactly as written except
// that output files go to a temporary folder.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const out = mkdtempSync(join(tmpdir(), "n3d-readme-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Shell lines of the README's sh blocks, continuations joined, comments dropped. */
function shellLines(): string[] {
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((b) =>
    b.replace(/\\\n\s*/g, "").split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#")),
  );
}

/**
 * Split a command line into argv: words split on spaces, a double-quoted word kept whole (the README
 * uses no other quoting or escapes); what follows --out (and --model) goes to a temp folder.
 */
export function argvOf(line: string, outDir = out): string[] {
  const argv = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
  // --model names a folder an earlier README command wrote with --out, so it lives there too.
  return argv.map((a, i) => (argv[i - 1] === "--out" || argv[i - 1] === "--model" ? join(outDir, a) : a));
}

describe("README", () => {
  const lines = shellLines();

  it("splits quoted arguments as a shell would", () => {
    expect(argvOf('ask --image a.png "Is the chair taller than the table?" --json', "/o")).toEqual(["ask", "--image", "a.png", "Is the chair taller than the table?", "--json"]);
    expect(argvOf("synth --out x --count 2", "/o")).toEqual(["synth", "--out", join("/o", "x"), "--count", "2"]);
    expect(argvOf("ground --model m --out g", "/o")).toEqual(["ground", "--model", join("/o", "m"), "--out", join("/o", "g")]);
  });

  it("starts with the install-and-run command and the test command", () => {
    expect(lines[0]).toMatch(/^npm ci && npx n3d /);
    expect(lines[1]).toBe("npm test");
  });

  const n3dCommands = lines.flatMap((l) => l.split("&&").map((c) => c.trim())).filter((c) => c.startsWith("npx n3d "));

  it("shows several n3d commands", () => {
    expect(n3dCommands.length).toBeGreaterThanOrEqual(4);
    expect(existsSync(join(root, "dist", "cli", "main.js"))).toBe(true);
  });

  it.each(n3dCommands)("%s", (command) => {
    const argv = argvOf(command.replace(/^npx n3d /, ""));
    const stdout = execFileSync(process.execPath, [join(root, "bin", "n3d.js"), ...argv], { cwd: root, encoding: "utf8" });
    expect(stdout.length).toBeGreaterThan(0);
    const outFile = argv[argv.indexOf("--out") + 1];
    // --out is a file, a folder, or (n3d eval) a prefix of PREFIX.json and friends.
    if (argv.includes("--out")) expect(existsSync(outFile!) || existsSync(`${outFile}.json`)).toBe(true);
  });
});
