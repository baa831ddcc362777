/**
 * JSON may escape half of a UTF-16 pair (`"\ud83d"`: an emoji cut in two by a client, a fuzzer or
 * a marketplace), and JSON.parse keeps that lone surrogate in the string. PostgreSQL refuses it in
 * jsonb ("Unicode low surrogate must follow a high surrogate"), so a request, a webhook or a
 * marketplace answer holding one would fail where it is stored, as a 500 or a job that never
 * succeeds. Text read as JSON is therefore made well-formed where it enters: each lone surrogate
 * becomes U+FFFD, as UTF-8 decoding already does to bytes that are not UTF-8.
 */

/**
 * `value` with every string, property names included, well-formed. Objects and arrays are changed
 * in place (a parsed body is nobody else's); walks with its own stack, never recursion, so a deep
 * value cannot overflow it.
 */
export function wellFormed<T>(value: T): T {
  return mapStrings(value, (text) => (text.isWellFormed() ? text : text.toWellFormed()));
}

/** Every string of `value`, property names included, replaced by `fix(string)`, in place. */
function mapStrings<T>(value: T, fix: (text: string) => string): T {
  if (typeof value === 'string') return fix(value) as T;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i += 1) {
        const item: unknown = node[i];
        if (typeof item === 'string') node[i] = fix(item);
        else if (typeof item === 'object' && item !== null) pending.push(item);
      }
      continue;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      let item = record[key];
      if (typeof item === 'string') item = record[key] = fix(item);
      else if (typeof item === 'object' && item !== null) pending.push(item);
      const fixed = fix(key);
      if (fixed !== key) {
        delete record[key];
        record[fixed] = item;
      }
    }
  }
  return value;
}

/** Only these escapes make a string PostgreSQL cannot store: NUL, or half of a UTF-16 pair. */
const UNSTORABLE_ESCAPE = /\\u(0000|[dD][89a-fA-F])/;
const NUL = '\u0000';

/**
 * JSON from a marketplace (a webhook body, an API answer), with every string storable: well-formed,
 * and each NUL (U+0000, which PostgreSQL keeps in neither text nor jsonb) replaced by U+FFFD too.
 * The API refuses such input from our own users with a 400 they can act on; a marketplace's event
 * cannot be sent again differently, and refusing it would lose the order it tells of.
 * Throws as JSON.parse does.
 */
export function parseMarketplaceJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  // the cheap test first: the walk is needed only where an escape could have made such a string
  if (!UNSTORABLE_ESCAPE.test(text)) return value;
  return mapStrings(value, (item) =>
    (item.isWellFormed() ? item : item.toWellFormed()).replaceAll(NUL, '\uFFFD'),
  );
}
