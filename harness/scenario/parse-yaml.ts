import type { z } from 'zod';
import { escapeControl } from '../common/control-chars.js';
import type { ScenarioIssue } from '../common/errors.js';
import { formatPath, type YamlSource } from './yaml-source.js';
import { explainIssues, type PathIssue } from './zod-issues.js';

// YAML + zod: a document parsed into a schema's value or into problems at file:line:column.
// Shared by every file kdrill reads (scenario, topology, tier policy); it imports nothing
// that knows what a scenario means, so readers low in the tree (a backend's topology file)
// can use it without pulling the scenario's validation, and its backends, back in.

// At most this many problems are reported, then a count: 10,000 unknown keys are one mistake
// repeated, and printing them all helps no one.
export const MAX_REPORTED_PROBLEMS = 100;

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: ScenarioIssue[] };

// YAML text → a value of `schema`, or every problem found, located in the file.
export function parseYamlAs<S extends z.ZodType>(source: YamlSource, file: string, schema: S, what: string, data: unknown = source.data): Parsed<z.infer<S>> {
  if (source.syntaxProblems.length > 0) {
    return { ok: false, issues: limitIssues(source.syntaxProblems.map((p) => ({ file, line: p.line, column: p.column, path: '', message: p.message }))) };
  }
  if (data === null || data === undefined) {
    return { ok: false, issues: [{ file, line: 1, column: 1, path: '', message: `Expected the file to hold ${what}, got an empty document` }] };
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    const got = Array.isArray(data) ? 'a list' : `\`${String(data).slice(0, 40)}\` (${typeof data})`;
    return { ok: false, issues: [{ file, line: 1, column: 1, path: '', message: `Expected the file to hold ${what} as a mapping of keys to values, got ${got}` }] };
  }
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, value: result.data };
  const explained = explainIssues(schema, data, result.error.issues);
  return { ok: false, issues: sortIssues(placeIssues(source, file, explained)) };
}

export function placeIssues(source: YamlSource, file: string, issues: readonly PathIssue[]): ScenarioIssue[] {
  return issues.map((issue) => {
    const position = source.locate(issue.path, { key: issue.key ?? false });
    // The same `steps[0].fault` form the messages use; '' for the document itself.
    return { file, ...position, path: issue.path.length ? formatPath(issue.path) : '', message: escapeControl(issue.message) };
  });
}

export function sortIssues(issues: ScenarioIssue[]): ScenarioIssue[] {
  const seen = new Set<string>();
  return issues
    .filter((i) => {
      const key = `${i.file}:${i.line}:${i.column}:${i.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

// The first MAX_REPORTED_PROBLEMS problems, then one saying how many more there were.
export function limitIssues(issues: ScenarioIssue[]): ScenarioIssue[] {
  if (issues.length <= MAX_REPORTED_PROBLEMS) return issues;
  const last = issues[MAX_REPORTED_PROBLEMS - 1]!;
  const rest = issues.length - MAX_REPORTED_PROBLEMS;
  return [...issues.slice(0, MAX_REPORTED_PROBLEMS), { ...last, path: '', omitted: rest, message: `… and ${rest} more problem${rest === 1 ? '' : 's'} (kdrill reports the first ${MAX_REPORTED_PROBLEMS})` }];
}

