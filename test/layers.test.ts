// DESIGN.md: imports point down only. Each layer may import from layers listed before it (and
// from the root helpers src/*.ts), never from one after it. This test reads every source file.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** Lowest first, as DESIGN.md lists them. */
export const LAYERS = [
  "geometry", "rgbd", "formats", "synth", "depth", "detect", "lift",
  "reason", "qa", "graph", "model", "ground", "eval", "cli",
] as const;

const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), "..", "src");
const testDir = dirname(fileURLToPath(import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** The layer a file under src/ belongs to, or null for root helpers (src/errors.ts ...). */
function layerOf(file: string): string | null {
  const parts = relative(srcDir, file).split(sep);
  return parts.length > 1 ? parts[0]! : null;
}

function rank(layer: string): number {
  const i = (LAYERS as readonly string[]).indexOf(layer);
  if (i < 0) throw new Error(`src/${layer} is not a layer in DESIGN.md; add it to LAYERS in test/layers.test.ts`);
  return i;
}

/** Relative import specifiers in a file (static imports, re-exports and dynamic imports). */
export function importsOf(text: string): string[] {
  const specs: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|import\s+["']([^"']+)["']/g;
  for (const m of text.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3])!);
  return specs.filter((s) => s.startsWith("."));
}

/** Upward imports: "file -> target" strings. */
export function upwardImports(files: readonly string[], read: (f: string) => string): string[] {
  const bad: string[] = [];
  for (const file of files) {
    const from = layerOf(file);
    for (const spec of importsOf(read(file))) {
      const target = resolve(dirname(file), spec);
      if (relative(srcDir, target).startsWith("..")) {
        // Outside src/: only tests may reach test helpers; shipped code never leaves src/.
        if (!(file.endsWith(".test.ts") && target.startsWith(testDir))) bad.push(`${relative(srcDir, file)} -> ${spec} (outside src/)`);
        continue;
      }
      const to = layerOf(target);
      if (to === null) continue; // root helpers are importable from anywhere
      if (from === null) {
        if (!relative(srcDir, file).startsWith("index")) bad.push(`${relative(srcDir, file)} -> ${spec} (root helpers import no layer)`);
        continue;
      }
      if (rank(to) > rank(from)) bad.push(`${relative(srcDir, file)} -> ${spec} (${from} may not import ${to})`);
    }
  }
  return bad;
}

describe("layering", () => {
  it("no module imports from a layer above it", () => {
    const files = sourceFiles(srcDir);
    expect(files.length).toBeGreaterThan(5);
    expect(upwardImports(files, (f) => readFileSync(f, "utf8"))).toEqual([]);
  });

  it("catches an upward import (the check itself can fail)", () => {
    const fake = join(srcDir, "geometry", "fake.ts");
    const bad = upwardImports([fake], () => 'import { x } from "../rgbd/index.js";\nexport * from "./box3d.js";');
    expect(bad).toHaveLength(1);
    expect(bad[0]).toContain("geometry may not import rgbd");
  });

  it("lets only tests import from outside src/", () => {
    const spec = 'import { errorOf } from "../../test/helpers.js";';
    expect(upwardImports([join(srcDir, "rgbd", "npy.test.ts")], () => spec)).toEqual([]);
    expect(upwardImports([join(srcDir, "rgbd", "npy.ts")], () => spec)).toEqual(["rgbd/npy.ts -> ../../test/helpers.js (outside src/)"]);
  });

  it("every folder under src/ is a known layer", () => {
    for (const name of readdirSync(srcDir)) {
      if (statSync(join(srcDir, name)).isDirectory()) expect(LAYERS).toContain(name);
    }
  });
});
