export type { RGBDFrame } from "./frame.js";
