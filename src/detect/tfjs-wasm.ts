import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { getThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { InputError } from "../errors.js";

/**
 * The tfjs wasm backend, started once per process from the binaries inside node_modules.
 *
 * tfjs keeps its backend in process-global state (one engine per tfjs-core instance). n3d's library
 * code uses tfjs only for the detector (the graph benchmark runs its own tfjs in a child process),
 * so this module owns that state: the first {@link initWasmBackend}
 * points tfjs-backend-wasm at its own `.wasm` files on disk and makes "wasm" the active backend;
 * later calls return the same promise. Emscripten's Node loader reads the binary with
 * `fs.readFileSync` (checked: a wrong path fails with ENOENT on `open`), so nothing is fetched.
 *
 * Threads: tfjs-backend-wasm 4.22 reports no multithread support under Node
 * (`WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired false there, tensorflow/tfjs#3830), and forcing the
 * flag fails because the threaded build starts its workers from blob: URLs, which Node's `Worker`
 * rejects (ERR_WORKER_PATH, checked on Node 20). So Node always runs the SIMD binary (the plain one
 * where SIMD is missing) on one thread; parallelism comes from running several processes.
 */

/** The wasm binary tfjs loaded and the thread count XNNPACK uses. */
export interface WasmBackendInfo {
  readonly backend: "wasm";
  /** "simd" = tfjs-backend-wasm-simd.wasm, "plain" = tfjs-backend-wasm.wasm. */
  readonly binary: "simd" | "plain";
  readonly threads: number;
  /** Absolute path of the .wasm file that was loaded. */
  readonly wasmFile: string;
}

const WASM_PACKAGE = "@tensorflow/tfjs-backend-wasm";
const WASM_BINARIES = ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"] as const;

let started: Promise<WasmBackendInfo> | undefined;

/**
 * Start (once) and select the tfjs wasm backend. Idempotent and safe to call concurrently: every
 * call returns the same promise. Throws an InputError naming the path and the package when a
 * binary is missing from node_modules.
 */
export function initWasmBackend(): Promise<WasmBackendInfo> {
  started ??= start().catch((err: unknown) => {
    started = undefined; // let a later call retry after the files are fixed
    throw err;
  });
  return started;
}

async function start(): Promise<WasmBackendInfo> {
  const distDir = join(resolvePackageDir(WASM_PACKAGE, "initWasmBackend"), "dist");
  const paths = Object.fromEntries(WASM_BINARIES.map((name) => [name, join(distDir, name)])) as Record<(typeof WASM_BINARIES)[number], string>;
  const simd = (await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) === true;
  const wasmFile = simd ? paths["tfjs-backend-wasm-simd.wasm"] : paths["tfjs-backend-wasm.wasm"];
  if (!existsSync(wasmFile)) {
    throw new InputError("initWasmBackend", "wasm binary", wasmFile, `does not exist; it ships in the npm package ${WASM_PACKAGE} (reinstall it)`);
  }
  // Not tf.getBackend(): with no backend chosen yet it would start the best registered one itself.
  setWasmPaths(paths);
  const before = processErrorListeners();
  try {
    if (!(await tf.setBackend("wasm"))) {
      throw new InputError("initWasmBackend", "backend", "wasm", `tfjs could not start it from ${wasmFile}`);
    }
  } finally {
    removeListenersAddedSince(before);
  }
  return { backend: "wasm", binary: simd ? "simd" : "plain", threads: getThreadsCount(), wasmFile };
}

const ERROR_EVENTS = ["uncaughtException", "unhandledRejection"] as const;
type Listener = (...args: unknown[]) => void;

function processErrorListeners(): Map<string, Set<Listener>> {
  const emitter: NodeJS.EventEmitter = process;
  return new Map(ERROR_EVENTS.map((event) => [event, new Set(emitter.listeners(event) as Listener[])]));
}

// Emscripten's Node glue adds process-wide "uncaughtException" / "unhandledRejection" listeners that
// rethrow (and so print a screen of minified wasm glue for any unrelated error in the process). They
// only serve emscripten's exit() handling, which tfjs never uses; the process's own error handling
// must stay the CLI's, so they are removed again right after the backend starts.
function removeListenersAddedSince(before: Map<string, Set<Listener>>): void {
  const emitter: NodeJS.EventEmitter = process;
  for (const event of ERROR_EVENTS) {
    for (const listener of emitter.listeners(event) as Listener[]) {
      if (!before.get(event)!.has(listener)) emitter.removeListener(event, listener);
    }
  }
}

/**
 * Absolute path of an installed package's folder, found along Node's module search path from
 * this file (`require.resolve.paths`). Not `require.resolve("<pkg>/package.json")`: a package
 * with an `exports` map that omits "./package.json" (as @vladmandic/human 3.3's does) refuses that.
 * Throws an InputError naming the package when it is not installed.
 */
export function resolvePackageDir(packageName: string, where: string): string {
  const searchDirs = createRequire(import.meta.url).resolve.paths(packageName) ?? [];
  for (const dir of searchDirs) {
    const candidate = join(dir, packageName);
    if (existsSync(join(candidate, "package.json"))) return candidate;
  }
  throw new InputError(where, "package", packageName, "is not installed in node_modules (npm install)");
}
