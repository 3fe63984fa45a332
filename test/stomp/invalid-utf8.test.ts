import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrokerService } from '../../src/server/broker-service.js';
import { RawStomp, startBroker, waitFor } from './helpers.js';

/**
 * Issue 12.6: header names and values that are not UTF-8 are refused with an ERROR frame naming the header,
 * and the connection is closed, as for any other malformed frame; nothing is delivered.
 */
describe('STOMP frames with invalid UTF-8 in headers', () => {
  let service: BrokerService;
  let port: number;
  const raws: RawStomp[] = [];

  before(async () => {
    ({ service, port } = await startBroker());
  });

  after(async () => {
    for (const r of raws) r.destroy();
    await service.stop();
  });

  async function connected(): Promise<RawStomp> {
    const r = await RawStomp.open(port);
    raws.push(r);
    r.write('CONNECT\naccept-version:1.2\nhost:localhost\n\n\0');
    assert.equal((await r.frame(0)).command, 'CONNECTED');
    return r;
  }

  const frames: [string, Buffer, RegExp][] = [
    [
      'a SEND destination',
      Buffer.concat([Buffer.from('SEND\ndestination:/queue/utf8.'), Buffer.from([0xc3, 0x28]), Buffer.from('\n\nx\0')]),
      /Invalid UTF-8 in the value of header 'destination'/,
    ],
    [
      'a SEND property value',
      Buffer.concat([
        Buffer.from('SEND\ndestination:/queue/utf8.ok\ncolor:'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('\n\nx\0'),
      ]),
      /Invalid UTF-8 in the value of header 'color'/,
    ],
    [
      'a header name',
      Buffer.concat([
        Buffer.from('SEND\ndestination:/queue/utf8.ok\nk'),
        Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from(':v\n\nx\0'),
      ]),
      /Invalid UTF-8 in the name of header/,
    ],
    [
      'a SUBSCRIBE destination',
      Buffer.concat([Buffer.from('SUBSCRIBE\nid:1\ndestination:/queue/'), Buffer.from([0x80]), Buffer.from('\n\n\0')]),
      /Invalid UTF-8 in the value of header 'destination'/,
    ],
  ];

  for (const [what, frame, message] of frames) {
    it(`refuses ${what} with an ERROR naming the header, and closes`, async () => {
      const r = await connected();
      r.write(frame);
      const error = await r.frame(1);
      assert.equal(error.command, 'ERROR');
      assert.match(error.headers.get('message') ?? '', message);
      await waitFor(() => r.closed, 'the connection to close');
    });
  }

  it('delivers nothing that was refused', async () => {
    const consumer = await connected();
    consumer.write('SUBSCRIBE\nid:1\ndestination:/queue/utf8.ok\nreceipt:r\n\n\0');
    assert.equal((await consumer.frame(1)).command, 'RECEIPT');
    const producer = await connected();
    producer.write('SEND\ndestination:/queue/utf8.ok\ncolor:blue\n\nafter\0');
    const m = await consumer.frame(2);
    assert.equal(m.body.toString(), 'after', 'the first message the consumer sees is the valid one');
  });
});
