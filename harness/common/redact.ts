// Secrets never reach logs or reports: every string written out passes through here.
//
// redactText masks, in free text and in JSON:
//   - the password of a URL:            postgres://user:[redacted]@host/db (any scheme)
//   - the value after a secret key:     password=…, PGPASSWORD=…, --password=…, token: …,
//                                       secret = "quoted value", "api_key":"…", \"token\":\"…\"
// where a secret key is a name ending in password, passwd, pwd, passphrase, secret, token,
// api key, access key, private key or credential(s). Quoted values keep their quotes, so valid
// JSON stays valid JSON ({"password":"[redacted]"}). It leaves alone a key with no value,
// file:line:column locations (tokens.yaml:12:3, /tmp/token-dir/x.yaml:3:5), path segments
// (/secret/…), prose ("the password is read from the Secret"), and its own output: applied
// twice it changes nothing more.
//
// It is two left-to-right scans, each linear in the length of the text: every output line
// passes through here, and the regular expressions it replaced were quadratic (their URL
// pattern, /[a-z][a-z0-9+.-]*:\/\//, rescanned a run of letters from each of its positions:
// 31 s for a 160 KB line). bench/redact.ts compares the two.

const SECRET_KEY = /(pass(word)?|secret|token|api[-_]?key|credential|private[-_]?key)/i;

export const REDACTED = '[redacted]';

// Masks credentials in connection strings and key=value pairs of free text and JSON.
export function redactText(text: string): string {
  return redactPairs(redactUrls(text));
}

// Deep copy with values under secret-looking keys masked and every string scrubbed.
export function redactValue<T>(value: T): T {
  return redactInner(value, 0) as T;
}

function redactInner(value: unknown, depth: number): unknown {
  if (depth > 50) return value;
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redactInner(item, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      // Only a string can hold a secret: a count or flag under a key that merely looks secret
      // (an error text "password authentication failed" counting failures) keeps its type, as
      // the journal's schema expects.
      out[key] = SECRET_KEY.test(key) && typeof inner === 'string' ? REDACTED : redactInner(inner, depth + 1);
    }
    return out;
  }
  return value;
}

// ---- the scanner ----

const QUOTE = 0x22; // "
const APOS = 0x27; // '
const BACKSLASH = 0x5c;
const SLASH = 0x2f;
const COLON = 0x3a;
const EQUALS = 0x3d;
const AT = 0x40;
const LF = 0x0a;
const TAB = 0x09;
const SPACE = 0x20;

// One flag per ASCII character: which classes it is in.
const KEY = 1; // part of a key name: letters, digits, _ and -
const BARE_END = 2; // ends an unquoted value: "(password=x)" keeps its ")"
const AUTHORITY_END = 4; // ends a URL's authority (user:password@host:port)
const SCHEME = 8; // may end a URL's scheme

const ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9_-]/.test(ch)) ASCII[c]! |= KEY;
  if (/[A-Za-z0-9+.-]/.test(ch)) ASCII[c]! |= SCHEME;
  if (c <= SPACE || c === 0x7f || ',;&)]}"\'<>`'.includes(ch)) ASCII[c]! |= BARE_END;
  if (c <= SPACE || c === 0x7f || '/?#"\'<>`'.includes(ch)) ASCII[c]! |= AUTHORITY_END;
}

// White space beyond ASCII (what \s matches) ends values and authorities too.
const isWideSpace = (c: number): boolean =>
  c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
const has = (c: number, flag: number): boolean => (c < 128 ? (ASCII[c]! & flag) !== 0 : (flag === BARE_END || flag === AUTHORITY_END) && isWideSpace(c));

// A backslash pair that stands for a character ending a value: a quote or white space (\n, \r,
// \t), as JSON writes them; NaN: the text ends.
const endsAfterBackslash = (d: number): boolean => Number.isNaN(d) || d <= SPACE || d === QUOTE || d === APOS || d === 0x6e /* n */ || d === 0x72 /* r */ || d === 0x74; /* t */

// Key names that end in a secret word, and the few that do without being secrets.
const SECRET_ENDING = /(?:password|passwd|pwd|passphrase|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|credentials?)$/i;
const LONGEST_ENDING = 'credentials'.length;
const NOT_SECRET = new Set(['pwd', 'oldpwd']); // the shell's working directories
// The last letters of those endings, either case: most words are ruled out by their last one.
const LAST_LETTER = new Uint8Array(128);
for (const c of 'dDeEtTnNyYsSlL') LAST_LETTER[c.charCodeAt(0)] = 1;

function isSecretKey(text: string, start: number, end: number): boolean {
  if (end - start < 3 || LAST_LETTER[text.charCodeAt(end - 1)] !== 1) return false;
  if (!SECRET_ENDING.test(text.slice(Math.max(start, end - LONGEST_ENDING), end))) return false;
  return end - start > 6 || !NOT_SECRET.has(text.slice(start, end).toLowerCase());
}

// Whether a text may hold a secret key at all; most lines do not, and skip the scan.
const MAYBE_SECRET = /p(?:ass|wd)|secret|token|key|credential/i;

// "scheme://user:password@host": the password, from the first ':' to the last '@' of the
// authority. An authority ends at '/', so no character is scanned twice.
function redactUrls(text: string): string {
  let at = text.indexOf('://');
  if (at < 0) return text;
  const parts: string[] = [];
  let copied = 0;
  while (at >= 0) {
    let k = at + 3;
    if (at > 0 && has(text.charCodeAt(at - 1), SCHEME)) {
      let colon = -1;
      let lastAt = -1;
      while (k < text.length) {
        const c = text.charCodeAt(k);
        if (c === BACKSLASH) {
          if (endsUrl(text, k)) break;
          k += 2;
          continue;
        }
        if (has(c, AUTHORITY_END)) break;
        if (c === AT) lastAt = k;
        else if (c === COLON && colon < 0) colon = k;
        k++;
      }
      if (colon >= 0 && lastAt > colon + 1) {
        parts.push(text.slice(copied, colon + 1), REDACTED);
        copied = lastAt;
      }
    }
    // The authority may have stopped at the first '/' of the next "://".
    at = text.indexOf('://', Math.max(k - 1, at + 1));
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

// Whether the backslash at k ends a URL's authority: an escaped quote ends it where it closes
// a string of JSON written in JSON (\",), not in the middle of a password (u:p\"w@h).
function endsUrl(text: string, k: number): boolean {
  const d = text.charCodeAt(k + 1);
  if (d !== QUOTE) return endsAfterBackslash(d);
  const e = text.charCodeAt(k + 2);
  return Number.isNaN(e) || e <= SPACE || e === BACKSLASH || e === 0x2c /* , */ || e === 0x7d /* } */ || e === 0x5d /* ] */ || e === COLON;
}

// Where the scan is: outside quotes, in a "string", or in a \"string\" inside a string (JSON
// written into JSON, as `validate --json` does with a quoted value).
type Depth = 0 | 1 | 2;

interface Found {
  from: number; // the value's first character (its opening quote)
  to: number; // after its last (its closing quote)
  replacement: string;
  depth: Depth; // after the replacement
}

// Inside a \"string\", "\\" is one backslash of the inner string: it escapes the character
// after it (\\\" is a quote in the inner string). The index after both, never past the end of
// the outer string.
function afterInnerEscape(text: string, k: number): number {
  const e = text.charCodeAt(k + 2);
  if (e === BACKSLASH) return k + 4;
  if (e === QUOTE || e === LF || Number.isNaN(e)) return k + 2;
  return k + 3;
}

// key=value, key: value, "key":"value": one scan that follows double-quoted strings (as JSON
// does: a backslash escapes the next character), so that a quote ending the string a key is in
// is not taken for one opening its value.
function redactPairs(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  const n = text.length;
  const parts: string[] = [];
  let copied = 0;
  let depth: Depth = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) {
      const d = text.charCodeAt(i + 1);
      if (d === QUOTE) {
        if (depth !== 0) depth = depth === 1 ? 2 : 1;
        i += 2;
      } else if (d === BACKSLASH) i = depth === 2 ? afterInnerEscape(text, i) : i + 2;
      else i++; // \n, \t, \u…: the letter may begin a key
      continue;
    }
    if (c === QUOTE) depth = depth === 0 ? 1 : 0;
    else if (c === LF) depth = 0;
    if (!has(c, KEY)) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && has(text.charCodeAt(i), KEY)) i++;
    // A key in a path ("/tmp/token-dir/…") is a directory's name.
    if (!isSecretKey(text, start, i) || text.charCodeAt(start - 1) === SLASH) continue;
    const found = valueAfterKey(text, i, depth);
    if (!found) continue;
    parts.push(text.slice(copied, found.from), found.replacement);
    copied = i = found.to;
    depth = found.depth;
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

function skipBlanks(text: string, j: number): number {
  while (text.charCodeAt(j) === SPACE || text.charCodeAt(j) === TAB) j++;
  return j;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

// The value after a secret key ending at `end`, if there is one.
function valueAfterKey(text: string, end: number, depth: Depth): Found | undefined {
  let j = end;
  // The key's closing quote: "key": (JSON), \"key\": (JSON in a JSON string), 'key':.
  let quotedKey: '' | '"' | '\\"' = '';
  const close = text.charCodeAt(j);
  if (close === QUOTE) {
    if (depth !== 1) return undefined; // the quote opens a string, or ends the outer one
    depth = 0;
    quotedKey = '"';
    j++;
  } else if (close === BACKSLASH && text.charCodeAt(j + 1) === QUOTE) {
    if (depth !== 2) return undefined;
    depth = 1;
    quotedKey = '\\"';
    j += 2;
  } else if (close === APOS) j++;
  const keyEnd = j;
  j = skipBlanks(text, j);
  const sep = text.charCodeAt(j);
  if (sep !== EQUALS && sep !== COLON) return undefined;
  j++;
  if (sep === EQUALS && text.charCodeAt(j) === EQUALS) return undefined; // a comparison
  if (sep === COLON && j === keyEnd + 1 && !quotedKey && isLocation(text, j)) return undefined;
  j = skipBlanks(text, j);
  const v = text.charCodeAt(j);
  if (v === QUOTE) return depth === 0 ? doubleQuoted(text, j) : undefined; // else it ends the string the key is in
  if (v === BACKSLASH && text.charCodeAt(j + 1) === QUOTE) return depth === 2 ? undefined : escapedQuoted(text, j, depth);
  if (v === APOS) return singleQuoted(text, j, depth);
  if (text.startsWith(REDACTED, j) || v === 0x7b /* { */ || v === 0x5b /* [ */) return undefined;
  const to = bareEnd(text, j, depth);
  if (to === j) return undefined;
  if (quotedKey && /^(?:null|true|false)$/.test(text.slice(j, to))) return undefined; // not a secret
  // After a JSON key, a number becomes a string: the document stays valid JSON.
  return { from: j, to, replacement: `${quotedKey}${REDACTED}${quotedKey}`, depth };
}

// "file:12:3": a location, not a secret key's value.
function isLocation(text: string, j: number): boolean {
  let k = j;
  while (isDigit(text.charCodeAt(k))) k++;
  return k > j && text.charCodeAt(k) === COLON && isDigit(text.charCodeAt(k + 1));
}

// The end of an unquoted value: white space, closing punctuation, a quote, or an escape
// standing for one of them.
function bareEnd(text: string, j: number, depth: Depth): number {
  let k = j;
  while (k < text.length) {
    const c = text.charCodeAt(k);
    if (c !== BACKSLASH) {
      if (has(c, BARE_END)) break;
      // A URL whose password is masked already: "[redacted]" does not end at its "]".
      k += c === 0x5b /* [ */ && text.startsWith(REDACTED, k) ? REDACTED.length : 1;
      continue;
    }
    const d = text.charCodeAt(k + 1);
    if (endsAfterBackslash(d)) break;
    if (d === BACKSLASH && depth === 2) {
      // An escape of the inner string: \\\" (a quote) and \\n (a newline) end the value.
      const e = text.charCodeAt(k + 2);
      if (e === BACKSLASH ? text.charCodeAt(k + 3) !== BACKSLASH : endsAfterBackslash(e)) break;
      k = afterInnerEscape(text, k);
      continue;
    }
    k += 2;
  }
  return Math.min(k, text.length);
}

// "value", outside any string: to the closing quote or the end of the line, backslash pairs
// kept whole.
function doubleQuoted(text: string, from: number): Found | undefined {
  let k = from + 1;
  while (k < text.length) {
    const c = text.charCodeAt(k);
    if (c === LF) break;
    if (c === QUOTE) return k === from + 1 ? undefined : { from, to: k + 1, replacement: `"${REDACTED}"`, depth: 0 };
    k += c === BACKSLASH && text.charCodeAt(k + 1) !== LF ? 2 : 1;
  }
  k = Math.min(k, text.length);
  return k === from + 1 ? undefined : { from, to: k, replacement: `"${REDACTED}`, depth: 1 };
}

// 'value': to the closing quote, the end of the line, or the end of the string it is in.
function singleQuoted(text: string, from: number, depth: Depth): Found | undefined {
  let k = from + 1;
  while (k < text.length) {
    const c = text.charCodeAt(k);
    if (c === LF || (depth !== 0 && c === QUOTE)) break;
    if (c === APOS) return k === from + 1 ? undefined : { from, to: k + 1, replacement: `'${REDACTED}'`, depth };
    if (c !== BACKSLASH) {
      k++;
      continue;
    }
    const d = text.charCodeAt(k + 1);
    if (d === LF || (depth === 2 && d === QUOTE)) break;
    k = depth === 2 && d === BACKSLASH ? afterInnerEscape(text, k) : k + 2;
  }
  k = Math.min(k, text.length);
  return k === from + 1 ? undefined : { from, to: k, replacement: `'${REDACTED}`, depth };
}

// \"value\": a string of JSON written in a JSON string (or a shell's escaped quotes). Each \x
// pair is one character of the inner string; an inner backslash (\\) escapes the one after it.
function escapedQuoted(text: string, from: number, depth: Depth): Found | undefined {
  const start = from + 2;
  let k = start;
  while (k < text.length) {
    const c = text.charCodeAt(k);
    if (c === QUOTE || c === LF) break;
    if (c !== BACKSLASH) {
      k++;
      continue;
    }
    const d = text.charCodeAt(k + 1);
    if (d === QUOTE) return k === start ? undefined : { from, to: k + 2, replacement: `\\"${REDACTED}\\"`, depth };
    k = d === BACKSLASH ? afterInnerEscape(text, k) : k + 2;
  }
  k = Math.min(k, text.length);
  return k === start ? undefined : { from, to: k, replacement: `\\"${REDACTED}`, depth: depth === 1 ? 2 : depth };
}
