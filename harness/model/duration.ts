// Durations as scenario authors write them: "500ms", "90s", "15m", "1h30m", "2d", or ISO 8601
// ("PT15M", "P1DT2H"). Held as whole milliseconds; months and years are refused because
// their length is ambiguous.

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
// Compact units must run from largest to smallest, each at most once ("1h30m", not "30m1h").
const UNIT_ORDER = ['d', 'h', 'm', 's', 'ms'] as const;
// Ten years: longer than any retention or drill, short enough that nothing overflows.
export const MAX_DURATION_MS = 3650 * UNIT_MS.d;
const COMPACT = /^(?:(\d+(?:\.\d+)?)(ms|s|m|h|d))+$/;
const COMPACT_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const ISO = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export const DURATION_EXAMPLES = '"500ms", "90s", "15m", "1h" or ISO 8601 "PT5M"';

// Milliseconds for a duration string, or undefined when it is not one.
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (COMPACT.test(trimmed)) {
    let total = 0;
    let lastUnit = -1;
    for (const [, amount, unit] of trimmed.matchAll(COMPACT_PART)) {
      const order = UNIT_ORDER.indexOf(unit as (typeof UNIT_ORDER)[number]);
      if (order <= lastUnit) return undefined;
      lastUnit = order;
      total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
    }
    return within(total);
  }
  const iso = ISO.exec(trimmed.toUpperCase());
  if (iso && trimmed.length > 1 && !trimmed.toUpperCase().endsWith('T')) {
    const [, w, d, h, m, s] = iso.map((part) => (part === undefined ? 0 : Number(part)));
    if ([w, d, h, m, s].every((n) => n === 0) && !/[0-9]/.test(trimmed)) return undefined;
    return within((w ?? 0) * 7 * UNIT_MS.d + (d ?? 0) * UNIT_MS.d + (h ?? 0) * UNIT_MS.h + (m ?? 0) * UNIT_MS.m + (s ?? 0) * UNIT_MS.s);
  }
  return undefined;
}

function within(ms: number): number | undefined {
  return Number.isFinite(ms) && ms <= MAX_DURATION_MS ? Math.round(ms) : undefined;
}

// "1h30m", "2m05s", "250ms": the inverse of parseDuration, for plans and reports.
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms));
  if (rest === 0) return '0s';
  if (rest < 1_000) return `${sign}${rest}ms`;
  const parts: string[] = [];
  for (const [unit, size] of [['d', UNIT_MS.d], ['h', UNIT_MS.h], ['m', UNIT_MS.m]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) {
    const seconds = rest / 1_000;
    parts.push(`${Number.isInteger(seconds) ? seconds : seconds.toFixed(3).replace(/0+$/, '')}s`);
  }
  return sign + parts.join('');
}
