import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { createScratch, liftImage, zeroTimings } from "./worker-image.js";
import type { LiftImageResult, LiftStageTimings, LiftWorkItem } from "./worker-image.js";
import { createLiftParts } from "./worker-parts.js";
import type { LiftWorkerConfig } from "./worker-parts.js";
import { deserializeError } from "./worker-protocol.js";
import type { WorkerReply, WorkerRequest } from "./worker-protocol.js";

/**
 * Where images are lifted: worker threads (one lifting thread per core, each with its own depth
 * back end), or the calling thread (`workers: 0`, for tests and for tools that must not spawn).
 * Both give the same records; only the speed differs.
 */
export interface LiftExecutor {
  /** How many images may be outstanding at once (run() calls not yet resolved). */
  readonly capacity: number;
  /** Lift one image. Rejects only when the executor itself broke (a worker died). */
  run(item: LiftWorkItem): Promise<{ result: LiftImageResult; timings: LiftStageTimings }>;
  /** Finish: release back ends and stop threads. */
  close(): Promise<void>;
}

/** Lift in the calling thread. */
export async function startInThread(config: LiftWorkerConfig): Promise<LiftExecutor> {
  const parts = await createLiftParts(config);
  const scratch = createScratch();
  return {
    capacity: 2, // while one image waits for its depth file, the other is lifted
    async run(item) {
      const timings = zeroTimings();
      return { result: await liftImage(item, parts, config, timings, scratch), timings };
    },
    close: () => parts.dispose(),
  };
}

/**
 * Start `count` worker threads (count >= 1), each building its parts from `config`; resolves when
 * all are ready, or rejects with the first one's error (an InputError for bad input, e.g. a bad
 * model folder).
 */
export async function startWorkerPool(count: number, config: LiftWorkerConfig): Promise<LiftExecutor> {
  const slots = Array.from({ length: count }, () => new WorkerSlot(config));
  try {
    await Promise.all(slots.map((s) => s.ready));
  } catch (err) {
    await Promise.all(slots.map((s) => s.stop()));
    throw err;
  }
  return {
    capacity: 2 * count,
    run(item) {
      let best = slots[0]!;
      for (const s of slots) if (s.pending.size < best.pending.size) best = s;
      return best.run(item);
    },
    async close() {
      await Promise.all(slots.map((s) => s.close()));
    },
  };
}

type Pending = { resolve: (r: { result: LiftImageResult; timings: LiftStageTimings }) => void; reject: (e: Error) => void };

/** One worker thread and the items it is working on. */
class WorkerSlot {
  readonly pending = new Map<number, Pending>();
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private broken: Error | null = null;
  private closing = false;
  private readonly exited: Promise<void>;

  constructor(config: LiftWorkerConfig) {
    this.worker = spawnWorker(config);
    let markReady!: () => void;
    let failReady!: (e: Error) => void;
    this.ready = new Promise<void>((res, rej) => {
      markReady = res;
      failReady = rej;
    });
    this.ready.catch(() => undefined); // observed by startWorkerPool; never an unhandled rejection
    this.exited = new Promise<void>((res) => this.worker.once("exit", () => res()));
    this.worker.on("message", (reply: WorkerReply) => {
      if (reply.type === "ready") markReady();
      else if (reply.type === "failed") this.fail(deserializeError(reply.error), failReady);
      else {
        const p = this.pending.get(reply.result.seq);
        this.pending.delete(reply.result.seq);
        p?.resolve({ result: reply.result, timings: reply.timings });
      }
    });
    this.worker.on("error", (err) => this.fail(err, failReady));
    this.worker.on("exit", (code) => {
      if (!this.closing) this.fail(new Error(`a lifting worker stopped unexpectedly (exit code ${code})`), failReady);
    });
  }

  run(item: LiftWorkItem): Promise<{ result: LiftImageResult; timings: LiftStageTimings }> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.pending.set(item.seq, { resolve, reject });
      this.worker.postMessage({ type: "item", item } satisfies WorkerRequest);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    if (!this.broken) this.worker.postMessage({ type: "close" } satisfies WorkerRequest);
    else await this.worker.terminate();
    await this.exited;
  }

  async stop(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }

  private fail(err: Error, failReady: (e: Error) => void): void {
    this.broken ??= err;
    failReady(this.broken);
    for (const p of this.pending.values()) p.reject(this.broken);
    this.pending.clear();
  }
}

/**
 * The worker entry next to this file: `worker.js` when running compiled (dist/, the CLI), or
 * `worker.ts` through tsx's loader when running from source (vitest, tsx scripts). Node cannot run
 * TypeScript in a worker by itself, and a worker does not inherit the loader of its parent.
 */
function spawnWorker(config: LiftWorkerConfig): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL("./worker.js", here), { workerData: config });
  const tsxApi = pathToFileURL(createRequire(here).resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs")).href;
  const entry = new URL("./worker.ts", here).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: config });
}
