import { producerIdToString, type MessageId } from '../protocol/openwire/codec/index.js';

/**
 * ActiveMQMessageAudit: per producer, the sequence numbers of the last `depth` messages consumed, for at most
 * `maxProducers` producers (least recently seen dropped first). After a failover the new broker may deliver a
 * message whose ack was lost with the old one; the consumer finds it here and acknowledges it without handing it
 * to the application again.
 *
 * Recorded when the application has consumed a message (acked, or committed), not when it was dispatched:
 * a message the broker redelivers because it was never acknowledged is not a duplicate.
 */
export class MessageAudit {
  private readonly producers = new Map<string, { seen: Set<number>; order: number[] }>();

  constructor(
    private readonly depth = 2048,
    private readonly maxProducers = 64,
  ) {}

  private key(id: MessageId | null): [string, number] | null {
    if (id === null || id.producerId === null) return null;
    return [producerIdToString(id.producerId), id.producerSequenceId];
  }

  isDuplicate(id: MessageId | null): boolean {
    const k = this.key(id);
    if (k === null) return false;
    return this.producers.get(k[0])?.seen.has(k[1]) ?? false;
  }

  record(id: MessageId | null): void {
    const k = this.key(id);
    if (k === null) return;
    let p = this.producers.get(k[0]);
    if (p === undefined) {
      if (this.producers.size >= this.maxProducers) {
        const oldest = this.producers.keys().next().value;
        if (oldest !== undefined) this.producers.delete(oldest);
      }
      p = { seen: new Set(), order: [] };
    } else {
      this.producers.delete(k[0]);
    }
    this.producers.set(k[0], p); // most recently used last
    if (p.seen.has(k[1])) return;
    p.seen.add(k[1]);
    p.order.push(k[1]);
    if (p.order.length > this.depth) p.seen.delete(p.order.shift()!);
  }
}
