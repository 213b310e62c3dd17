import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { makeTempDir } from "../rgbd/testing/fixtures.js";
import { DEPTH_MODEL_FILES, inspectDepthModelFolder } from "./model-folder.js";
import { writeTinyDepthModel } from "./testing/tiny-depth-model.js";

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

let count = 0;
async function folder(options: Parameters<typeof writeTinyDepthModel>[1] = {}): Promise<string> {
  const dir = join(root, `model-${count++}`);
  await writeTinyDepthModel(dir, options);
  return dir;
}

describe("inspectDepthModelFolder", () => {
  it("reads the family, output rule and metric flag of each supported model type", async () => {
    const cases = [
      [{ modelType: "depth_anything" }, "relative", false],
      [{ modelType: "depth_anything", config: { depth_estimation_type: "relative" } }, "relative", false],
      [{ modelType: "depth_anything", config: { depth_estimation_type: "metric", max_depth: 20 } }, "metres", true],
      [{ modelType: "dpt" }, "relative", false],
      [{ modelType: "metric3d" }, "canonical-focal", true],
      [{ modelType: "metric3dv2" }, "canonical-focal", true],
      [{ modelType: "depth_pro" }, "model-focal", true],
    ] as const;
    for (const [options, rule, metric] of cases) {
      const dir = await folder(options);
      const f = await inspectDepthModelFolder(dir);
      expect(f, JSON.stringify(options)).toMatchObject({ dir, family: options.modelType, rule, metric });
      expect(f.name).toBe(dir.slice(dir.lastIndexOf("/") + 1));
    }
  });

  it("names the first missing file", async () => {
    for (const file of DEPTH_MODEL_FILES) {
      const dir = await folder({ omit: [file] });
      const err = (await inspectDepthModelFolder(dir).catch((e: unknown) => e)) as Error;
      expect(err, file).toBeInstanceOf(InputError);
      expect(err.message).toContain(`${dir}: ${file} = "missing": a depth model folder needs config.json, preprocessor_config.json, onnx/model.onnx`);
    }
  });

  it("requires the external weights file when the config says the graph has one", async () => {
    const dir = await folder({ config: { "transformers.js_config": { use_external_data_format: true } } });
    await expect(inspectDepthModelFolder(dir)).rejects.toThrow(/onnx\/model\.onnx_data = "missing"/);
    await writeFile(join(dir, "onnx", "model.onnx_data"), "");
    await expect(inspectDepthModelFolder(dir)).resolves.toMatchObject({ family: "depth_anything" });
  });

  it("rejects a missing folder, a file in its place, and configs it cannot use", async () => {
    await expect(inspectDepthModelFolder(join(root, "absent"))).rejects.toThrow(/absent: model folder = .*: does not exist/);
    const file = join(root, "plain.txt");
    await writeFile(file, "x");
    await expect(inspectDepthModelFolder(file)).rejects.toThrow(/is not a folder/);
    await expect(inspectDepthModelFolder(await folder({ modelType: "glpn" }))).rejects.toThrow(
      /config\.json: model_type = "glpn": is not a supported depth model family; choose one of depth_anything, dpt, metric3d, metric3dv2, depth_pro/,
    );
    await expect(inspectDepthModelFolder(await folder({ config: { depth_estimation_type: "absolute" } }))).rejects.toThrow(/depth_estimation_type = "absolute"/);
    await expect(inspectDepthModelFolder(await folder({ preprocessor: { do_center_crop: true } }))).rejects.toThrow(/do_center_crop = true: center cropping drops the image borders/);
    const broken = await folder();
    await writeFile(join(broken, "config.json"), "{ not json");
    await expect(inspectDepthModelFolder(broken)).rejects.toThrow(/config\.json: json = .*: not valid JSON/);
    await writeFile(join(broken, "config.json"), "[1]");
    await expect(inspectDepthModelFolder(broken)).rejects.toThrow(/config\.json: json = \[1\]: must be a JSON object/);
  });
});
