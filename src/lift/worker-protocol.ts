import { InputError } from "../errors.js";
import type { LiftImageResult, LiftStageTimings, LiftWorkItem } from "./worker-image.js";

/**
 * Messages between the runner and its lifting workers. Items and results are small (annotations
 * in, record text out); depth and masks never cross the thread boundary.
 */

/** Runner -> worker. */
export type WorkerRequest = { readonly type: "item"; readonly item: LiftWorkItem } | { readonly type: "close" };

/** Worker -> runner. */
export type WorkerReply =
  /** The worker built its parts and takes items. */
  | { readonly type: "ready" }
  /** Building the parts failed (e.g. a bad model folder): the run cannot go on. */
  | { readonly type: "failed"; readonly error: SerializedError }
  | { readonly type: "done"; readonly result: LiftImageResult; readonly timings: LiftStageTimings };

/** An error as plain data; an InputError keeps its fields so the runner can rethrow it as one. */
export interface SerializedError {
  readonly message: string;
  readonly input?: { readonly where: string; readonly field: string; readonly value: unknown; readonly problem: string };
}

/** Any thrown value -> {@link SerializedError}. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof InputError) {
    const value = typeof err.value === "string" || typeof err.value === "number" || typeof err.value === "boolean" || err.value === null ? err.value : String(err.value);
    return { message: err.message, input: { where: err.where, field: err.field, value, problem: err.problem } };
  }
  return { message: err instanceof Error ? err.message : String(err) };
}

/** {@link SerializedError} -> an InputError again, or a plain Error. */
export function deserializeError(e: SerializedError): Error {
  return e.input ? new InputError(e.input.where, e.input.field, e.input.value, e.input.problem) : new Error(e.message);
}
