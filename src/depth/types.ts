import type { ImageSize, Intrinsics, Vec3 } from "../geometry/index.js";

/**
 * Where depth comes from (issue 4): a sensor depth file, an official-layout `.npz` point map, or a
 * local ONNX depth model. The lift runner and the CLI use only this contract.
 */

/** How the intrinsics of a depth result were obtained, recorded in every lifted record. */
export type IntrinsicsSource = "dataset" | "file" | "flag" | "fov" | "npz";

/** What the runner knows about one image when it asks for depth. */
export interface DepthRequest {
  /** Absolute image path (decoded only by back ends that need the pixels, i.e. ONNX models). */
  readonly imagePath: string;
  /** Image size from the dataset (or the image header); the depth result must have this size. */
  readonly size: ImageSize;
  /** Absolute depth path (sensor back end: PNG16/.npy/.npz depth; npz back end: point-map .npz). */
  readonly depthPath?: string;
  /** Units per metre for integer depth files. */
  readonly depthScale?: number;
  /** Intrinsics from the dataset record, when present. */
  readonly intrinsics?: Intrinsics;
  readonly gravity?: Vec3;
}

export interface DepthResult {
  readonly size: ImageSize;
  /** Planar depth in metres, H * W; 0 / NaN invalid. */
  readonly depthM: Float32Array;
  readonly intrinsics: Intrinsics;
  readonly intrinsicsSource: IntrinsicsSource;
  /** Point map (H x W x 3, camera frame, metres) when the source is one. */
  readonly pointsM?: Float32Array;
  readonly gravity?: Vec3;
  /** "sensor", "npz" or "onnx:<model folder name>", as recorded in lifted records. */
  readonly source: string;
  /** False for relative-depth models whose output was not metric (recorded; lifted sizes are then up to scale). */
  readonly metric: boolean;
}

export interface DepthBackend {
  /** "sensor" | "npz" | "onnx:<dir>" */
  readonly name: string;
  depthFor(request: DepthRequest): Promise<DepthResult>;
  /** Release sessions / workers. */
  dispose(): Promise<void>;
}
