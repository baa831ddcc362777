/**
 * A reader for the small XML payloads Lazada-style calls take (`<Request><Product>…`): elements,
 * text and the five predefined entities; attributes, comments and CDATA are refused. Hostile input
 * (unbalanced tags, deep nesting, huge documents) yields null, never an exception.
 */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

const MAX_DEPTH = 16;
const MAX_LENGTH = 1_000_000;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string): string | null {
  let bad = false;
  const decoded = text.replace(/&([a-z]+);|&/g, (match, name: string | undefined) => {
    const value = name === undefined ? undefined : ENTITIES[name];
    if (value === undefined) bad = true;
    return value ?? match;
  });
  return bad ? null : decoded;
}

export function parseXml(source: string): XmlElement | null {
  if (source.length > MAX_LENGTH) return null;
  const text = source.replace(/^\s*<\?xml[^?]*\?>/, '');
  const tag = /<(\/?)([A-Za-z_][\w.-]*)\s*(\/?)>/y;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let position = 0;
  while (position < text.length) {
    const next = text.indexOf('<', position);
    const chunk = text.slice(position, next === -1 ? text.length : next);
    if (chunk.trim() !== '') {
      const top = stack[stack.length - 1];
      const value = decode(chunk);
      if (!top || value === null) return null;
      top.text += value;
    }
    if (next === -1) break;
    tag.lastIndex = next;
    const match = tag.exec(text);
    if (!match) return null;
    position = tag.lastIndex;
    const [, closing, name, selfClosing] = match;
    if (closing) {
      if (selfClosing || stack.pop()?.name !== name) return null;
      continue;
    }
    const element: XmlElement = { name, children: [], text: '' };
    if (stack.length === 0) {
      if (root) return null;
      root = element;
    } else stack[stack.length - 1].children.push(element);
    if (!selfClosing) {
      if (stack.length >= MAX_DEPTH) return null;
      stack.push(element);
    }
  }
  return root && stack.length === 0 ? root : null;
}

/** The first child element with this name. */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((candidate) => candidate.name === name);
}

/** Every child element with this name. */
export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element?.children.filter((candidate) => candidate.name === name) ?? [];
}

/** The trimmed text of a child element, or undefined when it is absent or empty. */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  const text = child(element, name)?.text.trim();
  return text === undefined || text === '' ? undefined : text;
}
