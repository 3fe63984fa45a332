/** One destination's counters at a sample. */
export interface RateSample {
  readonly key: string;
  readonly enqueues: number;
  readonly dequeues: number;
}

interface Series {
  lastEnqueues: number;
  lastDequeues: number;
  /** Messages per second between samples, oldest first, at most `samples` long. */
  readonly enqueueRates: number[];
  readonly dequeueRates: number[];
  seen: number;
}

/**
 * Recent enqueue and dequeue rates per destination, for the console's sparklines: every `sample` call turns the
 * counters' growth since the previous one into messages per second. Bounded: `samples` points per destination,
 * `maxSeries` destinations (the rest are not drawn), and a destination that no longer shows up is forgotten.
 */
export class RateHistory {
  private readonly series = new Map<string, Series>();
  private lastAt = -1;
  private round = 0;

  constructor(
    readonly samples = 60,
    readonly maxSeries = 500,
  ) {}

  sample(now: number, destinations: Iterable<RateSample>): void {
    const seconds = this.lastAt < 0 ? 0 : (now - this.lastAt) / 1000;
    this.lastAt = now;
    this.round++;
    for (const d of destinations) {
      let s = this.series.get(d.key);
      if (s === undefined) {
        if (this.series.size >= this.maxSeries) continue;
        s = { lastEnqueues: d.enqueues, lastDequeues: d.dequeues, enqueueRates: [], dequeueRates: [], seen: 0 };
        this.series.set(d.key, s);
      } else if (seconds > 0) {
        // A counter that went down was reset (resetStatistics): that interval counts from zero.
        push(s.enqueueRates, rate(d.enqueues, s.lastEnqueues, seconds), this.samples);
        push(s.dequeueRates, rate(d.dequeues, s.lastDequeues, seconds), this.samples);
        s.lastEnqueues = d.enqueues;
        s.lastDequeues = d.dequeues;
      }
      s.seen = this.round;
    }
    for (const [key, s] of this.series) if (s.seen !== this.round) this.series.delete(key);
  }

  rates(key: string): { readonly enqueues: readonly number[]; readonly dequeues: readonly number[] } | undefined {
    const s = this.series.get(key);
    return s === undefined ? undefined : { enqueues: s.enqueueRates, dequeues: s.dequeueRates };
  }
}

function rate(now: number, before: number, seconds: number): number {
  return (now >= before ? now - before : now) / seconds;
}

function push(list: number[], v: number, max: number): void {
  list.push(v);
  if (list.length > max) list.shift();
}
