/**
 * What the clients were told, per producer, and the rules a crash must not break. The clients report only
 * confirmed events: a send whose receipt/response arrived, an ack or commit the broker answered. After the
 * broker is killed and restarted, every queue is drained and compared with the ledger.
 */
export class Ledger {
  private readonly sent = new Map<string, Set<number>>();
  private readonly acked = new Map<string, Set<number>>();
  private readonly receivedSeqs = new Map<string, Set<number>>();
  private readonly drained = new Map<string, number[]>();

  /** Send of `seq` by producer `tag` was confirmed. */
  confirmSend(tag: string, seq: number): void {
    setFor(this.sent, tag).add(seq);
  }

  /**
   * A consumer received `seq` and is about to acknowledge it. If the broker dies before it answers, the ack
   * (or commit) is in doubt: it may have reached the store or not, so the message may be gone or back.
   */
  received(tag: string, seq: number): void {
    setFor(this.receivedSeqs, tag).add(seq);
  }

  /** The consumption of `seq` was confirmed (ack receipt, sync ack response, or commit). */
  confirmAck(tag: string, seq: number): void {
    setFor(this.acked, tag).add(seq);
  }

  /** A message found on the queue after the restart, in arrival order. */
  drainedMessage(tag: string, seq: number): void {
    let list = this.drained.get(tag);
    if (list === undefined) this.drained.set(tag, (list = []));
    list.push(seq);
  }

  get confirmedSends(): number {
    let n = 0;
    for (const s of this.sent.values()) n += s.size;
    return n;
  }

  get confirmedAcks(): number {
    let n = 0;
    for (const s of this.acked.values()) n += s.size;
    return n;
  }

  get drainedCount(): number {
    let n = 0;
    for (const s of this.drained.values()) n += s.length;
    return n;
  }

  /**
   * The violations, empty when the crash guarantees held:
   * - lost: a confirmed send neither consumed (confirmed, or in doubt: received with its ack unanswered)
   *   nor found after the restart;
   * - too many in doubt: more received-but-unconfirmed messages than one ack or commit covers (`inFlight`);
   * - resurrected: a confirmed consumption found again after the restart;
   * - out of order / duplicated: a producer's messages after the restart not strictly in send order;
   * - phantom: a message found that was never sent, or beyond the sends that could have been in flight
   *   (`inFlight` per producer: 1 for sync sends, the transaction size for transacted ones).
   */
  violations(inFlight: number): string[] {
    const out: string[] = [];
    const tags = new Set([...this.sent.keys(), ...this.drained.keys(), ...this.acked.keys()]);
    for (const tag of [...tags].sort()) {
      const sent = this.sent.get(tag) ?? new Set<number>();
      const acked = this.acked.get(tag) ?? new Set<number>();
      const drained = this.drained.get(tag) ?? [];
      const found = new Set(drained);
      const inDoubt = [...(this.receivedSeqs.get(tag) ?? [])].filter((s) => !acked.has(s));
      if (inDoubt.length > inFlight) {
        out.push(`${tag}: ${inDoubt.length} received messages without a confirmed ack: ${preview(inDoubt)}`);
      }
      const doubt = new Set(inDoubt);
      const lost = [...sent].filter((s) => !acked.has(s) && !doubt.has(s) && !found.has(s)).sort((a, b) => a - b);
      if (lost.length > 0) out.push(`${tag}: ${lost.length} confirmed sends lost: ${preview(lost)}`);
      const back = drained.filter((s) => acked.has(s));
      if (back.length > 0) out.push(`${tag}: ${back.length} confirmed acks came back: ${preview(back)}`);
      for (let i = 1; i < drained.length; i++) {
        if (drained[i]! <= drained[i - 1]!) {
          out.push(`${tag}: out of order or duplicated after restart: ${drained[i - 1]} then ${drained[i]}`);
          break;
        }
      }
      const maxSent = Math.max(0, ...sent);
      const phantom = drained.filter((s) => !sent.has(s) && (s <= 0 || s > maxSent + inFlight));
      if (phantom.length > 0) out.push(`${tag}: ${phantom.length} messages never sent were found: ${preview(phantom)}`);
    }
    return out;
  }
}

function setFor(map: Map<string, Set<number>>, tag: string): Set<number> {
  let s = map.get(tag);
  if (s === undefined) map.set(tag, (s = new Set()));
  return s;
}

function preview(list: readonly number[]): string {
  return list.length > 10 ? `${list.slice(0, 10).join(', ')}, …` : list.join(', ');
}
