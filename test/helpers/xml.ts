/**
 * A small strict XML 1.0 reader for tests: it throws on anything not well-formed (mismatched or
 * unclosed tags, unquoted or repeated attributes, undeclared entities, a bare "<" or "&",
 * characters XML cannot carry, text outside the root) and returns the element tree.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const INVALID_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export class XmlError extends Error {}

function decode(raw: string, at: number): string {
  if (raw.includes('<')) throw new XmlError(`"<" in character data near offset ${at}`);
  return raw.replace(/&([^;]*);|&/g, (m, ref: string | undefined) => {
    if (ref === undefined) throw new XmlError(`bare "&" near offset ${at}`);
    if (ref in ENTITIES) return ENTITIES[ref]!;
    const num = /^#x([0-9A-Fa-f]+)$/.exec(ref)?.[1] ?? /^#([0-9]+)$/.exec(ref)?.[1];
    if (num === undefined) throw new XmlError(`undeclared entity "&${ref};" near offset ${at}`);
    const cp = ref.startsWith('#x') ? parseInt(num, 16) : parseInt(num, 10);
    const ch = String.fromCodePoint(cp);
    if (INVALID_CHAR.test(ch)) throw new XmlError(`character reference to an invalid character ${m}`);
    return ch;
  });
}

export function parseXml(text: string): XmlElement {
  const bad = INVALID_CHAR.exec(text);
  if (bad) throw new XmlError(`invalid XML character U+${bad[0].codePointAt(0)!.toString(16).padStart(4, '0')} at offset ${bad.index}`);
  let i = 0;
  const decl = /^<\?xml\s+version="1\.[0-9]"(\s+encoding="[A-Za-z0-9._-]+")?(\s+standalone="(yes|no)")?\s*\?>/.exec(text);
  if (decl) i = decl[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt === -1 ? text.length : lt);
    if (stack.length === 0) {
      if (chunk.trim() !== '') throw new XmlError(`text outside the root element at offset ${i}`);
    } else {
      stack[stack.length - 1]!.text += decode(chunk, i);
    }
    if (lt === -1) break;
    i = lt;
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end === -1) throw new XmlError('unclosed comment');
      i = end + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', i)) {
      if (stack.length === 0) throw new XmlError('CDATA outside the root element');
      const end = text.indexOf(']]>', i);
      if (end === -1) throw new XmlError('unclosed CDATA section');
      stack[stack.length - 1]!.text += text.slice(i + 9, end);
      i = end + 3;
      continue;
    }
    if (text.startsWith('</', i)) {
      const name = NAME.exec(text.slice(i + 2))?.[0];
      const open = stack.pop();
      if (!name || !open || open.name !== name) throw new XmlError(`closing tag </${name}> does not match <${open?.name ?? '(none)'}> at offset ${i}`);
      i += 2 + name.length;
      const close = /^\s*>/.exec(text.slice(i));
      if (!close) throw new XmlError(`malformed closing tag at offset ${i}`);
      i += close[0].length;
      continue;
    }
    const name = NAME.exec(text.slice(i + 1))?.[0];
    if (!name) throw new XmlError(`"<" not followed by a tag name at offset ${i}`);
    if (stack.length === 0 && root !== null) throw new XmlError(`a second root element <${name}> at offset ${i}`);
    i += 1 + name.length;
    const el: XmlElement = { name, attrs: {}, children: [], text: '' };
    for (;;) {
      const ws = /^\s*/.exec(text.slice(i))![0];
      i += ws.length;
      if (text.startsWith('/>', i) || text.startsWith('>', i)) break;
      if (ws === '') throw new XmlError(`attributes of <${name}> must be separated by white space (offset ${i})`);
      const attr = /^([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("([^"]*)"|'([^']*)')/.exec(text.slice(i));
      if (!attr) throw new XmlError(`malformed attribute in <${name}> at offset ${i}`);
      if (attr[1]! in el.attrs) throw new XmlError(`attribute "${attr[1]}" repeated in <${name}>`);
      el.attrs[attr[1]!] = decode(attr[3] ?? attr[4] ?? '', i);
      i += attr[0].length;
    }
    if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
    else root = el;
    if (text.startsWith('/>', i)) {
      i += 2;
    } else {
      i += 1;
      stack.push(el);
    }
  }
  if (stack.length > 0) throw new XmlError(`unclosed element <${stack[stack.length - 1]!.name}>`);
  if (!root) throw new XmlError('no root element');
  return root;
}

/** Every element named `name` under `el`, depth first. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    if (e.name === name) out.push(e);
    e.children.forEach(walk);
  };
  walk(el);
  return out;
}
