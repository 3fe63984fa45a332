/**
 * Which message ids each producer already sent, in a bounded window: ActiveMQ's producer audit
 * (ActiveMQMessageAuditNoSync, which KahaDB keeps as its producerSequenceIdTracker to refuse a duplicate add
 * after a failover resend). A message id is `<producerId>:<producerSequenceId>` (OpenWire's MessageId, and the
 * ids TideMQ's STOMP converter makes); per producer the last `auditDepth` sequence numbers are tracked, and at
 * most `maxProducers` producers, least recently used first out. Memory: maxProducers × auditDepth bits.
 *
 * As in ActiveMQ's BitArrayBin, a sequence number older than the window cannot be judged and counts as new.
 */
export interface ProducerAuditOptions {
  /** Sequence numbers remembered per producer; KahaDB's failoverProducersAuditDepth default 2048. */
  readonly auditDepth?: number;
  /** Producers remembered; KahaDB's maxFailoverProducersToTrack default 64. */
  readonly maxProducers?: number;
}

export const DEFAULT_AUDIT_DEPTH = 2048;
export const DEFAULT_MAX_PRODUCERS = 64;
/** Bounds that keep one audit's memory small whatever the configuration says (64 MiB of bits at most). */
const MAX_DEPTH = 1 << 20;
const MAX_PRODUCERS = 1 << 16;

/** `ID:host-1-2-3:1:1:1:42` → producer `ID:host-1-2-3:1:1:1`, sequence 42; null for ids of another shape. */
export function splitMessageId(messageId: string): { producerId: string; sequence: number } | null {
  const colon = messageId.lastIndexOf(':');
  if (colon <= 0 || colon === messageId.length - 1) return null;
  const tail = messageId.slice(colon + 1);
  if (!/^\d{1,15}$/.test(tail)) return null;
  return { producerId: messageId.slice(0, colon), sequence: Number(tail) };
}

/** The last `depth` sequence numbers of one producer, as a ring of bits. */
class Window {
  private highest = -1;
  private readonly bits: Uint8Array;

  constructor(private readonly depth: number) {
    this.bits = new Uint8Array(Math.ceil(depth / 8));
  }

  /** Marks `seq` seen (or unseen) and says whether it was seen before. */
  set(seq: number, value: boolean): boolean {
    if (seq > this.highest) {
      if (!value) return false;
      // Slide the window: positions between the old top and seq are new and start clear.
      const from = Math.max(this.highest + 1, seq - this.depth + 1);
      for (let s = from; s < seq; s++) this.write(s, false);
      this.highest = seq;
      this.write(seq, true);
      return false;
    }
    if (seq <= this.highest - this.depth) return false; // older than the window: cannot tell
    const was = this.read(seq);
    this.write(seq, value);
    return was;
  }

  private read(seq: number): boolean {
    const i = seq % this.depth;
    return (this.bits[i >> 3]! & (1 << (i & 7))) !== 0;
  }

  private write(seq: number, value: boolean): void {
    const i = seq % this.depth;
    if (value) this.bits[i >> 3]! |= 1 << (i & 7);
    else this.bits[i >> 3]! &= ~(1 << (i & 7));
  }
}

export class ProducerAudit {
  readonly auditDepth: number;
  readonly maxProducers: number;
  /** Insertion order is recency: a producer used again moves to the end. */
  private readonly producers = new Map<string, Window>();

  constructor(options: ProducerAuditOptions = {}) {
    this.auditDepth = bounded(options.auditDepth ?? DEFAULT_AUDIT_DEPTH, MAX_DEPTH, 'auditDepth');
    this.maxProducers = bounded(options.maxProducers ?? DEFAULT_MAX_PRODUCERS, MAX_PRODUCERS, 'maxProducers');
  }

  /**
   * Records the message id and says whether it was recorded before (a duplicate). Ids without a numeric
   * producer sequence are never duplicates.
   */
  isDuplicate(messageId: string): boolean {
    const id = splitMessageId(messageId);
    if (id === null) return false;
    return this.window(id.producerId).set(id.sequence, true);
  }

  /** Forgets one id again: its send failed, so a retry of it is not a duplicate. */
  rollback(messageId: string): void {
    const id = splitMessageId(messageId);
    if (id === null) return;
    this.producers.get(id.producerId)?.set(id.sequence, false);
  }

  get trackedProducers(): number {
    return this.producers.size;
  }

  private window(producerId: string): Window {
    let w = this.producers.get(producerId);
    if (w !== undefined) {
      this.producers.delete(producerId);
    } else {
      w = new Window(this.auditDepth);
      if (this.producers.size >= this.maxProducers) {
        const eldest = this.producers.keys().next().value;
        if (eldest !== undefined) this.producers.delete(eldest);
      }
    }
    this.producers.set(producerId, w);
    return w;
  }
}

function bounded(v: number, max: number, name: string): number {
  if (!Number.isInteger(v) || v < 1 || v > max)
    throw new RangeError(`producer audit: ${name} must be 1..${max}, not ${v}`);
  return v;
}
