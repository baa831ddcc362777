/**
 * JSON may escape half of a UTF-16 pair (`"\ud83d"`: an emoji cut in two by a client, a fuzzer or
 * a marketplace), and JSON.parse keeps that lone surrogate in the string. PostgreSQL refuses it in
 * jsonb ("Unicode low surrogate must follow a high surrogate"), so a request, a webhook or a
 * marketplace answer holding one would fail where it is stored, as a 500 or a job that never
 * succeeds. Text read as JSON is therefore made well-formed where it enters: each lone surrogate
 * becomes U+FFFD, as UTF-8 decoding already does to bytes that are not UTF-8.
 */

/** Only a `\uD800`–`\uDFFF` escape can make a lone surrogate out of JSON decoded from UTF-8. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * `value` with every string, property names included, well-formed. Objects and arrays are changed
 * in place (a parsed body is nobody else's); walks with its own stack, never recursion, so a deep
 * value cannot overflow it.
 */
export function wellFormed<T>(value: T): T {
  if (typeof value === 'string') return value.toWellFormed() as T;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i += 1) {
        const item: unknown = node[i];
        if (typeof item === 'string') {
          if (!item.isWellFormed()) node[i] = item.toWellFormed();
        } else if (typeof item === 'object' && item !== null) pending.push(item);
      }
      continue;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      let item = record[key];
      if (typeof item === 'string' && !item.isWellFormed()) item = record[key] = item.toWellFormed();
      else if (typeof item === 'object' && item !== null) pending.push(item);
      if (!key.isWellFormed()) {
        delete record[key];
        record[key.toWellFormed()] = item;
      }
    }
  }
  return value;
}

/** JSON.parse, with every string of the answer well-formed. Throws as JSON.parse does. */
export function parseWellFormedJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  // the cheap test first: the walk is needed only where an escape could have made a lone surrogate
  return SURROGATE_ESCAPE.test(text) ? wellFormed(value) : value;
}
