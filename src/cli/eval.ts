import { readFile } from "node:fs/promises";
import { Option } from "commander";
import type { Command } from "commander";
import { InputError } from "../errors.js";
import {
  checksumFile,
  GroundingEvaluator,
  joinGroundingRecords,
  judgeInputs,
  loadQaBenchmarkFile,
  pairQaPredictions,
  QA_BENCHMARK_NAMES,
  QaEvaluator,
  QaJudge,
  readGroundingText,
  readQaPredictionsFile,
  resultsMarkdown,
  writeReport,
} from "../eval/index.js";
import type { EvalReport, SkippedInput } from "../eval/index.js";
import type { CliIo } from "./io.js";

/** Columns printed to the terminal for grounding. */
const GROUNDING_SUMMARY = ["truth", "predictions", "matched", "iou3d_mean", "projected_iou_mean", "center_offset_3d_m", "acc@0.25", "acc@0.5", "f1@0.25", "f1@0.5", "ap3d"];

/** Columns printed to the terminal for spatial QA. */
const QA_SUMMARY = ["items", "scored", "correct", "accuracy", "relErrorMean", "unparseablePredictions", "missingPredictions", "unparseableTruths"];

/** `n3d eval ...`: score predictions by the benchmarks' own rules. */
export function registerEvalCommands(program: Command, io: CliIo, env: Readonly<Record<string, string | undefined>>): Command {
  const evalCmd = program.command("eval").description("score predictions by the benchmarks' own rules (grounding, spatial QA)");
  evalCmd
    .command("grounding")
    .description("3D grounding: projected 2D IoU, centre offsets, 3D IoU, acc/P/R/F1 at IoU 0.25 and 0.5, AP3D; per category and depth band")
    .requiredOption("--pred <file>", "predictions: grounding JSONL (one image per line)")
    .requiredOption("--truth <file>", "truth: grounding JSONL, or an n3d synth annotations.json")
    .option("--out <prefix>", "write PREFIX.json, PREFIX.md and a per-category chart PREFIX.svg/.png")
    .action(async (flags: { pred: string; truth: string; out?: string }) => {
      const truth = readGroundingText(await readFile(flags.truth, "utf8"), flags.truth);
      const pred = readGroundingText(await readFile(flags.pred, "utf8"), flags.pred);
      const { inputs, unknownPredictionIds } = joinGroundingRecords(pred.records, truth.records);
      const evaluator = new GroundingEvaluator();
      evaluator.process(inputs);
      const results = evaluator.evaluate();
      const skipped: SkippedInput[] = [
        ...truth.skipped,
        ...pred.skipped,
        ...unknownPredictionIds.map((id) => ({ id, reason: `${flags.pred}: image_id ${id} is not in the truth` })),
      ];
      if (inputs.length === 0) {
        const why = truth.skipped[0]?.reason ?? "no usable image";
        throw new InputError(flags.truth, "images", 0, `nothing to score (${why})`);
      }
      const report: EvalReport = {
        tool: "n3d eval",
        task: "grounding",
        config: { ...evaluator.config },
        inputs: [await checksumFile(flags.pred), await checksumFile(flags.truth)],
        results,
        skipped,
        warnings: [...truth.warnings, ...pred.warnings],
      };
      await finish(io, report, "3D grounding", flags.out, "ap3d", "AP3D by category (IoU 0.05-0.50)", "grounding/category/", GROUNDING_SUMMARY);
      if (inputs.every((i) => i.pred === undefined)) {
        const why = pred.skipped[0] ? `; first problem: ${pred.skipped[0].reason}` : "";
        throw new InputError(flags.pred, "usable predictions", 0, `no prediction matches a truth image, so nothing was scored${why}`);
      }
    });

  evalCmd
    .command("qa")
    .description("spatial QA: SpatialRGPT-Bench, CV-Bench (3D) or N3D-Bench rules; accuracy per category, relative error, unparseable answers")
    .requiredOption("--pred <file>", 'predictions JSONL: {"id": ..., "answer": "free text"} per line')
    .requiredOption("--truth <file>", "the benchmark file (SpatialRGPT-Bench JSON, CV-Bench rows, or n3d bench build output)")
    .addOption(new Option("--rules <name>", "whose rules and file format").choices(QA_BENCHMARK_NAMES).makeOptionMandatory())
    .addOption(new Option("--judge <how>", "read free-text answers by rules, or by an OpenAI-compatible judge (N3D_JUDGE_BASE_URL, N3D_JUDGE_MODEL, N3D_JUDGE_API_KEY), cached").choices(["rules", "openai"]).default("rules"))
    .option("--out <prefix>", "write PREFIX.json, PREFIX.md and a per-category accuracy chart PREFIX.svg/.png")
    .action(async (flags: { pred: string; truth: string; rules: string; judge: "rules" | "openai"; out?: string }) => {
      const loaded = await loadQaBenchmarkFile(flags.rules, flags.truth);
      if (loaded.items.length === 0) {
        throw new InputError(flags.truth, "items", 0, `nothing to score${loaded.skipped[0] ? ` (${loaded.skipped[0].reason})` : ""}`);
      }
      const predictions = await readQaPredictionsFile(flags.pred);
      let { inputs, missing, unknown } = pairQaPredictions(loaded.items, predictions.answers);
      if (flags.judge === "openai") {
        const cachePath = flags.out === undefined ? undefined : `${flags.out}.judge-cache.jsonl`;
        inputs = await judgeInputs(inputs, new QaJudge({ env, ...(cachePath ? { cachePath } : {}) }));
      }
      const evaluator = new QaEvaluator({ rules: flags.rules });
      evaluator.process(inputs);
      const results = evaluator.evaluate();
      const report: EvalReport = {
        tool: "n3d eval",
        task: `qa/${flags.rules}`,
        config: { rules: flags.rules, judge: flags.judge },
        inputs: [await checksumFile(flags.pred), await checksumFile(flags.truth)],
        results,
        skipped: [
          ...loaded.skipped,
          ...predictions.skipped,
          ...unknown.map((id) => ({ id, reason: `${flags.pred}: id ${id} is not in the benchmark` })),
        ],
        warnings: [...loaded.warnings, ...(missing.length > 0 ? [`${missing.length} benchmark item(s) have no prediction and count as wrong`] : [])],
      };
      await finish(io, report, `Spatial QA (${flags.rules} rules)`, flags.out, "accuracy", "Accuracy by category", "category:", QA_SUMMARY);
      if (inputs.every((i) => i.prediction === null)) {
        const why = predictions.skipped[0] ? `; first problem: ${predictions.skipped[0].reason}` : "";
        throw new InputError(flags.pred, "usable predictions", 0, `no prediction matches a benchmark item, so nothing was scored${why}`);
      }
    });
  return evalCmd;
}

/**
 * Print the results table (and what was skipped) and write the report files when asked.
 * `chartMetric` of the tasks starting with `chartPrefix` becomes the per-category chart.
 */
export async function finish(
  io: CliIo,
  report: EvalReport,
  title: string,
  out: string | undefined,
  chartMetric: string,
  chartTitle: string,
  chartPrefix: string,
  summary: readonly string[],
): Promise<void> {
  // The terminal gets the headline columns; the Markdown and JSON reports have every metric.
  const compact = Object.fromEntries(
    Object.entries(report.results).map(([task, m]) => [task, Object.fromEntries(summary.filter((k) => m[k] !== undefined).map((k) => [k, m[k]!]))]),
  );
  io.stdout(`${resultsMarkdown(compact)}\n`);
  if (report.skipped.length > 0) io.stderr(`n3d eval: skipped ${report.skipped.length} input(s); first: ${report.skipped[0]!.id}: ${report.skipped[0]!.reason}\n`);
  if (out === undefined) return;
  const bars = Object.entries(report.results)
    .filter(([task, metrics]) => task.startsWith(chartPrefix) && metrics[chartMetric] !== undefined)
    .map(([task, metrics]) => ({ label: task.slice(chartPrefix.length), value: metrics[chartMetric]! }));
  const written = await writeReport(out, report, title, { title: chartTitle, bars, max: 1 });
  io.stdout(`wrote ${written.join(", ")}\n`);
}
