// The bench's printed table: one row per case, grouped, with the ratio to the group's baseline.
import type { GroupResult } from "./harness.js";

/** A duration in milliseconds with three significant digits and a fitting unit. */
export function formatTime(ms: number): string {
  if (ms < 1e-3) return `${(ms * 1e6).toPrecision(3)} ns`;
  if (ms < 1) return `${(ms * 1e3).toPrecision(3)} µs`;
  if (ms < 1e3) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1e3).toPrecision(3)} s`;
}

/** A rate with an SI prefix: "52.1 Mpx/s", "1.20 GB/s". */
export function formatRate(perSecond: number, unit: string): string {
  const prefixes: readonly [number, string][] = [[1e9, "G"], [1e6, "M"], [1e3, "k"]];
  for (const [scale, prefix] of prefixes) {
    if (perSecond >= scale) return `${(perSecond / scale).toPrecision(3)} ${prefix}${unit}/s`;
  }
  return `${perSecond.toPrecision(3)} ${unit}/s`;
}

/** Rows whose interquartile range exceeds this share of the median are marked noisy. */
export const NOISY_IQR = 0.1;

/** The results as an aligned, Markdown-compatible table followed by each group's notes. */
export function renderTable(groups: readonly GroupResult[]): string {
  const header = ["#", "name", "what", "median/op", "min", "max", "IQR", "throughput", "vs baseline"];
  const rows: string[][] = [];
  for (const g of groups) {
    for (const c of g.cases) {
      const s = c.stats;
      rows.push([
        g.id,
        c.name,
        c.what,
        formatTime(s.medianMs),
        formatTime(s.minMs),
        formatTime(s.maxMs),
        `${(100 * s.iqrRel).toFixed(1)} %${s.iqrRel > NOISY_IQR ? " !" : ""}`,
        c.throughput.map((t) => formatRate(t.perSecond, t.unit)).join(", "),
        c.isBaseline ? "1 (baseline)" : `${c.ratio.toFixed(2)}x`,
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]!].length)));
  const rightAligned = new Set([3, 4, 5, 6, 8]);
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (rightAligned.has(i) ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  const notes = groups.flatMap((g) => [...g.notes, ...g.derived].map((n) => `  ${g.id}. ${n}`));
  return [line(header), rule, ...rows.map(line), "", ...notes].join("\n");
}
