import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The import graph of harness/ as Node loads it (type-only imports are erased): a cycle there
// makes a module read a binding of one still being evaluated ("Cannot access 'localBackend'
// before initialization" crashed every `kdrill cluster` command once).
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../harness');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

// Runtime edges: `import … from`, `export … from` and `import '…'`, minus `import type` /
// `export type` and imports whose every name is marked `type`.
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const edges: string[] = [];
  for (const m of text.matchAll(/^(import|export)\s+([^;]*?)\s*from\s+'(\.[^']+)'|^import\s+'(\.[^']+)'/gms)) {
    const spec = m[3] ?? m[4]!;
    const clause = (m[2] ?? '').trim();
    if (clause.startsWith('type ')) continue;
    const names = /^\{([^}]*)\}$/s.exec(clause)?.[1];
    if (names !== undefined && names.split(',').map((n) => n.trim()).filter(Boolean).every((n) => n.startsWith('type '))) continue;
    edges.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
  }
  return edges;
}

function cycles(graph: Map<string, string[]>): string[][] {
  // Tarjan's strongly connected components; a component of more than one file is a cycle.
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        component.push(relative(root, w));
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

describe('harness import graph', () => {
  const graph = new Map(sources(root).map((f) => [f, runtimeImports(f)]));

  it('reads the graph (a parser that found nothing would pass anything)', () => {
    expect(graph.size).toBeGreaterThan(100);
    const edges = [...graph.values()].reduce((n, e) => n + e.length, 0);
    expect(edges).toBeGreaterThan(graph.size);
  });

  it('has no cycle among the imports Node evaluates', () => {
    expect(cycles(graph)).toEqual([]);
  });
});
