import { escapeControl } from '../common/control-chars.js';

// Escaping for the hand-written text formats: XML and HTML share one escaper, Markdown tables another.
// Both first show control and invisible format characters as escapes (escapeControl): a report
// never holds a raw terminal escape, carriage return or bidi override.

// What XML 1.0 forbids anywhere, even escaped, and escapeControl leaves: lone surrogates, and
// U+FFFE/U+FFFF.
const XML_INVALID = /[\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const XML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// Text safe inside an XML or HTML element or a double- or single-quoted attribute.
export function escapeXml(text: string): string {
  return escapeControl(text, { keepNewlines: true })
    .replace(XML_INVALID, '\uFFFD')
    .replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c);
}

// Text safe inside one cell of a GitHub-flavoured Markdown table: no pipes, no line breaks, no raw HTML.
export function escapeMarkdownCell(text: string): string {
  return escapeControl(text, { keepNewlines: true })
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/`/g, '\\`')
    .replace(/\n/g, ' ');
}
