import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/helpers.js";
import { box3DToOfficial, serializeBboxLines, type OfficialForm } from "../formats/index.js";
import { startChatServer, type ChatServer } from "../qa/testing/chat-server.js";
import { reason, type SceneObjectBox } from "../reason/index.js";
import { ask } from "./ask.js";
import { bboxLinesOf, createEndpointGrounder, endpointPrompt, frameNormalization } from "./endpoint.js";
import { truthFrameWith } from "./testing/fixtures.js";

const t = truthFrameWith(3);
const { frame } = t;
const truth: SceneObjectBox[] = t.objects.map((o) => ({ name: o.label, label: o.label, box: o.box }));

/** What a model like N3D-VLM answers: every true object as a Bbox line, in one form. */
function modelAnswer(form: OfficialForm): string {
  const norm = frameNormalization(frame);
  const records = t.objects.map((o, id) => box3DToOfficial(o.label, o.box, { K: frame.intrinsics, size: frame.size, form, norm, id }));
  return `<think>Locating the objects.</think>\n${serializeBboxLines(records)}`;
}

interface Seen {
  text: string;
  image: string;
}
const seen: Seen[] = [];
let server: ChatServer;
let reply: (text: string) => string = () => "";

beforeAll(async () => {
  server = await startChatServer((user) => {
    // The grounder sends [image_url, text] content parts, as vision endpoints take them.
    const parts = user as unknown as { type: string; text?: string; image_url?: { url: string } }[];
    const text = parts.find((p) => p.type === "text")?.text ?? "";
    seen.push({ text, image: parts.find((p) => p.type === "image_url")?.image_url?.url ?? "" });
    return reply(text);
  });
});
afterAll(() => server.server.close());

const rejection = rejectionOf;

const grounder = (extra: Partial<Parameters<typeof createEndpointGrounder>[0]> = {}) => createEndpointGrounder({ baseUrl: server.url, model: "n3d-vlm-test", ...extra });

describe("endpoint back end", () => {
  it("asks with the official prompts, code template expanded, image attached", async () => {
    expect(endpointPrompt({ kind: "all" })).toMatch(/^Detect boxes\. The reference code is as followed: @dataclass\nclass Bbox:/);
    expect(endpointPrompt({ kind: "category", category: "chair" })).toMatch(/^Identify the 3D boxes for all the 'chair' in this scene\./);
    expect(endpointPrompt({ kind: "named", names: ["chair"], question: "How tall is chair?" })).toMatch(/^How tall is chair\? First locate the bbox of the aforementioned object\(s\)\. The reference code is as followed: @dataclass/);
    reply = () => modelAnswer("float");
    await grounder().ground(frame, { kind: "all" });
    const last = seen[seen.length - 1]!;
    expect(last.text.startsWith("Detect boxes.")).toBe(true);
    expect(last.image).toMatch(/^data:image\/png;base64,iVBOR/);
  });

  for (const form of ["float", "int"] as const) {
    it(`reads ${form}-form Bbox lines back into camera-frame boxes`, async () => {
      reply = () => modelAnswer(form);
      const boxes = await grounder().ground(frame, { kind: "category", category: "anything" });
      expect(boxes.map((b) => b.label)).toEqual(t.objects.map((o) => o.label));
      boxes.forEach((b, i) => {
        const o = t.objects[i]!;
        // Float form keeps every digit; the int form is 1000 bins of the scene-normalized range.
        const tol = form === "float" ? 1e-6 : 0.02 * o.box.center[2];
        b.box.center.forEach((x, k) => expect(Math.abs(x - o.box.center[k]!)).toBeLessThan(tol));
        b.box.size.forEach((x, k) => expect(Math.abs(x - o.box.size[k]!)).toBeLessThan(form === "float" ? 1e-6 : 0.05));
      });
    });
  }

  it("answers a question through ask(): stage-1 grounding, then the executed program", async () => {
    const [a, b] = t.objects as [typeof t.objects[0], typeof t.objects[0]];
    reply = () => modelAnswer("float");
    const r = await ask(frame, `Is the ${a.label} to the left of the ${b.label}?`, { grounder: grounder() });
    expect(r.answer).toEqual(reason("left_predicate", [a.label, b.label], truth, { gravity: frame.gravity! }).answer);
    expect(seen[seen.length - 1]!.text).toMatch(new RegExp(`^Is the ${a.label} to the left of the ${b.label}\\? First locate the bbox`));
  });

  it("direct mode keeps the reply's words and reads its value", async () => {
    reply = () => "<think>The suitcase spans about 0.9 m.</think> The suitcase is 3 feet tall.";
    const r = await ask(frame, `How tall is the ${t.objects[0]!.label}?`, { grounder: grounder(), mode: "direct" });
    expect(r.answer).toEqual({ kind: "length", value: 3, unit: "ft", metres: 3 * 0.3048 });
    expect(r.sentence).toBe("The suitcase is 3 feet tall.");
    expect(r.cot).toMatch(/^<think>/);
    expect(seen[seen.length - 1]!.text).toBe(`How tall is the ${t.objects[0]!.label}?`);
  });

  it("caches replies: the same prompt is not sent twice", async () => {
    reply = () => modelAnswer("float");
    const g = grounder();
    const before = server.requests();
    await g.ground(frame, { kind: "category", category: "lamp" });
    await g.ground(frame, { kind: "category", category: "lamp" });
    expect(server.requests() - before).toBe(1);
  });

  it("a reply without boxes, or with a broken box, is an error naming the endpoint", async () => {
    reply = () => "I am sorry, I cannot see any objects.";
    const err = await rejection(grounder().ground(frame, { kind: "category", category: "mug" }));
    expect(err.message).toBe(`${server.url} reply: reply = "I am sorry, I cannot see any objects.": has no bbox_<k>=Bbox(...) line; the endpoint did not answer like an N3D-VLM model`);
    reply = () => "bbox_0=Bbox(chair,0.5,0.5,abc,0,1,1,1)";
    expect((await rejection(grounder().ground(frame, { kind: "category", category: "cup" }))).message).toMatch(/reply: line 1, column \d+ = "abc": z must be a number/);
  });

  it("an unreachable endpoint is one line naming the URL", async () => {
    const closed = await startChatServer(() => "");
    const url = closed.url;
    await new Promise((r) => closed.server.close(r));
    const err = await rejection(createEndpointGrounder({ baseUrl: url, model: "m" }).ground(frame, { kind: "all" }));
    expect(err.message).toMatch(new RegExp(`^${url.replace(/[.]/g, "\\.")}/chat/completions: request = "POST": failed \\(endpoint\\): .*`));
    expect(err.message).not.toMatch(/\n/);
  });

  it("needs a URL and a model; refuses region prompts", async () => {
    expect(() => createEndpointGrounder({ model: "m" })).toThrow(/baseUrl = undefined: missing; pass --endpoint-url or set N3D_ENDPOINT_URL/);
    expect(() => createEndpointGrounder({ baseUrl: "http://x/v1" })).toThrow(/model = undefined: missing/);
    expect(() => endpointPrompt({ kind: "regions", regions: [] })).toThrow(/grounds by words, not region prompts/);
  });

  it("picks Bbox runs out of prose", () => {
    expect(bboxLinesOf("Sure! bbox_0=Bbox(a,0.1,0.2,3,0,1,1,1) and\n<think>x</think>bbox_1=Bbox(b b,0.3,0.4,2,0,1,1,1)")).toBe(
      "bbox_0=Bbox(a,0.1,0.2,3,0,1,1,1) and\nbbox_1=Bbox(b b,0.3,0.4,2,0,1,1,1)".replace(" and", ""),
    );
  });
});
