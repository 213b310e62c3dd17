import { InputError } from "../errors.js";
import { ModelGrounder } from "../model/index.js";
import { DETECTION_TEMPLATES, fillTemplate, GROUNDING_TEMPLATES } from "../qa/index.js";
import type { RGBDFrame } from "../rgbd/index.js";
import { regionIndex } from "./mentions.js";
import type { GroundedBox, Grounder, GroundRequest } from "./types.js";
import { matchLabel, normalizePhrase } from "./vocabulary.js";

/**
 * The `native` back end: the compact N3D-VLM (src/model) grounds the frame itself, from RGB and
 * depth, without a 2D detector or lifting. Requests become the prompts the model was trained on
 * (model/samples.ts):
 * - all: the detection phrasing {@link NATIVE_DETECT_PROMPT};
 * - category: the grounding phrasing {@link NATIVE_GROUND_TEMPLATE} filled with the label the
 *   category names among the model's labels (plurals and synonyms: "sofas" -> "sofa", "fridge"
 *   -> "refrigerator"); a category no label matches gives no boxes, never an invented one;
 * - named: the distinct categories the names mention ("red chair", "2_table": as detect-lift reads
 *   them), each grounded in turn, the union returned in mention order.
 * Region prompts are not served: the model grounds categories, not user-drawn boxes. Requests made
 * at once run one after another (the model keeps one decoding state).
 *
 * Both phrasings are the first of their lists on purpose: the model narrows a box's label to the
 * labels its prompt names, and several other phrasings contain the word "box", which is also a
 * category label (so "Find every object ... bounding box" would only allow boxes labelled "box").
 */

/** The prompt for "ground everything": the first detection phrasing (as `n3d ground` uses by default). */
export const NATIVE_DETECT_PROMPT = DETECTION_TEMPLATES[0]!;

/** The phrasing for one category (`{class}` takes the label): the first grounding phrasing. */
export const NATIVE_GROUND_TEMPLATE = GROUNDING_TEMPLATES[0]!;

/** What the back end uses of a loaded model: its labels, grounding and release ({@link ModelGrounder}). */
export type NativeModel = Pick<ModelGrounder, "tokenizer" | "ground" | "dispose">;

/** Options of {@link createNativeGrounder}. */
export interface NativeGrounderOptions {
  /** The model folder (prefill.onnx + step.onnx + weights.bin, config.json, tokenizer.json: `n3d train --out DIR`). */
  readonly modelDir: string;
  /** onnxruntime threads (default 2). */
  readonly threads?: number;
  /** How the folder is loaded (default {@link ModelGrounder.load}); called once, on the first request. */
  readonly load?: (dir: string, options: { readonly threads: number }) => Promise<NativeModel>;
}

/** The model label `phrase` names ("2_red chairs" -> "chair"), or null when it names none. */
export function nativeLabelOf(phrase: string, labels: readonly string[]): string | null {
  // "2_chair" names a chair; the index picks among the chairs later (ask.ts names them).
  const bare = normalizePhrase(phrase).replace(/^\d+_/, "");
  return matchLabel(bare, labels)?.label ?? null;
}

/**
 * The `native` back end over the model folder `options.modelDir`. Creating it reads nothing; the
 * folder is loaded on the first {@link Grounder.ground} call (a missing or invalid folder is the
 * model layer's InputError then, naming the folder and how to train one) and released by dispose.
 */
export function createNativeGrounder(options: NativeGrounderOptions): Grounder {
  const where = "native";
  const { modelDir } = options;
  if (typeof modelDir !== "string" || modelDir.trim() === "") throw new InputError(where, "modelDir", modelDir, "must be a model folder path (n3d train --out DIR)");
  const threads = options.threads ?? 2;
  if (!(Number.isInteger(threads) && threads >= 1)) throw new InputError(where, "threads", threads, "must be an integer >= 1");
  const load = options.load ?? ((dir: string, o: { readonly threads: number }) => ModelGrounder.load(dir, o));
  let loaded: Promise<NativeModel> | null = null;

  const model = (): Promise<NativeModel> => {
    if (loaded === null) {
      const pending = load(modelDir, { threads });
      loaded = pending;
      // A failed load is not kept: the next request tries again (after the folder was fixed).
      pending.catch(() => {
        if (loaded === pending) loaded = null;
      });
    }
    return loaded;
  };

  // The model's decoding state (its key/value cache) is one per model: runs take turns.
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(run: () => Promise<T>): Promise<T> => {
    const result = turn.then(run, run);
    turn = result.catch(() => undefined);
    return result;
  };

  /** Boxes for one prompt, keeping only `label` when given (the grammar already narrows labels; this states the contract). */
  const boxesFor = async (m: NativeModel, frame: RGBDFrame, prompt: string, label: string | null): Promise<GroundedBox[]> => {
    const answer = await inTurn(() => m.ground(frame, { prompt, mode: "boxes" }));
    return answer.objects.filter((o) => label === null || o.label === label).map((o) => ({ label: o.label, box: o.box, score: o.score }));
  };

  return {
    name: "native",
    accepts: ["all", "category", "named"],
    async ground(frame: RGBDFrame, request: GroundRequest): Promise<GroundedBox[]> {
      if (request.kind === "regions") {
        throw new InputError(where, "request", "regions", "the compact model grounds categories, not region prompts; use the regions back end for questions with <region0> ...");
      }
      if (request.kind === "named") {
        const regionWord = request.names.find((n) => regionIndex(n) !== null);
        if (regionWord !== undefined) throw new InputError(where, "object", regionWord, "names a region prompt; give the regions and use the regions back end");
      }
      const m = await model();
      if (request.kind === "all") return boxesFor(m, frame, NATIVE_DETECT_PROMPT, null);
      const phrases = request.kind === "category" ? [request.category] : request.names;
      const labels: string[] = [];
      for (const p of phrases) {
        const label = nativeLabelOf(p, m.tokenizer.labels);
        if (label !== null && !labels.includes(label)) labels.push(label);
      }
      const out: GroundedBox[] = [];
      for (const label of labels) out.push(...(await boxesFor(m, frame, fillTemplate(NATIVE_GROUND_TEMPLATE, { class: label }), label)));
      return out;
    },
    async dispose() {
      if (loaded === null) return;
      const pending = loaded;
      loaded = null;
      let m: NativeModel;
      try {
        m = await pending;
      } catch {
        return; // nothing was loaded
      }
      await turn; // a run in progress finishes before its sessions go
      await m.dispose();
    },
  };
}
