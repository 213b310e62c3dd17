// Speed of n3d's hot paths: `npm run bench [-- SUITE...] [-- --quick] [-- --json FILE]`, where a
// SUITE is `foundation` (geometry, depth and point-map I/O, box language), `synth` (the
// synthetic-world renderer and pipeline), `lift` (the 2D -> 3D lifting pipeline, per stage),
// `graph` (the tensor engine: MatMul peak, training step vs tfjs-wasm) or `model` (the compact
// model: training step and samples/s, grounding latency per frame, ONNX sizes); no suite runs them all.
// `--json FILE` writes every figure to FILE; a bare `--json` prints them as one JSON object on the
// last line of standard output.
// Each group times a path beside a baseline measured in the same run, sampling them in turns, and
// prints the median per op with its spread (min, max, interquartile range) and the ratio to the
// baseline. Absolute times move with the machine; the ratios are what to compare across runs.
import { existsSync, statSync } from "node:fs";
import { cpus, loadavg, platform, arch } from "node:os";
import { dirname, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import sharp from "sharp";
import { writeFileAtomic } from "../src/fsutil.js";
import { benchSynth, formatBenchSynth } from "./bench-synth.js";
import type { BenchSynthResult } from "./bench-synth.js";
import { BENCH_SEED, benchGroups } from "./bench/cases.js";
import { runGroup, sinkValue, type GroupResult, type HarnessConfig } from "./bench/harness.js";
import { NOISY_IQR, renderTable } from "./bench/report.js";

/** Sampling presets; `quick` is a smoke run, not for quoting. */
const PRESETS: Readonly<Record<"default" | "quick", HarnessConfig>> = {
  default: { samples: 21, minSampleMs: 40, warmupMs: 300, minWarmupRuns: 3 },
  quick: { samples: 5, minSampleMs: 5, warmupMs: 30, minWarmupRuns: 2 },
};

const SUITES = ["foundation", "synth", "lift", "graph", "model"] as const;
type Suite = (typeof SUITES)[number];
const USAGE = `usage: npm run bench [-- ${SUITES.join("|")} ...] [-- --quick] [-- --json [FILE]]`;

interface Options {
  readonly preset: keyof typeof PRESETS;
  /** Where the JSON report goes: a file, "-" for the last line of standard output, or null. */
  readonly jsonPath: string | null;
  readonly suites: readonly Suite[];
}

/** Parse the flags, or print one line on stderr and exit 2. */
function parseFlags(argv: readonly string[]): Options {
  const fail = (message: string): never => {
    process.stderr.write(`bench: ${message}; ${USAGE}\n`);
    process.exit(2);
  };
  let preset: Options["preset"] = "default";
  let jsonPath: string | null = null;
  const suites: Suite[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") {
      process.stdout.write(
        `${USAGE}\n  --quick        few short samples (a smoke run)\n  --json FILE    also write the results as JSON to FILE\n` +
          `  --json         print the results as one JSON object on the last line of standard output\n`,
      );
      process.exit(0);
    } else if (arg === "--quick") {
      preset = "quick";
    } else if (arg === "--json" && (argv[i + 1] === undefined || argv[i + 1]!.startsWith("--") || (SUITES as readonly string[]).includes(argv[i + 1]!))) {
      jsonPath = "-";
    } else if (arg === "--json" || arg.startsWith("--json=")) {
      const value = arg === "--json" ? argv[++i] : arg.slice("--json=".length);
      if (value === undefined || value === "" || value.startsWith("--")) fail(`--json needs a FILE, got ${JSON.stringify(value ?? null)}`);
      jsonPath = resolve(value!);
      const dir = dirname(jsonPath);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) fail(`--json ${JSON.stringify(value)}: folder ${JSON.stringify(dir)} does not exist`);
    } else if ((SUITES as readonly string[]).includes(arg)) {
      suites.push(arg as Suite);
    } else {
      fail(`unknown ${arg.startsWith("-") ? "flag" : "suite"} ${JSON.stringify(arg)} (suites: ${SUITES.join(", ")})`);
    }
  }
  return { preset, jsonPath, suites: suites.length > 0 ? suites : SUITES };
}

function environment(): Record<string, string | number> {
  const cpu = cpus();
  return {
    node: process.version,
    platform: `${platform()} ${arch()}`,
    cpu: `${cpu[0]?.model.trim() ?? "unknown"} x ${cpu.length}`,
    sharp: `${sharp.versions.sharp ?? "?"} (libvips ${sharp.versions.vips})`,
    sharpConcurrency: sharp.concurrency(),
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
  };
}

async function main(): Promise<void> {
  const options = parseFlags(process.argv.slice(2));
  const config = PRESETS[options.preset];
  const env = environment();
  const started = performance.now();
  // libvips caches operations by their inputs; a tool decodes each file once, so timing repeated
  // decodes of one buffer must not be served from that cache.
  sharp.cache(false);

  console.log(
    `n3d bench (${options.preset}): node ${env.node}, ${env.platform}, ${env.cpu}, sharp ${env.sharp}, ` +
      `libvips threads per image ${env.sharpConcurrency}, libvips cache off`,
  );
  console.log(
    `${config.samples} samples a case, each >= ${config.minSampleMs} ms of back-to-back ops, after >= ${config.warmupMs} ms warm-up; ` +
      `cases of a group sampled in turns; seed ${BENCH_SEED}; load average ${env.loadAverage1m}`,
  );
  const results: GroupResult[] = [];
  if (options.suites.includes("foundation")) {
    for (const group of await benchGroups()) {
      process.stderr.write(`  timing ${group.id}. ${group.title} ...\n`);
      results.push(await runGroup(group, config));
    }
    if (sinkValue() === undefined) throw new Error("bench: no op produced a result");
  }
  let synth: BenchSynthResult | null = null;
  if (options.suites.includes("synth")) {
    process.stderr.write("  timing synth renderer and pipeline ...\n");
    synth = await benchSynth(options.preset === "quick" ? { scenes: 8, runs: 3, warmupRuns: 1 } : {});
  }
  const extra: Record<string, { table: string; figures: Record<string, number | string> }> = {};
  if (options.suites.includes("lift")) {
    process.stderr.write("  timing the lifting pipeline ...\n");
    const { runLiftBench } = await import("./bench/lift.js");
    extra.lift = await runLiftBench({ quick: options.preset === "quick" });
  }
  if (options.suites.includes("graph")) {
    process.stderr.write("  timing the tensor engine ...\n");
    const { runGraphBench } = await import("./bench/graph.js");
    extra.graph = await runGraphBench({ quick: options.preset === "quick" });
  }
  if (options.suites.includes("model")) {
    process.stderr.write("  timing the compact model ...\n");
    const { runModelBench } = await import("./bench/model.js");
    extra.model = await runModelBench({ quick: options.preset === "quick" });
  }
  const seconds = (performance.now() - started) / 1000;

  if (results.length > 0) {
    console.log("");
    console.log(renderTable(results));
  }
  if (synth !== null) {
    console.log("");
    console.log(formatBenchSynth(synth));
  }
  for (const part of Object.values(extra)) {
    console.log("");
    console.log(part.table);
  }
  console.log("");
  const legend =
    results.length > 0
      ? `median/op is the median over samples of the mean time per op; "vs baseline" = median / the group's baseline median ` +
        `(> 1 = slower); "!" marks an IQR above ${100 * NOISY_IQR} % of the median. `
      : "";
  console.log(`${legend}${seconds.toFixed(1)} s in all; load average now ${loadavg()[0]!.toFixed(2)}.`);

  if (options.jsonPath !== null) {
    const figures = Object.fromEntries(Object.entries(extra).map(([suite, part]) => [suite, part.figures]));
    const report = { when: new Date().toISOString(), preset: options.preset, config, seed: BENCH_SEED, environment: env, seconds, groups: results, synth, ...figures };
    if (options.jsonPath === "-") {
      console.log(JSON.stringify(report));
    } else {
      await writeFileAtomic(options.jsonPath, `${JSON.stringify(report, null, 2)}\n`);
      console.log(`wrote ${options.jsonPath}`);
    }
  }
}

await main();
