import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fsutil.js";
import type { Box3D } from "../geometry/index.js";
import { isClockWithinOne, isWithin25Percent } from "../eval/index.js";
import { runDemo, type DemoResult, type DemoScene } from "../ground/index.js";
import type { AnswerValue } from "../reason/index.js";
import type { CliIo } from "./io.js";
import { PACKAGE_ROOT } from "./package-root.js";
import { intInRangeArg } from "./parsers.js";

/**
 * `n3d demo`: the README's first command. On the committed example scenes it lifts the annotated
 * objects into 3D with the frame's depth, asks questions of several types, answers them with an
 * executed chain of thought, and writes an HTML page (overlays, boxes, CoT, answers, and whether
 * each answer agrees with the program run on the true boxes).
 */

/** The committed example dataset, relative to the package root. */
const EXAMPLE_DATASET = join("examples", "synth", "annotations.json");

const parseCount = intInRangeArg("questions", 1, 100);
const parseSeed = intInRangeArg("seed", 0, 0xffffffff);

const escapeHtml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const fmt = (x: number, digits = 2): string => x.toFixed(digits);

function boxCell(box: Box3D | null): string {
  if (box === null) return "<em>not lifted</em>";
  return `(${box.center.map((c) => fmt(c)).join(", ")}) m, size ${box.size.map((c) => fmt(c)).join(" × ")} m, yaw ${fmt(box.yaw ?? 0)}`;
}

function sceneHtml(s: DemoScene, k: number): string {
  const rows = s.objects
    .map((o) => `<tr><td>${escapeHtml(o.name)}</td><td>${o.pixels}</td><td>${boxCell(o.lifted)}</td><td>${boxCell(o.truth)}</td><td>${fmt(o.iou)}</td></tr>`)
    .join("\n");
  const questions = s.questions
    .map((q, j) => {
      const verdict = q.correct ? `<span class="ok">agrees with the truth</span>` : `<span class="bad">differs from the truth</span>`;
      const body =
        q.result === null
          ? `<p class="bad">${escapeHtml(q.error ?? "no answer")}</p>`
          : `<p><b>${escapeHtml(q.result.sentence)}</b> (${escapeHtml(q.result.type ?? "")}) — ${verdict}; truth: ${escapeHtml(q.record.answer)}</p>
<pre>${escapeHtml(q.result.steps.join("\n"))}</pre>
<img src="images/scene${k}-q${j}.png" alt="boxes used">`;
      return `<div class="q"><h3>Q: ${escapeHtml(q.record.question)}</h3>${body}</div>`;
    })
    .join("\n");
  return `<section>
<h2>Scene ${escapeHtml(String(s.scene.imageId))} <small>${escapeHtml(s.scene.imageFile)}</small></h2>
<img src="images/scene${k}.png" alt="lifted boxes">
<table><tr><th>object</th><th>mask px</th><th>lifted box (camera frame)</th><th>true box</th><th>3D IoU</th></tr>
${rows}
</table>
${questions}
</section>`;
}

/** The demo page. */
export function demoHtml(result: DemoResult, dataset: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>n3d demo</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;font-size:13px;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}
pre{background:#f6f6f6;padding:.5em;white-space:pre-wrap;font-size:12px}.ok{color:#1b7f1b}.bad{color:#b00020}
img{max-width:100%;image-rendering:pixelated;border:1px solid #ddd}.q{margin-left:1em}section{margin-bottom:3em}
</style></head><body>
<h1>n3d demo</h1>
<p>Dataset <code>${escapeHtml(dataset)}</code>. Each annotated object's 2D mask is lifted into a metric 3D box in the
camera frame with the frame's depth (n3d's data engine); questions drawn by the QA generator are then answered by
<code>ask()</code>: understand the question, ground the objects it names, run the executed program. Every number in a
chain of thought is computed from the boxes it prints.</p>
<p><b>${result.correct} of ${result.asked}</b> answers agree with the program run on the true 3D boxes (by the benchmarks' rules: lengths within 25%, clock directions within one hour); mean 3D IoU of the
lifted boxes ${fmt(result.meanIou)}.</p>
${result.scenes.map(sceneHtml).join("\n")}
</body></html>
`;
}

/** The benchmarks' rules (FORMATS.md section 3): lengths within 25%, clock hours within one, the rest exact. */
export function agreesByBenchmarkRules(answer: AnswerValue, truth: AnswerValue): boolean {
  if (answer.kind === "length" && truth.kind === "length") return isWithin25Percent(answer.metres, truth.metres);
  if (answer.kind === "clock" && truth.kind === "clock") return isClockWithinOne(answer.value, truth.value);
  return JSON.stringify(answer.value) === JSON.stringify(truth.value);
}

interface DemoFlags {
  out: string;
  data?: string;
  questions: number;
  seed: number;
}

/** Register `n3d demo`. */
export function registerDemoCommand(program: Command, io: CliIo): void {
  program
    .command("demo")
    .description("lift the example scenes into 3D, ask spatial questions of them, and write an HTML report")
    .option("--out <dir>", "folder for index.html, images/ and demo.json", "n3d-demo")
    .option("--data <annotations.json>", "a 3D-annotated dataset in the synth/lift layout (default: the bundled examples/synth)")
    .option("--questions <n>", "questions per scene (1 ... 100)", parseCount, 4)
    .option("--seed <n>", "seed of the question generator", parseSeed, 2026)
    .action(async (flags: DemoFlags) => {
      const dataset = resolve(flags.data ?? join(PACKAGE_ROOT, EXAMPLE_DATASET));
      if (!existsSync(dataset)) throw new InputError("n3d demo", "--data", dataset, "does not exist");
      const out = resolve(flags.out);
      const result = await runDemo({
        annotationsPath: dataset,
        questionsPerScene: flags.questions,
        seed: flags.seed,
        agrees: agreesByBenchmarkRules,
        onScene: (done, total) => io.stderr(`scene ${done}/${total}\n`),
      });
      await mkdir(join(out, "images"), { recursive: true });
      for (const [k, s] of result.scenes.entries()) {
        await writeFileAtomic(join(out, "images", `scene${k}.png`), s.overlayPng);
        for (const [j, q] of s.questions.entries()) {
          if (q.overlayPng !== null) await writeFileAtomic(join(out, "images", `scene${k}-q${j}.png`), q.overlayPng);
        }
      }
      const summary = {
        dataset,
        asked: result.asked,
        correct: result.correct,
        meanIou: result.meanIou,
        scenes: result.scenes.map((s) => ({
          imageId: s.scene.imageId,
          objects: s.objects.map((o) => ({ name: o.name, iou: o.iou, lifted: o.lifted, truth: o.truth })),
          questions: s.questions.map((q) => ({
            question: q.record.question,
            type: q.record.type,
            truth: q.record.answer,
            answer: q.result?.sentence ?? null,
            cot: q.result?.cot ?? null,
            correct: q.correct,
            ...(q.error !== undefined ? { error: q.error } : {}),
          })),
        })),
      };
      await writeFileAtomic(join(out, "demo.json"), `${JSON.stringify(summary, null, 2)}\n`);
      await writeFileAtomic(join(out, "index.html"), demoHtml(result, relative(process.cwd(), dataset) || dataset));
      for (const s of result.scenes) {
        for (const q of s.questions) {
          io.stdout(`Q: ${q.record.question}\nA: ${q.result?.sentence ?? `(${q.error})`}${q.correct ? "" : `   [truth: ${q.record.answer}]`}\n\n`);
        }
      }
      io.stdout(
        `${result.correct}/${result.asked} answers agree with the true boxes; mean 3D IoU of lifted boxes ${fmt(result.meanIou)}\n` +
          `wrote ${join(out, "index.html")} (open it in a browser), demo.json and images/\n`,
      );
    });
}
