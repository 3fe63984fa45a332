/** Shared by the region's unit tests: contexts, sinks, consumers and messages without a protocol. */
import { AckType, consumerInfoFor, type ConsumerInfo, type MessageAck } from '../../../../src/model/commands.js';
import type { Destination } from '../../../../src/model/destination.js';
import { Message } from '../../../../src/model/message.js';
import type { ConnectionContext, ConsumerHandle, Delivery } from '../../../../src/broker/broker.js';
import type { RegionBroker } from '../../../../src/broker/region/region-broker.js';

let counter = 0;

export function context(clientId: string | null = null): ConnectionContext {
  const id = `conn-${++counter}`;
  return {
    info: { connectionId: id, clientId, userName: null, password: null, remoteAddress: 'test', protocol: 'test' },
    security: null,
    control: { close: () => {} },
  };
}

export class TestSink {
  readonly received: Delivery[] = [];
  /** Empty answers: a pull that found nothing, or the end of a browse. */
  nulls = 0;
  ready = true;
  deliver(d: Delivery | null): void {
    if (d === null) this.nulls++;
    else this.received.push(d);
  }
  get bodies(): string[] {
    return this.received.map((d) => Buffer.from(d.message.body ?? []).toString());
  }
}

export function consumerInfo(dest: Destination, opts: Partial<ConsumerInfo> = {}): ConsumerInfo {
  return consumerInfoFor(`c-${++counter}`, dest, opts);
}

let seq = 0;
export function message(dest: Destination, body: string, init: Partial<Message> = {}): Message {
  const m = new Message();
  m.messageId = `ID:test-${++seq}:1:1:1`;
  m.destination = dest;
  m.bodyType = 'text';
  m.body = Buffer.from(body);
  Object.assign(m, init);
  return m;
}

export async function consumer(
  b: RegionBroker,
  ctx: ConnectionContext,
  dest: Destination,
  opts: Partial<ConsumerInfo> = {},
): Promise<{ sink: TestSink; handle: ConsumerHandle }> {
  const sink = new TestSink();
  const handle = await b.addConsumer(ctx, consumerInfo(dest, opts), sink);
  return { sink, handle };
}

export function ack(
  consumerId: string,
  messageId: string,
  type = AckType.Standard,
  poisonCause: string | null = null,
): MessageAck {
  return {
    consumerId,
    type,
    firstMessageId: null,
    lastMessageId: messageId,
    messageCount: 1,
    transactionId: null,
    poisonCause,
  };
}

/** Lets store writes and promise chains settle. */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * A consumer that acknowledges everything it was given: each call acks what arrived since the last one, then
 * lets the broker settle. `acked` says how many so far.
 */
export function autoAcker(
  b: RegionBroker,
  ctx: ConnectionContext,
  handle: ConsumerHandle,
  sink: TestSink,
): { ackAll(): Promise<void>; readonly acked: number } {
  let acked = 0;
  return {
    async ackAll() {
      while (acked < sink.received.length) {
        await b.acknowledge(ctx, ack(handle.info.consumerId, sink.received[acked++]!.message.messageId));
      }
      await settle();
    },
    get acked() {
      return acked;
    },
  };
}
