/**
 * How long a group stays open and how many items it holds at most: the first item opens the
 * window, and the group is written when the window closes or the group is full, whichever first.
 */
export interface GroupWindow {
  /** 0 gathers only what arrives before the event loop's next turn */
  windowMs: number;
  maxItems: number;
}

/** What an item arriving at a group of `waiting` items (itself included) asks for. */
export type GroupStep = 'write-now' | 'open-window' | 'join';

/**
 * The windowing rule: a full group is written at once; the first item of a group opens its window;
 * any other joins the open group.
 */
export function groupStep(waiting: number, window: GroupWindow): GroupStep {
  if (waiting >= window.maxItems) return 'write-now';
  return waiting === 1 ? 'open-window' : 'join';
}

/** Writes a group; answers one result per item, in the items' order. */
export type GroupWrite<Item, Result> = (items: readonly Item[]) => Promise<readonly Result[]>;

interface Waiting<Item, Result> {
  item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/**
 * Group commit: items submitted close together are written by one call, and each submitter's
 * promise settles only when that call has settled, so a caller that answers after `submit` answers
 * after its item's write, never before. Several groups may be in flight at once: a slow write
 * delays the items of its own group, not the next window's.
 *
 * A group whose write fails fails every item of it, unless `retryAloneWhen` says the failure may be
 * one item's doing (bad data rather than an unreachable store): then each item is written again in
 * a group of its own, so one bad item fails only its own submitter.
 */
export class GroupCommit<Item, Result> {
  private waiting: Waiting<Item, Result>[] = [];
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;

  constructor(
    private readonly write: GroupWrite<Item, Result>,
    private readonly window: GroupWindow,
    private readonly options: {
      retryAloneWhen?: (error: unknown) => boolean;
      /** told the size of every group written (a metric) */
      onGroup?: (size: number) => void;
    } = {},
  ) {
    if (!(window.maxItems >= 1) || !(window.windowMs >= 0)) {
      throw new RangeError('A group window needs at least one item and a window of 0 ms or more');
    }
  }

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      const step = groupStep(this.waiting.length, this.window);
      if (step === 'write-now') this.flush();
      else if (step === 'open-window') this.openWindow();
    });
  }

  /** Writes the open group now, without waiting for its window to close. */
  flush(): void {
    this.closeWindow();
    const group = this.waiting;
    this.waiting = [];
    if (group.length > 0) void this.writeGroup(group, true);
  }

  private openWindow(): void {
    this.timer =
      this.window.windowMs === 0
        ? setImmediate(() => this.flush())
        : setTimeout(() => this.flush(), this.window.windowMs);
  }

  private closeWindow(): void {
    if (this.timer === undefined) return;
    if (this.window.windowMs === 0) clearImmediate(this.timer as NodeJS.Immediate);
    else clearTimeout(this.timer as NodeJS.Timeout);
    this.timer = undefined;
  }

  private async writeGroup(group: Waiting<Item, Result>[], mayRetryAlone: boolean): Promise<void> {
    this.options.onGroup?.(group.length);
    let results: readonly Result[];
    try {
      results = await this.write(group.map((w) => w.item));
    } catch (error) {
      if (mayRetryAlone && group.length > 1 && this.options.retryAloneWhen?.(error)) {
        await Promise.all(group.map((one) => this.writeGroup([one], false)));
        return;
      }
      for (const one of group) one.reject(error);
      return;
    }
    if (results.length !== group.length) {
      const error = new Error(`A group write answered ${results.length} results for ${group.length} items`);
      for (const one of group) one.reject(error);
      return;
    }
    group.forEach((one, i) => one.resolve(results[i]));
  }
}
