/**
 * A growable ring buffer: O(1) push/shift at both ends, indexed access, and removal from the middle for
 * the rare individual ack. Used for pending and dispatched message lists, where Array.shift would be O(n).
 */
export class Deque<T> {
  private items: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(capacity = 16) {
    let c = 16;
    while (c < capacity) c <<= 1;
    this.items = new Array<T | undefined>(c);
  }

  get length(): number {
    return this.count;
  }

  at(index: number): T {
    return this.items[(this.head + index) & (this.items.length - 1)] as T;
  }

  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  push(item: T): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) & (this.items.length - 1)] = item;
    this.count++;
  }

  unshift(item: T): void {
    if (this.count === this.items.length) this.grow();
    this.head = (this.head - 1) & (this.items.length - 1);
    this.items[this.head] = item;
    this.count++;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.count--;
    return item;
  }

  /** Removes and returns the item at `index`, moving the shorter side. */
  removeAt(index: number): T {
    const mask = this.items.length - 1;
    const item = this.at(index);
    if (index < this.count / 2) {
      for (let i = index; i > 0; i--) this.items[(this.head + i) & mask] = this.items[(this.head + i - 1) & mask];
      this.items[this.head] = undefined;
      this.head = (this.head + 1) & mask;
    } else {
      for (let i = index; i < this.count - 1; i++)
        this.items[(this.head + i) & mask] = this.items[(this.head + i + 1) & mask];
      this.items[(this.head + this.count - 1) & mask] = undefined;
    }
    this.count--;
    return item;
  }

  /** Inserts at `index` (0 = front, length = back). */
  insertAt(index: number, item: T): void {
    if (index === 0) return this.unshift(item);
    if (index === this.count) return this.push(item);
    if (this.count === this.items.length) this.grow();
    const mask = this.items.length - 1;
    for (let i = this.count; i > index; i--)
      this.items[(this.head + i) & mask] = this.items[(this.head + i - 1) & mask];
    this.items[(this.head + index) & mask] = item;
    this.count++;
  }

  indexOf(predicate: (item: T) => boolean): number {
    for (let i = 0; i < this.count; i++) if (predicate(this.at(i))) return i;
    return -1;
  }

  clear(): T[] {
    const out = this.toArray();
    this.items = new Array<T | undefined>(16);
    this.head = 0;
    this.count = 0;
    return out;
  }

  toArray(): T[] {
    const out: T[] = new Array<T>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.at(i);
    return out;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.count; i++) yield this.at(i);
  }

  private grow(): void {
    const next = new Array<T | undefined>(this.items.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.at(i);
    this.items = next;
    this.head = 0;
  }
}
