import { readFile } from "node:fs/promises";
import { InputError } from "../../errors.js";
import { loadCvBench } from "./load-cvbench.js";
import { loadN3dBench } from "./load-n3d.js";
import { loadSpatialRgptBench } from "./load-spatialrgpt.js";
import type { QaBenchmarkName, QaLoadResult } from "./types.js";

/**
 * The QA benchmarks n3d scores, by the name `n3d eval qa --rules` takes. Each entry loads its
 * file format into {@link QaItem}s that carry the benchmark's own scoring rules.
 */
export interface QaBenchmark {
  readonly name: QaBenchmarkName;
  readonly description: string;
  /** Load a benchmark file's text; `source` names it in messages. */
  load(text: string, source: string): QaLoadResult;
}

/** Registry: benchmark name -> loader. */
export const QA_BENCHMARKS: Readonly<Record<QaBenchmarkName, QaBenchmark>> = {
  n3d: {
    name: "n3d",
    description: "N3D-Bench (n3d bench build output): per-form rules named by each item",
    load: loadN3dBench,
  },
  spatialrgpt: {
    name: "spatialrgpt",
    description: "SpatialRGPT-Bench JSON/JSONL: within 25% in metres, clock within 1 hour, qualitative 0/1",
    load: loadSpatialRgptBench,
  },
  cvbench: {
    name: "cvbench",
    description: "CV-Bench rows (3D tasks Depth and Distance): the letter after 'answer is' / 'answer:'",
    load: (text, source) => loadCvBench(text, source),
  },
};

/** Every benchmark name. */
export const QA_BENCHMARK_NAMES = Object.keys(QA_BENCHMARKS) as QaBenchmarkName[];

/** The benchmark called `name`; throws "X is not a supported QA benchmark; choose one of ...". */
export function getQaBenchmark(name: string, where = "getQaBenchmark"): QaBenchmark {
  if (!Object.prototype.hasOwnProperty.call(QA_BENCHMARKS, name)) {
    throw new InputError(where, "rules", name, `is not a supported QA benchmark; choose one of ${QA_BENCHMARK_NAMES.join(", ")}`);
  }
  return QA_BENCHMARKS[name as QaBenchmarkName];
}

/** Read and load a benchmark file. Throws an InputError naming the path when it cannot be read. */
export async function loadQaBenchmarkFile(name: string, path: string): Promise<QaLoadResult> {
  const benchmark = getQaBenchmark(name, "loadQaBenchmarkFile");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new InputError(path, "file", path, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return benchmark.load(text, path);
}
