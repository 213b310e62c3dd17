#!/usr/bin/env node
// The installed entry point: the compiled CLI lives in dist/ (built by `npm run build`,
// which `npm ci` / `npm install` run through the `prepare` script).
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv);
