import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenWireFormat, type WireFormatOptions } from './wire-format.js';
import { ByteWriter } from './byte-writer.js';
import type { Command, DataStructure } from './commands.js';
import { prng, randomStructure, typesAt } from '../../../../test/support/protocol/openwire/codec/testkit.js';
import { T } from './types.js';

/** A format already negotiated to `opts` (both sides want the same). */
function format(opts: Partial<WireFormatOptions>): OpenWireFormat {
  const f = new OpenWireFormat(opts);
  f.negotiate({ ...f.preferred });
  return f;
}

const modes: Partial<WireFormatOptions>[] = [];
for (const version of [1, 6, 9, 12]) {
  for (const tightEncodingEnabled of [true, false]) {
    for (const cacheEnabled of [true, false]) modes.push({ version, tightEncodingEnabled, cacheEnabled });
  }
}

test('frames whose byte arrays stay outside the batch are byte for byte the frames encode() copies', () => {
  for (const m of modes) {
    // Two encoders fed the same commands keep the same marshal cache, so their frames must be identical.
    const copying = format(m);
    const referencing = format(m);
    // externalMin 1: every non-empty byte array of every type is left out of the buffer and referenced.
    const w = new ByteWriter(16, 1);
    const rnd = prng(m.version! * 4 + (m.tightEncodingEnabled ? 2 : 0) + (m.cacheEnabled ? 1 : 0));
    const cmds = typesAt(m.version!).map((t) => randomStructure(t, m.version!, rnd));
    const expected = Buffer.concat(cmds.map((c) => copying.encode(c)));
    for (const c of cmds) referencing.encodeTo(c, w);
    const chunks = w.takeChunks();
    assert.deepEqual(Buffer.concat(chunks), expected, `version ${m.version} ${JSON.stringify(m)}`);
    assert.equal(w.queuedBytes, 0);
  }
});

function bytesMessage(body: Uint8Array, id: number): DataStructure {
  return {
    type: T.ACTIVEMQ_BYTES_MESSAGE,
    commandId: id,
    responseRequired: false,
    producerId: null,
    destination: { type: T.ACTIVEMQ_QUEUE, physicalName: 'Q' },
    transactionId: null,
    originalDestination: null,
    messageId: null,
    originalTransactionId: null,
    groupID: null,
    groupSequence: 0,
    correlationId: null,
    persistent: false,
    expiration: 0,
    priority: 4,
    replyTo: null,
    timestamp: 0,
    type_: null,
    content: body,
    marshalledProperties: null,
    dataStructure: null,
    targetConsumerId: null,
    compressed: false,
    redeliveryCounter: 0,
    brokerPath: null,
    arrival: 0,
    userID: null,
    recievedByDFBridge: false,
    droppable: false,
    cluster: null,
    brokerInTime: 0,
    brokerOutTime: 0,
    jmsxGroupFirstForConsumer: false,
  } as unknown as DataStructure;
}

test('a large body is handed out as the very buffer it was given, between the frame bytes around it', () => {
  for (const tightEncodingEnabled of [true, false]) {
    const enc = format({ tightEncodingEnabled, cacheEnabled: false });
    const dec = format({ tightEncodingEnabled, cacheEnabled: false });
    const body = Buffer.alloc(100 * 1024, 7);
    const small = Buffer.alloc(100, 3);
    const w = new ByteWriter(512, 16 * 1024);
    enc.encodeTo(bytesMessage(body, 1), w);
    enc.encodeTo(bytesMessage(small, 2), w);
    enc.encodeTo(bytesMessage(body, 3), w);
    assert.equal(w.queuedBytes, w.length + 2 * body.length);
    const chunks = w.takeChunks();
    // frame 1 head, body, frame 1 tail + frame 2 + frame 3 head, body, frame 3 tail
    assert.equal(chunks.filter((c) => c === body).length, 2, 'the body itself, not a copy');
    assert.ok(w.length === 0 && w.queuedBytes === 0);
    const out: Command[] = [];
    dec.feed(Buffer.concat(chunks), (c) => out.push(c));
    const contents = out.map((c) => (c as unknown as { content: Uint8Array }).content);
    assert.deepEqual(
      contents.map((c) => c.length),
      [body.length, small.length, body.length],
    );
    assert.ok(Buffer.from(contents[0]!).equals(body) && Buffer.from(contents[2]!).equals(body));
  }
});

test('take() still returns one contiguous buffer when arrays were referenced', () => {
  const enc = format({});
  const w = new ByteWriter(512, 1024);
  const body = Buffer.alloc(4096, 9);
  enc.encodeTo(bytesMessage(body, 1), w);
  assert.deepEqual(w.take(), format({}).encode(bytesMessage(body, 1)));
});

test('a large frame arriving in socket-sized chunks is copied once, into a buffer of its own size', () => {
  const enc = format({ cacheEnabled: false });
  const dec = format({ cacheEnabled: false });
  const body = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < body.length; i++) body[i] = i * 31;
  const frame = enc.encode(bytesMessage(body, 1));
  const out: Command[] = [];
  const pushes: number[] = [];
  for (let at = 0; at < frame.length; at += 65536) {
    dec.feed(frame.subarray(at, at + 65536), (c) => out.push(c));
    pushes.push(dec.pendingBytes);
  }
  assert.equal(out.length, 1);
  // Until the last chunk nothing is decoded or copied: the chunks are only held (all but the size prefix read).
  assert.equal(pushes.at(-2), 65536 * (pushes.length - 1) - 4);
  assert.equal(pushes.at(-1), 0);
  const content = (out[0] as unknown as { content: Uint8Array }).content;
  assert.ok(Buffer.from(content).equals(body));
  // One allocation of the frame's size (without its 4-byte prefix), the body a view into it: no growing buffer.
  assert.equal(content.buffer.byteLength, frame.length - 4);
});
