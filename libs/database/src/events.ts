import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LOGGER, type Logger } from '@ocop/common';
import { Outbox } from './outbox';
import { afterCommit } from './transactions';

/**
 * An event's type is its class, owned and exported by the context that publishes it. A class
 * that sets `mustBeHandled = 'in-transaction'` describes a change that is only half made until
 * another context has added its part in the same transaction (an order and its sales roll-ups):
 * publishing it while no such handler is registered throws, so the transaction rolls back instead
 * of committing the half.
 */
export interface EventType<E extends object> {
  new (...args: never[]): E;
  readonly name: string;
  readonly mustBeHandled?: 'in-transaction';
}

export type EventPhase = 'in-transaction' | 'after-commit';

/** Runs inside the publishing transaction, awaited; what it throws rolls the transaction back. */
export type InTransactionHandler<E> = (event: E, manager: EntityManager) => Promise<void>;
/** Runs once the transaction committed (never if it rolled back); what it throws is logged. */
export type AfterCommitHandler<E> = (event: E) => Promise<void> | void;

/**
 * An event also written to `domain_events` (the outbox) in the publishing transaction: the
 * durable record a consumer outside this process can read from a cursor of its own, where the
 * after-commit handlers of a process that dies right after the commit never run.
 */
export abstract class RecordedEvent<P extends object = object> {
  /** The type stored in `domain_events.type`, e.g. `ocop.certificate.activated`. */
  abstract readonly recordAs: string;

  constructor(
    readonly aggregateId: string,
    readonly payload: P,
  ) {}
}

export class MissingEventHandler extends Error {
  constructor(type: EventType<object>) {
    super(
      `${type.name} was published with no in-transaction handler registered: the module that must ` +
        'handle it is not loaded in this process, so the change is refused rather than half made',
    );
    this.name = 'MissingEventHandler';
  }
}

interface Handlers {
  inTransaction: InTransactionHandler<object>[];
  afterCommit: AfterCommitHandler<object>[];
}

/**
 * The one way contexts hear about each other's changes. A module registers the handlers it owns
 * (`on`, in its onModuleInit); a service publishes with the manager of the transaction that makes
 * the change. Handlers of one phase run in the order they were registered.
 */
@Injectable()
export class EventBus {
  private readonly handlers = new Map<EventType<object>, Handlers>();

  constructor(
    private readonly outbox: Outbox,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  on<E extends object>(type: EventType<E>, phase: 'in-transaction', handler: InTransactionHandler<E>): void;
  on<E extends object>(type: EventType<E>, phase: 'after-commit', handler: AfterCommitHandler<E>): void;
  on<E extends object>(
    type: EventType<E>,
    phase: EventPhase,
    handler: InTransactionHandler<E> | AfterCommitHandler<E>,
  ): void {
    const handlers = this.handlersOf(type);
    if (phase === 'in-transaction') handlers.inTransaction.push(handler as InTransactionHandler<object>);
    else handlers.afterCommit.push(handler as AfterCommitHandler<object>);
  }

  /** How many handlers of each phase `type` has in this process (start-up checks and tests). */
  registered(type: EventType<object>): { inTransaction: number; afterCommit: number } {
    const handlers = this.handlers.get(type);
    return {
      inTransaction: handlers?.inTransaction.length ?? 0,
      afterCommit: handlers?.afterCommit.length ?? 0,
    };
  }

  /**
   * Records the event if it is a RecordedEvent, runs the in-transaction handlers one after the
   * other, and leaves the after-commit handlers to `afterCommit`. Outside a transaction the
   * in-transaction handlers still run on `manager` and the after-commit ones start at once.
   */
  async publish(manager: EntityManager, event: object): Promise<void> {
    const type = event.constructor as EventType<object>;
    const handlers = this.handlers.get(type);
    const now = handlers?.inTransaction ?? [];
    if (type.mustBeHandled === 'in-transaction' && now.length === 0) throw new MissingEventHandler(type);
    if (event instanceof RecordedEvent) {
      await this.outbox.record(manager, event.recordAs, event.aggregateId, event.payload);
    }
    for (const handler of now) await handler(event, manager);
    for (const handler of handlers?.afterCommit ?? []) {
      afterCommit(manager, () =>
        Promise.resolve()
          .then(() => handler(event))
          .catch((error: unknown) =>
            this.logger.error({ err: String(error), event: type.name }, 'after-commit event handler failed'),
          ),
      );
    }
  }

  private handlersOf(type: EventType<object>): Handlers {
    let handlers = this.handlers.get(type);
    if (!handlers) {
      handlers = { inTransaction: [], afterCommit: [] };
      this.handlers.set(type, handlers);
    }
    return handlers;
  }
}
