import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, FrameDecoder, limits } from './frame.js';

function frames(): Buffer {
  return Buffer.concat([
    Buffer.from('\n'),
    encodeFrame('MESSAGE', { destination: '/queue/a', 'x:y': 'line\nbreak\\', seq: 7 }, Buffer.from([1, 0, 2])),
    Buffer.from('\r\n'),
    Buffer.from('RECEIPT\r\nreceipt-id:9\r\n\r\n\0'),
    Buffer.from('ERROR\nmessage:no\n\nplain body\0'),
  ]);
}

function check(decoded: ReturnType<FrameDecoder['push']>): void {
  assert.equal(decoded.length, 3);
  const [m, r, e] = decoded;
  assert.equal(m!.command, 'MESSAGE');
  assert.equal(m!.headers.get('x:y'), 'line\nbreak\\');
  assert.equal(m!.headers.get('seq'), '7');
  assert.deepEqual([...m!.body], [1, 0, 2]);
  assert.equal(r!.command, 'RECEIPT');
  assert.equal(r!.headers.get('receipt-id'), '9');
  assert.equal(e!.body.toString(), 'plain body');
}

test('decodes the same bytes split at every point', () => {
  const all = frames();
  for (let i = 0; i <= all.length; i++) {
    const d = new FrameDecoder();
    check([...d.push(all.subarray(0, i)), ...d.push(all.subarray(i))]);
  }
});

test('decodes byte by byte', () => {
  const d = new FrameDecoder();
  const out = [];
  for (const b of frames()) out.push(...d.push(Buffer.from([b])));
  check(out);
});

test('the first of repeated headers wins', () => {
  const [f] = new FrameDecoder().push(Buffer.from('MESSAGE\na:1\na:2\n\n\0'));
  assert.equal(f!.headers.get('a'), '1');
});

test('rejects bad input with a clear error instead of allocating', () => {
  assert.throws(() => new FrameDecoder().push(Buffer.from('lower\n\n\0')), /bad STOMP command/);
  assert.throws(() => new FrameDecoder().push(Buffer.from('SEND\nnocolon\n\n\0')), /bad STOMP header line/);
  assert.throws(() => new FrameDecoder().push(Buffer.from('SEND\na:\\t\n\n\0')), /bad escape/);
  assert.throws(
    () => new FrameDecoder().push(Buffer.from(`SEND\ncontent-length:${limits.maxBodyBytes + 1}\n\n`)),
    /bad content-length/,
  );
  assert.throws(() => new FrameDecoder().push(Buffer.from('SEND\ncontent-length:1\n\nxy')), /not followed by NUL/);
  assert.throws(() => new FrameDecoder().push(Buffer.alloc(limits.maxHeaderBytes + 2, 0x41)), /header too large/);
});
