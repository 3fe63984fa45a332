import { ByteWriter } from '../../../../src/store/bytes.js';
import type { Location } from '../../../../src/store/journal/checkpoint.js';
import type { JournalPosition } from '../../../../src/store/journal/journal.js';
import { crc32 } from '../../../../src/store/journal/record.js';

/** One queue's pending messages as the version 1 checkpoint listed them. */
export interface V1Queue {
  readonly key: string;
  readonly messages: readonly { id: string; seq: number; ref: Location; redelivered: number }[];
}

/**
 * A checkpoint image in the format TideMQ wrote before the incremental checkpoint (version 1: a full snapshot
 * of the index, ids included), for queues without durable subscriptions or prepared transactions. It follows
 * the encoder of that release field by field, so the upgrade path is tested against the real layout.
 */
export function encodeV1Checkpoint(position: JournalPosition, nextSeq: number, queues: readonly V1Queue[]): Buffer {
  const w = new ByteWriter(1024);
  w.raw(Buffer.from('TIDECKPT', 'latin1'));
  w.u32(1);
  w.varuint(position.segment);
  w.varuint(position.offset);
  w.varuint(nextSeq);
  w.varuint(queues.length);
  for (const q of queues) {
    w.string(q.key);
    w.varuint(0); // durable subscriptions
    w.varuint(q.messages.length);
    for (const m of q.messages) {
      w.string(m.id);
      w.varuint(m.seq);
      w.varuint(m.ref.segment);
      w.varuint(m.ref.offset);
      w.varuint(m.ref.length);
      w.varint(m.redelivered);
    }
  }
  w.varuint(0); // prepared transactions
  w.u32(crc32(w.view()));
  return w.copy();
}
