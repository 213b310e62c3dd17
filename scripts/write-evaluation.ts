// A model folder's evaluation.json from `n3d eval grounding` results: the headline numbers of the
// category-grounding and detect-all scores, and whether the targets are met (acc@0.25 >= 0.8 and
// mean projected IoU >= 0.7 on category grounding). `n3d ground` warns when they are not.
//
//   npx tsx scripts/write-evaluation.ts MODEL_DIR CATEGORIES.json DETECT.json "what was scored"
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../src/fsutil.js";

const [dir, categoriesPath, detectPath, scored] = process.argv.slice(2);
if (dir === undefined || categoriesPath === undefined || detectPath === undefined || scored === undefined) {
  process.stderr.write('usage: tsx scripts/write-evaluation.ts MODEL_DIR CATEGORIES.json DETECT.json "what was scored"\n');
  process.exit(2);
}
const KEYS = ["truth", "predictions", "matched", "acc@0.25", "acc@0.5", "projected_iou_mean", "projected_iou_mean_over_truth", "iou3d_mean", "precision@0.25", "ap3d"] as const;
async function headline(path: string): Promise<Record<string, number>> {
  const g = (JSON.parse(await readFile(path, "utf8")) as { results: { grounding: Record<string, number> } }).results.grounding;
  return Object.fromEntries(KEYS.filter((k) => g[k] !== undefined).map((k) => [k, Math.round(g[k]! * 10000) / 10000]));
}
const categories = await headline(categoriesPath);
const detect = await headline(detectPath);
const acc = categories["acc@0.25"] ?? 0;
const piou = categories["projected_iou_mean"] ?? 0;
const meetsTargets = acc >= 0.8 && piou >= 0.7;
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const summary = `category grounding acc@0.25 ${pct(acc)} (target 80 %), mean projected IoU ${piou.toFixed(2)} (target 0.7) on ${scored}`;
const doc = { meetsTargets, summary, targets: { "acc@0.25": 0.8, projected_iou_mean: 0.7 }, scored, categories, detect };
await writeFileAtomic(join(dir, "evaluation.json"), `${JSON.stringify(doc, null, 1)}\n`);
process.stdout.write(`${summary}; meets targets: ${meetsTargets}\n`);
