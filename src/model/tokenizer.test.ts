import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import { iou3d, type Box3D } from "../geometry/index.js";
import { randomScenes } from "../qa/testing/fixtures.js";
import { reasoningTemplates, fillTemplate } from "../qa/index.js";
import { QUESTION_TYPES } from "../reason/index.js";
import { createRng } from "../random.js";
import { objectTokens, programTailTokens, valueTailTokens, type GrammarMode } from "./answer-grammar.js";
import { decodeBox } from "./box-tokens.js";
import { resolveModelConfig } from "./config.js";
import { createTokenizer, parseTokenizerJson, readTokenizer, serializeTokenizer, writeTokenizer, type Tokenizer } from "./tokenizer.js";

const tiny = resolveModelConfig("tiny");
const small = resolveModelConfig("small");
const tok = createTokenizer(small);
const K = { fx: 300, fy: 300, cx: 159.5, cy: 119.5 };
const size = { width: 320, height: 240 };
const chair: Box3D = { center: [0.4, 0.2, 3], size: [0.5, 0.9, 0.5], yaw: 0.2 };
const lamp: Box3D = { center: [-0.8, -0.1, 4.2], size: [0.3, 1.6, 0.3], yaw: 0 };

/** Answer ids from token strings. */
const ids = (t: Tokenizer, tokens: readonly string[]): number[] => t.ids([...tokens, "<eos>"]);

describe("vocabulary", () => {
  it("is deterministic, unique, and starts with the specials", () => {
    const again = createTokenizer(small);
    expect(again.json.tokens).toEqual(tok.json.tokens);
    expect(new Set(tok.json.tokens).size).toBe(tok.size);
    expect(tok.json.tokens.slice(0, 5)).toEqual(["<pad>", "<bos>", "<eos>", "<sep>", "<unk>"]);
    expect([tok.pad, tok.bos, tok.eos, tok.sep, tok.unk]).toEqual([0, 1, 2, 3, 4]);
  });

  it("holds every program, the synth catalog and COCO-80 labels, and one token per bin", () => {
    for (const t of QUESTION_TYPES) expect(tok.has(`<p:${t}>`)).toBe(true);
    for (const l of ["trash can", "fire hydrant", "teddy bear", "chair", "tv"]) expect(tok.classify(l)).toBe("label");
    expect(tok.has("<u_-250>") && tok.has("<u_1249>") && tok.has("<z_999>") && tok.has("<s_255>") && tok.has("<yaw_63>")).toBe(true);
    expect(tok.has("<x_0>")).toBe(false);
    const xyz = createTokenizer(resolveModelConfig("small", { target: "xyz" }));
    expect(xyz.has("<x_2999>") && !xyz.has("<u_0>")).toBe(true);
    // Vocabulary sizes the output layer is built for: text and markers plus the bins.
    expect(tok.size - (1500 + 1500 + 1000 + 256 + 64)).toBe(createTokenizer(tiny).size - (150 + 150 + 64 + 32 + 8));
  });

  it("adds extra labels (normalized) and refuses ones that look like question names", () => {
    const t = createTokenizer(tiny, { extraLabels: ["Hotair Ballon", "Orange/Tangerine"] });
    expect(t.classify("hotair ballon")).toBe("label");
    expect(t.tokenize("Where is 4_hotair ballon? orange/tangerine")).toEqual(["where", "is", "<#4>", "hotair ballon", "?", "orange/tangerine"]);
    expect(errorOf(() => createTokenizer(tiny, { extraLabels: ["3_cat"] })).field).toBe("label");
  });
});

describe("text", () => {
  it("tokenizes names, phrases, numbers and unknown words", () => {
    expect(tok.tokenize("Within 1.50 meters of 1_trash can, is the light brown tv left of Zorg?")).toEqual([
      "within", "1", ".", "5", "0", "meters", "of", "<#1>", "trash can", ",", "is", "the", "light brown", "tv", "left", "of", "<unk>", "?",
    ]);
    const prompt = tok.encodePrompt("Is chair left of lamp?");
    expect(prompt[0]).toBe(tok.bos);
    expect(prompt[prompt.length - 1]).toBe(tok.sep);
  });

  it("decodes every generated question back to its lower-cased text", () => {
    const scenes = randomScenes(6, 4);
    const rng = createRng(2);
    let checked = 0;
    for (const type of QUESTION_TYPES) {
      for (const template of reasoningTemplates(type)) {
        const objects = scenes[rng.int(scenes.length)]!.objects;
        const names = objects.map((o) => o.name);
        const question = fillTemplate(template, { A: names[0]!, B: names[1]!, C: names[2]!, objects: names.slice(0, 3), candidates: names.slice(1, 3), unit: "ft", extra: { radius: "1.50 meters" } });
        const encoded = tok.encodeText(question);
        expect(encoded).not.toContain(tok.unk);
        expect(tok.decode(encoded)).toBe(question.toLowerCase());
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(QUESTION_TYPES.length * 5);
  });

  it("fits the longest prompt in small's maxPromptTokens", () => {
    const names = ["0_trash can", "1_trash can", "2_floor lamp", "3_floor lamp"];
    const longest = Math.max(
      ...QUESTION_TYPES.flatMap((type) =>
        reasoningTemplates(type).map((t) => tok.encodePrompt(fillTemplate(t, { A: names[0], B: names[1], C: names[2], objects: names, candidates: names.slice(1), unit: "cm", extra: { radius: "150 centimeters" } })).length),
      ),
    );
    expect(longest).toBeLessThanOrEqual(small.maxPromptTokens);
  });
});

describe("tokenizer.json", () => {
  it("round-trips through text and files", async () => {
    const text = serializeTokenizer(tok);
    const back = parseTokenizerJson(text);
    expect(back.json).toEqual(tok.json);
    expect(back.encodeText("Is 0_chair above tv?")).toEqual(tok.encodeText("Is 0_chair above tv?"));
    const dir = await mkdtemp(join(tmpdir(), "n3d-tok-"));
    try {
      await writeTokenizer(join(dir, "tokenizer.json"), tok);
      expect((await readTokenizer(join(dir, "tokenizer.json"))).json).toEqual(tok.json);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("names the field of a broken document", () => {
    const json = JSON.parse(serializeTokenizer(tok));
    expect(errorOf(() => parseTokenizerJson("{", "m/tokenizer.json")).field).toBe("json");
    expect(errorOf(() => parseTokenizerJson(JSON.stringify({ ...json, version: 2 }))).message).toBe("tokenizer.json: version = 2: is not a supported tokenizer version; choose 1");
    expect(errorOf(() => parseTokenizerJson(JSON.stringify({ ...json, tokens: [...json.tokens, "chair"] }))).problem).toBe("appears twice");
    expect(errorOf(() => parseTokenizerJson(JSON.stringify({ ...json, labels: ["unicorn"] }))).field).toBe("labels");
    const noZ = json.tokens.filter((t: string) => t !== "<z_3>");
    expect(errorOf(() => parseTokenizerJson(JSON.stringify({ ...json, tokens: noZ }))).value).toBe("<z_3>");
  });
});

describe("answer grammar", () => {
  const boxes = [...objectTokens("0_chair", chair, K, size, small), ...objectTokens("lamp", lamp, K, size, small)];
  const answers: [GrammarMode, string[]][] = [
    ["boxes", []],
    ["boxes", [...objectTokens("chair", chair, K, size, small)]],
    ["grounding-first", [...boxes, ...programTailTokens("left_predicate", {})]],
    ["grounding-first", [...boxes, ...programTailTokens("count_within_distance", { unit: "m", radiusM: 1.5 })]],
    ["end-to-end", valueTailTokens("height_data", { kind: "length", metres: 0.91, unit: "cm", value: 91 })],
    ["end-to-end", valueTailTokens("direct_distance", { kind: "length", metres: 1.234, unit: "m", value: 1.23 })],
    ["end-to-end", valueTailTokens("left_predicate", { kind: "bool", value: true })],
    ["end-to-end", valueTailTokens("tallest", { kind: "choice", value: "1_lamp", options: ["0_lamp", "1_lamp"] })],
    ["end-to-end", valueTailTokens("direction", { kind: "clock", value: 11 })],
    ["end-to-end", valueTailTokens("count_within_distance", { kind: "count", value: 3 })],
    ["end-to-end", valueTailTokens("order_by_distance_to_camera", { kind: "order", value: ["0_chair", "lamp", "1_chair"] })],
  ];

  it("accepts every well-formed answer, and constrained decoding allows each of its tokens", () => {
    for (const [mode, tokens] of answers) {
      const answer = ids(tok, tokens);
      for (let i = 0; i < answer.length; i++) {
        expect(tok.allowedNextTokens(answer.slice(0, i), { mode })).toContain(answer[i]);
        expect(tok.allowedNextTokens(answer.slice(0, i))).toContain(answer[i]);
      }
      expect(tok.allowedNextTokens(answer)).toEqual([]);
      tok.parseAnswer(answer, mode);
    }
  });

  it("parses what was written", () => {
    const parsed = tok.parseAnswer(ids(tok, answers[3]![1]));
    expect(parsed.objects.map((o) => o.name)).toEqual(["0_chair", "lamp"]);
    expect(parsed.program).toEqual({ type: "count_within_distance", unit: "m", radius: 1.5 });
    expect(iou3d(decodeBox(parsed.objects[0]!.bins, K, size, small), chair)).toBeGreaterThan(0.95);
    expect(tok.parseAnswer(ids(tok, answers[5]![1])).value).toEqual({ type: "direct_distance", answer: { kind: "length", value: 1.23, unit: "m" } });
    expect(tok.parseAnswer(ids(tok, answers[7]![1])).value!.answer).toEqual({ kind: "choice", value: "1_lamp" });
    expect(tok.parseAnswer(ids(tok, answers[10]![1])).value!.answer).toEqual({ kind: "order", value: ["0_chair", "lamp", "1_chair"] });
    expect(tok.parseAnswer(ids(tok, answers[6]![1])).value!.answer).toEqual({ kind: "bool", value: true });
  });

  it("rejects malformed sequences, naming the token and what was expected", () => {
    const one = objectTokens("chair", chair, K, size, small);
    const bad: [string[], RegExp][] = [
      [[one[0]!, one[1]!, one[3]!, ...one.slice(2)], /token 2 = "<v_\d+>": expected <u_k>/], // bins out of order
      [one.slice(0, -1), /expected <\/obj>/], // </obj> missing
      [["<obj>", "<u_3>"], /expected an instance token or a label token/], // label missing
      [["<eos>", "<obj>"], /nothing may follow <eos>/],
      [["<ans>", "<p:height_data>", "1", ".", "2", "3", "4"], /token 6 = "4"/], // three decimals
      [["<ans>", "<p:height_data>", "1", "<eos>"], /token 3 = "<eos>": expected/], // unit missing
      [["<prog>", "<p:tallest>", "<unit:m>"], /expected <eos>/], // no unit for a choice program
      [["<ans>", "<p:left_predicate>", "maybe"], /token 2 = "<unk>"|token 2/],
    ];
    for (const [tokens, message] of bad) {
      const seq = tokens.map((t) => (tok.has(t) ? tok.id(t) : tok.unk));
      expect(errorOf(() => tok.parseAnswer([...seq, tok.eos])).message).toMatch(message);
    }
    expect(errorOf(() => tok.parseAnswer(tok.ids(one))).message).toMatch(/the answer is incomplete; expected <obj> or <prog> or <eos>$/);
    expect(errorOf(() => tok.parseAnswer(ids(tok, answers[2]![1]), "end-to-end")).field).toBe("token 0");
    expect(errorOf(() => tok.parseAnswer(ids(tok, []), "grounding-first")).field).toBe("token 0");
  });

  it("never lets random constrained decoding write a malformed or over-long answer", () => {
    const rng = createRng(11);
    const t = createTokenizer(tiny);
    for (const mode of ["boxes", "grounding-first", "end-to-end", "any"] as const) {
      for (let walk = 0; walk < 40; walk++) {
        const maxLength = 24 + rng.int(40);
        const answer: number[] = [];
        const decoder = t.decoder({ mode, maxLength });
        for (;;) {
          const allowed = decoder.allowed();
          expect(allowed.length).toBeGreaterThan(0);
          if (walk % 8 === 0) expect(t.allowedNextTokens(answer, { mode, maxLength })).toEqual(allowed); // re-scan agrees
          // Prefer <eos> rarely so walks produce several boxes.
          const pick = allowed.length > 1 && allowed.includes(t.eos) && rng.next() < 0.8 ? allowed.filter((id) => id !== t.eos) : allowed;
          const id = pick[rng.int(pick.length)]!;
          answer.push(id);
          decoder.push(id);
          if (id === t.eos) break;
        }
        expect(decoder.done).toBe(true);
        expect(answer.length).toBeLessThanOrEqual(maxLength);
        const parsed = t.parseAnswer(answer, mode);
        expect(decoder.result()).toEqual(parsed);
        for (const o of parsed.objects) expect(() => decodeBox(o.bins, K, size, tiny)).not.toThrow();
      }
    }
  });
});
