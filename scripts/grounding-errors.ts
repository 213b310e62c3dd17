// Where a model's grounding goes wrong, in the units a person reads: for every visible true box of
// an n3d synth repository, the nearest prediction of its label (by projected centre), and the
// median pixel offsets |du| |dv|, log-ratio depth error |dln z| and mean log-ratio size error
// |dln s| over those pairs, plus how many true boxes had no prediction of their label at all.
//
//   npx tsx scripts/grounding-errors.ts PREDS.jsonl REPO/annotations.json
import { readFile } from "node:fs/promises";

type Box = { label: string; size: number[]; uvz: number[] };
const [predsPath, truthPath] = process.argv.slice(2);
if (predsPath === undefined || truthPath === undefined) {
  process.stderr.write("usage: tsx scripts/grounding-errors.ts PREDS.jsonl annotations.json\n");
  process.exit(2);
}
const truth = JSON.parse(await readFile(truthPath, "utf8")) as { annotations: { image_id: number; visible?: boolean; bbox3d?: Box | null }[] };
const preds = new Map<number, Box[]>();
for (const line of (await readFile(predsPath, "utf8")).split("\n")) {
  if (line.trim() === "") continue;
  const r = JSON.parse(line) as { image_id: number; boxes: Box[] };
  preds.set(r.image_id, r.boxes);
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const du: number[] = [];
const dv: number[] = [];
const dz: number[] = [];
const ds: number[] = [];
let scored = 0;
let unlabelled = 0;
for (const a of truth.annotations) {
  const t = a.bbox3d;
  if (a.visible !== true || t === null || t === undefined) continue;
  scored++;
  const same = (preds.get(a.image_id) ?? []).filter((p) => p.label === t.label);
  if (same.length === 0) {
    unlabelled++;
    continue;
  }
  const dist = (p: Box) => (p.uvz[0]! - t.uvz[0]!) ** 2 + (p.uvz[1]! - t.uvz[1]!) ** 2;
  const p = same.reduce((best, q) => (dist(q) < dist(best) ? q : best));
  du.push(Math.abs(p.uvz[0]! - t.uvz[0]!));
  dv.push(Math.abs(p.uvz[1]! - t.uvz[1]!));
  dz.push(Math.abs(Math.log(p.uvz[2]! / t.uvz[2]!)));
  ds.push(t.size.reduce((s, x, i) => s + Math.abs(Math.log(Math.max(p.size[i]!, 1e-3) / x)), 0) / 3);
}
process.stdout.write(
  `true boxes ${scored}, without a prediction of their label ${unlabelled}; median |du| ${median(du).toFixed(1)} px, |dv| ${median(dv).toFixed(1)} px, |dln z| ${median(dz).toFixed(3)}, |dln s| ${median(ds).toFixed(3)}\n`,
);
