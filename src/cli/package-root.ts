import { fileURLToPath } from "node:url";

/** The package root (two levels above src/cli and dist/cli), where examples/ and models/ live. */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));
