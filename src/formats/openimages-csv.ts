import { InputError } from "../errors.js";
import type { AnnotatedDataset, DatasetAnnotation, DatasetCategory, DatasetImage, DatasetSkip } from "./coco-dataset.js";

/**
 * OpenImages box annotations, read into the same {@link AnnotatedDataset} as COCO JSON.
 *
 * - Boxes: the official `*-annotations-bbox.csv`, with a header row naming the columns ImageID,
 *   Source, LabelName, Confidence, XMin, XMax, YMin, YMax (fractions 0..1 of the image width and
 *   height), IsOccluded, IsTruncated, IsGroupOf, IsDepiction, IsInside. Only ImageID, LabelName and
 *   the four coordinates are required; columns are found by name.
 * - Classes: the class-descriptions CSV, `LabelName,DisplayName` per row (`/m/011k07,Tortoise`),
 *   with or without that header row.
 * - Images are `<ImageID>.jpg` (see {@link OpenImagesOptions.imageExtension}), in order of first
 *   appearance; OpenImages has no annotation ids, so an annotation's id is its data row number
 *   (1 = the first row after the header). Rows with IsGroupOf = 1 are skipped as groups.
 */

/** Options for {@link parseOpenImagesBoxes}. */
export interface OpenImagesOptions {
  /** File name extension of the images, default ".jpg". */
  readonly imageExtension?: string;
}

/**
 * RFC 4180 CSV text -> rows of fields: commas separate, double quotes enclose fields that hold
 * commas, quotes (doubled) or line breaks; CRLF or LF ends a row; a final empty line is not a row.
 * Throws an InputError naming `where` and the line for a quote left open.
 */
export function parseCsv(text: string, where: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let quoteLine = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (c === "\n") line++;
        field += c;
      }
    } else if (c === '"' && field === "") {
      quoted = true;
      quoteLine = line;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      line++;
    } else {
      field += c;
    }
  }
  if (quoted) throw new InputError(where, `line ${quoteLine}`, text.split(/\r?\n/)[quoteLine - 1] ?? "", "a quoted field is never closed");
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * The class-descriptions CSV -> LabelName ("/m/...") to display name. Throws an InputError naming
 * the line for a row that is not two non-empty fields, or a LabelName listed twice.
 */
export function parseOpenImagesClasses(text: string, where: string): Map<string, string> {
  const rows = parseCsv(text, where);
  const names = new Map<string, string>();
  rows.forEach((row, i) => {
    if (i === 0 && row[0] === "LabelName") return;
    if (row.length === 1 && row[0] === "") return;
    const [label, name] = row;
    if (row.length !== 2 || !label || !name || name.trim() === "") {
      throw new InputError(where, `line ${i + 1}`, row.join(","), "expected LabelName,DisplayName");
    }
    if (names.has(label)) throw new InputError(where, `line ${i + 1}`, label, "this LabelName is listed twice");
    names.set(label, name.trim());
  });
  return names;
}

const REQUIRED_COLUMNS = ["ImageID", "LabelName", "XMin", "XMax", "YMin", "YMax"] as const;

/**
 * The boxes CSV -> an {@link AnnotatedDataset}. `classes` maps LabelName to display name (from
 * {@link parseOpenImagesClasses}); a row whose LabelName it lacks is skipped as unknown_category.
 * Throws an InputError only when the header lacks a required column; a bad row is a skip.
 */
export function parseOpenImagesBoxes(text: string, where: string, classes: ReadonlyMap<string, string>, options: OpenImagesOptions = {}): AnnotatedDataset {
  const extension = options.imageExtension ?? ".jpg";
  const rows = parseCsv(text, where);
  const header = rows[0] ?? [];
  const column = new Map(header.map((name, i) => [name.trim(), i]));
  for (const name of REQUIRED_COLUMNS) {
    if (!column.has(name)) throw new InputError(where, "header", header.join(","), `has no ${name} column; expected the OpenImages columns ${REQUIRED_COLUMNS.join(", ")}, ...`);
  }
  const at = (row: readonly string[], name: string): string | undefined => {
    const i = column.get(name);
    return i === undefined ? undefined : row[i];
  };

  const images = new Map<string, { image: Omit<DatasetImage, "annotations">; annotations: DatasetAnnotation[] }>();
  const categories = new Map<string, DatasetCategory>();
  const skips: DatasetSkip[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    if (row.length === 1 && row[0] === "") continue;
    const id = r; // the data row number
    const imageId = at(row, "ImageID")?.trim() ?? "";
    const prefix = `line ${r + 1}`;
    const skip = (reason: DatasetSkip["reason"], detail: string): void => {
      skips.push({ ...(imageId === "" ? {} : { imageId }), annotationId: id, reason, detail: `${prefix}: ${detail}` });
    };
    if (row.length !== header.length) {
      skip("bad_annotation", `${row.length} fields, the header has ${header.length}`);
      continue;
    }
    if (imageId === "") {
      skip("bad_annotation", "ImageID is empty");
      continue;
    }
    const labelName = at(row, "LabelName")!.trim();
    const label = classes.get(labelName);
    if (label === undefined) {
      skip("unknown_category", `LabelName = ${JSON.stringify(labelName)} is not in the class descriptions`);
      continue;
    }
    const coords = (["XMin", "YMin", "XMax", "YMax"] as const).map((name) => [name, at(row, name)!.trim()] as const);
    const badCoord = coords.find(([, v]) => v === "" || !Number.isFinite(Number(v)));
    if (badCoord) {
      skip("bad_annotation", `${badCoord[0]} = ${JSON.stringify(badCoord[1])} is not a number (a fraction 0..1 of the image)`);
      continue;
    }
    const [xMin, yMin, xMax, yMax] = coords.map(([, v]) => Number(v)) as [number, number, number, number];
    if (xMax < xMin || yMax < yMin) {
      skip("bbox_negative_size", `XMin..XMax = ${xMin}..${xMax}, YMin..YMax = ${yMin}..${yMax}: the box has negative size`);
      continue;
    }
    if (at(row, "IsGroupOf")?.trim() === "1") {
      skip("group_annotation", "IsGroupOf = 1: a group of objects, not one");
      continue;
    }
    let entry = images.get(imageId);
    if (entry === undefined) {
      entry = { image: { id: imageId, fileName: `${imageId}${extension}` }, annotations: [] };
      images.set(imageId, entry);
    }
    if (!categories.has(labelName)) categories.set(labelName, { id: labelName, name: label });
    entry.annotations.push({ id, categoryId: labelName, label, box: { format: "normalized-xyxy", values: [xMin, yMin, xMax, yMax] } });
  }
  return {
    images: [...images.values()].map(({ image, annotations }) => ({ ...image, annotations })),
    categories: [...categories.values()],
    skips,
  };
}
