// A parts module for runner tests (RunLiftOptions.partsModule): the real lift and depth, plus
// - a fake detector that reports one "chair" in the middle of every image (score 0.9) and one
//   "cup" below any sensible threshold (score 0.05);
// - with `?delayMs=N` in the module URL, a lift that first blocks N ms per object, so a test can
//   kill a run in the middle.
// Not part of the build.
import type { Detector } from "../../detect/index.js";
import { liftObject } from "../lift.js";
import type { LiftFunction, LiftParts } from "../worker-parts.js";

const delayMs = Number(new URL(import.meta.url).searchParams.get("delayMs") ?? "0");
const sleeper = new Int32Array(new SharedArrayBuffer(4));

const slowLift: LiftFunction = (frame, target, options, timings) => {
  Atomics.wait(sleeper, 0, 0, delayMs);
  return liftObject(frame, target, options, timings);
};

const detector: Detector = {
  name: "fake",
  labels: ["chair", "cup"],
  async detect(image, options) {
    const { width, height } = image.size;
    const all = [
      { label: "chair", score: 0.9, box: { x1: width * 0.3, y1: height * 0.3, x2: width * 0.7, y2: height * 0.9 } },
      { label: "cup", score: 0.05, box: { x1: 1, y1: 1, x2: 6, y2: 6 } },
    ];
    return all.filter((d) => d.score >= (options?.minScore ?? 0.3));
  },
  async dispose() {},
};

export async function createLiftParts(): Promise<Partial<Pick<LiftParts, "lift" | "detector">>> {
  return { ...(delayMs > 0 ? { lift: slowLift } : {}), detector: async () => detector };
}
