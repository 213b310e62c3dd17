// synth/: procedural RGB-D scenes with exact 3D truth — catalog and layout (what is where), the
// ray-casting renderer, per-object annotations, sensor noise, and the dataset writer.
export type * from "./types.js";
export { CATEGORIES, CATEGORY_NAMES, buildObject, getCategory } from "./catalog.js";
export type { Category, CatalogObject } from "./catalog.js";
export { sampleScenePlan } from "./layout.js";
export type { LayoutOptions } from "./layout.js";
export { renderScene } from "./render.js";
export { annotateScene } from "./annotate.js";
export type { AnnotateOptions, SceneAnnotation } from "./annotate.js";
export { NOISE_PRESETS, NOISE_PRESET_NAMES, applySensorNoise, noisePreset } from "./noise.js";
export type { NoisePresetName, SensorNoiseParams, SensorReading } from "./noise.js";
export { DEFAULT_SYNTH_SIZE, SYNTH_DEPTH_SCALE, categoryId, writeSynthDataset } from "./dataset.js";
export type { SynthDatasetOptions, SynthDatasetResult } from "./dataset.js";
