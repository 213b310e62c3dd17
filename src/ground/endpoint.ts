import { InputError } from "../errors.js";
import {
  computeSceneNormalization,
  parseBoxesText,
  pointMapToOfficial,
  type OfficialFormChoice,
  type SceneNormalization,
} from "../formats/index.js";
import { depthToPointMap, projectBox3D } from "../geometry/index.js";
import {
  CachedChatClient,
  expandCodeTemplate,
  OFFICIAL_DETECTION_PROMPT,
  officialGroundingPrompt,
  officialStage1Prompt,
  type ChatMessage,
} from "../qa/index.js";
import { encodeImagePng, type RGBDFrame } from "../rgbd/index.js";
import type { GroundedBox, Grounder, GroundRequest } from "./types.js";

/**
 * The `endpoint` back end: an OpenAI-compatible chat-completions server running an N3D-VLM-style
 * model, asked with the official release's prompts (reference/FORMATS.md §1; qa/templates.ts):
 * detection for "all", the grounding prompt for a category, and for a question the stage-1 prompt
 * (the question + " First locate the bbox of the aforementioned object(s). ..."), with the
 * `<code_template>` placeholder expanded as the release's loader does. The image goes with the
 * text as an `image_url` content part (a PNG data URL), the way OpenAI-compatible servers take
 * images; the prompt's leading `<image>` marker, which the release's loader swaps for image
 * tokens, is dropped from the text.
 *
 * The reply's `bbox_<k>=Bbox(...)` lines are read in the float form or the 1000-bin integer form
 * (told apart by the numbers, or fixed by `form`); the integer form is decoded with the frame's own
 * per-scene normalization, computed from its point map (its depth back-projected) as the release
 * computes it from MoGe's. Replies are cached on disk by the shared chat client (qa/chat-client.ts).
 */

/** Options of {@link createEndpointGrounder}. The CLI fills the first three from flags or N3D_ENDPOINT_URL / _MODEL / _KEY. */
export interface EndpointGrounderOptions {
  /** API base, e.g. "http://localhost:8000/v1"; requests go to {baseUrl}/chat/completions. */
  readonly baseUrl?: string;
  readonly model?: string;
  /** Bearer token; omit for local servers. */
  readonly apiKey?: string;
  /** JSON-lines reply cache (see qa/chat-client.ts); omit to cache in memory only. */
  readonly cachePath?: string;
  /** Per-request timeout, milliseconds (default the client's 60 000). */
  readonly timeoutMs?: number;
  /** Which box form replies use (default "auto": told apart by the numbers). */
  readonly form?: OfficialFormChoice;
  /** The fetch to use (default Node's). */
  readonly fetch?: typeof fetch;
}

/** A message whose content is text plus an image, as OpenAI-compatible vision servers take it. */
interface VisionMessage {
  readonly role: "user";
  readonly content: readonly ({ readonly type: "text"; readonly text: string } | { readonly type: "image_url"; readonly image_url: { readonly url: string } })[];
}

/** The official prompt for a request, `<code_template>` expanded, without its `<image>` marker. */
export function endpointPrompt(request: GroundRequest): string {
  let prompt: string;
  switch (request.kind) {
    case "all":
      prompt = OFFICIAL_DETECTION_PROMPT;
      break;
    case "category":
      prompt = officialGroundingPrompt(request.category);
      break;
    case "named":
      prompt = request.question !== undefined
        ? officialStage1Prompt(request.question)
        : officialStage1Prompt(`Where are ${request.names.join(", ")}?`);
      break;
    case "regions":
      throw new InputError("endpoint", "request", "regions", "the endpoint back end grounds by words, not region prompts; use the regions back end");
  }
  return expandCodeTemplate(prompt).replace(/^<image>/, "");
}

/** The frame's per-scene normalization (official frame), as the release computes it for its point map. */
export function frameNormalization(frame: RGBDFrame): SceneNormalization {
  const points = frame.pointsM ?? depthToPointMap(frame.depthM, frame.size, frame.intrinsics);
  return computeSceneNormalization(pointMapToOfficial(points), null, "endpoint");
}

/** Only the `bbox_<k>=Bbox(...)` runs of a reply, one per line (models wrap them in prose and <think>). */
export function bboxLinesOf(reply: string): string {
  return reply
    .split(/\r?\n/)
    .flatMap((line) => [...line.matchAll(/bbox_\d+\s*=\s*Bbox\(.*\)/g)].map((m) => m[0]))
    .join("\n");
}

const brief = (text: string): string => (text.length > 80 ? `${text.slice(0, 77)}...` : text);

/** The `endpoint` back end. Throws an InputError when the URL or model is missing. */
export function createEndpointGrounder(options: EndpointGrounderOptions = {}): Grounder {
  const where = "endpoint";
  if (options.baseUrl === undefined || options.baseUrl === "") throw new InputError(where, "baseUrl", options.baseUrl, "missing; pass --endpoint-url or set N3D_ENDPOINT_URL (e.g. http://localhost:8000/v1)");
  if (options.model === undefined || options.model === "") throw new InputError(where, "model", options.model, "missing; pass --endpoint-model or set N3D_ENDPOINT_MODEL");
  const client = new CachedChatClient(
    {
      baseUrl: options.baseUrl,
      model: options.model,
      ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
      ...(options.cachePath !== undefined ? { cachePath: options.cachePath } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
    },
    where,
  );
  const replyWhere = `${options.baseUrl} reply`;
  const pngCache = new WeakMap<Uint8Array, Promise<string>>();

  async function chat(frame: RGBDFrame, text: string): Promise<string> {
    let url = pngCache.get(frame.rgb);
    if (url === undefined) {
      url = encodeImagePng({ size: frame.size, rgb: frame.rgb }).then((png) => `data:image/png;base64,${Buffer.from(png).toString("base64")}`);
      pngCache.set(frame.rgb, url);
    }
    const message: VisionMessage = { role: "user", content: [{ type: "image_url", image_url: { url: await url } }, { type: "text", text }] };
    // The shared client types content as text; it sends messages as given, and vision servers
    // read this list form. (Widening ChatMessage in qa/ would remove the cast.)
    return client.complete([message as unknown as ChatMessage]);
  }

  return {
    name: "endpoint",
    accepts: ["all", "category", "named"],
    async ground(frame: RGBDFrame, request: GroundRequest): Promise<GroundedBox[]> {
      const reply = await chat(frame, endpointPrompt(request));
      const lines = bboxLinesOf(reply);
      if (lines === "") {
        throw new InputError(replyWhere, "reply", brief(reply), "has no bbox_<k>=Bbox(...) line; the endpoint did not answer like an N3D-VLM model");
      }
      const form = options.form ?? "auto";
      const boxes = parseBoxesText(lines, replyWhere, {
        K: frame.intrinsics,
        size: frame.size,
        form,
        ...(form === "float" ? {} : { norm: frameNormalization(frame) }),
      });
      return boxes.map((b) => {
        const box2d = projectBox3D(frame.intrinsics, b.box);
        return { label: b.label, box: b.box, score: 1, ...(box2d !== null ? { box2d } : {}) };
      });
    },
    async answer(frame: RGBDFrame, question: string): Promise<string> {
      const reply = await chat(frame, question);
      if (reply.trim() === "") throw new InputError(replyWhere, "reply", reply, "is empty; the endpoint gave no answer");
      return reply;
    },
    async dispose() {},
  };
}
