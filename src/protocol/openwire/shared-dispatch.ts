import type { Delivery } from '../../broker/broker.js';
import type { Message } from '../../model/message.js';
import type * as ow from './codec/commands.js';
import { Marshaller } from './codec/marshaller.js';
import { PreEncoded } from './codec/pre-encoded.js';
import { specOf, type FieldSpec } from './codec/schema.js';
import { T } from './codec/types.js';

/**
 * Message bodies (and other byte arrays) this large are not copied into a connection's batch: the batch keeps a
 * reference and the socket gets them as they are, in one vectored write with the frames around them. Below
 * this, copying is cheaper than a writev entry.
 */
export const EXTERNAL_BYTES_MIN = 16 * 1024;

interface Entry {
  key: string;
  groupFirst: boolean;
  pre: PreEncoded;
}

/**
 * Topic fan-out: a message published to N subscribers is marshalled once per wire format (version, tight or
 * loose, stack traces) and the bytes placed into each subscriber's MessageDispatch, which is marshalled per
 * subscriber around them (consumerId, destination, redeliveryCounter differ; the message does not). ActiveMQ
 * marshals the message per subscription; its cached `content` and `marshalledProperties` spare it only part of
 * the work.
 *
 * What a delivery adds to the message: brokerOutTime is stamped into each frame's copy of the bytes (a slow
 * subscriber's delivery comes later than the others'), JMSXGroupFirstForConsumer is part of the memo's key.
 * Connections with the marshal cache on (the Java client's default) do not share: see PreEncoded.
 */
export class SharedDispatchEncoder {
  private readonly marshallers = new Map<string, { m: Marshaller; field: FieldSpec }>();
  private readonly memo = new WeakMap<Message, Entry[]>();
  /** Encodings made and reused, for tests and the benchmark notes. */
  encoded = 0;
  reused = 0;

  constructor(private readonly externalMin: number) {}

  /**
   * The dispatched form of `delivery`'s message for a connection whose format has `key`
   * (OpenWireFormat.sharedEncodingKey), stamped with `now` as its brokerOutTime; `build` makes the ow.Message
   * when there is none to reuse. Encode the frame holding it before the next call (the stamp is shared).
   */
  message(delivery: Delivery, now: number, key: string, build: () => ow.Message): PreEncoded {
    const groupFirst = delivery.groupFirst === true;
    let entries = this.memo.get(delivery.message);
    if (entries !== undefined) {
      for (const e of entries) {
        if (e.key === key && e.groupFirst === groupFirst && e.pre.canStamp(now)) {
          this.reused++;
          e.pre.outTime = now;
          return e.pre;
        }
      }
    } else {
      entries = [];
      this.memo.set(delivery.message, entries);
    }
    const { m, field } = this.marshaller(key);
    const pre = m.preEncode(build() as unknown as Record<string, unknown> & { type: number }, field);
    this.encoded++;
    const i = entries.findIndex((e) => e.key === key && e.groupFirst === groupFirst);
    const entry = { key, groupFirst, pre };
    if (i >= 0) entries[i] = entry;
    else entries.push(entry);
    return pre;
  }

  private marshaller(key: string): { m: Marshaller; field: FieldSpec } {
    let known = this.marshallers.get(key);
    if (known === undefined) {
      const [version, encoding, stack] = key.split('|');
      const m = new Marshaller();
      m.version = Number(version);
      m.tight = encoding === 't';
      m.cacheEnabled = false;
      m.stackTraceEnabled = stack === 's';
      m.externalMin = this.externalMin;
      m.resetCache(0);
      const field = specOf(T.MESSAGE_DISPATCH)!.byVersion[m.version]!.find((f) => f.name === 'message')!;
      known = { m, field };
      this.marshallers.set(key, known);
    }
    return known;
  }
}

/** The process's one encoder: subscribers on different connections share its encodings. */
export const sharedDispatch = new SharedDispatchEncoder(EXTERNAL_BYTES_MIN);
