/**
 * @huggingface/transformers, loaded for local files only. Its settings live in one module-global
 * `env` object (per JavaScript realm, so per worker thread); this is the one place n3d touches
 * them, and it sets them the same way every time:
 *
 *   allowRemoteModels = false, allowLocalModels = true   -> files come from disk or not at all
 *   fetch = a function that always rejects               -> not even a stray lookup leaves
 *   useFSCache = useBrowserCache = useWasmCache = false  -> nothing is written next to the package
 *   logLevel = NONE                                      -> library code never prints; failures
 *                                                           reach the caller as thrown errors
 *
 * Loaded lazily (dynamic import), so the sensor and point-map sources never pay for it.
 */

/** The message of every network attempt made through transformers after {@link loadTransformersOffline}. */
export const NETWORK_REFUSED = "n3d depth: network access is disabled; depth models are read from a local folder only";

/** The part of the transformers module n3d uses, typed structurally. */
export interface TransformersModule {
  readonly env: TransformersEnv;
  readonly LogLevel: { readonly NONE: number };
  readonly RawImage: new (data: Uint8Array, width: number, height: number, channels: number) => unknown;
  readonly AutoImageProcessor: { from_pretrained(dir: string, options: Record<string, unknown>): Promise<ImageProcessorLike> };
  readonly AutoModelForDepthEstimation: { from_pretrained(dir: string, options: Record<string, unknown>): Promise<DepthModelLike> };
  readonly AutoConfig: { from_pretrained(id: string, options?: Record<string, unknown>): Promise<unknown> };
  readonly [name: string]: unknown;
}

/** transformers' `env` (the fields n3d sets). */
export interface TransformersEnv {
  allowRemoteModels: boolean;
  allowLocalModels: boolean;
  useFS: boolean;
  useFSCache: boolean;
  useBrowserCache: boolean;
  useWasmCache: boolean;
  logLevel: number;
  fetch: (input: unknown, init?: unknown) => Promise<unknown>;
}

/** A transformers Tensor (the fields n3d reads). */
export interface TensorLike {
  readonly dims: readonly number[];
  readonly data: unknown;
  readonly type: string;
  dispose?(): void;
}

/** What an image processor returns for one image. */
export interface ProcessedImage {
  readonly pixel_values: TensorLike;
  /** [[height, width]] of the resized image inside pixel_values (before any padding). */
  readonly reshaped_input_sizes: readonly (readonly [number, number])[];
}

/** A transformers image processor: RawImage -> pixel_values and the resized size. */
export type ImageProcessorLike = ((image: unknown) => Promise<ProcessedImage>) & { readonly config?: unknown };

/** A transformers depth model: its call runs the ONNX session; `sessions.model` is the onnxruntime session. */
export interface DepthModelLike {
  (inputs: Record<string, TensorLike>): Promise<Record<string, TensorLike>>;
  readonly sessions: Record<string, { readonly inputNames: readonly string[]; readonly outputNames: readonly string[] }>;
  dispose(): Promise<unknown>;
}

/** Import transformers and set its environment for local-only, silent use (see above). */
export async function loadTransformersOffline(): Promise<TransformersModule> {
  const tf = (await import("@huggingface/transformers")) as unknown as TransformersModule;
  const env = tf.env;
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useFS = true;
  env.useFSCache = false;
  env.useBrowserCache = false;
  env.useWasmCache = false;
  env.fetch = refuseNetwork;
  env.logLevel = tf.LogLevel.NONE;
  return tf;
}

async function refuseNetwork(input: unknown): Promise<never> {
  throw new Error(`${NETWORK_REFUSED} (attempted: ${String(input)})`);
}
