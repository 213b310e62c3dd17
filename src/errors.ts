/**
 * The one error type for bad input anywhere in n3d.
 *
 * Every message is a single line that names where the problem was found (a file path or the
 * function name), the field, and the offending value, so a user can fix the input without
 * reading code: `depth.png: size = 640x480: does not match image size 320x240`.
 * The CLI turns an InputError into that line on stderr and exit code 2.
 */
export class InputError extends Error {
  override readonly name = "InputError";

  /**
   * @param where   the file path, flag, or function that received the input
   * @param field   the field or property that is wrong (e.g. "fx", "pcd", "line 3, column 14")
   * @param value   the offending value, shown with {@link formatValue}
   * @param problem what is wrong with it, lower case, no trailing period
   */
  constructor(
    readonly where: string,
    readonly field: string,
    readonly value: unknown,
    readonly problem: string,
  ) {
    super(`${where}: ${field} = ${formatValue(value)}: ${problem}`);
  }
}

/** Render a value for an error message: short, single line, strings quoted. */
export function formatValue(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = JSON.stringify(value);
  else if (typeof value === "number") text = Number.isNaN(value) ? "NaN" : String(value);
  else if (value === undefined) text = "undefined";
  else if (typeof value === "bigint") text = `${value}n`;
  else if (ArrayBuffer.isView(value)) text = `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length})`;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  text = text.replace(/\s+/g, " ");
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * JSON.parse, with a syntax error turned into the one-line InputError
 * `where: field = "<text>": is not valid JSON: <parser message>`.
 */
export function parseJsonText(text: string, where: string, field = "json"): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const msg = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, " ");
    throw new InputError(where, field, text, `is not valid JSON: ${msg}`);
  }
}
