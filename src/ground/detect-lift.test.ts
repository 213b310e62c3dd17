import { describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/helpers.js";
import type { Detection, Detector } from "../detect/index.js";
import { reason, type SceneObjectBox } from "../reason/index.js";
import { ask } from "./ask.js";
import { createDetectLiftGrounder } from "./detect-lift.js";
import { createGrounder, GROUNDER_NAMES } from "./registry.js";
import { oracleLift, truthFrameWith } from "./testing/fixtures.js";

const t = truthFrameWith(3);
/** COCO-style names for the fixture's catalog labels, so synonyms are exercised. */
const COCO: Record<string, string> = { sofa: "couch", table: "dining table", plant: "potted plant", ball: "sports ball", mug: "cup" };
const cocoLabel = (label: string): string => COCO[label] ?? label;

/** A detector that reports the fixture's true boxes, plus one low-score false alarm. */
function fakeDetector(): Detector & { disposed: number; calls: number } {
  const dets: Detection[] = t.objects.map((o, i) => ({ label: cocoLabel(o.label), score: 0.9 - 0.1 * i, box: o.box2d }));
  dets.push({ label: "giraffe", score: 0.1, box: t.objects[0]!.box2d });
  const labels = [...new Set([...dets.map((d) => d.label), "person", "couch"])];
  return {
    name: "fake",
    labels,
    disposed: 0,
    calls: 0,
    async detect(_image, options) {
      this.calls++;
      return dets.filter((d) => d.score >= (options?.minScore ?? 0));
    },
    async dispose() {
      this.disposed++;
    },
  };
}

const rejection = rejectionOf;

describe("detect-lift back end", () => {
  it("lifts every detection above the score floor, filters by named category", async () => {
    const detector = fakeDetector();
    const g = createDetectLiftGrounder({ detector, lift: oracleLift(t.objects) });
    const all = await g.ground(t.frame, { kind: "all" });
    expect(all.map((b) => b.label)).toEqual(t.objects.map((o) => cocoLabel(o.label)));
    expect(all.map((b) => b.box)).toEqual(t.objects.map((o) => o.box));
    const one = await g.ground(t.frame, { kind: "category", category: `${t.objects[1]!.label}s` });
    expect(one.map((b) => b.label)).toEqual([cocoLabel(t.objects[1]!.label)]);
    expect(detector.calls).toBe(1); // one image, detected once
    expect((await rejection(g.ground(t.frame, { kind: "named", names: ["unicorn"] }))).message).toMatch(/^detect-lift: object = "unicorn": is not a category the fake detector finds; it finds: /);
    await g.dispose();
    await g.dispose();
    expect(detector.disposed).toBe(1);
  });

  it("drops detections the lifting filters reject", async () => {
    const rejectAll = () => ({ box: t.objects[0]!.box, verdict: "rejected" as const, reason: "implausible_size" as const, pixelSource: "box" as const, pixelsSelected: 50, pointsUsed: 50, extentMethod: "visible" as const });
    const g = createDetectLiftGrounder({ detector: fakeDetector(), lift: rejectAll });
    expect(await g.ground(t.frame, { kind: "all" })).toEqual([]);
  });

  it("answers a named question end to end", async () => {
    const [a, b] = t.objects as [typeof t.objects[0], typeof t.objects[0]];
    const g = createDetectLiftGrounder({ detector: async () => fakeDetector(), lift: oracleLift(t.objects) });
    const r = await ask(t.frame, `Which is taller, ${a.label} or ${b.label}?`, { grounder: g });
    const truth: SceneObjectBox[] = t.objects.map((o) => ({ name: cocoLabel(o.label), label: cocoLabel(o.label), box: o.box }));
    expect(r.answer).toEqual(reason("tall_choice", [cocoLabel(a.label), cocoLabel(b.label)], truth, { gravity: t.frame.gravity! }).answer);
    expect(r.used.map((o) => o.score)).toEqual([0.9, 0.8]);
  });
});

describe("grounder registry", () => {
  it("lists the back ends; native needs a model folder; unknown names list the choices", () => {
    expect(GROUNDER_NAMES).toEqual(["detect-lift", "regions", "endpoint", "native"]);
    expect(() => createGrounder("native")).toThrow('grounder: native.modelDir = undefined: missing; the native back end needs a model folder: pass --model DIR');
    expect(() => createGrounder("magic")).toThrow('grounder: backend = "magic": is not a supported grounding back end; choose one of detect-lift, regions, endpoint, native');
    expect(createGrounder("regions").name).toBe("regions");
    expect(createGrounder("detect-lift").accepts).toEqual(["all", "category", "named"]);
  });
});
