import { Destination } from '../../model/destination.js';
import { ByteReader, ByteWriter } from '../bytes.js';
import type { DurableSubscriptionRecord } from '../persistence-adapter.js';
import { StoreCorruptError } from '../store-errors.js';
import type { StoreIndex } from '../store-index.js';
import type { JournalPosition } from './journal.js';
import { crc32 } from './record.js';

/** Where an operation's bytes are in the journal: a segment and a byte range inside one record. */
export interface Location {
  readonly segment: number;
  readonly offset: number;
  readonly length: number;
}

/**
 * The checkpoint: a snapshot of the index (every destination, durable subscription, pending message with
 * its location and redelivery count, prepared transaction) plus the journal position it covers. Recovery
 * loads it and replays only the records after that position, so restart time follows what is pending, not
 * the journal's history (KahaDB gets the same from its page-file index and its checkpoint location).
 * It holds locations, not message bodies, so writing one costs a few dozen bytes per pending message.
 *
 *   magic "TIDECKPT" | u32 version | body | u32 CRC32 of everything before it
 */
const MAGIC = Buffer.from('TIDECKPT', 'latin1');
const VERSION = 1;

export function encodeCheckpoint(w: ByteWriter, index: StoreIndex<Location>, position: JournalPosition): Buffer {
  w.reset();
  w.raw(MAGIC);
  w.u32(VERSION);
  w.varuint(position.segment);
  w.varuint(position.offset);
  w.varuint(index.nextSeq);
  w.varuint(index.destinations.size);
  for (const d of index.destinations.values()) {
    w.string(d.destination.key);
    const subIndex = new Map<string, number>();
    w.varuint(d.subscriptions.size);
    for (const s of d.subscriptions.values()) {
      subIndex.set(s.key, subIndex.size);
      w.string(s.key);
      w.string(s.clientId);
      w.string(s.subscriptionName);
      w.optString(s.selector);
      w.u8(s.noLocal ? 1 : 0);
    }
    w.varuint(d.messages.size);
    for (const m of d.messages.values()) {
      w.string(m.id);
      w.varuint(m.seq);
      w.varuint(m.ref.segment);
      w.varuint(m.ref.offset);
      w.varuint(m.ref.length);
      w.varint(m.redelivered);
      if (m.waiting !== null) {
        w.varuint(m.waiting.size);
        for (const k of m.waiting) w.varuint(subIndex.get(k) ?? 0);
      }
    }
  }
  w.varuint(index.prepared.size);
  for (const [tx, loc] of index.prepared) {
    w.string(tx);
    w.varuint(loc.segment);
    w.varuint(loc.offset);
    w.varuint(loc.length);
  }
  w.u32(crc32(w.view()));
  return w.copy();
}

/** Fills `index` from a checkpoint image and returns the journal position to replay from. */
export function decodeCheckpoint(buf: Buffer, index: StoreIndex<Location>): JournalPosition {
  if (buf.length < MAGIC.length + 8 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new StoreCorruptError('checkpoint: bad magic');
  }
  const bodyEnd = buf.length - 4;
  if (crc32(buf, 0, bodyEnd) !== buf.readUInt32LE(bodyEnd))
    throw new StoreCorruptError('checkpoint: checksum mismatch');
  const r = new ByteReader(buf, MAGIC.length, bodyEnd);
  const version = r.u32();
  if (version !== VERSION) throw new StoreCorruptError(`checkpoint: unsupported version ${version}`);
  const position = { segment: r.varuint(), offset: r.varuint() };
  index.nextSeq = r.varuint();
  const nd = r.count('destinations', 2);
  for (let i = 0; i < nd; i++) {
    const destination = Destination.parse(r.string('destination'));
    const d = index.ensureDestination(destination);
    const ns = r.count('subscriptions', 5);
    const subKeys: string[] = [];
    for (let j = 0; j < ns; j++) {
      const sub: DurableSubscriptionRecord = {
        destination,
        key: r.string('subscription key'),
        clientId: r.string('client id'),
        subscriptionName: r.string('subscription name'),
        selector: r.optString('selector'),
        noLocal: r.u8() !== 0,
      };
      subKeys.push(sub.key);
      d.subscriptions.set(sub.key, sub);
    }
    const nm = r.count('messages', 6);
    for (let j = 0; j < nm; j++) {
      const id = r.string('message id');
      const seq = r.varuint();
      const ref: Location = { segment: r.varuint(), offset: r.varuint(), length: r.varuint() };
      const redelivered = r.varint();
      let waiting: Set<string> | null = null;
      if (destination.isTopic) {
        const nw = r.count('waiting subscriptions', 1);
        waiting = new Set();
        for (let k = 0; k < nw; k++) {
          const key = subKeys[r.varuint()];
          if (key === undefined) throw new StoreCorruptError('checkpoint: waiting subscription out of range');
          waiting.add(key);
        }
      }
      index.restore(d, { id, seq, ref, redelivered, waiting });
    }
  }
  const np = r.count('prepared transactions', 4);
  for (let i = 0; i < np; i++) {
    const tx = r.string('transaction id');
    index.prepared.set(tx, { segment: r.varuint(), offset: r.varuint(), length: r.varuint() });
  }
  if (r.remaining !== 0) throw new StoreCorruptError(`checkpoint: ${r.remaining} unexpected trailing bytes`);
  return position;
}
