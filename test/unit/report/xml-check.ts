// A tiny XML well-formedness check for tests: balanced tags, quoted attributes, escaped text.

export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly text: string;
  readonly children: XmlElement[];
}

const TAG = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.:-]*="[^"<]*")*)\s*(\/?)>/y;
const ATTR = /([A-Za-z_][\w.:-]*)="([^"]*)"/g;
const TEXT = /[^<]*/y;
const BAD_TEXT = /&(?!(amp|lt|gt|quot|#\d+|#x[0-9a-f]+|apos);)|>/i;

const unescape = (s: string): string =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

// Parses the document into a tree or throws saying where it is malformed.
export function parseXml(doc: string): XmlElement {
  let pos = 0;
  const decl = /^<\?xml [^?]*\?>\s*/.exec(doc);
  if (decl) pos = decl[0].length;
  const root: XmlElement = { name: '#document', attrs: {}, text: '', children: [] };
  const stack: XmlElement[] = [root];
  while (pos < doc.length) {
    TEXT.lastIndex = pos;
    const text = TEXT.exec(doc)![0];
    if (BAD_TEXT.test(text)) throw new Error(`unescaped text at ${pos}: ${text.slice(0, 40)}`);
    (stack.at(-1) as { text: string }).text += unescape(text);
    pos += text.length;
    if (pos >= doc.length) break;
    TAG.lastIndex = pos;
    const tag = TAG.exec(doc);
    if (!tag) throw new Error(`malformed tag at ${pos}: ${doc.slice(pos, pos + 40)}`);
    pos += tag[0].length;
    const [, closing, name, rawAttrs, selfClosing] = tag;
    if (closing) {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const [, key, value] of (rawAttrs ?? '').matchAll(ATTR)) {
      if (key! in attrs) throw new Error(`duplicate attribute ${key} on <${name}>`);
      if (BAD_TEXT.test(value!)) throw new Error(`unescaped attribute ${key} on <${name}>`);
      attrs[key!] = unescape(value!);
    }
    const element: XmlElement = { name: name!, attrs, text: '', children: [] };
    stack.at(-1)!.children.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  if (root.children.length !== 1 || root.text.trim() !== '') throw new Error('expected exactly one root element');
  return root.children[0]!;
}

// Every element named `name` in the tree, depth first.
export function findAll(element: XmlElement, name: string): XmlElement[] {
  return [...(element.name === name ? [element] : []), ...element.children.flatMap((c) => findAll(c, name))];
}
