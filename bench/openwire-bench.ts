/**
 * OpenWire per-message CPU cost, in process and without sockets, for the record (not a test):
 *   node --import tsx bench/openwire-bench.ts [messages=20000] [consumers=1] [repeats=7]
 *        [--size 1024] [--topic] [--cache false] [--shared false] [--copy]
 *
 * --size: body bytes. --topic: a topic message (the consumers are its subscribers). --cache false: the consumer
 * connections negotiated wireFormat.cacheEnabled=false, so a topic's message is marshalled once for all of them
 * (SharedDispatchEncoder) unless --shared false. --copy: bodies are copied into the batch whatever their size
 * (the connection references those of 16 KiB and more: EXTERNAL_BYTES_MIN).
 *
 * A client codec encodes `messages` 1 KiB BytesMessages as the Java client sends them (tight encoding, marshal
 * cache, version 12, properties `seq` and `ts`); the broker side then does what OpenWireConnection does for each:
 * decode the frame (fed in 64 KiB chunks, like socket reads), convert it to the core Message, convert it back and
 * encode a MessageDispatch for each of `consumers` consumer connections into a batch taken every 64 messages.
 * Prints the best of `repeats` runs in ns per message for each half. The machine is shared and noisy: compare
 * runs made one after the other, and trust the minimum.
 */
import { Destination } from '../src/model/destination.js';
import { Message } from '../src/model/message.js';
import { PropertyType } from '../src/model/properties.js';
import { ByteWriter } from '../src/protocol/openwire/codec/byte-writer.js';
import type * as ow from '../src/protocol/openwire/codec/commands.js';
import { T } from '../src/protocol/openwire/codec/types.js';
import { OpenWireFormat } from '../src/protocol/openwire/codec/wire-format.js';
import { consumerId } from '../src/protocol/openwire/codec/ids.js';
import { EXTERNAL_BYTES_MIN, sharedDispatch } from '../src/protocol/openwire/shared-dispatch.js';
import {
  fromOpenWireMessage,
  toOpenWireDestination,
  toOpenWireMessage,
} from '../src/protocol/openwire/message-convert.js';

const positional: string[] = [];
const flags = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i]!;
  if (a === '--topic' || a === '--copy') flags.set(a, 'true');
  else if (a.startsWith('--')) flags.set(a, process.argv[++i] ?? '');
  else positional.push(a);
}
const messages = Number(positional[0] ?? 20_000);
const consumers = Number(positional[1] ?? 1);
const repeats = Number(positional[2] ?? 7);
const size = Number(flags.get('--size') ?? 1024);
const topic = flags.get('--topic') === 'true';
const cache = flags.get('--cache') !== 'false';
const shared = flags.get('--shared') !== 'false';
const copy = flags.get('--copy') === 'true';
if (![messages, consumers, repeats, size].every((n) => Number.isSafeInteger(n) && n > 0)) {
  console.error('usage: openwire-bench.ts [messages] [consumers] [repeats] [--size N] [--topic] [--cache false] ...');
  process.exit(2);
}

/** A pair of formats negotiated with each other, as a Java client and the broker end up. */
function pair(cacheEnabled = true): { client: OpenWireFormat; broker: OpenWireFormat } {
  const client = new OpenWireFormat({ cacheEnabled });
  const broker = new OpenWireFormat();
  client.negotiate(broker.preferredWireFormatInfo());
  broker.negotiate(client.preferredWireFormatInfo());
  return { client, broker };
}

/** The producer's frames, cut into 64 KiB chunks. */
function producerChunks(): Buffer[] {
  const { client } = pair();
  const queue = topic ? Destination.topic('bench.topic') : Destination.queue('bench.queue');
  const body = Buffer.alloc(size, 'abcdefghijklmnopqrstuvwxyz');
  const w = new ByteWriter(1 << 16);
  const start = Date.now() * 1000;
  for (let i = 0; i < messages; i++) {
    const m = new Message();
    m.messageId = `ID:bench-host-40000-1700000000000-1:1:1:1:${i + 1}`;
    m.producerId = 'ID:bench-host-40000-1700000000000-1:1:1:1';
    m.destination = queue;
    m.bodyType = 'bytes';
    m.body = body;
    m.timestamp = Date.now();
    m.priority = 4;
    m.properties.set('seq', { type: PropertyType.Long, value: BigInt(i) });
    m.properties.set('ts', { type: PropertyType.Long, value: BigInt(start + i) });
    const cmd = toOpenWireMessage(m);
    client.encodeTo({ ...cmd, commandId: i + 1 }, w);
  }
  const all = w.take();
  const chunks: Buffer[] = [];
  for (let p = 0; p < all.length; p += 65536) chunks.push(Buffer.from(all.subarray(p, p + 65536)));
  return chunks;
}

function run(chunks: readonly Buffer[]): { decodeNs: number; dispatchNs: number; bytes: number } {
  const { broker } = pair();
  const outs = Array.from({ length: consumers }, (_, i) => ({
    format: pair(cache).broker,
    writer: new ByteWriter(512, copy ? 0 : EXTERNAL_BYTES_MIN),
    consumerId: consumerId('ID:bench-host-40000-1700000000000-2:1', 1, i + 1),
  }));
  const received: Message[] = [];
  const t0 = process.hrtime.bigint();
  for (const c of chunks) {
    broker.feed(c, (cmd) => {
      if (cmd.type === T.ACTIVEMQ_BYTES_MESSAGE) received.push(fromOpenWireMessage(cmd, 'conn'));
    });
  }
  const t1 = process.hrtime.bigint();
  let bytes = 0;
  for (let i = 0; i < received.length; i++) {
    const msg = received[i]!;
    msg.brokerSequence = i + 1;
    const now = Date.now();
    for (const o of outs) {
      // As OpenWireConnection.dispatchedMessage: a topic's message shared by cache-off connections.
      const key = topic && shared ? o.format.sharedEncodingKey : null;
      const build = (): ow.Message => ({ ...toOpenWireMessage(msg), brokerOutTime: now });
      const delivery = { consumerId: 'c', message: msg, redelivered: false, redeliveryCount: 0 };
      const md: ow.MessageDispatch = {
        type: T.MESSAGE_DISPATCH,
        commandId: 0,
        responseRequired: false,
        consumerId: o.consumerId,
        destination: toOpenWireDestination(msg.destination),
        message: key === null ? build() : (sharedDispatch.message(delivery, now, key, build) as unknown as ow.Message),
        redeliveryCounter: 0,
      };
      o.format.encodeTo(md, o.writer);
      if ((i & 63) === 63) for (const c of o.writer.takeChunks()) bytes += c.length;
    }
  }
  for (const o of outs) for (const c of o.writer.takeChunks()) bytes += c.length;
  const t2 = process.hrtime.bigint();
  if (received.length !== messages) throw new Error(`decoded ${received.length} of ${messages} messages`);
  return { decodeNs: Number(t1 - t0) / messages, dispatchNs: Number(t2 - t1) / messages, bytes };
}

const chunks = producerChunks();
let best = { decodeNs: Infinity, dispatchNs: Infinity, bytes: 0 };
for (let r = 0; r < repeats; r++) {
  const x = run(chunks);
  best = {
    decodeNs: Math.min(best.decodeNs, x.decodeNs),
    dispatchNs: Math.min(best.dispatchNs, x.dispatchNs),
    bytes: x.bytes,
  };
}
console.log(
  `${messages} messages of ${size} B to a ${topic ? 'topic' : 'queue'}, marshal cache ${cache ? 'on' : 'off'}` +
    `${topic && !cache ? (shared ? ', shared encoding' : ', encoded per subscriber') : ''}` +
    `${copy ? ', bodies copied' : ''}; ` +
    `${consumers} consumer(s), best of ${repeats}: ` +
    `receive ${best.decodeNs.toFixed(0)} ns/msg (decode + convert), ` +
    `dispatch ${best.dispatchNs.toFixed(0)} ns/msg (${(best.dispatchNs / consumers).toFixed(0)} per delivery), ` +
    `${(best.bytes / messages / consumers).toFixed(0)} B/delivery`,
);
