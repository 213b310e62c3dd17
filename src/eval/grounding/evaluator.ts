import { InputError } from "../../errors.js";
import type { EvalResults, Evaluator } from "../types.js";
import { AP_BANDS, Ap3dAccumulator, COCO_RECALL_POINTS, DEFAULT_MAX_DETECTIONS, OMNI3D_IOU_THRESHOLDS } from "./ap3d.js";
import { DEFAULT_DEPTH_BAND_EDGES_M, DEPTH_BAND_NAMES, depthBandOf, validateDepthBandEdges, type DepthBand } from "./depth-bands.js";
import { groupByLabel, matchGroundingBoxes } from "./match.js";
import type { GroundingRecord } from "./records.js";
import { GroundingTally } from "./tally.js";

/** One image to score: the truth, and the prediction record when there is one. */
export interface GroundingInput {
  /** Predictions for the image; absent when the prediction file has no line for it (all misses). */
  readonly pred?: GroundingRecord;
  readonly truth: GroundingRecord;
}

/** Options of {@link GroundingEvaluator}; every field has a default. */
export interface GroundingEvaluatorOptions {
  /**
   * 3D IoU thresholds for acc / precision / recall / F1, and for the single-threshold AP3D@t
   * (default [0.25, 0.5], the paper's and SpatialLM's). Each in (0, 1].
   */
  readonly thresholds?: readonly number[];
  /** Detections per image and category kept for AP3D, by score (default 100, Omni3D's maxDets). */
  readonly maxDetectionsPerImage?: number;
  /** Depth band edges near|medium and medium|far, metres (default [10, 35], Omni3D's). */
  readonly depthBandEdgesM?: readonly [number, number];
}

/** The resolved configuration, as written into reports. */
export interface GroundingEvaluatorConfig {
  readonly thresholds: readonly number[];
  readonly maxDetectionsPerImage: number;
  readonly depthBandEdgesM: readonly [number, number];
  /** IoU thresholds AP3D averages over (Omni3D's 0.05, 0.10, ..., 0.50). */
  readonly apIouThresholds: readonly number[];
  /** Recall points of the interpolated AP (101, COCO's). */
  readonly apRecallPoints: number;
  /** How the mean metrics pair boxes, and how AP does. */
  readonly matching: string;
}

/** Task name of the overall results (and the evaluator's name). */
export const GROUNDING_TASK = "grounding";
/** Task name of one depth band's results: `grounding/depth/near`. */
export const groundingDepthTask = (band: DepthBand): string => `${GROUNDING_TASK}/depth/${band}`;
/** Task name of one category's results: `grounding/category/chair`. */
export const groundingCategoryTask = (label: string): string => `${GROUNDING_TASK}/category/${label}`;

/**
 * Scores 3D grounding by the paper's rules (FORMATS.md §6) and Omni3D's AP3D, with the evaluator
 * contract of eval/types.ts: reset(), process(inputs), evaluate() -> {task: {metric: value}}.
 *
 * Per image, predictions are matched to truth by label and then by the Hungarian assignment on 3D
 * IoU (match.ts; a pair with IoU 0 is no match). Each matched pair is measured with the TRUTH
 * image's K and size (the prediction record's camera is not used). Results:
 *
 * - `grounding`: everything, plus `images` and `images_without_prediction` (truth images whose
 *   prediction record is absent; their boxes are all misses);
 * - `grounding/depth/near|medium|far`: by the TRUTH centre's z for matched pairs and misses (near
 *   z < 10 m, medium 10-35 m, far >= 35 m), by the prediction's own z for false positives;
 * - `grounding/category/<label>`: one per label seen in truth or predictions (sorted).
 *
 * Metrics in every task (see {@link GroundingTally} for which boxes each averages over): counts
 * `truth`, `predictions`, `matched`, `misses`, `false_positives`, `matched_without_2d_center`;
 * means over matched pairs `iou3d_mean`, `projected_iou_mean`, `center_offset_3d_m`,
 * `center_offset_3d_rel` (share of truth depth), `center_offset_2d_px`, `center_offset_2d_norm`
 * (share of the image diagonal); over all truth `iou3d_mean_over_truth`,
 * `projected_iou_mean_over_truth`, `acc@t`, `recall@t`; over all predictions `precision@t`; `f1@t`;
 * and AP3D (ap3d.ts: COCO greedy matching by score, separate from the Hungarian one): `ap3d`
 * (mean over IoU 0.05:0.05:0.50 then over categories with truth), `ap3d@t`, and in the overall and
 * band tasks `ap3d_categories` (categories with truth, which AP3D averages over).
 *
 * A metric with no data is omitted rather than NaN; the counts say why (e.g. no `precision@0.25`
 * when `predictions` is 0, no AP when a category has no truth).
 */
export class GroundingEvaluator implements Evaluator<GroundingInput> {
  readonly name = GROUNDING_TASK;
  readonly config: GroundingEvaluatorConfig;
  /** AP thresholds: Omni3D's grid, then any of config.thresholds not on it. */
  private readonly apThresholds: readonly number[];
  private images = 0;
  private imagesWithoutPrediction = 0;
  private overall!: GroundingTally;
  private bands!: Map<DepthBand, GroundingTally>;
  private categories!: Map<string, GroundingTally>;
  private ap!: Ap3dAccumulator;

  constructor(options: GroundingEvaluatorOptions = {}) {
    const where = "GroundingEvaluator";
    const thresholds = [...(options.thresholds ?? [0.25, 0.5])];
    thresholds.forEach((t, i) => {
      if (typeof t !== "number" || !(t > 0 && t <= 1)) throw new InputError(where, `thresholds[${i}]`, t, "must be a 3D IoU in (0, 1]");
    });
    const maxDetectionsPerImage = options.maxDetectionsPerImage ?? DEFAULT_MAX_DETECTIONS;
    if (!Number.isInteger(maxDetectionsPerImage) || maxDetectionsPerImage < 1) {
      throw new InputError(where, "maxDetectionsPerImage", maxDetectionsPerImage, "must be an integer >= 1");
    }
    const depthBandEdgesM = validateDepthBandEdges(options.depthBandEdgesM ?? DEFAULT_DEPTH_BAND_EDGES_M, where);
    this.apThresholds = [...OMNI3D_IOU_THRESHOLDS, ...thresholds.filter((t) => gridIndex(OMNI3D_IOU_THRESHOLDS, t) < 0)];
    this.config = {
      thresholds,
      maxDetectionsPerImage,
      depthBandEdgesM: [depthBandEdgesM[0], depthBandEdgesM[1]],
      apIouThresholds: OMNI3D_IOU_THRESHOLDS,
      apRecallPoints: COCO_RECALL_POINTS.length,
      matching:
        "mean metrics, acc, precision/recall/F1: per image by label, then Hungarian on 3D IoU (IoU 0 is no match); " +
        "AP3D: Omni3D/COCO greedy matching by descending score per image and category",
    };
    this.reset();
  }

  reset(): void {
    this.images = 0;
    this.imagesWithoutPrediction = 0;
    this.overall = new GroundingTally(this.config.thresholds);
    this.bands = new Map(DEPTH_BAND_NAMES.map((b) => [b, new GroundingTally(this.config.thresholds)]));
    this.categories = new Map();
    this.ap = new Ap3dAccumulator(this.apThresholds, this.config.maxDetectionsPerImage, this.config.depthBandEdgesM);
  }

  /**
   * Score a batch of images. Throws an InputError when a prediction record's id differs from its
   * truth's (a pairing mistake by the caller) or a box is invalid (records from the readers are
   * already valid).
   */
  process(inputs: readonly GroundingInput[]): void {
    for (const { pred, truth } of inputs) {
      if (pred !== undefined && pred.imageId !== truth.imageId) {
        throw new InputError("GroundingEvaluator.process", "pred.imageId", pred.imageId, `must equal truth.imageId ${JSON.stringify(truth.imageId)}`);
      }
      const predBoxes = pred?.boxes ?? [];
      const truthBoxes = truth.boxes;
      const groups = groupByLabel(predBoxes, truthBoxes);
      const matching = matchGroundingBoxes(predBoxes, truthBoxes, truth, groups);
      const edges = this.config.depthBandEdgesM;
      for (const pair of matching.pairs) {
        const z = truthBoxes[pair.truthIndex]!.box.center[2];
        for (const tally of this.talliesFor(pair.label, depthBandOf(z, edges))) tally.addPair(pair, z);
      }
      for (const i of matching.misses) {
        const b = truthBoxes[i]!;
        for (const tally of this.talliesFor(b.label, depthBandOf(b.box.center[2], edges))) tally.addMiss();
      }
      for (const i of matching.falsePositives) {
        const b = predBoxes[i]!;
        for (const tally of this.talliesFor(b.label, depthBandOf(b.box.center[2], edges))) tally.addFalsePositive();
      }
      for (const g of groups) this.ap.addLabelGroup(truth.imageId, g, predBoxes, truthBoxes);
      this.images++;
      if (pred === undefined) this.imagesWithoutPrediction++;
    }
  }

  /** {task: {metric: value}} as the class comment lists; never NaN. */
  evaluate(): EvalResults {
    const labels = [...this.categories.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // Per band, each category's AP at every threshold (null without truth in the band).
    const aps = new Map(AP_BANDS.map((band) => [band, new Map(labels.map((l) => [l, this.ap.categoryAp(band, l)]))]));
    const results: EvalResults = {
      [GROUNDING_TASK]: {
        images: this.images,
        images_without_prediction: this.imagesWithoutPrediction,
        ...this.overall.metrics(),
        ...this.apSummary(aps.get("all")!),
      },
    };
    for (const band of DEPTH_BAND_NAMES) {
      results[groundingDepthTask(band)] = { ...this.bands.get(band)!.metrics(), ...this.apSummary(aps.get(band)!) };
    }
    for (const label of labels) {
      const ap = aps.get("all")!.get(label)!;
      results[groundingCategoryTask(label)] = { ...this.categories.get(label)!.metrics(), ...(ap === null ? {} : this.apMetrics(ap)) };
    }
    return results;
  }

  private talliesFor(label: string, band: DepthBand): GroundingTally[] {
    let category = this.categories.get(label);
    if (category === undefined) this.categories.set(label, (category = new GroundingTally(this.config.thresholds)));
    return [this.overall, this.bands.get(band)!, category];
  }

  /** ap3d (mean over Omni3D's grid) and ap3d@t from one set of per-threshold APs. */
  private apMetrics(perThreshold: readonly number[]): Record<string, number> {
    const grid = perThreshold.slice(0, OMNI3D_IOU_THRESHOLDS.length);
    const out: Record<string, number> = { ap3d: grid.reduce((s, v) => s + v, 0) / grid.length };
    for (const t of this.config.thresholds) out[`ap3d@${t}`] = perThreshold[gridIndex(this.apThresholds, t)]!;
    return out;
  }

  /** AP metrics averaged over the categories with truth in a band, and how many there were. */
  private apSummary(byCategory: ReadonlyMap<string, number[] | null>): Record<string, number> {
    const perCategory = [...byCategory.values()].filter((a): a is number[] => a !== null);
    if (perCategory.length === 0) return { ap3d_categories: 0 };
    const means = this.apThresholds.map((_, k) => perCategory.reduce((s, a) => s + a[k]!, 0) / perCategory.length);
    return { ap3d_categories: perCategory.length, ...this.apMetrics(means) };
  }
}

/** Index of t in a threshold grid, equal within 1e-12 (numpy.isclose, as Omni3D's summarize); -1 if absent. */
function gridIndex(grid: readonly number[], t: number): number {
  return grid.findIndex((g) => Math.abs(g - t) <= 1e-12);
}
