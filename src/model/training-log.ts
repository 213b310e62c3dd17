import { appendFile, readFile } from "node:fs/promises";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../fsutil.js";

/**
 * The training curve of a model folder: training.jsonl (one JSON object per optimizer step) and
 * training.svg (the loss against the step, raw and smoothed).
 *
 *   {"step": 120, "loss": 2.31, "grad_norm": 0.84, "lr": 0.00098, "ms": 712.4}
 *
 * `ms` is the optimizer step's wall time (batch making excluded). Lines are appended only when
 * the checkpoint they lead up to is written, so after a kill the log and the checkpoint agree and a
 * resumed run continues the file without repeating or skipping steps.
 */

/** One line of training.jsonl. */
export interface TrainingLogLine {
  readonly step: number;
  readonly loss: number;
  readonly grad_norm: number;
  readonly lr: number;
  readonly ms: number;
}

/** Append lines to training.jsonl (creating it). */
export async function appendTrainingLog(path: string, lines: readonly TrainingLogLine[]): Promise<void> {
  if (lines.length === 0) return;
  await appendFile(path, lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
}

/** Read training.jsonl; a missing file is an empty log. Throws an InputError naming a malformed line. */
export async function readTrainingLog(path: string): Promise<TrainingLogLine[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const out: TrainingLogLine[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new InputError(path, `line ${i + 1}`, line, "is not valid JSON");
    }
    const l = json as TrainingLogLine;
    if (!Number.isInteger(l?.step) || !Number.isFinite(l.loss)) throw new InputError(path, `line ${i + 1}`, line, "must hold an integer step and a finite loss");
    out.push(l);
  });
  return out;
}

/** Keep only the lines up to `step` (a resume from a checkpoint at `step` drops what came after). */
export async function truncateTrainingLog(path: string, step: number): Promise<TrainingLogLine[]> {
  const kept = (await readTrainingLog(path)).filter((l) => l.step <= step);
  await writeFileAtomic(path, kept.map((l) => `${JSON.stringify(l)}\n`).join(""));
  return kept;
}

/**
 * The loss curve as a small standalone SVG (640 x 320): raw loss in light grey, an exponential
 * moving average (weight 0.98 per step, bias-corrected) in blue, loss on a log axis.
 */
export function lossCurveSvg(lines: readonly TrainingLogLine[], title = "training loss"): string {
  const W = 640;
  const H = 320;
  const m = { left: 56, right: 16, top: 28, bottom: 36 };
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`;
  const titleText = `<text x="${m.left}" y="18" font-size="13">${escapeXml(title)}</text>`;
  const finite = lines.filter((l) => l.loss > 0 && Number.isFinite(l.loss));
  if (finite.length === 0) return `${head}<rect width="${W}" height="${H}" fill="white"/>${titleText}<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no steps yet</text></svg>\n`;
  const ema: number[] = [];
  let acc = 0;
  finite.forEach((l, i) => {
    acc = 0.98 * acc + 0.02 * l.loss;
    ema.push(acc / (1 - 0.98 ** (i + 1)));
  });
  const s0 = finite[0]!.step;
  const s1 = Math.max(finite.at(-1)!.step, s0 + 1);
  const lo = Math.log(Math.min(...finite.map((l) => l.loss)));
  const hi = Math.max(Math.log(Math.max(...finite.map((l) => l.loss))), lo + 1e-3);
  const x = (s: number): number => m.left + ((s - s0) / (s1 - s0)) * (W - m.left - m.right);
  const y = (loss: number): number => H - m.bottom - ((Math.log(loss) - lo) / (hi - lo)) * (H - m.top - m.bottom);
  const path = (values: readonly number[]): string => values.map((v, i) => `${x(finite[i]!.step).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  const ticks = [lo, (lo + hi) / 2, hi].map((t) => {
    const v = Math.exp(t);
    return `<text x="${m.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v.toPrecision(3)}</text><line x1="${m.left}" x2="${W - m.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/>`;
  });
  return [
    head,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    titleText,
    ...ticks,
    `<polyline fill="none" stroke="#bbb" stroke-width="1" points="${path(finite.map((l) => l.loss))}"/>`,
    `<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${path(ema)}"/>`,
    `<text x="${m.left}" y="${H - 10}">step ${s0}</text>`,
    `<text x="${W - m.right}" y="${H - 10}" text-anchor="end">step ${finite.at(-1)!.step}: loss ${finite.at(-1)!.loss.toFixed(3)} (smoothed ${ema.at(-1)!.toFixed(3)})</text>`,
    "</svg>\n",
  ].join("");
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
