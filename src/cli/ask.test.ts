import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { box3DToOfficial, parseN3dBoxesJson, serializeBboxLines } from "../formats/index.js";
import { projectBox3D, type Box2D } from "../geometry/index.js";
import { NATIVE_DETECT_PROMPT, NATIVE_GROUND_TEMPLATE } from "../ground/index.js";
import { detectSample, groundSample, prepareScene, repositorySource, writeModelFolder, type TrainingSample } from "../model/index.js";
import { overfit, TINY, tinyTokenizer } from "../model/testing/tiny-model.js";
import { fillTemplate, readRepository } from "../qa/index.js";
import { startChatServer, type ChatServer } from "../qa/testing/chat-server.js";
import { createRng } from "../random.js";
import { reason, type SceneObjectBox } from "../reason/index.js";
import { encodeImagePng, readIntrinsics } from "../rgbd/index.js";
import { makeTempDir } from "../rgbd/testing/fixtures.js";
import { shippedModelDir } from "./ground.js";
import { runCli as run } from "./testing/run-cli.js";

// The committed example frame: a cabinet, a box and a suitcase (boxes.json is their truth).
const dir = resolve(dirname(fileURLToPath(import.meta.url)), "../../examples/tabletop");
const frameArgs = ["--image", join(dir, "rgb.png"), "--depth", join(dir, "depth.png"), "--intrinsics", join(dir, "intrinsics.json")];
let truth: { label: string; box: SceneObjectBox["box"] }[];
let edges: [number, number, number, number][]; // each object's projected box, pixel edges (as --region takes them)
let K: Awaited<ReturnType<typeof readIntrinsics>>;

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  K = await readIntrinsics(join(dir, "intrinsics.json"));
  truth = parseN3dBoxesJson(await readFile(join(dir, "boxes.json"), "utf8"), "boxes.json");
  edges = truth.map((t) => {
    const b = projectBox3D(K, t.box) as Box2D;
    // Shrink a little inside the projected box, as a user's box around the visible object would be.
    const [w, h] = [b.x2 - b.x1, b.y2 - b.y1];
    return [b.x1 + 0.5 + 0.1 * w, b.y1 + 0.5 + 0.1 * h, b.x2 + 0.5 - 0.1 * w, b.y2 + 0.5 - 0.1 * h].map((x) => Math.round(x)) as [number, number, number, number];
  });
});
beforeEach(async () => {
  tmp = await makeTempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

const region = (k: number): string[] => ["--region", edges[k]!.join(",")];
const truthRegions = (): SceneObjectBox[] => truth.map((t, k) => ({ name: `Region [${k}]`, label: "region", box: t.box }));

describe("n3d ask (one question)", () => {
  it("prints the boxes used, the numbered reasoning and the answer", async () => {
    const r = await run(["ask", ...frameArgs, ...region(0), ...region(1), "Is <region0> taller than <region1>?"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const expected = reason("tall_predicate", ["Region [0]", "Region [1]"], truthRegions());
    expect(r.out).toMatch(/^question type: tall_predicate {2}\(ground-then-reason, back end regions\)\nboxes used/);
    expect(r.out).toMatch(/\n {2}1\. The 3D bbox of Region \[0\] is \[/);
    expect(r.out).toContain(`answer: ${expected.sentence}\n`);
  });

  it("--json prints {type, answer, sentence, cot, boxes}; --overlay draws them", async () => {
    const overlay = join(tmp.dir, "overlay.png");
    const r = await run(["ask", ...frameArgs, ...region(2), ...region(1), "--json", "--overlay", overlay, "How far is <region0> from the camera, in meters?"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(Object.keys(json)).toEqual(["type", "mode", "backend", "answer", "sentence", "cot", "boxes"]);
    expect(json.type).toBe("distance_to_camera");
    const t = reason("distance_to_camera", ["Region [2]"], truthRegions()).answer;
    expect(json.answer.kind).toBe("length");
    expect(Math.abs(json.answer.metres / (t.kind === "length" ? t.metres : NaN) - 1)).toBeLessThan(0.25);
    expect(json.boxes.map((b: { name: string }) => b.name)).toEqual(["Region [0]"]);
    expect((await sharp(await readFile(overlay)).metadata()).width).toBe(320);
  });

  it("a question it cannot map: the error line, then every type with an example", async () => {
    const r = await run(["ask", ...frameArgs, ...region(0), "What colour is <region0>?"]);
    expect(r.code).toBe(2);
    const lines = r.err.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^n3d: ask: question = "What colour is <region0>\?": matches none of the question forms/);
    expect(lines[1]).toBe("questions n3d can answer (type: example):");
    expect(lines.length).toBeGreaterThan(40);
    expect(r.err).toMatch(/\n {2}height_data +What is the height of chair, in meters\?\n/);
  });

  it.each([
    [["--region", "-20,10,50,60", "Is <region0> taller than <region1>?"], /region 0 = "-20\.5,9\.5,49\.5,59\.5": reaches outside the 320x240 image/],
    [["--region", "10,10,5,60", "Is <region0> taller than <region1>?"], /region = "10,10,5,60": needs x2 > x1 and y2 > y1/],
    // The native back end reads its folder on first use: refused before any folder is looked at.
    [["--backend", "native", "--model", "no-such-model", "--region", "10,10,50,60", "How tall is <region0>?"], /ask: backend = "native": cannot ground regions requests; use the regions back end for region prompts/],
    [["--model", "some-model", "How tall is the box?"], /n3d ask: --model = "some-model": goes with --backend native \(the compact model\); the default back end does not use it/],
    [["--backend", "endpoint", "How tall is the box?"], /endpoint: baseUrl = undefined: missing; pass --endpoint-url or set N3D_ENDPOINT_URL/],
    [["--backend", "regions", "How tall is the box?"], /backend = "regions": cannot ground named objects requests/],
    [["--region", "10,10,50,60", "Is <region0> taller than <region3>?"], /object = "<region3>": names a region that was not given; the regions are <region0>/],
  ])("refuses %j with exit 2 and one line", async (args, pattern) => {
    const r = await run(["ask", ...frameArgs, ...(args as string[])]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(pattern);
    // One line (commander adds its "(run with --help for usage)" hint after flag errors).
    expect(r.err.trimEnd().split("\n").filter((l) => !l.startsWith("(run with --help"))).toHaveLength(1);
  });

  it("without regions the default back end is detect-lift (the shipped COCO-80 detector)", async () => {
    const r = await run(["ask", ...frameArgs, "How tall is the cabinet?"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^n3d: detect-lift: object = "the cabinet": is not a category the centernet detector finds; it finds: person, bicycle, /);
  });

  it("takes regions as PNG masks", async () => {
    const [x1, y1, x2, y2] = edges[1]!;
    const rgb = new Uint8Array(320 * 240 * 3);
    for (let v = y1; v < y2; v++) for (let u = x1; u < x2; u++) rgb.fill(255, 3 * (v * 320 + u), 3 * (v * 320 + u) + 3);
    const mask = join(tmp.dir, "mask.png");
    await writeFile(mask, await encodeImagePng({ size: { width: 320, height: 240 }, rgb }));
    const r = await run(["ask", ...frameArgs, "--mask", mask, "--json", "What is the height of <region0>?"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).boxes[0].box2d).toEqual([x1 - 0.5, y1 - 0.5, x2 - 0.5, y2 - 0.5]);
  });
});

describe("n3d ask --backend endpoint", () => {
  let server: ChatServer;
  beforeAll(async () => {
    server = await startChatServer(() => serializeBboxLines(truth.map((t, id) => box3DToOfficial(t.label, t.box, { K, size: { width: 320, height: 240 }, form: "float", id }))));
  });
  afterAll(() => server.server.close());

  it("grounds through the endpoint given by flags and reasons on its boxes", async () => {
    const r = await run(["ask", ...frameArgs, "--backend", "endpoint", "--endpoint-url", server.url, "--endpoint-model", "m", "--json", "Is the cabinet to the left of the suitcase?"]);
    expect(r.err).toBe("");
    const json = JSON.parse(r.out);
    const named = truth.map((t) => ({ name: t.label, label: t.label, box: t.box }));
    expect(json.answer).toEqual(reason("left_predicate", ["cabinet", "suitcase"], named).answer);
    expect(json.backend).toBe("endpoint");
  });
});

describe("n3d ask --batch", () => {
  it("answers every line, records failing ones as {id, error} and exits 1 when any failed", async () => {
    const K3 = [[K.fx, 0, K.cx], [0, K.fy, K.cy], [0, 0, 1]];
    const common = { image: join(dir, "rgb.png"), depth: join(dir, "depth.png"), depth_scale: 1000, intrinsics: K3 };
    const lines = [
      { id: "q1", ...common, regions: [edges[0], edges[1]], question: "Is <region0> taller than <region1>?" },
      { id: "q2", ...common, regions: [edges[0]], question: "What colour is <region0>?" },
      { id: "q3", ...common, regions: [[0, 0, 400, 10]], question: "How wide is <region0>?" },
      { id: 4, ...common, image: "missing.png", regions: [edges[0]], question: "How wide is <region0>?" },
      { id: "q5", ...common, regions: [edges[2], edges[0]], question: "Which is farther from the camera, <region0> or <region1>?" },
    ];
    const file = join(tmp.dir, "questions.jsonl");
    await writeFile(file, `${lines.map((l) => JSON.stringify(l)).join("\n")}\nnot json\n`);
    const r = await run(["ask", "--batch", file, "--json"]);
    const out = r.out.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(out.map((o) => o.id)).toEqual(["q1", "q2", "q3", "4", "q5", "line 6"]);
    expect(out[0]).toMatchObject({ type: "tall_predicate", answer: reason("tall_predicate", ["Region [0]", "Region [1]"], truthRegions()).answer });
    expect(out[1].error).toMatch(/matches none of the question forms/);
    expect(out[2].error).toMatch(/reaches outside the 320x240 image/);
    expect(out[3].error).toMatch(/missing\.png/);
    expect(out[4]).toMatchObject({ type: "farther_from_camera", answer: { kind: "choice", value: "Region [0]" } });
    expect(out[5].error).toMatch(/line 6: json = "not json": is not JSON/);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`n3d: ${file}: failed questions = "4 of 6": each is written as {id, error}; the others were answered\n`);
  });

  it("exits 0 when every question is answered; relative paths are relative to the file", async () => {
    const rel = (f: string): string => relative(tmp.dir, join(dir, f));
    const line = { id: "only", image: rel("rgb.png"), depth: rel("depth.png"), intrinsics: { fx: K.fx, fy: K.fy, cx: K.cx, cy: K.cy }, regions: [edges[1]], question: "How wide is <region0>, in centimeters?" };
    await writeFile(join(tmp.dir, "q.jsonl"), `${JSON.stringify(line)}\n`);
    const r = await run(["ask", "--batch", join(tmp.dir, "q.jsonl"), "--json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ id: "only", type: "width_data", answer: { kind: "length", unit: "cm" } });
  });
});

// `n3d ask --backend native` end to end: a synth frame on disk, a tiny model trained in process for
// a few dozen steps on that frame (detect everything, ground one category) and written as a model
// folder, then the CLI answers a question about that category with it.
describe("n3d ask --backend native", () => {
  let work: string;
  let model: string;
  let frame: string[];
  let label: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "n3d-cli-ask-native-"));
    const data = join(work, "data");
    const synth = await run(["synth", "--out", data, "--count", "1", "--size", "64x48", "--objects", "3-4", "--seed", "5"]);
    expect(synth.code, synth.err).toBe(0);
    const { frame: f, scene } = await repositorySource(await readRepository(data)).load(0);
    const labels = scene.objects.map((o) => o.label);
    label = labels.find((l) => labels.indexOf(l) === labels.lastIndexOf(l))!; // one instance: the question names one object
    const tokenizer = tinyTokenizer();
    const prepared = prepareScene("scene", f, scene, TINY);
    const ctx = { cfg: TINY, tokenizer };
    // The builders draw a phrasing at random: redraw until it is the one the back end sends.
    const drawn = (make: (seed: number) => TrainingSample | null, prompt: string): TrainingSample => {
      for (let seed = 1; ; seed++) {
        const s = make(seed);
        if (s !== null && s.meta.prompt === prompt) return s;
      }
    };
    const samples = [
      drawn((seed) => detectSample(prepared, ctx, createRng(seed)), NATIVE_DETECT_PROMPT),
      drawn((seed) => groundSample(prepared, label, ctx, createRng(seed)), fillTemplate(NATIVE_GROUND_TEMPLATE, { class: label })),
    ];
    const { params } = await overfit(TINY, tokenizer, samples, 40);
    model = join(work, "model");
    await writeModelFolder(model, { cfg: TINY, tokenizer, params });
    const doc = JSON.parse(await readFile(join(data, "annotations.json"), "utf8")) as { images: { intrinsics: object }[] };
    await writeFile(join(work, "K.json"), JSON.stringify(doc.images[0]!.intrinsics));
    frame = ["--image", join(data, "images/000000.png"), "--depth", join(data, "depth/000000.png"), "--intrinsics", join(work, "K.json")];
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  /** stderr as lines, without commander's usage hint. */
  const errLines = (err: string): string[] => err.trimEnd().split("\n").filter((l) => l !== "" && !l.startsWith("(run with --help"));

  it("answers with the model's boxes, or says in one line that the object is not in the frame", async () => {
    const r = await run(["ask", ...frame, "--backend", "native", "--model", model, "--threads", "1", `How tall is the ${label}?`]);
    if (r.code === 0) {
      expect(r.err).toBe("");
      expect(r.out).toMatch(/^question type: height_data {2}\(ground-then-reason, back end native\)\nboxes used/);
      expect(r.out).toMatch(new RegExp(`\\n {2}${label}: ${label}, centre \\[`));
      expect(r.out).toMatch(new RegExp(`\\nanswer: The ${label} is \\d+(\\.\\d+)? \\w+ tall\\.\\n$`));
    } else {
      expect(r.code).toBe(2);
      expect(errLines(r.err)).toHaveLength(1);
      expect(r.err).toMatch(new RegExp(`^n3d: ask: object = "the ${label}": is not in the frame; `));
    }
  });

  it("--json gives the boxes the answer used, labelled with the category asked about", async () => {
    const r = await run(["ask", ...frame, "--backend", "native", "--model", model, "--threads", "1", "--json", `How far is the ${label} from the camera?`]);
    if (r.code !== 0) {
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`^n3d: ask: object = "the ${label}": is not in the frame; `));
      return;
    }
    const json = JSON.parse(r.out) as { backend: string; answer: { kind: string; metres: number }; boxes: { label: string }[] };
    expect(json.backend).toBe("native");
    expect(json.answer.kind).toBe("length");
    expect(json.answer.metres).toBeGreaterThan(0);
    expect(json.boxes.map((b) => b.label)).toEqual([label]);
  });

  it("a missing model folder: exit 2 and one line naming it and how to train one", async () => {
    const r = await run(["ask", ...frame, "--backend", "native", "--model", join(work, "nope"), `How tall is the ${label}?`]);
    expect(r.code).toBe(2);
    expect(errLines(r.err)).toHaveLength(1);
    expect(r.err).toMatch(/nope.*does not exist; train one with `n3d train --stage 1/);
  });

  it.skipIf(existsSync(shippedModelDir()))("without --model, when this version ships no model: exit 2, saying so and how to train one", async () => {
    const r = await run(["ask", ...frame, "--backend", "native", `How tall is the ${label}?`]);
    expect(r.code).toBe(2);
    expect(errLines(r.err)).toHaveLength(1);
    expect(r.err).toMatch(/^n3d: n3d ask: --model = "models\/n3d-small": the shipped model is not in this version \(no .*\); give --model DIR, or train one with `n3d train/);
  });

  it("--threads must be an integer >= 1", async () => {
    const r = await run(["ask", ...frame, "--backend", "native", "--model", model, "--threads", "0", `How tall is the ${label}?`]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/threads = "0": must be an integer >= 1/);
  });
});
