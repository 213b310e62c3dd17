// Spatial-QA accuracy of ask() on an N3D-Bench split of synthetic scenes.
//
//   npx tsx scripts/ask-accuracy.ts [--scenes 40] [--seed 7] [--per-type 10] [--size 320x240]
//                                   [--noise default,none] [--detector] [--json FILE] [--verbose]
//                                   [--lift-options JSON]
//
// Builds synthetic scenes (n3d synth, the same scenes once per depth-noise preset), draws N3D-Bench
// (qa/bench-build, every scene held out, open-ended form) from their exact boxes, and asks every
// question through ask() in these set-ups:
//   regions/box   region prompts: the objects' true 2D boxes, question rewritten with <regionN>
//   regions/mask  the same with the true visible masks
//   named/box     named objects: the regions back end fed every object's true 2D box WITH its label
//                 and attributes - a stand-in for a perfect 2D detector - and the question as drawn
//   named/mask    the same with the true masks (a perfect instance segmenter)
//   detect-lift   (with --detector) the COCO-80 CenterNet proposes, lifting with the sensor depth
// each on the scenes' sensor depth for every noise preset. Answers are scored by the N3D-Bench rules
// (SpatialRGPT-Bench's 25 % and clock +-1 rules, yes/no, exact choice/count/order) with eval/'s
// QaEvaluator, per question type, and printed as Markdown tables. Wrong answers are split into
// what caused them: the question was not understood (another program, or refused); an object it
// names is seen by fewer than 20 pixels (the stand-in detector does not report it; lifting cannot
// fit a box to a handful of depth pixels); an object was not found (in the named set-ups: a name
// such as 1_book shifted because another instance was too small to report); no 3D box could be
// fitted (sensor dropouts left too few depth points); or the question was understood
// and reasoning on the TRUE boxes of the same objects would have been right, so the lifted boxes
// moved the answer across its margin ("wrong on true boxes too" would be a reasoning bug).
// `--lift-options '{"boxColourRatio":0}'` lifts the regions with LiftOptions overrides (experiments).
import { readFile } from "node:fs/promises";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeRle, type CocoRle } from "../src/formats/index.js";
import { InputError } from "../src/errors.js";
import { QaEvaluator, loadN3dBench, type QaInput, type QaItem } from "../src/eval/index.js";
import { ask, createGrounder, type AskResult, type Grounder, type RegionPrompt } from "../src/ground/index.js";
import { buildN3dBench, readRepository, serializeN3dBench, type BenchItem, type QaScene } from "../src/qa/index.js";
import { reason } from "../src/reason/index.js";
import { loadFrame, type RGBDFrame } from "../src/rgbd/index.js";
import { writeSynthDataset } from "../src/synth/index.js";
import { writeFileAtomic } from "../src/fsutil.js";
import { resolveLiftOptions, type LiftOptions } from "../src/lift/lift.js";
import { escapeRegExp } from "../src/regex.js";

interface Options {
  scenes: number;
  seed: number;
  perType: number;
  size: { width: number; height: number };
  noise: string[];
  detector: boolean;
  json: string | null;
  verbose: boolean;
  liftOptions: Partial<LiftOptions> | null;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { scenes: 40, seed: 7, perType: 10, size: { width: 320, height: 240 }, noise: ["default", "none"], detector: false, json: null, verbose: false, liftOptions: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--scenes") o.scenes = Number(next());
    else if (a === "--seed") o.seed = Number(next());
    else if (a === "--per-type") o.perType = Number(next());
    else if (a === "--size") {
      const [w, h] = next().split("x").map(Number);
      o.size = { width: w!, height: h! };
    } else if (a === "--noise") o.noise = next().split(",");
    else if (a === "--detector") o.detector = true;
    else if (a === "--json") o.json = next();
    else if (a === "--verbose") o.verbose = true;
    else if (a === "--lift-options") o.liftOptions = JSON.parse(next()) as Partial<LiftOptions>;
    else throw new Error(`unknown flag ${a}; see the header of scripts/ask-accuracy.ts`);
  }
  return o;
}

/** One object's 2D truth, from the synth annotations file. */
interface Truth2D {
  readonly box: { x1: number; y1: number; x2: number; y2: number };
  readonly mask: Uint8Array;
  readonly pixels: number;
}

/** The stand-in detector reports objects of at least this many visible pixels (lifting's own minMaskAreaPx default). */
const DETECTABLE_PX = 20;

async function truth2d(dir: string): Promise<Map<string, Truth2D>> {
  const doc = JSON.parse(await readFile(join(dir, "annotations.json"), "utf8")) as { annotations: { id: number; bbox: number[]; segmentation: CocoRle; area: number }[] };
  const out = new Map<string, Truth2D>();
  for (const a of doc.annotations) {
    const [x, y, w, h] = a.bbox as [number, number, number, number];
    out.set(String(a.id), { box: { x1: x - 0.5, y1: y - 0.5, x2: x + w - 0.5, y2: y + h - 0.5 }, mask: decodeRle(a.segmentation), pixels: a.area });
  }
  return out;
}

/** The question with each named object replaced by <regionK> (longest names first, whole words), or null if a name is not found once. */
function withRegions(question: string, names: readonly string[]): string | null {
  let q = question;
  const order = names.map((n, k) => ({ n, k })).sort((a, b) => b.n.length - a.n.length);
  for (const { n, k } of order) {
    const re = new RegExp(`(?<![\\w<])${escapeRegExp(n)}(?![\\w>])`, "g");
    const hits = q.match(re)?.length ?? 0;
    if (hits > 1) return null;
    q = q.replace(re, `<region${k}>`);
  }
  return q;
}

/** "Region [k]" in an answer -> the name of object k, so the bench's rules read it. */
function namesBack(text: string, names: readonly string[]): string {
  return text.replace(/Region \[(\d+)\]/g, (_, k: string) => names[Number(k)] ?? `Region [${k}]`);
}

type Setup = "regions/box" | "regions/mask" | "named/box" | "named/mask" | "detect-lift";

interface Outcome {
  readonly prediction: string | null;
  /** A used object is seen by fewer than {@link DETECTABLE_PX} pixels. */
  readonly tiny: boolean;
  readonly understood: boolean;
  readonly error?: string;
  /** Reasoning on the true boxes of the objects ask() resolved gives the right answer. */
  readonly rightOnTruth?: boolean;
}

function sameAnswer(a: AskResult["answer"], b: ReturnType<typeof reason>["answer"]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function askOne(setup: Setup, item: BenchItem, scene: QaScene, frame: RGBDFrame, truths: Map<string, Truth2D>, grounders: Record<string, Grounder>): Promise<Outcome> {
  const byName = new Map(scene.objects.map((o) => [o.name, o]));
  const used = item.objects.map((n) => byName.get(n)!);
  const tiny = used.some((o) => truths.get(String(o.annotationId))!.pixels < DETECTABLE_PX);
  let question = item.question;
  let regions: RegionPrompt[] | undefined;
  /** The scene object behind each region prompt, in region order. */
  let sources: typeof scene.objects = [];
  let names: string[] = [];
  if (setup === "regions/box" || setup === "regions/mask") {
    const q = withRegions(item.question, item.objects);
    if (q === null) return { prediction: null, tiny, understood: false, error: "rewrite: a name occurs twice" };
    question = q;
    names = [...item.objects];
    sources = used;
    regions = used.map((o) => {
      const t = truths.get(String(o.annotationId))!;
      return setup === "regions/box" ? { box: t.box } : { mask: t.mask };
    });
  } else if (setup === "named/box" || setup === "named/mask") {
    // A perfect detector's output: every object seen by enough pixels, with its label and attributes.
    sources = scene.objects.filter((o) => truths.get(String(o.annotationId))!.pixels >= DETECTABLE_PX);
    regions = sources.map((o) => {
      const t = truths.get(String(o.annotationId))!;
      return { ...(setup === "named/box" ? { box: t.box } : { mask: t.mask }), label: o.label, ...(o.attributes ? { attributes: o.attributes } : {}) };
    });
  }
  const grounder = grounders[setup === "detect-lift" ? "detect-lift" : "regions"]!;
  let result: AskResult;
  try {
    result = await ask(frame, question, { grounder, ...(regions ? { regions } : {}) });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { prediction: null, tiny, understood: false, error: err.message };
  }
  const understood = result.type === item.type;
  // The same program on the true boxes of the objects ask() resolved (by region index or name).
  let rightOnTruth: boolean | undefined;
  if (understood && setup !== "detect-lift") {
    const truthObjects = result.objects.map((o) => {
      const src = o.region !== undefined ? sources[o.region]! : null;
      return { name: o.name, label: o.label, box: src ? src.box : o.box, ...(o.attributes ? { attributes: o.attributes } : {}) };
    });
    try {
      const again = reason(item.type, result.used.slice(0, item.type === "count_within_distance" ? 1 : undefined).map((o) => o.name), truthObjects, {
        unit: result.parsed!.unit,
        ...(scene.gravity ? { gravity: scene.gravity } : {}),
        ...(result.parsed!.radiusM !== undefined ? { radiusM: result.parsed!.radiusM } : {}),
      });
      rightOnTruth = sameAnswer(again.answer, item.truth) || (again.answer.kind === "choice" && item.truth.kind === "choice" && namesBack(again.answer.value, names) === item.truth.value) ||
        (again.answer.kind === "order" && item.truth.kind === "order" && again.answer.value.map((v) => namesBack(v, names)).join("|") === item.truth.value.join("|"));
    } catch {
      rightOnTruth = false;
    }
  }
  return { prediction: names.length > 0 ? namesBack(result.sentence, names) : result.sentence, tiny, understood, ...(rightOnTruth !== undefined ? { rightOnTruth } : {}) };
}

/** Why an answer came out as it did (the columns of the second table). */
function causeOf(ok: boolean, out: Outcome): string {
  const error = out.error ?? "";
  if (ok) return "correct";
  if (/question = |reads as more than one/.test(error)) return "question not understood";
  if (out.tiny) return `object < ${DETECTABLE_PX} px`;
  if (/object = /.test(error)) return "object not found";
  if (/lifting found no|has no valid depth/.test(error)) return "no 3D box (depth)";
  if (out.error !== undefined) return "other";
  if (!out.understood) return "question not understood";
  if (out.rightOnTruth === true) return "lifted boxes (right on true boxes)";
  if (out.rightOnTruth === false) return "wrong on true boxes too";
  return "other";
}

const pct = (x: number | undefined): string => (x === undefined ? "-" : `${(100 * x).toFixed(1)}`);

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const work = await mkdtemp(join(tmpdir(), "n3d-ask-accuracy-"));
  const t0 = performance.now();
  try {
    const dirs: Record<string, string> = {};
    for (const noise of o.noise) {
      dirs[noise] = join(work, noise);
      await writeSynthDataset({ outDir: dirs[noise]!, count: o.scenes, seed: o.seed, size: o.size, noise });
    }
    const first = o.noise[0]!;
    const repo = await readRepository(dirs[first]!);
    const bench = buildN3dBench(repo.scenes, { seed: o.seed, perType: o.perType, heldOut: 1, formats: ["open"] });
    const loaded = loadN3dBench(serializeN3dBench(bench));
    const itemsById = new Map<string, QaItem>(loaded.items.map((i) => [i.id, i]));
    const setups: Setup[] = ["regions/box", "regions/mask", "named/box", "named/mask", ...(o.detector ? (["detect-lift"] as const) : [])];
    const grounders: Record<string, Grounder> = {
      regions: createGrounder("regions", o.liftOptions === null ? {} : { regions: { liftOptions: resolveLiftOptions(o.liftOptions, "--lift-options") } }),
    };
    if (o.detector) grounders["detect-lift"] = createGrounder("detect-lift");

    const columns: { key: string; results: ReturnType<QaEvaluator["evaluate"]>; causes: Record<string, number>; n: number; errors: Record<string, number> }[] = [];
    for (const noise of o.noise) {
      const scenes = new Map((await readRepository(dirs[noise]!)).scenes.map((s) => [String(s.imageId), s]));
      const truths = await truth2d(dirs[noise]!);
      const frames = new Map<string, RGBDFrame>();
      const frameOf = async (scene: QaScene): Promise<RGBDFrame> => {
        let f = frames.get(String(scene.imageId));
        if (f === undefined) {
          const loadedFrame = await loadFrame({ image: join(scene.root, scene.imageFile), depth: join(scene.root, scene.depthFile), depthScale: scene.depthScale ?? 1000, intrinsics: scene.intrinsics });
          f = { ...loadedFrame, ...(scene.gravity ? { gravity: scene.gravity } : {}) };
          frames.set(String(scene.imageId), f);
        }
        return f;
      };
      for (const setup of setups) {
        const evaluator = new QaEvaluator({ rules: "n3d" });
        const causes: Record<string, number> = {
          correct: 0,
          "question not understood": 0,
          [`object < ${DETECTABLE_PX} px`]: 0,
          "object not found": 0,
          "no 3D box (depth)": 0,
          "lifted boxes (right on true boxes)": 0,
          "wrong on true boxes too": 0, // named set-ups: another object got the name (left-to-right order of lifted boxes)
          "other": 0,
        };
        const inputs: QaInput[] = [];
        const errors: Record<string, number> = {};
        for (const item of bench.items) {
          const scene = scenes.get(String(item.imageId))!;
          const out = await askOne(setup, item, scene, await frameOf(scene), truths, grounders);
          const input: QaInput = { id: item.id, prediction: out.prediction, truth: itemsById.get(item.id)! };
          inputs.push(input);
          const ev = new QaEvaluator({ rules: "n3d" });
          ev.process([input]);
          const ok = ev.evaluate()["overall"]!["correct"] === 1;
          if (out.error !== undefined) {
            // Group by the error's kind: its text with numbers and quoted values blanked.
            const kind = out.error.replace(/; (objects in the frame|it finds):.*$/, "; $1: …").replace(/"[^"]*"/g, '"…"').replace(/\d+(\.\d+)?/g, "N");
            errors[kind] = (errors[kind] ?? 0) + 1;
          }
          const cause = causeOf(ok, out);
          causes[cause]!++;
        }
        evaluator.process(inputs);
        columns.push({ key: `${setup} @ ${noise}`, results: evaluator.evaluate(), causes, n: inputs.length, errors });
      }
    }
    for (const g of Object.values(grounders)) await g.dispose();

    const types = bench.types.filter((t) => columns[0]!.results[`category:${t}`] !== undefined);
    const head = `| type | n | ${columns.map((c) => c.key).join(" | ")} |`;
    const rule = `|---|---:|${columns.map(() => "---:").join("|")}|`;
    const rows = types.map((t) => `| ${t} | ${columns[0]!.results[`category:${t}`]!["items"]} | ${columns.map((c) => pct(c.results[`category:${t}`]?.["accuracy"])).join(" | ")} |`);
    const overall = `| **overall** | ${columns[0]!.n} | ${columns.map((c) => `**${pct(c.results["overall"]!["accuracy"])}**`).join(" | ")} |`;
    const mean = `| category mean | | ${columns.map((c) => pct(c.results["overall"]!["categoryMeanAccuracy"])).join(" | ")} |`;
    const lines: string[] = [];
    lines.push(`ask() accuracy (%) on N3D-Bench (open form), ${o.scenes} synthetic scenes ${o.size.width}x${o.size.height}, seed ${o.seed}, up to ${o.perType} questions per type; sensor depth with the noise preset after @`, "");
    lines.push(head, rule, ...rows, overall, mean, "");
    const causeKeys = Object.keys(columns[0]!.causes);
    lines.push("Where the answers went (counts):", "", `| set-up | ${causeKeys.join(" | ")} |`, `|---|${causeKeys.map(() => "---:").join("|")}|`);
    for (const c of columns) lines.push(`| ${c.key} | ${causeKeys.map((k) => c.causes[k]).join(" | ")} |`);
    lines.push("", `Length answers, mean relative error |p - g| / g: ${columns.map((c) => `${c.key} ${c.results["overall"]!["relErrorMean"]?.toFixed(3) ?? "-"}`).join("; ")}`);
    if (o.verbose) {
      for (const c of columns) for (const [kind, n] of Object.entries(c.errors)) lines.push(`  ${c.key}: ${n} x ${kind}`);
    }
    lines.push(`${bench.items.length} questions per set-up; ${((performance.now() - t0) / 1000).toFixed(1)} s in all.`);
    process.stdout.write(`${lines.join("\n")}\n`);
    if (o.json !== null) await writeFileAtomic(o.json, `${JSON.stringify({ options: o, columns }, null, 2)}\n`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
