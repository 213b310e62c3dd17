import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import {
  DEFAULT_MODEL_CONFIG,
  MODEL_CONFIG_FIELDS,
  MODEL_CONFIG_REASONS,
  MODEL_PRESET_NAMES,
  MODEL_PRESETS,
  parseConfigOverride,
  patchGrid,
  resolveModelConfig,
  validateModelConfig,
} from "./config.js";

describe("model config", () => {
  it("has a reason for every field and valid presets", () => {
    expect(Object.keys(MODEL_CONFIG_REASONS).sort()).toEqual([...MODEL_CONFIG_FIELDS].sort());
    expect(Object.keys(DEFAULT_MODEL_CONFIG).sort()).toEqual([...MODEL_CONFIG_FIELDS].sort());
    for (const name of MODEL_PRESET_NAMES) expect(resolveModelConfig(name)).toEqual(MODEL_PRESETS[name]);
    expect(resolveModelConfig("small")).toEqual(DEFAULT_MODEL_CONFIG);
  });

  it("applies overrides and keeps the preset untouched", () => {
    const cfg = resolveModelConfig("tiny", { depthPE: false, target: "xyz", layers: 2 });
    expect(cfg.depthPE).toBe(false);
    expect(cfg.target).toBe("xyz");
    expect(cfg.layers).toBe(2);
    expect(MODEL_PRESETS["tiny"]!.layers).toBe(1);
  });

  it("rejects unknown presets, unknown keys, bad values and inconsistent fields with one-line errors", () => {
    expect(errorOf(() => resolveModelConfig("huge")).message).toBe('resolveModelConfig: preset = "huge": is not a supported model preset; choose one of tiny, small');
    const unknown = errorOf(() => resolveModelConfig("tiny", { dmodel: 64 }));
    expect(unknown.field).toBe("dmodel");
    expect(unknown.problem).toMatch(/^is not a model config field; choose one of inputWidth, /);
    expect(errorOf(() => resolveModelConfig("tiny", { layers: 1.5 })).message).toBe("resolveModelConfig: layers = 1.5: must be an integer >= 1");
    expect(errorOf(() => resolveModelConfig("tiny", { zMinM: 0 })).field).toBe("zMinM");
    expect(errorOf(() => resolveModelConfig("tiny", { target: "uvd" })).problem).toBe("is not a supported target; choose one of uvz, xyz");
    expect(errorOf(() => resolveModelConfig("tiny", { depthPE: "yes" })).field).toBe("depthPE");
    expect(errorOf(() => resolveModelConfig("tiny", { heads: 5 })).message).toBe("resolveModelConfig: dModel = 48: must be a multiple of heads (5)");
    expect(errorOf(() => resolveModelConfig("tiny", { inputWidth: 36 })).field).toBe("inputWidth");
    expect(errorOf(() => resolveModelConfig("tiny", { zMaxM: 0.05 })).field).toBe("zMaxM");
    expect(errorOf(() => validateModelConfig({ ...DEFAULT_MODEL_CONFIG, ffn: undefined })).message).toBe("validateModelConfig: ffn = undefined: missing; every model config field must be given");
  });

  it("parses CLI key=value overrides by field type", () => {
    expect(parseConfigOverride("dModel=128")).toEqual(["dModel", 128]);
    expect(parseConfigOverride("zMinM = 0.2")).toEqual(["zMinM", 0.2]);
    expect(parseConfigOverride("depthPE=false")).toEqual(["depthPE", false]);
    expect(parseConfigOverride("answerMode=end-to-end")).toEqual(["answerMode", "end-to-end"]);
    expect(errorOf(() => parseConfigOverride("depthPE=no")).field).toBe("depthPE");
    expect(errorOf(() => parseConfigOverride("layers=four")).message).toBe('model config override: layers = "four": must be a number');
    expect(errorOf(() => parseConfigOverride("colour=red")).field).toBe("colour");
    expect(errorOf(() => parseConfigOverride("layers")).field).toBe("override");
  });

  it("derives the patch grid", () => {
    expect(patchGrid(DEFAULT_MODEL_CONFIG)).toEqual({ cols: 12, rows: 9, count: 108, patchDim: 768 });
    expect(patchGrid(MODEL_PRESETS["tiny"]!)).toEqual({ cols: 4, rows: 3, count: 12, patchDim: 192 });
  });
});
