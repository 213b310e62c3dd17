import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TINY_TRANSFORMER, tokenBatch, transformerFixture } from "./testing.js";
import { Trainer, type StateStrategy } from "./trainer.js";

const fixture = transformerFixture();
const init = fixture.graph.initialParams(11);
const batch = tokenBatch(TINY_TRANSFORMER, 5, 1);

const bytesOf = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

async function train(strategy: StateStrategy, steps: number): Promise<{ trainer: Trainer; losses: number[] }> {
  const trainer = await Trainer.create(fixture.trainStep, init, { strategy, session: { threads: 1 } });
  const losses: number[] = [];
  for (let s = 1; s <= steps; s++) losses.push((await trainer.step(tokenBatch(TINY_TRANSFORMER, 5, s), 3e-3)).loss);
  return { trainer, losses };
}

describe("Trainer", () => {
  let shared: Trainer;
  beforeAll(async () => {
    shared = await Trainer.create(fixture.trainStep, init, { session: { threads: 1 } });
  });
  afterAll(async () => {
    await shared.release();
  });

  it("gives bit-identical state with both state strategies", async () => {
    const a = await train("feed", 4);
    const b = await train("bound", 4);
    expect(a.losses).toEqual(b.losses);
    const sa = a.trainer.snapshot();
    const sb = b.trainer.snapshot();
    expect(sa.step).toBe(4);
    for (const [name, p] of sa.params) {
      expect(bytesOf(sb.params.get(name)!.value)).toEqual(bytesOf(p.value));
      expect(bytesOf(sb.params.get(name)!.v)).toEqual(bytesOf(p.v));
    }
    // The parameters moved and the moments are no longer zero: state really went round.
    expect(bytesOf(sa.params.get("wte")!.value)).not.toEqual(bytesOf(init.get("wte")!));
    expect(sa.params.get("wte")!.m.some((x) => x !== 0)).toBe(true);
    await a.trainer.release();
    await b.trainer.release();
  });

  it("drives the loss down when it sees one batch over and over", async () => {
    const trainer = await Trainer.create(fixture.trainStep, init, { session: { threads: 1 } });
    const first = (await trainer.step(batch, 1e-2)).loss;
    let last = first;
    for (let s = 0; s < 30; s++) last = (await trainer.step(batch, 1e-2)).loss;
    expect(first).toBeGreaterThan(Math.log(TINY_TRANSFORMER.vocab) - 0.5); // starts near chance
    expect(last).toBeLessThan(first * 0.5);
    expect(trainer.stepsCompleted).toBe(31);
    await trainer.release();
  });

  it("returns requested user outputs and restores a snapshot exactly", async () => {
    const before = shared.snapshot();
    const r1 = await shared.step(batch, 1e-3, ["logits"]);
    expect(r1.outputs.logits!.dims).toEqual([TINY_TRANSFORMER.batch * TINY_TRANSFORMER.seq, TINY_TRANSFORMER.vocab]);
    const after = shared.snapshot();
    shared.restore(before);
    expect(shared.stepsCompleted).toBe(before.step);
    const r2 = await shared.step(batch, 1e-3);
    expect(r2.loss).toBe(r1.loss);
    expect(r2.step).toBe(r1.step);
    expect(bytesOf(shared.snapshot().params.get("h0.mlp.w1")!.value)).toEqual(bytesOf(after.params.get("h0.mlp.w1")!.value));
  });

  it("names a bad batch, learning rate or fetch in one line", async () => {
    const tokens = batch.tokens!;
    const targets = batch.targets!;
    await expect(shared.step({ tokens, targets, lr: new Float32Array(1) }, 1e-3)).rejects.toThrow(
      'Trainer.step: batch input = "lr": is not a data input of the training step; data inputs are tokens, targets',
    );
    await expect(shared.step({ tokens }, 1e-3)).rejects.toThrow('Session.run: input = "targets": is missing; the model needs it as int64 [2, 8]');
    await expect(shared.step({ tokens: tokens.subarray(1), targets }, 1e-3)).rejects.toThrow(
      'Session.run: input "tokens" = BigInt64Array(15): has length 15, expected shape [2, 8] = 16 elements',
    );
    await expect(shared.step({ tokens, targets }, Number.NaN)).rejects.toThrow("Trainer.step: lr = NaN: must be a finite number >= 0");
    await expect(shared.step({ tokens, targets }, 1e-3, ["h0.mlp.w1/new"])).rejects.toThrow(/fetch = "h0\.mlp\.w1\/new": is not a user output/);
  });

  it("refuses initial parameters or a restored state that do not fit", async () => {
    const missing = new Map(init);
    missing.delete("wpe");
    await expect(Trainer.create(fixture.trainStep, missing)).rejects.toThrow('Trainer.create: parameter "wpe" = "missing": the training step needs it, shape [8, 16]');
    const short = new Map(init).set("wpe", new Float32Array(3));
    await expect(Trainer.create(fixture.trainStep, short)).rejects.toThrow('parameter "wpe" = Float32Array(3): expected a Float32Array of shape [8, 16] = 128 elements');
    await expect(Trainer.create(fixture.trainStep, init, { strategy: "copy" as StateStrategy })).rejects.toThrow('strategy = "copy": is not a supported state strategy');
    const state = shared.snapshot();
    const params = new Map(state.params).set("wpe", { shape: [4, 16], value: new Float32Array(64), m: new Float32Array(64), v: new Float32Array(64) });
    expect(() => shared.restore({ step: 1, params })).toThrow('Trainer.restore: parameter "wpe" shape = [4,16]: the training step expects [8, 16]');
  });
});
