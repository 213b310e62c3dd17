/**
 * Learning-rate schedules, pure TypeScript: the training-step graph takes the rate as its `lr`
 * input, so the schedule lives in the training loop and can change without rebuilding the graph.
 */
import { InputError } from "../errors.js";

/** Settings of {@link warmupCosineLr}. */
export interface WarmupCosineOptions {
  /** Rate reached at the end of warm-up (> 0). */
  readonly peakLr: number;
  /** Linear warm-up length in steps (>= 0). */
  readonly warmupSteps: number;
  /** Step at which the cosine reaches `minLr` (>= warmupSteps, >= 1). */
  readonly totalSteps: number;
  /** Final rate, in [0, peakLr]. */
  readonly minLr: number;
}

/**
 * Linear warm-up then cosine decay, for a 1-based `step` (the training graph's `step` input):
 * peakLr * step / warmupSteps while step <= warmupSteps; then
 * minLr + (peakLr - minLr) * (1 + cos(pi * (step - warmupSteps) / (totalSteps - warmupSteps))) / 2
 * up to totalSteps; minLr after it.
 */
export function warmupCosineLr(step: number, options: WarmupCosineOptions): number {
  const where = "warmupCosineLr";
  const { peakLr, warmupSteps, totalSteps, minLr } = options;
  if (!Number.isInteger(step) || step < 1) throw new InputError(where, "step", step, "must be an integer >= 1 (steps are 1-based)");
  if (!Number.isFinite(peakLr) || peakLr <= 0) throw new InputError(where, "peakLr", peakLr, "must be a positive number");
  if (!Number.isFinite(minLr) || minLr < 0 || minLr > peakLr) throw new InputError(where, "minLr", minLr, `must be in [0, peakLr = ${peakLr}]`);
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0) throw new InputError(where, "warmupSteps", warmupSteps, "must be an integer >= 0");
  if (!Number.isInteger(totalSteps) || totalSteps < Math.max(1, warmupSteps)) {
    throw new InputError(where, "totalSteps", totalSteps, `must be an integer >= max(1, warmupSteps = ${warmupSteps})`);
  }
  if (step <= warmupSteps) return (peakLr * step) / warmupSteps;
  if (step >= totalSteps) return minLr;
  const progress = (step - warmupSteps) / (totalSteps - warmupSteps);
  return minLr + 0.5 * (peakLr - minLr) * (1 + Math.cos(Math.PI * progress));
}
