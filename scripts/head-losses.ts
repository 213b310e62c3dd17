// Cross-entropy of each head of a trained model folder on one held-out batch: the answer loss, and
// the dense patch heads (patch label, and each of the seven box tokens of the patch's object),
// each measured alone. Tells which part of the model is slow to learn.
//
//   npx tsx scripts/head-losses.ts MODEL_DIR [TEXT_LENGTH=96]
import { boxTokenSlots, buildTrainingGraph, trainingFeeds, type PatchLabelAux } from "../src/model/network.js";
import { readFolderParams, readModelFolder } from "../src/model/model-folder.js";
import { softTargets } from "../src/model/soft-targets.js";
import { collate, sampleStream, synthSource, type Batch } from "../src/model/stage-data.js";
import { encodeOnnxModel } from "../src/onnx-proto.js";
import { Session } from "../src/graph/runtime/session.js";

const dir = process.argv[2];
if (dir === undefined) {
  process.stderr.write("usage: tsx scripts/head-losses.ts MODEL_DIR [TEXT_LENGTH]\n");
  process.exit(2);
}
const T = Number(process.argv[3] ?? 96);
const folder = await readModelFolder(dir);
const params = await readFolderParams(folder);
const { cfg, tokenizer } = folder;
// Seed 4242 scenes: never the training stream's (seed 0).
const stream = sampleStream(777, cfg, { stage: 1, source: synthSource({ seed: 4242 }), tokenizer, groundShare: 0.8 });
const samples = (await stream.batch(0, 8)).map((s) => ({ ...s, answerIds: s.answerIds.slice(0, T - s.promptIds.length) }));
const batch = collate(samples, cfg, { padTo: T });
const targets = softTargets(tokenizer, cfg, 0);
const labelTokenIds = tokenizer.labels.map((l) => tokenizer.id(l));
const classes = new Map(tokenizer.labels.map((l, c) => [l, c]));
const slots = boxTokenSlots(cfg, tokenizer.size);

async function lossOf(aux: PatchLabelAux | null, b: Batch): Promise<number> {
  const { graph, loss } = buildTrainingGraph(cfg, tokenizer.size, { batch: 8, textLength: T }, 1, aux);
  graph.output("loss", loss);
  const session = await Session.create(encodeOnnxModel(graph.toInferenceModel({ params })), { threads: 1 });
  try {
    const boxes = aux?.boxSlots !== undefined && aux.boxSlots.length > 0 ? { slots: aux.boxSlots, id: (t: string) => tokenizer.id(t) } : null;
    const out = await session.run(trainingFeeds(b, cfg, targets, aux === null ? null : classes, boxes), { fetch: ["loss"] });
    return (out["loss"]!.data as Float32Array)[0]!;
  } finally {
    await session.release();
  }
}

const answer = await lossOf(null, batch);
const label = (await lossOf({ labelTokenIds, weight: 1, boxSlots: [] }, batch)) - answer;
const row: Record<string, string> = { answer: answer.toFixed(3), label: label.toFixed(3) };
const names = ["u", "v", "z", "sx", "sy", "sz", "yaw"];
for (let k = 0; k < slots.length; k++) {
  // Slot k alone: each patch's box reduced to its k-th token, scored over that token's axis.
  const only = { ...batch, patchBoxes: batch.patchBoxes.map((t) => (t === null ? null : [t[k]!])) };
  row[cfg.target === "uvz" ? names[k]! : (["x", "y"][k] ?? names[k]!)] = ((await lossOf({ labelTokenIds, weight: 1, boxSlots: [slots[k]!] }, only)) - answer - label).toFixed(3);
}
process.stdout.write(`${JSON.stringify(row)}\n`);
