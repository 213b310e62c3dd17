// Helpers shared by tests. Not part of the build.
import { InputError } from "../src/errors.js";

/** Run fn and return the InputError it throws; fail if it throws anything else or nothing. */
export function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error("expected an InputError");
}

/** Await p and return the InputError it rejects with; fail if it rejects with anything else or resolves. */
export async function rejectionOf(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error("expected an InputError");
}
