import { describe, expect, it } from "vitest";
import { barChartSvg, formatMetric, resultsMarkdown } from "./report.js";

describe("report", () => {
  it("formats metrics: integers plain, others to 4 significant digits", () => {
    expect(formatMetric(12)).toBe("12");
    expect(formatMetric(0.333333)).toBe("0.3333");
    expect(formatMetric(0.5)).toBe("0.5");
    expect(formatMetric(0.0001234)).toBe("1.234e-4");
  });

  it("lays results out as one Markdown table with the union of metrics", () => {
    const md = resultsMarkdown({ overall: { acc: 0.5, n: 4 }, chair: { acc: 1 } });
    expect(md.split("\n")).toEqual(["| task | acc | n |", "| --- | ---: | ---: |", "| overall | 0.5 | 4 |", "| chair | 1 |  |"]);
  });

  it("draws a bar per category, scaled to the maximum", () => {
    const svg = barChartSvg("Accuracy", [{ label: "a<b", value: 0.5 }, { label: "c", value: 1 }], { max: 1 });
    expect(svg).toContain('width="210.0"');
    expect(svg).toContain('width="420.0"');
    expect(svg).toContain("a&#60;b");
  });
});
