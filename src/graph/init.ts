/**
 * Parameter initialisers. A parameter is declared with one of these (`g.param("w", [256, 1024],
 * xavier())`) and gets its values only when the graph's parameters are materialised with a seed
 * (`g.initialParams(seed)`), so one model definition gives the same start for the same seed.
 *
 * Weight layout convention: a weight used as `x @ W` is stored [in, out], so its fan-in is the
 * second-to-last dimension and its fan-out the last.
 */
import { InputError } from "../errors.js";
import type { Rng } from "../random.js";
import { shapeSize } from "./shape.js";

/** How a parameter's initial values are drawn. Build with {@link zeros}, {@link normal}, ... */
export type Init =
  | { readonly kind: "zeros" }
  | { readonly kind: "ones" }
  | { readonly kind: "normal"; readonly std: number }
  | { readonly kind: "uniform"; readonly a: number }
  | { readonly kind: "xavier" };

/** All zeros (biases, LayerNorm offsets). */
export function zeros(): Init {
  return { kind: "zeros" };
}

/** All ones (LayerNorm gains). */
export function ones(): Init {
  return { kind: "ones" };
}

/** Normal with mean 0 and standard deviation `std` (> 0), e.g. 0.02 for GPT-style embeddings. */
export function normal(std: number): Init {
  if (!Number.isFinite(std) || std <= 0) throw new InputError("normal", "std", std, "must be a positive finite number");
  return { kind: "normal", std };
}

/** Uniform on [-a, a) with a > 0. */
export function uniform(a: number): Init {
  if (!Number.isFinite(a) || a <= 0) throw new InputError("uniform", "a", a, "must be a positive finite number");
  return { kind: "uniform", a };
}

/**
 * Glorot/Xavier uniform: U(-b, b) with b = sqrt(6 / (fanIn + fanOut)), fanIn = shape[-2] and
 * fanOut = shape[-1] for rank >= 2 (weights stored [in, out]); both are shape[0] for a vector.
 */
export function xavier(): Init {
  return { kind: "xavier" };
}

/** The values of a parameter of `shape` drawn from `init` with `rng` (float32, row-major). */
export function sampleInit(init: Init, shape: readonly number[], rng: Rng): Float32Array {
  const out = new Float32Array(shapeSize(shape));
  switch (init.kind) {
    case "zeros":
      return out;
    case "ones":
      return out.fill(1);
    case "uniform":
      for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-init.a, init.a);
      return out;
    case "xavier": {
      const fanIn = shape.length >= 2 ? shape[shape.length - 2]! : (shape[0] ?? 1);
      const fanOut = shape.length >= 1 ? shape[shape.length - 1]! : 1;
      const b = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-b, b);
      return out;
    }
    case "normal":
      // Box-Muller, both variates used; 1 - next() keeps log() away from 0.
      for (let i = 0; i < out.length; i += 2) {
        const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
        const theta = 2 * Math.PI * rng.next();
        out[i] = init.std * r * Math.cos(theta);
        if (i + 1 < out.length) out[i + 1] = init.std * r * Math.sin(theta);
      }
      return out;
  }
}
