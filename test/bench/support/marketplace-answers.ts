/**
 * How long the marketplaces took to answer the worker's calls, from its `marketplace_answer_seconds`
 * histogram (GET /metrics): sent to answered, the call gate's wait left out. In the benchmarks the
 * marketplaces are the sandboxes, which share the driver's one event loop: an answer they were late
 * with is the load generator's time, not the connector's, and shows here as the worker saw it.
 */
export type AnswerCounts = Map<string, Map<string, number>>;

const LINE = /^marketplace_answer_seconds_(bucket|count)\{([^}]*)\} ([0-9.e+]+)$/;

/** The histogram's counts per marketplace: each bucket's upper bound (`le`, and `count`) to its count. */
export async function answerCounts(metricsUrl: string): Promise<AnswerCounts> {
  const text = await (await fetch(metricsUrl)).text();
  const counts: AnswerCounts = new Map();
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries(
      [...match[2].matchAll(/(\w+)="([^"]*)"/g)].map(([, name, value]) => [name, value]),
    );
    const marketplace = labels.marketplace;
    if (!marketplace) continue;
    const own = counts.get(marketplace) ?? new Map<string, number>();
    own.set(match[1] === 'count' ? 'count' : labels.le, Number(match[3]));
    counts.set(marketplace, own);
  }
  return counts;
}

/** Per marketplace over a span (`after` less `before`): calls, the bucket holding the median and the 95th, and the share over 1 s. */
export interface AnswerFigures {
  calls: number;
  /** upper bound of the bucket that holds the median answer, in seconds ("+Inf": beyond the last) */
  p50AtMostS: string;
  p95AtMostS: string;
  overOneSecond: number;
}

export function answerFigures(before: AnswerCounts, after: AnswerCounts): Record<string, AnswerFigures> {
  const figures: Record<string, AnswerFigures> = {};
  for (const [marketplace, counts] of after) {
    const earlier = before.get(marketplace);
    const span = (key: string) => (counts.get(key) ?? 0) - (earlier?.get(key) ?? 0);
    const calls = span('count');
    if (calls === 0) continue;
    const bounds = [...counts.keys()]
      .filter((key) => key !== 'count')
      .sort((a, b) => (a === '+Inf' ? 1 : b === '+Inf' ? -1 : Number(a) - Number(b)));
    const atMost = (share: number) => bounds.find((bound) => span(bound) >= share * calls) ?? '+Inf';
    figures[marketplace] = {
      calls,
      p50AtMostS: atMost(0.5),
      p95AtMostS: atMost(0.95),
      overOneSecond: Math.round(((calls - span('1')) / calls) * 1000) / 10,
    };
  }
  return figures;
}

/** One line of the figures, e.g. "sendo 4,210 calls, p50 <= 0.1 s, p95 <= 1 s, 2.1 % over 1 s". */
export function describeAnswers(figures: Record<string, AnswerFigures>): string {
  return Object.entries(figures)
    .map(
      ([marketplace, f]) =>
        `${marketplace} ${f.calls} calls, p50 <= ${f.p50AtMostS} s, p95 <= ${f.p95AtMostS} s, ${f.overOneSecond} % over 1 s`,
    )
    .join('; ');
}
