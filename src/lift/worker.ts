// The lifting worker thread's entry: builds its own lift parts from the config in workerData, then
// lifts each image it is sent and posts the records back. Started by worker-pool.ts; never prints.
import { parentPort, workerData } from "node:worker_threads";
import { createScratch, liftImage, zeroTimings } from "./worker-image.js";
import type { LiftWorkItem } from "./worker-image.js";
import { createLiftParts } from "./worker-parts.js";
import type { LiftParts, LiftWorkerConfig } from "./worker-parts.js";
import { serializeError } from "./worker-protocol.js";
import type { WorkerReply, WorkerRequest } from "./worker-protocol.js";

const port = parentPort;
if (port === null) throw new Error("src/lift/worker.ts runs only as a worker thread (see worker-pool.ts)");
const config = workerData as LiftWorkerConfig;
const post = (reply: WorkerReply): void => port.postMessage(reply);

let parts: LiftParts | undefined;
try {
  parts = await createLiftParts(config);
  post({ type: "ready" });
} catch (err) {
  post({ type: "failed", error: serializeError(err) });
  port.close();
}

const scratch = createScratch();
port.on("message", (message: WorkerRequest) => {
  if (message.type === "close") {
    void (parts?.dispose() ?? Promise.resolve()).finally(() => port.close());
    return;
  }
  void lift(message.item);
});

async function lift(item: LiftWorkItem): Promise<void> {
  if (parts === undefined) return;
  const timings = zeroTimings();
  const result = await liftImage(item, parts, config, timings, scratch);
  post({ type: "done", result, timings });
}
