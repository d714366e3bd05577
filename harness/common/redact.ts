// Secrets never reach logs or reports: every string written out passes through here.

const SECRET_KEY = /(pass(word)?|secret|token|api[-_]?key|credential|private[-_]?key)/i;
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^:/?#\s]+):([^@/\s]+)@/gi;
// The value ends at whitespace or punctuation that closes a surrounding structure, so
// "(password=x)" keeps its ")".
const KEY_VALUE = /\b(\w*(?:password|passwd|pwd|secret|token|api[-_]?key))(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&)\]}"'<>]+)/gi;

export const REDACTED = '[redacted]';

// Masks credentials in connection strings and key=value pairs of free text.
export function redactText(text: string): string {
  return text.replace(URL_CREDENTIALS, `$1:${REDACTED}@`).replace(KEY_VALUE, `$1$2${REDACTED}`);
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
      out[key] = SECRET_KEY.test(key) && inner !== null && typeof inner !== 'object' ? REDACTED : redactInner(inner, depth + 1);
    }
    return out;
  }
  return value;
}
