import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { CENTERNET_PACKAGE, centerNetModelPath, fileModelHandler } from "./model-io.js";

const scratch = mkdtempSync(join(tmpdir(), "n3d-detect-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("fileModelHandler", () => {
  it("reads the CenterNet's JSON and weights from disk", async () => {
    const jsonPath = centerNetModelPath();
    const artifacts = await fileModelHandler(jsonPath).load!();
    expect(artifacts.format).toBe("graph-model");
    expect(artifacts.modelTopology).toBeDefined();
    const weightBytes = (artifacts.weightData as ArrayBuffer[]).reduce((n, b) => n + b.byteLength, 0);
    expect(weightBytes).toBe(statSync(join(dirname(jsonPath), "centernet.bin")).size);
    expect(artifacts.weightSpecs!.some((w) => w.name === "tower_0/mul/y")).toBe(true);
  });

  it("names the missing file and the package it comes from", async () => {
    const dir = mkdtempSync(join(scratch, "missing-"));
    copyFileSync(centerNetModelPath(), join(dir, "centernet.json"));
    const load = fileModelHandler(join(dir, "centernet.json"), CENTERNET_PACKAGE).load!();
    await expect(load).rejects.toThrow(InputError);
    await expect(fileModelHandler(join(dir, "centernet.json"), CENTERNET_PACKAGE).load!()).rejects.toThrow(
      `loadGraphModel: model file = ${JSON.stringify(join(dir, "centernet.bin"))}: does not exist; it ships in the npm package @vladmandic/human (reinstall it)`,
    );
    await expect(fileModelHandler(join(dir, "nope.json")).load!()).rejects.toThrow(/nope\.json"?: does not exist$/);
  });

  it("rejects a truncated weight file and a JSON that is not a graph model", async () => {
    const dir = mkdtempSync(join(scratch, "bad-"));
    copyFileSync(centerNetModelPath(), join(dir, "centernet.json"));
    writeFileSync(join(dir, "centernet.bin"), new Uint8Array(1000));
    await expect(fileModelHandler(join(dir, "centernet.json")).load!()).rejects.toThrow(/size = "1000 bytes": the weights manifest of .* needs \d+ bytes/);
    writeFileSync(join(dir, "other.json"), JSON.stringify({ hello: 1 }));
    await expect(fileModelHandler(join(dir, "other.json")).load!()).rejects.toThrow(/is not a tfjs graph model JSON/);
    writeFileSync(join(dir, "broken.json"), "{");
    await expect(fileModelHandler(join(dir, "broken.json")).load!()).rejects.toThrow(/is not valid JSON/);
  });
});
