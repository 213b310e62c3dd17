import type { Detection, Detector } from "../detect/index.js";
import { InputError } from "../errors.js";
import type { LiftOptions } from "../lift/lift.js";
import type { RGBDFrame } from "../rgbd/index.js";
import { defaultLift, liftFrameOf, type LiftFn } from "./lifting.js";
import { regionIndex } from "./mentions.js";
import type { GroundedBox, Grounder, GroundRequest } from "./types.js";
import { matchLabel, normalizePhrase } from "./vocabulary.js";

/**
 * The `detect-lift` back end: a 2D detector proposes objects (by default the COCO-80 CenterNet
 * shipped in @vladmandic/human), and each detection is lifted with the frame's depth. Category and
 * named requests keep the detections whose label the words name (plurals and synonyms: "sofas"
 * finds COCO's "couch"). Detections the lifting filters reject are dropped: a detector's output is
 * a proposal, unlike a region the user drew.
 */

/** Detections below this score are not lifted (SpatialRGPT's Open Spatial Dataset drops < 0.3 too). */
export const DETECT_LIFT_MIN_SCORE = 0.3;

/** Options of {@link createDetectLiftGrounder}. */
export interface DetectLiftOptions {
  /** The detector, or how to load it on first use (default: src/detect's loadCenterNet()). */
  readonly detector?: Detector | (() => Promise<Detector>);
  /** Lowest detection score lifted (default {@link DETECT_LIFT_MIN_SCORE}). */
  readonly minScore?: number;
  /** Most detections per frame (default the detector's). */
  readonly maxDetections?: number;
  /** The lifter (default src/lift's liftObject). */
  readonly lift?: LiftFn;
  readonly liftOptions?: LiftOptions;
}

/** The labels among `labels` that `words` name, by vocabulary.ts; a word naming none is an error listing what the detector finds. */
export function labelsNamed(words: readonly string[], labels: readonly string[], detectorName: string): Set<string> {
  const out = new Set<string>();
  for (const word of words) {
    // "2_chair" names a chair; the index picks among the chairs later.
    const bare = normalizePhrase(word).replace(/^\d+_/, "");
    const hit = matchLabel(bare, labels);
    if (hit === null) {
      throw new InputError("detect-lift", "object", word, `is not a category the ${detectorName} detector finds; it finds: ${labels.join(", ")}`);
    }
    out.add(hit.label);
  }
  return out;
}

/**
 * The `detect-lift` back end. The detector loads on the first request and stays loaded until
 * dispose; each image is detected once (keyed by its pixel array), however many questions ask about it.
 */
export function createDetectLiftGrounder(options: DetectLiftOptions = {}): Grounder {
  const minScore = options.minScore ?? DETECT_LIFT_MIN_SCORE;
  if (!(minScore >= 0 && minScore <= 1)) throw new InputError("detect-lift", "minScore", minScore, "must be a score in [0, 1]");
  if (options.maxDetections !== undefined && !(Number.isInteger(options.maxDetections) && options.maxDetections >= 1)) {
    throw new InputError("detect-lift", "maxDetections", options.maxDetections, "must be an integer >= 1");
  }
  const lift = options.lift ?? defaultLift;
  let loaded: Promise<Detector> | null = null;
  // Many questions about one frame (a batch, a demo) detect once: detections are kept per image.
  let seen = new WeakMap<Uint8Array, Promise<readonly Detection[]>>();
  const detector = (): Promise<Detector> => {
    if (loaded === null) {
      const given = options.detector;
      loaded = given === undefined ? import("../detect/index.js").then((m) => m.loadCenterNet()) : typeof given === "function" ? given() : Promise.resolve(given);
    }
    return loaded;
  };

  return {
    name: "detect-lift",
    accepts: ["all", "category", "named"],
    async ground(frame: RGBDFrame, request: GroundRequest): Promise<GroundedBox[]> {
      if (request.kind === "regions") {
        throw new InputError("detect-lift", "request", "regions", "region prompts are lifted by the regions back end; use it for questions with <region0> ...");
      }
      const det = await detector();
      let wanted: Set<string> | null = null;
      if (request.kind === "category") wanted = labelsNamed([request.category], det.labels, det.name);
      if (request.kind === "named") {
        const regionWord = request.names.find((n) => regionIndex(n) !== null);
        if (regionWord !== undefined) throw new InputError("detect-lift", "object", regionWord, "names a region prompt; give the regions and use the regions back end");
        wanted = labelsNamed(request.names, det.labels, det.name);
      }
      let pending = seen.get(frame.rgb);
      if (pending === undefined) {
        pending = det.detect({ rgb: frame.rgb, size: frame.size }, { minScore, ...(options.maxDetections !== undefined ? { maxDetections: options.maxDetections } : {}) });
        seen.set(frame.rgb, pending);
      }
      const detections = await pending;
      const liftFrame = liftFrameOf(frame);
      const out: GroundedBox[] = [];
      for (const d of detections) {
        if (d.score < minScore || (wanted !== null && !wanted.has(d.label))) continue;
        const outcome = lift(liftFrame, { label: d.label, bbox2d: d.box, score: d.score }, options.liftOptions);
        if (outcome.box === null || outcome.verdict !== "kept") continue;
        out.push({ label: d.label, box: outcome.box, score: d.score, box2d: d.box });
      }
      return out;
    },
    async dispose() {
      if (loaded === null) return;
      const pending = loaded;
      loaded = null;
      seen = new WeakMap();
      await (await pending).dispose();
    },
  };
}
