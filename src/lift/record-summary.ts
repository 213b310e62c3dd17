import { LIFT_REJECT_REASONS } from "./types.js";
import type { LiftRejectReason } from "./types.js";
import { LIFT_SKIP_REASONS } from "./record.js";
import type { LiftRecord, LiftSkipReason } from "./record.js";

/**
 * What a repository's records add up to: counts by verdict, filter reason, skip reason and
 * category, and the sizes and depths of the kept boxes. Built record by record, in chunk order,
 * so the same records always give the same summary.
 */
export interface LiftSummary {
  /** Images with an image record (their depth was usable). */
  imagesLifted: number;
  /** Images skipped as a whole (a skip record without annotation_id). */
  imagesSkipped: number;
  /** Object records, kept + rejected. */
  objects: number;
  kept: number;
  rejected: number;
  /** Skip records (images and annotations). */
  skipped: number;
  /** Rejections per filter reason (every reason present, 0 when none). */
  readonly rejectedByReason: Record<LiftRejectReason, number>;
  /** Skips per reason (every reason present, 0 when none). */
  readonly skippedByReason: Record<LiftSkipReason, number>;
  /** The first detail seen per skip reason (an example for the report). */
  readonly skipExample: Partial<Record<LiftSkipReason, string>>;
  /** Per category label: kept and rejected counts. */
  readonly byCategory: Map<string, { kept: number; rejected: number }>;
  /** Per category label: sizes (sx, sy, sz, metres) of the kept boxes. */
  readonly sizes: Map<string, { sx: number[]; sy: number[]; sz: number[] }>;
  /** Centre depth (metres) of every kept box. */
  readonly keptDepthsM: number[];
}

/** An empty summary. */
export function emptySummary(): LiftSummary {
  return {
    imagesLifted: 0,
    imagesSkipped: 0,
    objects: 0,
    kept: 0,
    rejected: 0,
    skipped: 0,
    rejectedByReason: Object.fromEntries(LIFT_REJECT_REASONS.map((r) => [r, 0])) as Record<LiftRejectReason, number>,
    skippedByReason: Object.fromEntries(LIFT_SKIP_REASONS.map((r) => [r, 0])) as Record<LiftSkipReason, number>,
    skipExample: {},
    byCategory: new Map(),
    sizes: new Map(),
    keptDepthsM: [],
  };
}

/** Add one record to the summary (mutates and returns it). */
export function addToSummary(summary: LiftSummary, record: LiftRecord): LiftSummary {
  if (record.kind === "image") {
    summary.imagesLifted++;
  } else if (record.kind === "skip") {
    summary.skipped++;
    summary.skippedByReason[record.skipped] = (summary.skippedByReason[record.skipped] ?? 0) + 1;
    summary.skipExample[record.skipped] ??= record.detail;
    if (record.annotation_id === undefined) summary.imagesSkipped++;
  } else {
    summary.objects++;
    let cat = summary.byCategory.get(record.label);
    if (cat === undefined) summary.byCategory.set(record.label, (cat = { kept: 0, rejected: 0 }));
    if (record.verdict === "kept" && record.bbox3d !== null) {
      summary.kept++;
      cat.kept++;
      let sizes = summary.sizes.get(record.label);
      if (sizes === undefined) summary.sizes.set(record.label, (sizes = { sx: [], sy: [], sz: [] }));
      sizes.sx.push(record.bbox3d.size[0]);
      sizes.sy.push(record.bbox3d.size[1]);
      sizes.sz.push(record.bbox3d.size[2]);
      summary.keptDepthsM.push(record.bbox3d.center[2]);
    } else {
      summary.rejected++;
      cat.rejected++;
      if (record.reason !== undefined) summary.rejectedByReason[record.reason] = (summary.rejectedByReason[record.reason] ?? 0) + 1;
    }
  }
  return summary;
}

/**
 * The q-quantile (0..1) of values by linear interpolation between order statistics (the usual
 * "type 7" rule: q = 0.5 of [1, 2, 3, 4] is 2.5). NaN-free input; an empty list has no quantile
 * and gives null.
 */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}
