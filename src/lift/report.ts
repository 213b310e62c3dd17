import { LIFT_REJECT_REASONS } from "./types.js";
import type { LiftConfig, RedoneChunk } from "./manifest.js";
import { LIFT_SKIP_REASONS } from "./record.js";
import { quantile } from "./record-summary.js";
import type { LiftSummary } from "./record-summary.js";

/**
 * OUT/report.md: what a lifting run made, for a person. Counts by category, filter reason and skip
 * reason; per category the median and p10 / p90 of the kept boxes' sizes; a text histogram of kept
 * boxes' depth. Everything but the closing "This run" section (present only when chunks had to be
 * redone) depends only on the records, so it is the same bytes for the same repository.
 */

/** What the report is about, besides the summary. */
export interface ReportContext {
  readonly config: LiftConfig;
  /** Shard indices the repository holds (one, or several after a merge). */
  readonly shards: readonly number[];
  readonly images: number;
  readonly redone?: readonly RedoneChunk[];
}

/** Depth bins (metres) of the histogram: [lo, hi). */
const DEPTH_BINS: readonly (readonly [number, number])[] = [[0, 1], [1, 2], [2, 4], [4, 8], [8, 16], [16, 32], [32, Infinity]];
const BAR_WIDTH = 40;

/** The report's Markdown text. */
export function renderReport(summary: LiftSummary, ctx: ReportContext): string {
  const { config } = ctx;
  const lines: string[] = ["# n3d lift report", ""];
  const dataset = config.inputs.dataset;
  lines.push(
    `- dataset: ${dataset.kind} \`${dataset.path}\` (sha256 ${dataset.sha256.slice(0, 16)}...)`,
    `- shards: ${ctx.shards.length === config.shard.count ? `all ${config.shard.count}` : `${ctx.shards.join(", ")} of ${config.shard.count}`}`,
    `- depth: ${config.depth.backend}; detector: ${config.detector === null ? "none" : `${config.detector.name} (score >= ${config.detector.min_score}${config.detector.detect_all ? ", every image" : ", images without annotations"})`}`,
    "- lift options: see manifest.json (config.lift_options)",
    "",
    "## Counts",
    "",
    "| what | count |",
    "| --- | ---: |",
    `| images | ${ctx.images} |`,
    `| images lifted | ${summary.imagesLifted} |`,
    `| images skipped | ${summary.imagesSkipped} |`,
    `| objects | ${summary.objects} |`,
    `| kept | ${summary.kept} (${percent(summary.kept, summary.objects)}) |`,
    `| rejected by a filter | ${summary.rejected} (${percent(summary.rejected, summary.objects)}) |`,
    `| items skipped | ${summary.skipped} |`,
    "",
  );

  lines.push("## Rejected by filter", "");
  if (summary.rejected === 0) lines.push("No object was rejected.", "");
  else {
    lines.push("| reason | objects | share of objects |", "| --- | ---: | ---: |");
    for (const r of LIFT_REJECT_REASONS) if (summary.rejectedByReason[r] > 0) lines.push(`| ${r} | ${summary.rejectedByReason[r]} | ${percent(summary.rejectedByReason[r], summary.objects)} |`);
    lines.push("");
  }

  lines.push("## Skipped items", "");
  if (summary.skipped === 0) lines.push("Nothing was skipped.", "");
  else {
    lines.push("| reason | items | first example |", "| --- | ---: | --- |");
    for (const r of LIFT_SKIP_REASONS) if (summary.skippedByReason[r] > 0) lines.push(`| ${r} | ${summary.skippedByReason[r]} | ${cell(summary.skipExample[r] ?? "")} |`);
    lines.push("");
  }

  const categories = [...summary.byCategory.keys()].sort();
  lines.push("## By category", "");
  if (categories.length === 0) lines.push("No objects.", "");
  else {
    lines.push("| category | kept | rejected | kept share |", "| --- | ---: | ---: | ---: |");
    for (const c of categories) {
      const n = summary.byCategory.get(c)!;
      lines.push(`| ${cell(c)} | ${n.kept} | ${n.rejected} | ${percent(n.kept, n.kept + n.rejected)} |`);
    }
    lines.push("");
  }

  lines.push("## Sizes of kept boxes", "", "Median [p10, p90] in metres along the box's own axes (sx across, sy vertical, sz depth-wise before yaw).", "");
  const sized = categories.filter((c) => summary.sizes.has(c));
  if (sized.length === 0) lines.push("No kept boxes.", "");
  else {
    lines.push("| category | n | sx | sy | sz |", "| --- | ---: | --- | --- | --- |");
    for (const c of sized) {
      const s = summary.sizes.get(c)!;
      lines.push(`| ${cell(c)} | ${s.sx.length} | ${spread(s.sx)} | ${spread(s.sy)} | ${spread(s.sz)} |`);
    }
    lines.push("");
  }

  lines.push("## Depth of kept boxes", "");
  if (summary.keptDepthsM.length === 0) lines.push("No kept boxes.", "");
  else lines.push("```", ...histogram(summary.keptDepthsM), "```", "");

  if (ctx.redone !== undefined && ctx.redone.length > 0) {
    lines.push("## This run", "", "Chunks found incomplete or corrupt and lifted again:", "");
    for (const r of ctx.redone) lines.push(`- \`${r.file}\`: ${r.reason}`);
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** Text histogram of centre depths over {@link DEPTH_BINS}: one line per bin, bar scaled to the fullest. */
export function histogram(depthsM: readonly number[]): string[] {
  const counts = DEPTH_BINS.map(([lo, hi]) => depthsM.filter((z) => z >= lo && z < hi).length);
  const most = Math.max(1, ...counts);
  return DEPTH_BINS.map(([lo, hi], i) => {
    const label = `${lo}-${hi === Infinity ? "" : hi} m`.padEnd(8);
    const n = counts[i]!;
    const bar = "#".repeat(Math.round((n / most) * BAR_WIDTH));
    return `${label} ${String(n).padStart(6)} ${bar}`.trimEnd();
  });
}

function spread(values: readonly number[]): string {
  const f = (q: number): string => quantile(values, q)!.toFixed(2);
  return `${f(0.5)} [${f(0.1)}, ${f(0.9)}]`;
}

function percent(n: number, of: number): string {
  return of === 0 ? "-" : `${((100 * n) / of).toFixed(1)} %`;
}

/** A table cell: no pipes or line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s+/g, " ");
}
