// Text from scenarios, journals and child processes never reaches a terminal or a report raw:
// a terminal escape, a carriage return or a bidi override in a description could redraw the
// screen, or forge a "PASSED" line, or reorder what a reader sees.

// C0 controls except tab, DEL and C1 controls, and the invisible format characters (Cf: bidi
// embeddings, overrides and isolates, zero-width spaces and joiners, soft hyphen, BOM, tag
// characters), with the line and paragraph separators. Tab is never escaped; newline only
// without `keepNewlines`.
const ONE_LINE = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\p{Cf}\p{Zl}\p{Zp}]/gu;
const KEEP_NEWLINES = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\p{Cf}\p{Zl}\p{Zp}]/gu;

const SHORT: Readonly<Record<string, string>> = { '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r' };

const hex4 = (unit: number): string => `\\u${unit.toString(16).padStart(4, '0')}`;
const visible = (c: string): string => SHORT[c] ?? (c.length === 1 ? hex4(c.charCodeAt(0)) : hex4(c.charCodeAt(0)) + hex4(c.charCodeAt(1)));

// "\u001b[2J" → "\\u001b[2J": control and invisible format characters as visible escapes.
// The forms are JSON's (\n, \r, \b, \f, \uXXXX, a surrogate pair above U+FFFF), so a JSON
// document stays one that parses to the same value; idempotent, and linear in the length.
export function escapeControl(text: string, options: { keepNewlines?: boolean } = {}): string {
  return text.replace(options.keepNewlines ? KEEP_NEWLINES : ONE_LINE, visible);
}
