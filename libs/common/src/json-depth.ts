/**
 * How deeply a request's JSON may nest. The API's own bodies nest three or four levels and the
 * marketplaces' webhooks fewer than ten; a body nested thousands of levels is an attack on the
 * recursive code behind the parser (class-transformer overflowed the stack at 5,000).
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether `value` nests objects or arrays more than `limit` levels (a scalar is level 0). Walks
 * with its own stack, never recursion, so the check cannot overflow on what it is checking.
 */
export function nestsDeeperThan(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
  return false;
}
