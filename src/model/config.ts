import { InputError } from "../errors.js";

/**
 * The compact N3D-VLM's configuration: one typed object, every field with a default and a reason
 * (nanoGPT style), presets in a registry, overrides that reject unknown keys. The resolved config
 * is what a model folder's config.json holds; the tokenizer's vocabulary is a function of it.
 *
 * Sizing of the shipped `small` preset (the budget: the model folder <= 30 MB, a frame with 8
 * objects grounded in < 300 ms on 2 CPU threads):
 * - parameters ~ layers * 12 d^2 (attention 4 d^2 + MLP 2 d ffn) + word tokens * d (the embedding,
 *   tied to the output head; bin tokens cost 5 coordinate-code projections of 65 x d, not a row
 *   each) + patch embedding (patch^2 * 3 * d) = 4 * 786k + 468 * 256 + 197k + 83k ~ 3.6 M float32
 *   = 14.5 MB in weights.bin, which prefill.onnx and step.onnx share as ONNX external data;
 * - sequence = 108 vision tokens + <= 48 prompt + 81 answer tokens for 8 boxes. A prefill of ~150
 *   tokens costs ~1 GFLOP; each decoded token then costs ~10 MFLOP with a key/value cache, so the
 *   81 decode steps are dominated by per-step runtime overhead, not arithmetic. Without a KV cache
 *   every step re-runs the whole sequence (~81 GFLOP in all), which no 2-thread CPU does in 300 ms:
 *   the generator must cache keys and values.
 *
 * Box resolution vs the accuracy target (Acc at 3D IoU 0.25 >= 80%): quantizing synth truth boxes
 * to `small`'s bins and back keeps a median 3D IoU of 0.956 and every box above 0.25 (1,920
 * boxes of 300 scenes at 320x240; box-tokens.test.ts checks median > 0.9 on 40 scenes), so the
 * token grid costs nothing against the target and the whole error budget is the model's. Depth
 * dominates the loss (objects are small relative to the depth step), hence 1000 log-spaced z bins.
 * `tiny` uses coarse bins (median IoU 0.57): it exists to exercise code paths, not to ground.
 */
export interface ModelConfig {
  /** Model input width in pixels; every frame is resampled to inputWidth x inputHeight. */
  readonly inputWidth: number;
  /** Model input height in pixels. */
  readonly inputHeight: number;
  /** Side of a square image patch in input pixels; one vision token per patch. */
  readonly patchSize: number;
  /** Width of the residual stream (token features). */
  readonly dModel: number;
  /** Transformer decoder blocks. */
  readonly layers: number;
  /** Attention heads per block; dModel must be a multiple. */
  readonly heads: number;
  /** Hidden width of each block's MLP. */
  readonly ffn: number;
  /** Most prompt tokens, <bos> and <sep> included. */
  readonly maxPromptTokens: number;
  /** Most answer tokens, <eos> included. */
  readonly maxAnswerTokens: number;
  /** u and v bins across the image: bin k is normalized coordinate k / uvBins (official form: 1000). */
  readonly uvBins: number;
  /** Extra u / v bins beyond each image edge, for boxes whose centre projects outside the image. */
  readonly uvMarginBins: number;
  /** Log-spaced depth bins (centre z, metres) from zMinM to zMaxM. */
  readonly zBins: number;
  readonly zMinM: number;
  readonly zMaxM: number;
  /** Log-spaced size bins (sx, sy, sz share one set) from sizeMinM to sizeMaxM. */
  readonly sizeBins: number;
  readonly sizeMinM: number;
  readonly sizeMaxM: number;
  /** Yaw bins over the canonical range [-pi/4, pi/4) (a box turned by pi/2 is the same box with sx, sz swapped). */
  readonly yawBins: number;
  /** XYZ target only: linear bins for the centre's x and y over [-xyMaxM, xyMaxM]. */
  readonly xyBins: number;
  readonly xyMaxM: number;
  /** Instance tokens <#0> ... <#n-1> for question names `k_label`. */
  readonly instanceTokens: number;
  /** Add the depth-aware positional encoding to patch features (false: zeros, the RGB-only ablation). */
  readonly depthPE: boolean;
  /** Temperature T of the sine encoding: frequencies T^(-k/n), positions in millimetres. */
  readonly peTemperature: number;
  /** Box targets: UVZ (pixel of the centre + depth, the paper's form) or camera-space XYZ (ablation). */
  readonly target: BoxTarget;
  /** Stage-2 answers: boxes then the program reason/ executes, or the answer value directly (ablation). */
  readonly answerMode: AnswerMode;
  /**
   * Coordinate codes (coord-code.ts): a bin token's embedding is a learned projection of a sine
   * code of its value, tied with the patches' own u / v / z codes (false: a free row per bin token).
   */
  readonly coordCode: boolean;
  /** Frequencies of the coordinate sine code per axis (features 2 * coordFrequencies + 1). */
  readonly coordFrequencies: number;
}

/** What a box's centre is written as. */
export type BoxTarget = "uvz" | "xyz";
/** How stage-2 answers are written. */
export type AnswerMode = "grounding-first" | "end-to-end";

/** Every box target, first the default. */
export const BOX_TARGETS: readonly BoxTarget[] = ["uvz", "xyz"];
/** Every answer mode, first the default. */
export const ANSWER_MODES: readonly AnswerMode[] = ["grounding-first", "end-to-end"];

/** The defaults: the shipped `small` model. */
export const DEFAULT_MODEL_CONFIG: ModelConfig = {
  inputWidth: 192,
  inputHeight: 144,
  patchSize: 16,
  dModel: 256,
  layers: 4,
  heads: 8,
  ffn: 1024,
  maxPromptTokens: 48,
  maxAnswerTokens: 192,
  uvBins: 1000,
  uvMarginBins: 250,
  zBins: 1000,
  zMinM: 0.1,
  zMaxM: 20,
  sizeBins: 256,
  sizeMinM: 0.02,
  sizeMaxM: 15,
  yawBins: 64,
  xyBins: 3000,
  xyMaxM: 15,
  instanceTokens: 50,
  depthPE: true,
  peTemperature: 10000,
  target: "uvz",
  answerMode: "grounding-first",
  coordCode: true,
  coordFrequencies: 32,
};

/** Why each default is what it is. */
export const MODEL_CONFIG_REASONS: Readonly<Record<keyof ModelConfig, string>> = {
  inputWidth: "4:3 like most sensors and n3d synth (320x240); 192 = 12 patches of 16, enough to see a mug at 3 m as a few pixels",
  inputHeight: "144 = 9 patches of 16 keeps 4:3; 108 vision tokens keep a CPU training step and the prefill cheap",
  patchSize: "16x16 patches (768 values each) give 108 tokens at 192x144; 8x8 would give 432, four times the attention cost",
  dModel: "256 keeps the shipped model ~3.6 M parameters (14.5 MB float32) and the 3D sine encoding 42 frequencies per axis",
  layers: "4 blocks: the budget of a 300 ms, 2-thread CPU grounding with a key/value cache",
  heads: "8 heads of 32 channels, the usual head width for a model this size",
  ffn: "4 x dModel, the standard MLP ratio",
  maxPromptTokens: "the longest generated question (an ordering of 4 names or a radius count) is under 30 tokens; 48 leaves room for paraphrases",
  maxAnswerTokens: "17 boxes of 11 tokens plus the program: detect-all over the synth default (up to 12 objects) always fits",
  uvBins: "the official integer form's 1000 bins over the image: bin k is its u_int k, so answers convert to official Bbox lines exactly",
  uvMarginBins: "7% of visible synth boxes (141 of 1,965) have their centre outside the image, 99% of those within 0.19 of the image size; 250 bins (0.25) keep them writable",
  zBins: "log spacing keeps the error relative (half a bin = +-0.27% of z: 1.3 cm at 5 m); depth dominates the quantization loss, and 1000 bins lift the median synth quantization IoU from 0.86 (256) and 0.93 (512) to 0.95",
  zMinM: "0.1 m: nothing nearer is in focus for an RGB-D sensor or useful to ground",
  zMaxM: "20 m: synth outdoor scenes reach ~19 m; farther objects are too few pixels to box",
  sizeBins: "log spacing, half a bin = +-1.3% per side: even all three sides off by half a bin keeps IoU >= 0.96",
  sizeMinM: "2 cm: the smallest synth parts (cups, books) are a few centimetres",
  sizeMaxM: "15 m: synth objects reach 7.7 m; lifted COCO buses and trucks seen lengthwise reach about 12 m",
  yawBins: "synth truth boxes are yawed (canonical range [-pi/4, pi/4)); 64 bins = 1.4 degrees, so yaw costs < 1% IoU",
  xyBins: "3000 bins over +-15 m = 1 cm steps: the XYZ ablation then loses about as little to quantization as UVZ (2 cm steps cost ~0.02 median IoU)",
  xyMaxM: "15 m: the largest |x| of 2,602 visible synth boxes was 12.7 m (|y| 7.2 m); 10 m left 0.1% of them unwritable",
  instanceTokens: "synth scenes hold at most 50 objects, so an index k of a name `k_label` is always below 50",
  depthPE: "the paper's native 3D input: patches know their metric 3D position",
  peTemperature: "with millimetres, T = 10000 gives wavelengths from 6 mm to ~60 m: object detail to whole outdoor scenes",
  target: "UVZ is the paper's form: u, v are learnable from the image alone, z from the depth encoding",
  answerMode: "the paper's grounding-first: the answer is executed from boxes, so every number is right for them",
  coordCode:
    "neighbouring bins share structure, so a coordinate learned at one bin carries to every other, and a patch at (u, v, z) already holds the embedding of its own u, v and z tokens: writing a box becomes looking up the object's patches (a free row per bin trained for 8k steps without learning to ground unseen scenes)",
  coordFrequencies: "32 geometric frequencies from half a cycle over the axis to a 4-bin wavelength: coarse position and bin-level detail in 65 features",
};

/** Compact presets: `tiny` for tests (a training step in milliseconds), `small` the shipped default. */
export const MODEL_PRESETS: Readonly<Record<string, ModelConfig>> = {
  tiny: {
    ...DEFAULT_MODEL_CONFIG,
    inputWidth: 32,
    inputHeight: 24,
    patchSize: 8,
    dModel: 48,
    layers: 1,
    heads: 2,
    ffn: 96,
    maxPromptTokens: 48,
    maxAnswerTokens: 64,
    uvBins: 100,
    uvMarginBins: 25,
    zBins: 64,
    sizeBins: 32,
    yawBins: 8,
    xyBins: 150,
  },
  small: DEFAULT_MODEL_CONFIG,
};

/** Preset names, in registry order. */
export const MODEL_PRESET_NAMES: readonly string[] = Object.keys(MODEL_PRESETS);

type FieldKind =
  | { readonly type: "int"; readonly min: number }
  | { readonly type: "number"; readonly exclusiveMin: number }
  | { readonly type: "boolean" }
  | { readonly type: "enum"; readonly values: readonly string[] };

const FIELDS: Readonly<Record<keyof ModelConfig, FieldKind>> = {
  inputWidth: { type: "int", min: 1 },
  inputHeight: { type: "int", min: 1 },
  patchSize: { type: "int", min: 1 },
  dModel: { type: "int", min: 1 },
  layers: { type: "int", min: 1 },
  heads: { type: "int", min: 1 },
  ffn: { type: "int", min: 1 },
  maxPromptTokens: { type: "int", min: 3 },
  maxAnswerTokens: { type: "int", min: 2 },
  uvBins: { type: "int", min: 2 },
  uvMarginBins: { type: "int", min: 0 },
  zBins: { type: "int", min: 2 },
  zMinM: { type: "number", exclusiveMin: 0 },
  zMaxM: { type: "number", exclusiveMin: 0 },
  sizeBins: { type: "int", min: 2 },
  sizeMinM: { type: "number", exclusiveMin: 0 },
  sizeMaxM: { type: "number", exclusiveMin: 0 },
  yawBins: { type: "int", min: 2 },
  xyBins: { type: "int", min: 2 },
  xyMaxM: { type: "number", exclusiveMin: 0 },
  instanceTokens: { type: "int", min: 1 },
  depthPE: { type: "boolean" },
  peTemperature: { type: "number", exclusiveMin: 1 },
  target: { type: "enum", values: BOX_TARGETS },
  answerMode: { type: "enum", values: ANSWER_MODES },
  coordCode: { type: "boolean" },
  coordFrequencies: { type: "int", min: 1 },
};

/** Field names, in declaration order. */
export const MODEL_CONFIG_FIELDS: readonly (keyof ModelConfig)[] = Object.keys(FIELDS) as (keyof ModelConfig)[];

/**
 * A preset with overrides applied, validated. Throws "X is not a supported model preset; choose
 * one of ..." for an unknown preset, names an unknown override key ("is not a model config
 * field; choose one of ..."), a value of the wrong type or range, and inconsistent fields
 * (dModel not a multiple of heads, an input size not a multiple of the patch, min >= max).
 */
export function resolveModelConfig(preset: string, overrides: Readonly<Record<string, unknown>> = {}, where = "resolveModelConfig"): ModelConfig {
  const base = typeof preset === "string" && Object.prototype.hasOwnProperty.call(MODEL_PRESETS, preset) ? MODEL_PRESETS[preset] : undefined;
  if (base === undefined) throw new InputError(where, "preset", preset, `is not a supported model preset; choose one of ${MODEL_PRESET_NAMES.join(", ")}`);
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (!Object.prototype.hasOwnProperty.call(FIELDS, key)) {
      throw new InputError(where, key, value, `is not a model config field; choose one of ${MODEL_CONFIG_FIELDS.join(", ")}`);
    }
    out[key] = value;
  }
  return validateModelConfig(out, where);
}

/**
 * Check a whole config (e.g. one read back from a model folder's config.json): every field
 * present with the right type and range, no unknown field, and the cross-field rules of
 * {@link resolveModelConfig}. Returns it typed.
 */
export function validateModelConfig(config: unknown, where = "validateModelConfig"): ModelConfig {
  if (config === null || typeof config !== "object" || Array.isArray(config)) throw new InputError(where, "config", config, "must be an object of model config fields");
  const c = config as Record<string, unknown>;
  for (const key of Object.keys(c)) {
    if (!Object.prototype.hasOwnProperty.call(FIELDS, key)) throw new InputError(where, key, c[key], `is not a model config field; choose one of ${MODEL_CONFIG_FIELDS.join(", ")}`);
  }
  for (const key of MODEL_CONFIG_FIELDS) checkField(key, c[key], where);
  const cfg = c as unknown as ModelConfig;
  if (cfg.dModel % cfg.heads !== 0) throw new InputError(where, "dModel", cfg.dModel, `must be a multiple of heads (${cfg.heads})`);
  if (cfg.inputWidth % cfg.patchSize !== 0) throw new InputError(where, "inputWidth", cfg.inputWidth, `must be a multiple of patchSize (${cfg.patchSize})`);
  if (cfg.inputHeight % cfg.patchSize !== 0) throw new InputError(where, "inputHeight", cfg.inputHeight, `must be a multiple of patchSize (${cfg.patchSize})`);
  if (cfg.depthPE && cfg.dModel < 6) throw new InputError(where, "dModel", cfg.dModel, "must be >= 6 for the depth encoding (a sine and a cosine per axis)");
  if (!(cfg.zMinM < cfg.zMaxM)) throw new InputError(where, "zMaxM", cfg.zMaxM, `must be greater than zMinM (${cfg.zMinM})`);
  if (!(cfg.sizeMinM < cfg.sizeMaxM)) throw new InputError(where, "sizeMaxM", cfg.sizeMaxM, `must be greater than sizeMinM (${cfg.sizeMinM})`);
  return { ...cfg };
}

function checkField(key: keyof ModelConfig, value: unknown, where: string): void {
  const kind = FIELDS[key];
  if (value === undefined) throw new InputError(where, key, value, "missing; every model config field must be given");
  switch (kind.type) {
    case "int":
      if (typeof value !== "number" || !Number.isInteger(value) || value < kind.min) throw new InputError(where, key, value, `must be an integer >= ${kind.min}`);
      return;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value) || value <= kind.exclusiveMin) throw new InputError(where, key, value, `must be a finite number > ${kind.exclusiveMin}`);
      return;
    case "boolean":
      if (typeof value !== "boolean") throw new InputError(where, key, value, "must be true or false");
      return;
    case "enum":
      if (typeof value !== "string" || !kind.values.includes(value)) throw new InputError(where, key, value, `is not a supported ${key}; choose one of ${kind.values.join(", ")}`);
      return;
  }
}

/**
 * One `key=value` override as a CLI gives it, typed by the field: integers and numbers parsed
 * strictly ("256", "0.1"), booleans "true" / "false", enums as written. Throws an InputError
 * naming the key for an unknown field or a value that does not parse.
 */
export function parseConfigOverride(text: string, where = "model config override"): [keyof ModelConfig, number | boolean | string] {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new InputError(where, "override", text, "must be key=value");
  const key = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1).trim();
  if (!Object.prototype.hasOwnProperty.call(FIELDS, key)) throw new InputError(where, key, raw, `is not a model config field; choose one of ${MODEL_CONFIG_FIELDS.join(", ")}`);
  const field = key as keyof ModelConfig;
  const kind = FIELDS[field];
  if (kind.type === "boolean") {
    if (raw !== "true" && raw !== "false") throw new InputError(where, key, raw, "must be true or false");
    return [field, raw === "true"];
  }
  if (kind.type === "enum") return [field, raw];
  const n = raw === "" ? NaN : Number(raw);
  if (!Number.isFinite(n)) throw new InputError(where, key, raw, "must be a number");
  return [field, n];
}

/** The patch grid of the input image. */
export interface PatchGrid {
  /** Patches across (inputWidth / patchSize). */
  readonly cols: number;
  /** Patches down (inputHeight / patchSize). */
  readonly rows: number;
  /** cols * rows: the number of vision tokens. */
  readonly count: number;
  /** Values per flattened patch: patchSize^2 * 3. */
  readonly patchDim: number;
}

/** Vision-token layout of a config. */
export function patchGrid(cfg: ModelConfig): PatchGrid {
  const cols = cfg.inputWidth / cfg.patchSize;
  const rows = cfg.inputHeight / cfg.patchSize;
  return { cols, rows, count: cols * rows, patchDim: cfg.patchSize * cfg.patchSize * 3 };
}
