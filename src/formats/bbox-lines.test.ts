import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/helpers.js";
import { InputError } from "../errors.js";
import { formatBboxNumber, parseBboxLines, serializeBboxLines, type BboxRecord } from "./bbox-lines.js";

describe("parseBboxLines", () => {
  it("reads the release's float example exactly", () => {
    const text = "bbox_0=Bbox(Person,0.490625,0.585480093676815,2.8857421875,0,0.609619140625,0.33074951171875,0.380859375)\n";
    expect(parseBboxLines(text, "answer")).toEqual([
      { id: 0, label: "Person", u: 0.490625, v: 0.585480093676815, z: 2.8857421875, angle: 0, sx: 0.609619140625, sy: 0.33074951171875, sz: 0.380859375 },
    ]);
  });

  it("reads the integer form and several lines, skipping blanks and prose", () => {
    const text = "Here are the boxes:\n\nbbox_0=Bbox(chair,412,530,500,499,120,300,96)\r\n  bbox_12=Bbox(lamp,1,2,3,4,5,6,7)  \n";
    const recs = parseBboxLines(text, "answer");
    expect(recs.map((r) => [r.id, r.label, r.u, r.sz])).toEqual([[0, "chair", 412, 96], [12, "lamp", 1, 7]]);
  });

  it("keeps class names with spaces, '/', ')' and commas", () => {
    const text = [
      "bbox_4=Bbox(hotair ballon,0.5,0.4,12.5,0,3,4,3)",
      "bbox_5=Bbox(Orange/Tangerine,0.1,0.2,0.8,0,0.06,0.06,0.06)",
      "bbox_6=Bbox(table, chair and sofa,0.3,0.6,2,0,1,1,1)",
      "bbox_7=Bbox( cup (blue) ,0.3,0.6,2,0,1,1,1)",
      "bbox_8=Bbox(a,b,0.3, 0.6 ,2,0,1,1,1)",
    ].join("\n");
    const recs = parseBboxLines(text, "answer");
    expect(recs.map((r) => r.label)).toEqual(["hotair ballon", "Orange/Tangerine", "table, chair and sofa", "cup (blue)", "a,b"]);
    expect(recs[2]).toMatchObject({ u: 0.3, v: 0.6, z: 2, sx: 1 });
    expect(recs[4]!.v).toBe(0.6);
  });

  it("6 numbers: error at line 2, pointing at the numbers", () => {
    const text = "bbox_0=Bbox(cup,0.1,0.2,1.5,0,0.1,0.1,0.1)\nbbox_1=Bbox(chair,0.5,0.5,2.0,0,0.5,0.9)\n";
    const e = errorOf(() => parseBboxLines(text, "answer.txt"));
    expect(e.field).toBe("line 2, column 19");
    expect(e.value).toBe("0.5,0.5,2.0,0,0.5,0.9");
    expect(e.message).toBe('answer.txt: line 2, column 19 = "0.5,0.5,2.0,0,0.5,0.9": expected <class> and 7 numbers (u, v, z, angle_y, sx, sy, sz); found 6 field(s) after the class');
  });

  it("8 numbers are not swallowed into the class", () => {
    const e = errorOf(() => parseBboxLines("bbox_0=Bbox(cup,9,0.1,0.2,1.5,0,0.1,0.1,0.1)", "a"));
    expect(e.field).toBe("line 1, column 17");
    expect(e.value).toBe("9");
    expect(e.problem).toContain("found 8 numbers");
  });

  it("a non-numeric field points at that token", () => {
    //                  1234567890123456789012345678901
    const line = "bbox_0=Bbox(cup,0.1,0.2,1.5,0,abc,0.1,0.1)";
    const e = errorOf(() => parseBboxLines(line, "answer.txt"));
    expect(e.message).toBe('answer.txt: line 1, column 31 = "abc": sx must be a number');
    expect(errorOf(() => parseBboxLines("bbox_0=Bbox(cup,0.1,0.2,1.5,0,nan,0.1,0.1)", "a")).value).toBe("nan");
    expect(errorOf(() => parseBboxLines("bbox_0=Bbox(cup,0.1,,1.5,0,1,0.1,0.1)", "a")).field).toBe("line 1, column 21");
  });

  it("missing ')' points at the last field", () => {
    const e = errorOf(() => parseBboxLines("\nbbox_0=Bbox(cup,0.1,0.2,1.5,0,0.1,0.1,0.1\n", "a"));
    expect(e.field).toBe("line 2, column 39");
    expect(e.value).toBe("0.1");
    expect(e.problem).toBe("missing ')' at the end of Bbox(...)");
    const withParenInClass = errorOf(() => parseBboxLines("bbox_0=Bbox(cup (x),0.1,0.2,1.5,0,0.1,0.1,0.25", "a"));
    expect(withParenInClass.problem).toBe("missing ')' at the end of Bbox(...)");
    expect(withParenInClass.value).toBe("0.25");
  });

  it.each([
    ["empty class", "bbox_0=Bbox( ,0.1,0.2,1.5,0,0.1,0.1,0.1)", "line 1, column 14", "", /empty class name/],
    ["numeric class", "bbox_0=Bbox(5,0.1,0.2,1.5,0,0.1,0.1,0.1)", "line 1, column 13", "5", /class name missing/],
    ["bad id", "bbox_x1=Bbox(cup,0.1,0.2,1.5,0,0.1,0.1,0.1)", "line 1, column 6", "x1", /box id/],
    ["no id", "bbox_=Bbox(cup,0.1,0.2,1.5,0,0.1,0.1,0.1)", "line 1, column 6", "", /box id/],
    ["text after )", "bbox_0=Bbox(cup,0.1,0.2,1.5,0,0.1,0.1,0.1) extra", "line 1, column 44", "extra", /after the closing/],
    ["text before", "Answer: bbox_0=Bbox(cup,0.1,0.2,1.5,0,0.1,0.1,0.1)", "line 1, column 1", "Answer: bbox_0=", /before Bbox\(/],
    ["no Bbox(", "bbox_0=Box(cup,1,2,3,4,5,6,7)", "line 1, column 1", "bbox_0=Box(cup,1,2,3,4,5,6,7)", /expected bbox_<id>=Bbox/],
    ["no =", "bbox_0 Bbox(cup,1,2,3,4,5,6,7)", "line 1, column 8", "Bbox(", /expected '='/],
  ])("%s is an InputError at the token", (_name, line, field, value, problem) => {
    const e = errorOf(() => parseBboxLines(line, "a"));
    expect(e.field).toBe(field);
    expect(e.value).toBe(value);
    expect(e.problem).toMatch(problem);
    expect(e.message).not.toContain("\n");
  });
});

describe("serializeBboxLines", () => {
  it("writes integers as integers and each line ends in a newline", () => {
    const rec: BboxRecord = { id: 3, label: "hotair ballon", u: 412, v: 530, z: 500, angle: 499, sx: 0, sy: 1, sz: 999 };
    expect(serializeBboxLines([rec, { ...rec, id: 4 }])).toBe(
      "bbox_3=Bbox(hotair ballon,412,530,500,499,0,1,999)\nbbox_4=Bbox(hotair ballon,412,530,500,499,0,1,999)\n",
    );
  });

  it("formats floats with at most 12 significant digits, shortest form", () => {
    expect(formatBboxNumber(0.490625)).toBe("0.490625");
    expect(formatBboxNumber(2.8857421875)).toBe("2.8857421875");
    expect(formatBboxNumber(0.1 + 0.2)).toBe("0.3");
    expect(formatBboxNumber(0.585480093676815)).toBe("0.585480093677");
    expect(formatBboxNumber(-0)).toBe("0");
    expect(formatBboxNumber(0.609619140625)).toBe("0.609619140625");
    expect(formatBboxNumber(0.33074951171875)).toBe("0.330749511719");
    expect(formatBboxNumber(1e-7)).toBe("1e-7");
  });

  it("parse(serialize(x)) = x within 1e-9 relative, over many values", () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const recs: BboxRecord[] = [];
    for (let i = 0; i < 200; i++) {
      const r = () => (rand() - 0.3) * 10 ** Math.floor(rand() * 8 - 4);
      recs.push({ id: i, label: `class ${i}/x`, u: rand(), v: rand(), z: r(), angle: r(), sx: r(), sy: r(), sz: r() });
    }
    const back = parseBboxLines(serializeBboxLines(recs), "roundtrip");
    expect(back).toHaveLength(recs.length);
    back.forEach((b, i) => {
      const a = recs[i]!;
      expect(b.id).toBe(a.id);
      expect(b.label).toBe(a.label);
      for (const k of ["u", "v", "z", "angle", "sx", "sy", "sz"] as const) {
        expect(Math.abs(b[k] - a[k])).toBeLessThanOrEqual(1e-9 * Math.abs(a[k]));
      }
    });
  });

  it("rejects records that would not read back as themselves", () => {
    const ok: BboxRecord = { id: 0, label: "cup", u: 0.5, v: 0.5, z: 1, angle: 0, sx: 1, sy: 1, sz: 1 };
    expect(() => serializeBboxLines([ok, { ...ok, z: NaN }])).toThrow("serializeBboxLines: [1].z = NaN: must be a finite number");
    expect(() => serializeBboxLines([{ ...ok, label: "a\nb" }])).toThrow(/\[0\]\.label/);
    expect(() => serializeBboxLines([{ ...ok, label: " cup" }])).toThrow(/\[0\]\.label/);
    expect(() => serializeBboxLines([{ ...ok, label: "size,2" }])).toThrow(/comma-separated number/);
    expect(() => serializeBboxLines([{ ...ok, id: -1 }])).toThrow(/\[0\]\.id = -1/);
    expect(parseBboxLines(serializeBboxLines([{ ...ok, label: "table, chair" }]), "x")[0]!.label).toBe("table, chair");
  });
});
