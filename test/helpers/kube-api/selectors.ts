import { badRequest } from './status.js';

type Labels = Readonly<Record<string, string>>;

// A label selector as kubectl and the API server parse it: "a=b", "a==b", "a!=b", "a",
// "!a", "a in (x,y)", "a notin (x)", comma-separated and all required.
export function labelMatcher(selector: string | undefined): (labels: Labels) => boolean {
  if (!selector) return () => true;
  const terms = selector.match(/([^,(]+(\([^)]*\))?)/g)?.map((t) => t.trim()).filter(Boolean) ?? [];
  const tests = terms.map((term): ((l: Labels) => boolean) => {
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) {
      const values = m[3]!.split(',').map((v) => v.trim());
      const key = m[1]!;
      return m[2] === 'in' ? (l) => key in l && values.includes(l[key]!) : (l) => !(key in l) || !values.includes(l[key]!);
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(term);
    if (m) {
      const [, key, op, value] = m as unknown as [string, string, string, string];
      return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
    }
    m = /^(!?)([\w./-]+)$/.exec(term);
    if (m) {
      const key = m[2]!;
      return m[1] ? (l) => !(key in l) : (l) => key in l;
    }
    throw badRequest(`unable to parse requirement: ${JSON.stringify(term)}`);
  });
  return (labels) => tests.every((t) => t(labels));
}

// Field selectors on the fields kdrill selects by: metadata.name, metadata.namespace,
// spec.nodeName, status.phase (any dotted path, equality and inequality).
export function fieldMatcher(selector: string | undefined): (object: unknown) => boolean {
  if (!selector) return () => true;
  const tests = selector.split(',').map((term) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term.trim());
    if (!m) throw badRequest(`invalid field selector: ${JSON.stringify(term)}`);
    const [, path, op, value] = m as unknown as [string, string, string, string];
    return (object: unknown): boolean => {
      let at: unknown = object;
      for (const key of path.split('.')) at = (at as Record<string, unknown> | undefined)?.[key];
      const actual = at === undefined || at === null ? '' : String(at);
      return op === '!=' ? actual !== value : actual === value;
    };
  });
  return (object) => tests.every((t) => t(object));
}
