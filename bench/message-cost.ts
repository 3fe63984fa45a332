/**
 * What a message held by the broker really costs in the heap, next to what memory limits count (Message.size),
 * for the record (not a test):
 *   node --expose-gc --import tsx bench/message-cost.ts [messages=50000] [bodyBytes=1024]
 *
 * Messages are decoded as the broker decodes them (OpenWire frames from the codec fed in 64 KiB chunks; STOMP
 * SEND frames through the parser), converted to the core Message, wrapped in a MessageReference as a queue holds
 * them, and kept; the heap (including ArrayBuffers) is measured after a full GC before and after.
 */
import { Destination } from '../src/model/destination.js';
import { Message } from '../src/model/message.js';
import { PropertyType } from '../src/model/properties.js';
import { ByteWriter } from '../src/protocol/openwire/codec/byte-writer.js';
import { T } from '../src/protocol/openwire/codec/types.js';
import { OpenWireFormat } from '../src/protocol/openwire/codec/wire-format.js';
import { fromOpenWireMessage, toOpenWireMessage } from '../src/protocol/openwire/message-convert.js';
import { StompParser } from '../src/protocol/stomp/codec/parser.js';
import { frameToMessage } from '../src/protocol/stomp/message-convert.js';
import { StompDestinations } from '../src/protocol/stomp/destinations.js';
import { MessageReference, type ReferenceOwner } from '../src/broker/region/message-reference.js';

const n = Number(process.argv[2] ?? 50_000);
const bodyBytes = Number(process.argv[3] ?? 1024);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const queue = Destination.queue('cost.queue');
const owner: ReferenceOwner = { consumed: () => {}, returned: () => {} };

function heap(): number {
  gc!();
  gc!();
  const u = process.memoryUsage();
  return u.heapUsed + u.arrayBuffers;
}

function chunks(all: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let p = 0; p < all.length; p += 65536) out.push(Buffer.from(all.subarray(p, p + 65536)));
  return out;
}

function openwireFrames(): Buffer[] {
  const client = new OpenWireFormat();
  const broker = new OpenWireFormat();
  client.negotiate(broker.preferredWireFormatInfo());
  const w = new ByteWriter(1 << 16);
  for (let i = 0; i < n; i++) {
    const m = new Message();
    m.messageId = `ID:cost-host-40000-1700000000000-1:1:1:1:${i + 1}`;
    m.producerId = 'ID:cost-host-40000-1700000000000-1:1:1:1';
    m.destination = queue;
    m.bodyType = 'bytes';
    m.body = Buffer.alloc(bodyBytes, 'abcdefghijklmnopqrstuvwxyz');
    m.persistent = true;
    m.timestamp = Date.now();
    m.properties.set('seq', { type: PropertyType.Long, value: BigInt(i) });
    client.encodeTo({ ...toOpenWireMessage(m), commandId: i + 1 }, w);
  }
  return chunks(w.take());
}

function stompFrames(): Buffer[] {
  const parts: Buffer[] = [];
  const body = Buffer.alloc(bodyBytes, 'abcdefghijklmnopqrstuvwxyz');
  for (let i = 0; i < n; i++) {
    parts.push(
      Buffer.from(`SEND\ndestination:/queue/cost.queue\npersistent:true\nseq:${i}\n\n`),
      body,
      Buffer.from([0]),
    );
  }
  return chunks(Buffer.concat(parts));
}

function measure(name: string, decode: (keep: Message[]) => void): void {
  const kept: MessageReference[] = [];
  const messages: Message[] = [];
  const before = heap();
  decode(messages);
  for (let i = 0; i < messages.length; i++) kept.push(new MessageReference(owner, messages[i]!, i));
  messages.length = 0;
  const after = heap();
  let counted = 0;
  for (const r of kept) counted += r.message.size;
  const real = (after - before) / kept.length;
  console.log(
    `${name}: ${kept.length} messages of ${bodyBytes} B: heap ${real.toFixed(0)} B/message, ` +
      `Message.size ${(counted / kept.length).toFixed(0)} B/message (ratio ${(real / (counted / kept.length)).toFixed(2)})`,
  );
}

const owChunks = openwireFrames();
measure('openwire', (keep) => {
  const broker = new OpenWireFormat();
  broker.negotiate(new OpenWireFormat().preferredWireFormatInfo());
  for (const c of owChunks) {
    broker.feed(c, (cmd) => {
      if (cmd.type === T.ACTIVEMQ_BYTES_MESSAGE) keep.push(fromOpenWireMessage(cmd, 'conn'));
    });
  }
});
const stChunks = stompFrames();
measure('stomp', (keep) => {
  const parser = new StompParser();
  const destinations = new StompDestinations('conn');
  let i = 0;
  for (const c of stChunks) {
    parser.push(c, (frame) => {
      const d = destinations.toDestination(frame.headers.get('destination')!, true, () => {});
      keep.push(
        frameToMessage(frame, d, {
          destinations,
          createdTemp: () => {},
          producerId: 'ID:stomp-producer',
          messageId: `ID:stomp-producer:${++i}`,
          connectionId: 'conn',
          now: Date.now(),
        }),
      );
    });
  }
});
