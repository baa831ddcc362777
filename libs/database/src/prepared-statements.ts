import { Client, type ClientConfig } from 'pg';

/**
 * Which statement texts a process sends as named prepared statements. A text with parameters is
 * named once it has been sent twice, so PostgreSQL parses and analyses it once per connection
 * (and, after five executions, may keep a generic plan) instead of on every call: unnamed, those
 * steps were a fifth of PostgreSQL's time under the demo's order history. The names are bounded:
 * each pooled connection keeps every statement it prepared, in its backend's memory, for its
 * life, so a process names `limit` texts at most (the hot ones come first, being sent most). The
 * texts sent once are remembered up to `remembered` of them: statements built with a varying
 * number of placeholders are not kept forever.
 */
export class StatementNames {
  private readonly sentOnce = new Set<string>();
  private readonly names = new Map<string, string>();

  constructor(
    private readonly limit = 120,
    private readonly remembered = 2_000,
  ) {}

  /** The name to prepare `text` under, or undefined: send it unnamed. */
  nameFor(text: string): string | undefined {
    const named = this.names.get(text);
    if (named !== undefined || this.names.size >= this.limit) return named;
    if (!this.sentOnce.delete(text)) {
      if (this.sentOnce.size < this.remembered) this.sentOnce.add(text);
      return undefined;
    }
    const name = `ocop_${this.names.size + 1}`;
    this.names.set(text, name);
    if (this.names.size >= this.limit) this.sentOnce.clear();
    return name;
  }

  get size(): number {
    return this.names.size;
  }
}

type QueryCallback = (error: Error | null, result: unknown) => void;

/**
 * A node-postgres client class for the pool (its `Client` option) that sends repeated statements
 * named (StatementNames). TypeORM calls `query(text, values)`; nothing else changes: results,
 * errors and transactions are those of the same statement unnamed.
 */
export function preparingClient(names: StatementNames): typeof Client {
  return class PreparingClient extends Client {
    constructor(config?: string | ClientConfig) {
      super(config);
      const send = this.query.bind(this) as (...args: unknown[]) => unknown;
      Object.assign(this, {
        query: (config: unknown, values?: unknown, callback?: QueryCallback) => {
          const name =
            typeof config === 'string' && Array.isArray(values) && values.length > 0
              ? names.nameFor(config)
              : undefined;
          return name === undefined
            ? send(config, values, callback)
            : send({ name, text: config, values }, callback);
        },
      });
    }
  };
}
