import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeFrame, escapeHeader, MAX_FRAME_BYTES, StompFrameParser, unescapeHeader } from './stomp-frames.js';

const MESSAGE = Buffer.concat([
  Buffer.from('\n\nMESSAGE\ndestination:/queue/a\ncontent-length:3\nkey:a\\cb\\nc\nkey:second\n\n'),
  Buffer.from([0, 1, 2, 0]),
  Buffer.from('\nMESSAGE\r\ndestination:/queue/b\r\n\r\nhello ✓\0'),
]);

test('parses frames split at every byte boundary', () => {
  for (let split = 0; split <= MESSAGE.length; split++) {
    const parser = new StompFrameParser();
    const frames = [...parser.push(MESSAGE.subarray(0, split)), ...parser.push(MESSAGE.subarray(split))];
    assert.equal(frames.length, 2, `split at ${split}`);
    const [bytes, text] = frames;
    assert.deepEqual(bytes!.body, Buffer.from([0, 1, 2]), 'content-length body may hold NUL');
    assert.equal(bytes!.headers.get('key'), 'a:b\nc', 'escapes decoded, first repeated header wins');
    assert.equal(text!.headers.get('destination'), '/queue/b', 'CRLF line ends');
    assert.equal(text!.headers.has('content-length'), false);
    assert.equal(text!.body.toString('utf8'), 'hello ✓');
  }
});

test('rejects bad content-length, oversized frames and undefined escapes', () => {
  assert.throws(() => new StompFrameParser().push(Buffer.from('MESSAGE\ncontent-length:x\n\n\0')), /content-length/);
  assert.throws(
    () => new StompFrameParser().push(Buffer.from(`MESSAGE\ncontent-length:${MAX_FRAME_BYTES + 1}\n\n`)),
    /exceeds/,
  );
  assert.throws(() => new StompFrameParser().push(Buffer.from('MESSAGE\nk:\\t\n\n\0')), /escape/);
  assert.throws(() => new StompFrameParser().push(Buffer.from('MESSAGE\nk:v\n\nab\0x\n\n')), /bad command/);
  assert.throws(() => new StompFrameParser().push(Buffer.alloc(70 * 1024, 0x41)), /headers exceed/);
});

test('encodes frames with escaped headers and optional content-length', () => {
  const frame = encodeFrame('SEND', { 'a:b': 'x\ny' }, Buffer.from([0, 9]), { contentLength: true });
  assert.deepEqual(frame, Buffer.from('SEND\na\\cb:x\\ny\ncontent-length:2\n\n\0\x09\0', 'latin1'));
  assert.deepEqual(encodeFrame('CONNECT', { host: 'a:b' }), Buffer.from('CONNECT\nhost:a:b\n\n\0'));
  assert.throws(() => encodeFrame('SEND', {}, Buffer.from([0])), /NUL/);
  assert.equal(unescapeHeader(escapeHeader('a\\b:c\r\n'), 'MESSAGE'), 'a\\b:c\r\n');
});
