/** Anything kept in update order: its last update time and a per-shop tie-breaker. */
export interface UpdateKeyed {
  updatedAt: number;
  seq: number;
}

/** A position in update order: strictly after (updatedAt, seq). */
export interface UpdatePosition {
  updatedAt: number;
  seq: number;
}

function compare(a: UpdatePosition, b: UpdatePosition): number {
  return a.updatedAt - b.updatedAt || a.seq - b.seq;
}

/**
 * Items sorted by (updatedAt, seq), ascending: what every order search pages through. Lookups are
 * binary searches; an update moves one item (remove + insert, a memmove, not a re-sort), so
 * 100,000 orders per shop stay fast.
 */
export class UpdatedIndex<T extends UpdateKeyed> {
  private readonly items: T[] = [];

  get length(): number {
    return this.items.length;
  }

  at(index: number): T | undefined {
    return this.items[index];
  }

  insert(item: T): void {
    this.items.splice(this.firstAfter(item, true), 0, item);
  }

  /**
   * Inserts many items at once: appended when they all come after the current last item in order
   * (the usual case), otherwise appended and re-sorted once, so a bulk load of back-dated history
   * costs one sort instead of one memmove per item.
   */
  insertMany(items: T[]): void {
    if (items.length < 16) {
      for (const item of items) this.insert(item);
      return;
    }
    let sorted = true;
    let previous: T | undefined = this.items[this.items.length - 1];
    for (const item of items) {
      if (previous && compare(previous, item) > 0) {
        sorted = false;
        break;
      }
      previous = item;
    }
    this.items.push(...items);
    if (!sorted) this.items.sort(compare);
  }

  /** Call before changing the item's updatedAt, then insert it again (see `move`). */
  remove(item: T): void {
    const index = this.firstAfter(item, true);
    if (this.items[index] === item) this.items.splice(index, 1);
    else {
      const fallback = this.items.indexOf(item);
      if (fallback >= 0) this.items.splice(fallback, 1);
    }
  }

  move(item: T, updatedAt: number): void {
    this.remove(item);
    item.updatedAt = updatedAt;
    this.insert(item);
  }

  /** Index of the first item with key >= position (inclusive) or > position (exclusive). */
  firstAfter(position: UpdatePosition, inclusive: boolean): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const order = compare(this.items[mid], position);
      if (order < 0 || (!inclusive && order === 0)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Index of the first item updated at or after `ms`. */
  firstAtOrAfterTime(ms: number): number {
    return this.firstAfter({ updatedAt: ms, seq: -Infinity }, true);
  }

  /** Index of the first item updated strictly after `ms`. */
  firstAfterTime(ms: number): number {
    return this.firstAfter({ updatedAt: ms, seq: Infinity }, true);
  }

  clear(): void {
    this.items.length = 0;
  }
}
