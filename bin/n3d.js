#!/usr/bin/env node
// The installed entry point: the compiled CLI lives in dist/ (built by `npm run build`,
// which `npm ci` / `npm install` run through the `prepare` script).
import { main } from "../dist/cli/main.js";

// A reader that stops early (`n3d ... | head`) is not an error.
process.stdout.on("error", (err) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

process.exitCode = await main(process.argv);
