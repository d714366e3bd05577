import { describe, expect, it } from 'vitest';
import { escapeControl } from '../../../harness/common/control-chars.js';

describe('escapeControl', () => {
  it.each([
    ['a terminal escape', 'x\u001b[2Jy', 'x\\u001b[2Jy'],
    ['a carriage return', 'ok\rFAILED', 'ok\\rFAILED'],
    ['a backspace and a form feed', 'a\bb\fc', 'a\\bb\\fc'],
    ['a newline', 'value\nPASSED', 'value\\nPASSED'],
    ['NUL, vertical tab, DEL', '\u0000\u000b\u007f', '\\u0000\\u000b\\u007f'],
    ['C1 controls (CSI, NEL)', '\u009b31m\u0085', '\\u009b31m\\u0085'],
    ['bidi embeddings, overrides and isolates', '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069', '\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069'],
    ['marks, zero-width characters and the BOM', '\u200e\u200f\u061c\u200b\u200d\u2060\ufeff', '\\u200e\\u200f\\u061c\\u200b\\u200d\\u2060\\ufeff'],
    ['line and paragraph separators', '\u2028\u2029', '\\u2028\\u2029'],
    ['a tag character (above U+FFFF), as its surrogate pair', 'a\u{E0041}b', 'a\\udb40\\udc41b'],
  ])('shows %s visibly', (_what, input, expected) => {
    expect(escapeControl(input)).toBe(expected);
  });

  it('keeps tabs, printable text and non-Latin scripts as they are', () => {
    const text = 'name\tvalue — café 東京 😀 «quoted» `code` \\ backslash';
    expect(escapeControl(text)).toBe(text);
  });

  it('keeps newlines with keepNewlines, and nothing else', () => {
    expect(escapeControl('a\nb\r\n\u001b', { keepNewlines: true })).toBe('a\nb\\r\n\\u001b');
  });

  it('is idempotent', () => {
    const once = escapeControl('\u001b[31m\r\n\u202e\u0085');
    expect(escapeControl(once)).toBe(once);
  });

  it('leaves a JSON document one that parses to the same value', () => {
    const value = { a: '\u001b[2J\r\n\u202e\u0085\u007f\u2028', b: ['\u200b', 1, null], 'k\u009b': true };
    for (const json of [JSON.stringify(value), JSON.stringify(value, null, 2)]) {
      const escaped = escapeControl(json, { keepNewlines: true });
      expect(escaped).not.toMatch(/[\u007f-\u009f\u200b\u202e\u2028]/);
      expect(JSON.parse(escaped)).toEqual(value);
    }
  });

  it('takes linear time', () => {
    const start = performance.now();
    escapeControl('\u001b'.repeat(1_000_000));
    escapeControl('a'.repeat(4_000_000));
    escapeControl('\u202e x'.repeat(500_000), { keepNewlines: true });
    expect(performance.now() - start).toBeLessThan(2_000);
  });
});
