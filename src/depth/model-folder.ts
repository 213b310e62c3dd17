import { readFile, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { InputError } from "../errors.js";

/**
 * A local depth-model folder in the layout @huggingface/transformers loads (the layout of the
 * onnx-community / Xenova exports):
 *
 *   MODEL_DIR/config.json               {"model_type": "depth_anything" | "dpt" | "metric3d" |
 *                                         "metric3dv2" | "depth_pro", ...}
 *   MODEL_DIR/preprocessor_config.json  the image processor (resize, rescale, normalize, pad)
 *   MODEL_DIR/onnx/model.onnx           the fp32 graph: input pixel_values [B, 3, H, W],
 *                                        output predicted_depth [B, h, w]
 *   MODEL_DIR/onnx/model.onnx_data      only when config["transformers.js_config"]
 *                                        .use_external_data_format is set
 *
 * The folder is checked before transformers sees it, so a missing file is one clear line rather
 * than a library warning followed by a stack.
 */

/** The model families the onnx back end runs, with how their output becomes metres. */
export const DEPTH_MODEL_FAMILIES = ["depth_anything", "dpt", "metric3d", "metric3dv2", "depth_pro"] as const;
export type DepthModelFamily = (typeof DEPTH_MODEL_FAMILIES)[number];

/**
 * How a family's `predicted_depth` becomes planar metres:
 * - "metres": it is metres already (Depth Anything / DPT with depth_estimation_type "metric");
 * - "canonical-focal": Metric3D, metres for a 1000 px focal camera; times fx_input / 1000;
 * - "model-focal": Depth Pro, metres for the focal length the model estimated (its
 *   `focallength_px` output, input grid); times fx_input / focallength_px;
 * - "relative": disparity up to scale and shift (Depth Anything / DPT relative); see
 *   relativeDisparityToDepth_. Not metric.
 * fx_input is the image's fx scaled to the model input grid.
 */
export type DepthOutputRule = "metres" | "canonical-focal" | "model-focal" | "relative";

/** The files a depth-model folder must hold, relative to it (fp32 weights). */
export const DEPTH_MODEL_FILES = ["config.json", "preprocessor_config.json", "onnx/model.onnx"] as const;

/** A checked model folder. */
export interface DepthModelFolder {
  /** Absolute path of the folder. */
  readonly dir: string;
  /** The folder's base name, recorded as the depth source "onnx:<name>". */
  readonly name: string;
  readonly family: DepthModelFamily;
  readonly rule: DepthOutputRule;
  /** False for relative-depth models. */
  readonly metric: boolean;
  /** config.json as parsed. */
  readonly config: Readonly<Record<string, unknown>>;
  /** preprocessor_config.json as parsed. */
  readonly preprocessor: Readonly<Record<string, unknown>>;
}

/**
 * Check a model folder and read its configs. Throws an InputError naming the folder and the first
 * missing file, a config that is not a JSON object, an unsupported model_type or
 * depth_estimation_type, or a processor that center-crops (the prediction would no longer cover
 * the whole image, so no depth could be given to its borders).
 */
export async function inspectDepthModelFolder(modelDir: string): Promise<DepthModelFolder> {
  const dir = resolve(modelDir);
  const info = await stat(dir).catch(() => null);
  if (info === null) throw new InputError(modelDir, "model folder", dir, "does not exist");
  if (!info.isDirectory()) throw new InputError(modelDir, "model folder", dir, "is not a folder");
  const config = await readJsonObject(dir, "config.json");
  const extra = externalDataFiles(config);
  for (const file of [...DEPTH_MODEL_FILES, ...extra]) {
    const found = await stat(join(dir, file)).catch(() => null);
    if (found === null || !found.isFile()) {
      throw new InputError(dir, file, "missing", `a depth model folder needs ${[...DEPTH_MODEL_FILES, ...extra].join(", ")} (fp32 ONNX weights)`);
    }
  }
  const preprocessor = await readJsonObject(dir, "preprocessor_config.json");
  if (preprocessor["do_center_crop"] === true) {
    throw new InputError(join(dir, "preprocessor_config.json"), "do_center_crop", true, "center cropping drops the image borders; depth is needed for every pixel");
  }
  const family = familyOf(config, dir);
  const rule = ruleOf(family, config, dir);
  return { dir, name: basename(dir), family, rule, metric: rule !== "relative", config, preprocessor };
}

async function readJsonObject(dir: string, file: string): Promise<Record<string, unknown>> {
  const path = join(dir, file);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new InputError(dir, file, "missing", `a depth model folder needs ${DEPTH_MODEL_FILES.join(", ")} (fp32 ONNX weights)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(path, "json", err instanceof Error ? err.message : String(err), "not valid JSON");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new InputError(path, "json", json, "must be a JSON object");
  return json as Record<string, unknown>;
}

/** External weight files that config["transformers.js_config"] says the fp32 graph uses. */
function externalDataFiles(config: Record<string, unknown>): string[] {
  const jsConfig = config["transformers.js_config"];
  if (typeof jsConfig !== "object" || jsConfig === null) return [];
  const setting = (jsConfig as Record<string, unknown>)["use_external_data_format"];
  const raw =
    typeof setting === "object" && setting !== null
      ? ((setting as Record<string, unknown>)["model.onnx"] ?? (setting as Record<string, unknown>)["model"])
      : setting;
  const chunks = raw === true ? 1 : typeof raw === "number" ? raw : 0;
  return Array.from({ length: chunks }, (_, i) => `onnx/model.onnx_data${i === 0 ? "" : `_${i}`}`);
}

function familyOf(config: Record<string, unknown>, dir: string): DepthModelFamily {
  const type = config["model_type"];
  if (!(DEPTH_MODEL_FAMILIES as readonly unknown[]).includes(type)) {
    throw new InputError(join(dir, "config.json"), "model_type", type, `is not a supported depth model family; choose one of ${DEPTH_MODEL_FAMILIES.join(", ")}`);
  }
  return type as DepthModelFamily;
}

function ruleOf(family: DepthModelFamily, config: Record<string, unknown>, dir: string): DepthOutputRule {
  if (family === "metric3d" || family === "metric3dv2") return "canonical-focal";
  if (family === "depth_pro") return "model-focal";
  const kind = config["depth_estimation_type"];
  if (kind === undefined || kind === "relative") return "relative";
  if (kind === "metric") return "metres";
  throw new InputError(join(dir, "config.json"), "depth_estimation_type", kind, 'must be "relative" or "metric"');
}
