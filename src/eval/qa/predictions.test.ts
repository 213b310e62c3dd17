import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pairQaPredictions, parseQaPredictions, readQaPredictionsFile } from "./predictions.js";
import type { QaItem } from "./types.js";

describe("parseQaPredictions", () => {
  it("reads id and answer under their accepted names", () => {
    const text = [
      '{"id": "a", "answer": "2 m"}',
      '{"question_id": "b", "pred": "yes"}',
      '{"id": 7, "text": "(B)"}',
      '{"id": "c", "prediction": 2.5, "answer": "first wins"}',
      "",
    ].join("\n");
    const r = parseQaPredictions(text);
    expect([...r.answers]).toEqual([
      ["a", "2 m"],
      ["b", "yes"],
      ["7", "(B)"],
      ["c", "first wins"],
    ]);
    expect(r).toMatchObject({ lines: 4, missingIds: 0, duplicatedIds: 0, missingAnswers: 0, badLines: 0, empty: false, skipped: [] });
  });

  it("counts and skips bad lines, missing and duplicated ids, never throwing", () => {
    const text = [
      '{"id": "a", "answer": "2 m"}',
      "not json",
      '{"answer": "no id"}',
      '{"id": "a", "answer": "again"}',
      '{"id": "b"}',
      '{"id": "c", "answer": null}',
      "[1, 2]",
      '{"id": "d", "answer": "ok"}',
    ].join("\n");
    const r = parseQaPredictions(text);
    expect([...r.answers]).toEqual([
      ["a", "2 m"],
      ["d", "ok"],
    ]);
    expect(r).toMatchObject({ lines: 8, missingIds: 1, duplicatedIds: 1, missingAnswers: 2, badLines: 2, empty: false });
    expect(r.skipped.map((s) => s.id)).toEqual(["line 2", "line 3", "line 4", "line 5", "line 6", "line 7"]);
    expect(r.skipped[2]!.reason).toBe('duplicated id "a" (first on line 1; that one is used)');
    expect(r.skipped[0]!.reason).toMatch(/^not JSON/);
  });

  it("reads a JSON array, and an empty file as empty", () => {
    expect([...parseQaPredictions('[{"id": "x", "answer": "1"}]').answers]).toEqual([["x", "1"]]);
    expect(parseQaPredictions("").empty).toBe(true);
    expect(parseQaPredictions("\n  \n").empty).toBe(true);
    const broken = parseQaPredictions("[{");
    expect(broken.badLines).toBe(1);
    expect(broken.skipped[0]!.reason).toMatch(/^not a JSON array/);
  });

  it("reads a missing file as empty, with the reason", async () => {
    const dir = await mkdtemp(join(tmpdir(), "n3d-qa-pred-"));
    try {
      const r = await readQaPredictionsFile(join(dir, "none.jsonl"));
      expect(r.empty).toBe(true);
      expect(r.skipped[0]!.reason).toMatch(/cannot read .*none\.jsonl: ENOENT/);
      await writeFile(join(dir, "p.jsonl"), '{"id": "q", "answer": "3 ft"}\n');
      expect([...(await readQaPredictionsFile(join(dir, "p.jsonl"))).answers]).toEqual([["q", "3 ft"]]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("pairQaPredictions", () => {
  it("gives every item an input, null where no prediction, and lists stray ids", () => {
    const item = (id: string): QaItem => ({ id, benchmark: "n3d", category: "c", group: "g", rule: "yes-no", question: "?", truthText: "yes", truth: { kind: "bool", value: true } });
    const p = pairQaPredictions([item("a"), item("b")], new Map([["a", "yes"], ["z", "no"]]));
    expect(p.inputs.map((i) => [i.id, i.prediction])).toEqual([["a", "yes"], ["b", null]]);
    expect(p.missing).toEqual(["b"]);
    expect(p.unknown).toEqual(["z"]);
  });
});
