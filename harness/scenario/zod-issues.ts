import type { z } from 'zod';
import { escapeControl } from '../common/control-chars.js';
import { describeValue } from '../common/errors.js';
import { didYouMean } from '../common/suggest.js';
import { branchFor, defOf, expectedText, objectKeys, schemaAt, unwrap } from './schema-walk.js';
import { unionSelector } from './schema/tagged-union.js';
import { formatPath, valueAt, type PathKey } from './yaml-source.js';

// A problem before it is placed in the file: a path, whether it names a key, and the sentence.
export interface PathIssue {
  path: PathKey[];
  key?: boolean;
  message: string;
  // For an unknown key: the key it most likely meant.
  suggestion?: string | undefined;
  // A required key that is absent.
  missing?: boolean;
}

type Issue = z.core.$ZodIssue;

// Turns zod's issues into one sentence each: the field, what was expected, what was given.
// Each is one line: keys and values from the file are quoted with their control characters
// (newlines, terminal escapes, bidi overrides) escaped.
export function explainIssues(root: z.ZodType, data: unknown, issues: readonly Issue[], base: PathKey[] = []): PathIssue[] {
  const explained = issues.flatMap((issue) => explain(root, data, issue, base)).map((i) => ({ ...i, message: escapeControl(i.message) }));
  // `metdata:` is one mistake, not two: drop "`metadata` is missing" when a misspelt key means it.
  const meant = new Set(explained.filter((i) => i.suggestion).map((i) => formatPath([...i.path.slice(0, -1), i.suggestion!])));
  return explained.filter((i) => !(i.missing && meant.has(formatPath(i.path))));
}

// `root` and `data` are the schema and value the issue's path is relative to; `base` is where
// they sit in the document, so messages and positions name the full path.
function explain(root: z.ZodType, data: unknown, issue: Issue, base: PathKey[]): PathIssue[] {
  const relative = issue.path as PathKey[];
  const path = [...base, ...relative];
  const value = valueAt(data, relative);
  const field = `\`${formatPath(path)}\``;
  const schema = schemaAt(root, relative, data);
  const expected = () => expectedText(schema) ?? describeZodExpectation(issue);

  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = schema ? objectKeys(schema, value) : [];
      return issue.keys.map((key) => {
        const keyPath = [...path, key];
        const suggestion = didYouMean(key, allowed);
        const hint = suggestion ? `; did you mean \`${suggestion}\`?` : '.';
        const list = allowed.length ? ` Expected one of: ${allowed.join(', ')}.` : '';
        return { path: keyPath, key: true, message: `Unknown key \`${formatPath(keyPath)}\`${hint}${list}`, suggestion };
      });
    }
    case 'invalid_union':
      return explainUnion(schema, issue, path, value, field);
    case 'invalid_value': {
      const options = issue.values.map((v) => String(v));
      const suggestion = typeof value === 'string' ? didYouMean(value, options) : undefined;
      const hint = suggestion ? `; did you mean "${suggestion}"?` : '';
      const text = schema && defOf(unwrap(schema)).type === 'enum' ? `one of ${options.map((o) => JSON.stringify(o)).join(', ')}` : expected();
      return [{ path, message: `Expected ${field} to be ${text}, got ${describeValue(value)}${hint}` }];
    }
    case 'too_small':
    case 'too_big':
      return [{ path, message: `Expected ${field} to be ${boundText(issue, expected())}, got ${describeValue(value)}` }];
    case 'custom':
      if (issue.message && issue.message !== 'Invalid input') {
        // A rule's own sentence, prefixed with the field unless it names it already.
        return [{ path, message: issue.message.includes('`') ? issue.message : `${field}: ${issue.message}` }];
      }
      return [{ path, message: `Expected ${field} to be ${expected()}, got ${describeValue(value)}` }];
    default:
      if (value === undefined && issue.code === 'invalid_type') {
        return [{ path, missing: true, message: `Expected ${field} (required) to be ${expected()}, got nothing` }];
      }
      return [{ path, message: `Expected ${field} to be ${expected()}, got ${describeValue(value)}` }];
  }
}

function explainUnion(
  union: z.ZodType | undefined,
  issue: Extract<Issue, { code: 'invalid_union' }>,
  path: PathKey[],
  value: unknown,
  field: string,
): PathIssue[] {
  const core = union ? unwrap(union) : undefined;
  const selector = core ? unionSelector(core) : undefined;
  const present = selector?.presenceKeys?.filter((k) => value && typeof value === 'object' && k in value) ?? [];
  if (present.length > 1) {
    return [{ path, message: `Expected ${field} to be a step with exactly one of the keys ${selector!.presenceKeys!.map((k) => `\`${k}\``).join(', ')}, got one with keys ${present.map((k) => `\`${k}\``).join(', ')}` }];
  }
  const chosen = core ? branchFor(core, value) : undefined;
  if (chosen && chosen !== 'none' && core) {
    const index = defOf(core).options?.indexOf(chosen) ?? -1;
    const branchIssues = issue.errors[index];
    if (branchIssues) return explainIssues(chosen, value, branchIssues, path);
  }
  if (chosen === 'none' && selector && value && typeof value === 'object' && !Array.isArray(value)) {
    if (selector.tagKey) {
      const given = (value as Record<string, unknown>)[selector.tagKey];
      const options = selector.branches.map((b) => b.label);
      const suggestion = typeof given === 'string' ? didYouMean(given, options) : undefined;
      const hint = suggestion ? `; did you mean "${suggestion}"?` : '';
      const tagPath = [...path, selector.tagKey];
      return [{
        path: tagPath,
        message: `Expected \`${formatPath(tagPath)}\` to be one of ${options.map((o) => JSON.stringify(o)).join(', ')}, got ${describeValue(given)}${hint}`,
      }];
    }
    if (selector.presenceKeys) {
      const keys = Object.keys(value);
      const suggestion = keys.map((k) => didYouMean(k, selector.presenceKeys!)).find(Boolean);
      const hint = suggestion ? `; did you mean \`${suggestion}\`?` : '';
      return [{ path, message: `Expected ${field} to be ${selector.expected}, got one with keys ${keys.map((k) => `\`${k}\``).join(', ') || 'none'}${hint}` }];
    }
  }
  // A plain union (like `rate: 200 | "max"`): say what it accepts.
  return [{ path, message: `Expected ${field} to be ${expectedText(union) ?? 'a valid value'}, got ${describeValue(value)}` }];
}

function boundText(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>, expected: string): string {
  const small = issue.code === 'too_small';
  const limit = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'array':
      return small ? `a list of at least ${limit} item${Number(limit) === 1 ? '' : 's'}` : `a list of at most ${limit} items`;
    case 'string':
      return small ? `a string of at least ${limit} character${Number(limit) === 1 ? '' : 's'}` : `a string of at most ${limit} characters`;
    case 'number':
    case 'int':
      return `${expected} (${small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than'} ${limit})`;
    default:
      return expected;
  }
}

function describeZodExpectation(issue: Issue): string {
  if (issue.code === 'invalid_type') return issue.expected === 'object' ? 'a mapping of keys to values' : `a ${issue.expected}`;
  if (issue.code === 'invalid_format') return `a ${issue.format}`;
  return 'a valid value';
}
