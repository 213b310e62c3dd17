import { describe, expect, it } from "vitest";
import { nameObjects } from "./naming.js";
import { resolveObject } from "./resolve.js";

const box = { center: [0, 0, 2] as const, size: [1, 1, 1] as const, yaw: 0 };

describe("nameObjects", () => {
  it("keeps unique labels and indexes repeated ones, so every name resolves", () => {
    const named = nameObjects([{ label: "chair", box }, { label: "table", box }, { label: "table", box }]);
    expect(named.map((o) => o.name)).toEqual(["chair", "0_table", "1_table"]);
    for (const o of named) expect(resolveObject(o.name, named)).toBe(o);
  });
});
