import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COCO80_LABELS } from "./coco-labels.js";
import { CENTERNET_PACKAGE } from "./model-io.js";
import { resolvePackageDir } from "./tfjs-wasm.js";

describe("COCO80_LABELS", () => {
  it("is human's label list, in its order (channel k = labels[k])", () => {
    const source = readFileSync(join(resolvePackageDir(CENTERNET_PACKAGE, "test"), "src", "object", "labels.ts"), "utf8");
    const entries = [...source.matchAll(/\{\s*class:\s*(\d+),\s*label:\s*'([^']+)'\s*\}/g)];
    expect(entries.map((m) => Number(m[1]))).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    expect(entries.map((m) => m[2])).toEqual(COCO80_LABELS);
  });

  it("has 80 distinct names and cannot be mutated", () => {
    expect(new Set(COCO80_LABELS).size).toBe(80);
    expect(Object.isFrozen(COCO80_LABELS)).toBe(true);
  });
});
