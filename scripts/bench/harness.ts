// The timing loop of `npm run bench`: warm each case up, size its inner loop so one sample lasts
// long enough for the clock, then take samples round-robin across a group's cases so a baseline
// and the paths compared with it share the same moments of a noisy, shared machine.
import { performance } from "node:perf_hooks";

/** Work one op does, for the throughput column: `perOp` units of `unit` ("px", "B", "pairs"). */
export interface Throughput {
  readonly perOp: number;
  readonly unit: string;
}

/** One thing to time. Fixtures are built before timing starts; `run` is one op on them. */
export interface BenchCase {
  readonly name: string;
  /** What one op is, in a few words (shown in the table). */
  readonly what: string;
  /** One op. A returned promise is awaited (sharp works off the main thread). */
  readonly run: () => unknown;
  readonly throughput: readonly Throughput[];
}

/**
 * A baseline and the cases compared with it. Every ratio in the report is a case's median over
 * its group baseline's median, both measured in the same run.
 */
export interface BenchGroup {
  readonly id: string;
  readonly title: string;
  readonly baseline: BenchCase;
  readonly cases: readonly BenchCase[];
  /** Facts about the fixture that the timings depend on (sizes, overlap fractions). */
  readonly notes: readonly string[];
  /** Lines derived from the measured medians (e.g. a split into stages), printed under the table. */
  readonly derive?: (medianMsOf: (name: string) => number) => string[];
}

/** How long and how often to sample. */
export interface HarnessConfig {
  /** Timed samples per case (the median is over these). */
  readonly samples: number;
  /** The inner loop repeats an op until one sample lasts at least this long, in milliseconds. */
  readonly minSampleMs: number;
  /** Untimed warm-up per case before sampling, in milliseconds (at least minWarmupRuns ops). */
  readonly warmupMs: number;
  readonly minWarmupRuns: number;
}

/** Order statistics of per-op times, milliseconds. */
export interface Stats {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly q1Ms: number;
  readonly q3Ms: number;
  /** Interquartile range over the median: the run's relative noise. */
  readonly iqrRel: number;
}

/** A measured case. */
export interface CaseResult {
  readonly name: string;
  readonly what: string;
  readonly isBaseline: boolean;
  /** Ops per timed sample (chosen from the warm-up). */
  readonly opsPerSample: number;
  /** Per-op time of each sample, milliseconds, in the order taken. */
  readonly samplesMs: readonly number[];
  readonly stats: Stats;
  /** medianMs / baseline medianMs (> 1 = slower than the baseline). */
  readonly ratio: number;
  /** Median over rounds of (this sample / the baseline's sample in the same round); drift-robust. */
  readonly pairedRatio: number;
  readonly throughput: readonly { readonly unit: string; readonly perSecond: number }[];
}

export interface GroupResult {
  readonly id: string;
  readonly title: string;
  readonly notes: readonly string[];
  readonly derived: readonly string[];
  readonly cases: readonly CaseResult[];
}

/** Results of the ops land here so the engine cannot drop a call whose result is unused. */
let sink: unknown;
/** Read the sink (keeps it observable; the value itself is of no interest). */
export function sinkValue(): unknown {
  return sink;
}

/** Run `op` `count` times back to back; returns the mean per-op time in milliseconds. */
async function timeOps(op: () => unknown, count: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const r = op();
    sink = r instanceof Promise ? await r : r;
  }
  return (performance.now() - t0) / count;
}

/** Quantile q in [0, 1] of sorted values, linear between order statistics (R type 7). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error("quantile: no values");
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function statsOf(values: readonly number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const medianMs = quantile(s, 0.5);
  const q1Ms = quantile(s, 0.25);
  const q3Ms = quantile(s, 0.75);
  return { medianMs, minMs: s[0]!, maxMs: s[s.length - 1]!, q1Ms, q3Ms, iqrRel: (q3Ms - q1Ms) / medianMs };
}

/** Warm a case up and choose how many ops one sample holds. */
async function warmUp(c: BenchCase, config: HarnessConfig): Promise<number> {
  const times: number[] = [];
  const t0 = performance.now();
  while (times.length < config.minWarmupRuns || performance.now() - t0 < config.warmupMs) {
    times.push(await timeOps(c.run, 1));
  }
  // The first calls include compilation; judge the op's cost by the later half.
  const perOpMs = statsOf(times.slice(Math.floor(times.length / 2))).medianMs;
  return Math.max(1, Math.ceil(config.minSampleMs / Math.max(perOpMs, 1e-6)));
}

/** Measure one group: warm-up, then `samples` rounds, each taking one sample of every case. */
export async function runGroup(group: BenchGroup, config: HarnessConfig): Promise<GroupResult> {
  const all = [group.baseline, ...group.cases];
  const ops: number[] = [];
  for (const c of all) ops.push(await warmUp(c, config));
  const samples: number[][] = all.map(() => []);
  for (let round = 0; round < config.samples; round++) {
    // Rotate the order each round so no case always runs right after the same neighbour.
    for (let k = 0; k < all.length; k++) {
      const i = (k + round) % all.length;
      samples[i]!.push(await timeOps(all[i]!.run, ops[i]!));
    }
  }
  const base = statsOf(samples[0]!);
  const cases = all.map((c, i): CaseResult => {
    const stats = statsOf(samples[i]!);
    const paired = samples[i]!.map((t, r) => t / samples[0]![r]!);
    return {
      name: c.name,
      what: c.what,
      isBaseline: i === 0,
      opsPerSample: ops[i]!,
      samplesMs: samples[i]!,
      stats,
      ratio: stats.medianMs / base.medianMs,
      pairedRatio: statsOf(paired).medianMs,
      throughput: c.throughput.map((t) => ({ unit: t.unit, perSecond: t.perOp / (stats.medianMs / 1000) })),
    };
  });
  const medianMsOf = (name: string): number => {
    const found = cases.find((c) => c.name === name);
    if (found === undefined) throw new Error(`bench group ${group.id}: no case named ${name}`);
    return found.stats.medianMs;
  };
  return { id: group.id, title: group.title, notes: group.notes, derived: group.derive?.(medianMsOf) ?? [], cases };
}
