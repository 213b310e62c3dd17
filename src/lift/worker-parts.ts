import { pathToFileURL } from "node:url";
import { createDepthBackend } from "../depth/index.js";
import type { DepthBackend, DepthBackendOptions } from "../depth/index.js";
import type { Detector } from "../detect/index.js";
import { liftObject, resolveLiftOptions } from "./lift.js";
import type { LiftOptions } from "./lift.js";

/**
 * What lifts one image, in whichever thread does it: the lift function, the depth back end and
 * (lazily) a detector. Workers build their own from a {@link LiftWorkerConfig}, which is plain data
 * so it crosses the thread boundary by structured clone.
 */

/** The signature of `liftObject` (src/lift/lift.ts). */
export type LiftFunction = typeof liftObject;

/** The collaborators of one lifting thread. */
export interface LiftParts {
  readonly lift: LiftFunction;
  /** The config's lift options, resolved once in this thread (so liftObject does not re-check them per object). */
  readonly liftOptions: LiftOptions;
  readonly depth: DepthBackend;
  /** The detector for `--detector`, loaded on first use and then kept. */
  readonly detector: () => Promise<Detector>;
  /** Release the depth back end and the detector (if loaded). */
  dispose(): Promise<void>;
}

/** Everything a lifting thread needs besides the images: plain data. */
export interface LiftWorkerConfig {
  /** Absolute repository folder (depth the repository writes itself goes to OUT/depth/). */
  readonly outDir: string;
  /** Absolute folder image file_names are relative to. */
  readonly imagesDir: string;
  /** Absolute folder depth_files are relative to: --depth-dir, else the annotation file's folder. */
  readonly depthRoot: string;
  /** --depth-dir when given: images without a depth_file look for `<image stem>.png|.npy|.npz` here. */
  readonly depthDir: string | null;
  /** Depth back end: "sensor" | "npz" | "onnx:MODEL_DIR". */
  readonly depthSpec: string;
  readonly depthOptions: DepthBackendOptions;
  /** Units per metre of integer depth for images that do not give depth_scale. */
  readonly depthScale: number | null;
  /** "centernet" to detect objects, or null. */
  readonly detector: "centernet" | null;
  /** Detect on every image, not only on those without annotations. */
  readonly detectAll: boolean;
  /** Lowest detector score lifted. */
  readonly minScore: number;
  readonly liftOptions: LiftOptions;
  /**
   * For tests and benchmarks: the URL of a module exporting `createLiftParts(config)` that returns
   * some of {lift, depth, detector} to use instead of the real ones. Null in real runs.
   */
  readonly partsModule: string | null;
}

/** The shape a {@link LiftWorkerConfig.partsModule} exports. */
export interface LiftPartsModule {
  createLiftParts(config: LiftWorkerConfig): Promise<Partial<Pick<LiftParts, "lift" | "depth" | "detector">>>;
}

/** Build the parts for one thread: the real ones, or a parts module's where it gives them. */
export async function createLiftParts(config: LiftWorkerConfig): Promise<LiftParts> {
  const custom = config.partsModule === null ? {} : await ((await import(asUrl(config.partsModule))) as LiftPartsModule).createLiftParts(config);
  const depth = custom.depth ?? (await createDepthBackend(config.depthSpec, config.depthOptions));
  let loaded: Promise<Detector> | null = null;
  // Loaded on first use: tfjs is slow to import, and most runs have no detector.
  const detector = custom.detector ?? ((): Promise<Detector> => (loaded ??= import("../detect/index.js").then((d) => d.loadCenterNet({ threads: 1 }))));
  return {
    lift: custom.lift ?? liftObject,
    liftOptions: resolveLiftOptions(config.liftOptions as Partial<LiftOptions>, "lift options"),
    depth,
    detector,
    async dispose() {
      await depth.dispose();
      if (loaded !== null) await (await loaded.catch(() => null))?.dispose();
    },
  };
}

function asUrl(pathOrUrl: string): string {
  return /^[a-z]+:\/\//i.test(pathOrUrl) ? pathOrUrl : pathToFileURL(pathOrUrl).href;
}
