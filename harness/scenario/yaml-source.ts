import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';

export type PathKey = string | number;

export interface Position {
  line: number;
  column: number;
}

export interface SyntaxProblem extends Position {
  message: string;
}

// A YAML document that remembers where every node came from, so errors can name file:line:column.
export class YamlSource {
  readonly data: unknown;
  readonly syntaxProblems: readonly SyntaxProblem[];
  private readonly lines = new LineCounter();
  private readonly doc: Document.Parsed;

  constructor(readonly text: string) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true, strict: true, logLevel: 'silent' });
    const problems: SyntaxProblem[] = this.doc.errors.map((error) => ({
      ...this.position(error.pos[0]),
      message: error.code === 'DUPLICATE_KEY' ? `YAML syntax: the key ${this.keyAt(error.pos[0])} appears twice in the same mapping` : `YAML syntax: ${firstLine(error.message)}`,
    }));
    if (problems.length === 0) problems.push(...this.structuralProblems());
    let data: unknown;
    if (problems.length === 0) {
      try {
        data = this.doc.toJS({ maxAliasCount: 100 });
      } catch (error) {
        problems.push({ line: 1, column: 1, message: `YAML: ${firstLine((error as Error).message)}` });
      }
    }
    this.syntaxProblems = problems;
    this.data = data;
  }

  // Where the value at `path` starts; for a missing value, where its nearest parent is named.
  locate(path: readonly PathKey[], options: { key?: boolean } = {}): Position {
    let node: unknown = this.doc.contents;
    let best: Node | null | undefined = (node as Node | null) ?? undefined;
    for (let i = 0; i < path.length; i++) {
      const key = path[i]!;
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
        if (!pair) break;
        if (last && options.key) return this.nodePosition(pair.key as Node);
        best = (pair.key as Node) ?? best;
        node = pair.value;
        if (node) best = node as Node;
      } else if (isSeq(node) && typeof key === 'number') {
        const item = node.items[key];
        if (!item) break;
        node = item;
        best = item as Node;
      } else {
        break;
      }
    }
    return best ? this.nodePosition(best) : { line: 1, column: 1 };
  }

  // Problems the parser accepts but a scenario cannot hold: unresolved aliases, and keys that are
  // not plain names (`? [a, b]`, `~`), each at its own position.
  private structuralProblems(): SyntaxProblem[] {
    const problems: SyntaxProblem[] = [];
    visit(this.doc, {
      Alias: (_key, node) => {
        if (!node.resolve(this.doc)) problems.push({ ...this.nodePosition(node), message: `YAML: the alias *${node.source} refers to no anchor &${node.source} before it` });
      },
      Pair: (_key, pair) => {
        const key = pair.key;
        const plain = isScalar(key) && (typeof key.value === 'string' || typeof key.value === 'number') && String(key.value) !== '';
        if (!plain) {
          const at = key && typeof key === 'object' && 'range' in key && key.range ? this.position((key as Node).range![0]) : { line: 1, column: 1 };
          problems.push({ ...at, message: `YAML: expected a plain key like \`name\`, got ${isScalar(key) ? `\`${String(key.value)}\`` : 'a list or mapping as a key'}` });
        }
      },
    });
    return problems;
  }

  private keyAt(offset: number): string {
    const rest = this.text.slice(offset);
    const key = /^["']?([^"':\n]*)["']?\s*:/.exec(rest)?.[1]?.trim();
    return key ? `\`${key}\`` : 'a key';
  }

  private nodePosition(node: Node): Position {
    return node.range ? this.position(node.range[0]) : { line: 1, column: 1 };
  }

  private position(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

// `steps[0].fault`: the path as an author reads it.
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(document)' : out;
}

export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
