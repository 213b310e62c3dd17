// Root helper: building regular expressions from literal text (templates, names, prompts).

/** `text` with every RegExp metacharacter escaped, so it matches itself literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
