import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';

export type PathKey = string | number;

export interface Position {
  line: number;
  column: number;
}

export interface SyntaxProblem extends Position {
  message: string;
}

// Deeper than any scenario needs (about 8 levels), shallow enough that nothing recursing over
// the document (the parser, the schema, the redactor) runs out of stack.
export const MAX_NESTING = 64;
// The parser's own recursion overflows the stack at about 1,000 levels, so deeper text is
// refused before it is parsed, by a line-based count that may over-count (brackets in comments
// or strings); the exact MAX_NESTING is checked on the parsed document.
const PARSER_SAFE_NESTING = 400;
// Nodes of one document: a scenario of 500 steps has about 5,000.
export const MAX_NODES = 100_000;
// Aliases (`*name`) in one document, and how large it may grow once they are expanded.
export const MAX_ALIASES = 100;
export const MAX_EXPANDED_CHARS = 2 * 1024 * 1024;

// A YAML document that remembers where every node came from, so errors can name file:line:column.
export class YamlSource {
  readonly data: unknown;
  readonly syntaxProblems: readonly SyntaxProblem[];
  private readonly lines = new LineCounter();
  private readonly doc: Document.Parsed;
  // Pairs of each mapping by key, built on first use: locating 10,000 problems of one mapping
  // must not search it 10,000 times.
  private readonly pairsByKey = new WeakMap<YAMLMap, Map<string, Pair>>();

  constructor(readonly text: string) {
    const problems: SyntaxProblem[] = [];
    const depth = flowAndIndentDepth(text);
    let docs: Document.Parsed[] = [];
    if (depth.depth > PARSER_SAFE_NESTING) {
      problems.push({ line: depth.line, column: depth.column, message: `YAML: expected at most ${MAX_NESTING} levels of nested lists and mappings, got more` });
    } else {
      try {
        // uniqueKeys is checked below: the parser's own check compares every key with every
        // other, and 10,000 keys took seconds.
        docs = parseAllDocuments(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: false, strict: true, logLevel: 'silent' }) as Document.Parsed[];
      } catch (error) {
        problems.push({ line: 1, column: 1, message: `YAML: ${firstLine((error as Error).message)}` });
      }
    }
    if (!Array.isArray(docs)) docs = [];
    this.doc = docs[0] ?? (emptyDocument() as Document.Parsed);
    if (docs.length > 1) {
      const second = docs[1]!;
      problems.push({ ...this.position(second.range[0]), message: `YAML: expected one document, got ${docs.length}: a second document starts here (kdrill reads one scenario per file)` });
    }
    problems.push(
      ...this.doc.errors.map((error) => ({
        ...this.position(error.pos[0]),
        message: error.code === 'DUPLICATE_KEY' ? `YAML syntax: the key ${this.keyAt(error.pos[0])} appears twice in the same mapping` : `YAML syntax: ${firstLine(error.message)}`,
      })),
    );
    if (problems.length === 0) problems.push(...this.sizeProblems());
    if (problems.length === 0) problems.push(...this.structuralProblems());
    let data: unknown;
    if (problems.length === 0) {
      try {
        data = this.doc.toJS({ maxAliasCount: MAX_ALIASES });
      } catch (error) {
        problems.push({ line: 1, column: 1, message: `YAML: ${firstLine((error as Error).message)}` });
      }
      // Aliases repeat what they name: the document as kdrill holds it must stay within bounds.
      if (problems.length === 0 && JSON.stringify(data ?? null).length > MAX_EXPANDED_CHARS) {
        problems.push({ line: 1, column: 1, message: `YAML: expected the document, its aliases expanded, to be at most ${MAX_EXPANDED_CHARS / (1024 * 1024)} MiB, got more` });
        data = undefined;
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
        const pair = this.pairOf(node, String(key));
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

  private pairOf(map: YAMLMap, key: string): Pair | undefined {
    let index = this.pairsByKey.get(map);
    if (!index) {
      index = new Map();
      for (const pair of map.items) {
        if (isPair(pair) && isScalar(pair.key) && !index.has(String(pair.key.value))) index.set(String(pair.key.value), pair as Pair);
      }
      this.pairsByKey.set(map, index);
    }
    return index.get(key);
  }

  // Nesting and size the line-based pre-check cannot see (flow collections on one line are
  // counted there; this counts nodes and the real depth), walked without recursion.
  private sizeProblems(): SyntaxProblem[] {
    const stack: [unknown, number][] = [[this.doc.contents, 1]];
    let count = 0;
    while (stack.length > 0) {
      const [node, depth] = stack.pop()!;
      if (!node || typeof node !== 'object') continue;
      if (++count > MAX_NODES) return [{ ...this.nodePosition(node as Node), message: `YAML: expected at most ${MAX_NODES} values in one document, got more` }];
      if (depth > MAX_NESTING && (isMap(node) || isSeq(node))) {
        return [{ ...this.nodePosition(node as Node), message: `YAML: expected at most ${MAX_NESTING} levels of nested lists and mappings, got more` }];
      }
      if (isMap(node)) {
        const keys = new Set<string>();
        for (const pair of node.items) {
          if (!isScalar(pair.key)) continue;
          const key = String(pair.key.value);
          if (keys.has(key)) return [{ ...this.nodePosition(pair.key), message: `YAML syntax: the key \`${key.slice(0, 60)}\` appears twice in the same mapping` }];
          keys.add(key);
        }
      }
      if (isMap(node) || isSeq(node)) {
        for (const item of node.items) {
          if (isPair(item)) {
            stack.push([item.key, depth + 1], [item.value, depth + 1]);
          } else stack.push([item, depth + 1]);
        }
      }
    }
    return [];
  }

  // Problems the parser accepts but a scenario cannot hold: unresolved aliases, and keys that are
  // not plain names (`? [a, b]`, `~`), each at its own position.
  private structuralProblems(): SyntaxProblem[] {
    const problems: SyntaxProblem[] = [];
    let aliases = 0;
    visit(this.doc, {
      Alias: (_key, node, path) => {
        const target = node.resolve(this.doc);
        if (!target) problems.push({ ...this.nodePosition(node), message: `YAML: the alias *${node.source} refers to no anchor &${node.source} before it` });
        // An alias inside the very list or mapping it names would make the document infinite.
        else if (path.includes(target as never)) problems.push({ ...this.nodePosition(node), message: `YAML: the alias *${node.source} is inside the value &${node.source} names, which would make it contain itself` });
        else if (++aliases === MAX_ALIASES + 1) problems.push({ ...this.nodePosition(node), message: `YAML: expected at most ${MAX_ALIASES} aliases in one document, got more` });
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

function emptyDocument(): Document {
  return parseAllDocuments('')[0] ?? (parseAllDocuments('~')[0] as Document);
}

// The deepest nesting the text can reach, read line by line without a parser (whose own
// recursion overflows at about 1,000 levels): indentation steps plus open flow brackets.
// Over-counts (brackets inside quoted strings), never under-counts a real structure.
function flowAndIndentDepth(text: string): { depth: number; line: number; column: number } {
  const indents: number[] = [];
  let flow = 0;
  let worst = { depth: 0, line: 1, column: 1 };
  let lineNumber = 0;
  for (const line of text.split('\n')) {
    lineNumber++;
    const content = line.replace(/^[\s-]*/, '');
    const indent = line.length - content.length;
    if (content !== '' && !content.startsWith('#') && flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
    }
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (c === '[' || c === '{') flow++;
      else if ((c === ']' || c === '}') && flow > 0) flow--;
      const depth = indents.length + flow;
      // The first place the limit is passed, where the author can see the structure grow.
      if (depth > PARSER_SAFE_NESTING) return { depth, line: lineNumber, column: i + 1 };
      if (depth > worst.depth) worst = { depth, line: lineNumber, column: i + 1 };
    }
  }
  return worst;
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
