import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import sharp from "sharp";
import { writeFileAtomic } from "../fsutil.js";
import type { EvalResults, SkippedInput } from "./types.js";

/** One input file of an evaluation, identified by content. */
export interface InputChecksum {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** Everything needed to reproduce and read an evaluation. */
export interface EvalReport {
  readonly tool: "n3d eval";
  readonly task: string;
  /** The resolved configuration (rules, thresholds, options). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly inputs: readonly InputChecksum[];
  readonly results: EvalResults;
  readonly skipped: readonly SkippedInput[];
  readonly warnings: readonly string[];
}

/** Size and SHA-256 of a file, for the report's inputs. */
export async function checksumFile(path: string): Promise<InputChecksum> {
  const bytes = await readFile(path);
  return { path, bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** Format a metric for a table: integers as they are, other numbers with 4 significant digits. */
export function formatMetric(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? value.toExponential(3) : value.toPrecision(4).replace(/\.?0+$/, "");
}

/**
 * The results as Markdown: one table, a row per task (in the order given), a column per metric
 * (the union over tasks, in first-seen order); a blank cell where a task has no such metric.
 */
export function resultsMarkdown(results: EvalResults): string {
  const tasks = Object.keys(results);
  const metrics: string[] = [];
  for (const t of tasks) for (const m of Object.keys(results[t]!)) if (!metrics.includes(m)) metrics.push(m);
  const lines = [`| task | ${metrics.join(" | ")} |`, `| --- | ${metrics.map(() => "---:").join(" | ")} |`];
  for (const t of tasks) {
    const row = results[t]!;
    lines.push(`| ${t} | ${metrics.map((m) => (row[m] === undefined ? "" : formatMetric(row[m]!))).join(" | ")} |`);
  }
  return lines.join("\n");
}

/** The whole report as Markdown: title, inputs, results, what was skipped. */
export function reportMarkdown(report: EvalReport, title: string): string {
  const parts = [`# ${title}`, ""];
  parts.push("Inputs:", "", ...report.inputs.map((i) => `- \`${i.path}\` (${i.bytes} bytes, sha256 ${i.sha256.slice(0, 16)}…)`), "");
  parts.push(resultsMarkdown(report.results), "");
  if (report.skipped.length > 0) {
    parts.push(`Skipped ${report.skipped.length} input(s):`, "", ...report.skipped.slice(0, 50).map((s) => `- ${s.id}: ${s.reason}`));
    if (report.skipped.length > 50) parts.push(`- ... and ${report.skipped.length - 50} more (see the JSON report)`);
    parts.push("");
  }
  if (report.warnings.length > 0) parts.push("Warnings:", "", ...report.warnings.slice(0, 50).map((w) => `- ${w}`), "");
  return parts.join("\n");
}

/** One bar of a chart. */
export interface Bar {
  readonly label: string;
  readonly value: number;
}

/**
 * A horizontal bar chart as SVG: one bar per entry, values in [0, max] (default: the largest
 * value, at least 1 for shares), the value printed at the bar's end. Reads faster than a table
 * when there are many categories.
 */
export function barChartSvg(title: string, bars: readonly Bar[], options: { max?: number; valueLabel?: string } = {}): string {
  const max = options.max ?? Math.max(1e-9, ...bars.map((b) => b.value));
  const rowH = 22;
  const labelW = 170;
  const barW = 420;
  const top = 44;
  const width = labelW + barW + 80;
  const height = top + rowH * bars.length + 20;
  const esc = (t: string): string => t.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const rows = bars.map((b, i) => {
    const y = top + i * rowH;
    const w = Math.max(0, Math.min(1, b.value / max)) * barW;
    return (
      `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end" font-size="12">${esc(b.label)}</text>` +
      `<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="#0072B2"/>` +
      `<text x="${(labelW + w + 6).toFixed(1)}" y="${y + 15}" font-size="12">${esc(formatMetric(b.value))}</text>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">` +
    `<rect width="100%" height="100%" fill="#fff"/>` +
    `<text x="12" y="24" font-size="15" font-weight="bold">${esc(title)}</text>` +
    (options.valueLabel ? `<text x="${labelW}" y="38" font-size="11" fill="#555">${esc(options.valueLabel)}</text>` : "") +
    rows.join("") +
    `</svg>`
  );
}

/** Write OUT.json, OUT.md and, when there is a chart, OUT.svg and OUT.png; all atomically. */
export async function writeReport(prefix: string, report: EvalReport, title: string, chart?: { title: string; bars: readonly Bar[]; max?: number; valueLabel?: string }): Promise<string[]> {
  const written = [`${prefix}.json`, `${prefix}.md`];
  await writeFileAtomic(written[0]!, `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(written[1]!, reportMarkdown(report, title));
  if (chart && chart.bars.length > 0) {
    const svg = barChartSvg(chart.title, chart.bars, { ...(chart.max !== undefined ? { max: chart.max } : {}), ...(chart.valueLabel ? { valueLabel: chart.valueLabel } : {}) });
    await writeFileAtomic(`${prefix}.svg`, svg);
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    await writeFileAtomic(`${prefix}.png`, new Uint8Array(png.buffer, png.byteOffset, png.byteLength));
    written.push(`${prefix}.svg`, `${prefix}.png`);
  }
  return written;
}
