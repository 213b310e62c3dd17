// Child process for the kill -9 test: `node --import tsx run-child.ts '<RunLiftOptions as JSON>'`
// runs runLift and exits. Not part of the build.
import { runLift } from "../runner.js";
import type { RunLiftOptions } from "../runner.js";

const options = JSON.parse(process.argv[2] ?? "{}") as RunLiftOptions;
await runLift(options);
