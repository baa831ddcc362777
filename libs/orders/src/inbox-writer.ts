import { Injectable } from '@nestjs/common';
import { ConnectorConfig, GroupCommit } from '@ocop/common';
import { webhookInboxGroupRows } from './order-metrics';
import { WebhookInboxStore, type NewInboxEntry, type StoredInboxKey } from './webhook-inbox.repository';

/** The inbox's unique key: a uuid holds no space, so the first space ends the connection id. */
const keyOf = (entry: Pick<NewInboxEntry, 'connectionId' | 'eventId'>) =>
  `${entry.connectionId} ${entry.eventId}`;

/**
 * The rows one group stores: one per (connection, event id) — a delivery repeated inside the group
 * is a duplicate of its first — sorted by that key, so that every group inserts the events it
 * shares with another in the same order (two groups holding each other's uncommitted rows in
 * opposite orders would deadlock).
 */
export function inboxGroupRows(entries: readonly NewInboxEntry[]): NewInboxEntry[] {
  const first = new Map<string, NewInboxEntry>();
  for (const entry of entries) if (!first.has(keyOf(entry))) first.set(keyOf(entry), entry);
  return [...first.values()].sort((a, b) =>
    a.connectionId === b.connectionId
      ? compare(a.eventId, b.eventId)
      : compare(a.connectionId, b.connectionId),
  );
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Each entry's answer, in the entries' order: the new row's id for the first entry of a key the
 * statement stored, undefined for a duplicate — of a row stored before, or of an entry earlier in
 * the same group.
 */
export function inboxGroupAnswers(
  entries: readonly NewInboxEntry[],
  stored: readonly StoredInboxKey[],
): (string | undefined)[] {
  const idOf = new Map(stored.map((row) => [keyOf(row), row.id]));
  return entries.map((entry) => {
    const key = keyOf(entry);
    const id = idOf.get(key);
    // the key's first entry takes the id; any later one of the group is its duplicate
    idOf.delete(key);
    return id;
  });
}

/**
 * A failure that may be one row's doing, so the group's rows are each tried alone: bad data (22),
 * a constraint (23) or a deadlock (40P01). Anything else — the database unreachable, restarting,
 * out of connections, a statement timeout — would fail each row alone just as well, so the group
 * fails as one.
 */
export function oneRowsFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23)...$|^40P01$/.test(code);
}

/**
 * Writes received webhooks to the inbox by group commit (ARCHITECTURE.md, "Store, then
 * acknowledge"): the webhooks of concurrent requests that arrive within WEBHOOK_GROUP_COMMIT_MS of
 * the first, at most WEBHOOK_GROUP_COMMIT_ROWS, are stored by one INSERT … ON CONFLICT DO NOTHING,
 * one commit instead of one per request. `store` settles only once that statement has committed
 * (or failed), so a request answered 200 after it is on disk; a failed group fails each of its
 * requests, which then answer 5xx and are sent again by the marketplace.
 */
@Injectable()
export class InboxWriter {
  private readonly groups: GroupCommit<NewInboxEntry, string | undefined>;

  constructor(store: WebhookInboxStore, config: ConnectorConfig) {
    this.groups = new GroupCommit(
      async (entries) => inboxGroupAnswers(entries, await store.storeGroup(inboxGroupRows(entries))),
      { windowMs: config.env.WEBHOOK_GROUP_COMMIT_MS, maxItems: config.env.WEBHOOK_GROUP_COMMIT_ROWS },
      { retryAloneWhen: oneRowsFailure, onGroup: (size) => webhookInboxGroupRows.observe(size) },
    );
  }

  /** The new row's id once committed; undefined when the connection already had this event id. */
  store(entry: NewInboxEntry): Promise<string | undefined> {
    return this.groups.submit(entry);
  }
}
