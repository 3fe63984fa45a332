import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeFrame, encodeHead } from './encoder.js';
import { encodeHeaderText } from './escape.js';

describe('STOMP encoder', () => {
  it('writes command, headers, blank line, body, NUL and EOL', () => {
    const f = encodeFrame(
      'MESSAGE',
      [
        ['destination', '/queue/a'],
        ['content-length', '3'],
      ],
      Buffer.from('a\0b'),
      '1.2',
    );
    assert.equal(f.toString('latin1'), 'MESSAGE\ndestination:/queue/a\ncontent-length:3\n\na\0b\0\n');
  });

  it('escapes per version', () => {
    assert.equal(encodeHeaderText('a:b\nc\\d\re', '1.0'), 'a:b\nc\\d\re');
    assert.equal(encodeHeaderText('a:b\nc\\d\re', '1.1'), 'a\\cb\\nc\\\\d\re');
    assert.equal(encodeHeaderText('a:b\nc\\d\re', '1.2'), 'a\\cb\\nc\\\\d\\re');
  });

  it('never escapes CONNECTED', () => {
    assert.equal(encodeHead('CONNECTED', [['server', 'a:b']], '1.2'), 'CONNECTED\nserver:a:b\n\n');
    assert.equal(encodeHead('RECEIPT', [['receipt-id', 'a:b']], '1.2'), 'RECEIPT\nreceipt-id:a\\cb\n\n');
  });

  it('encodes UTF-8 headers by byte length', () => {
    const f = encodeFrame('SEND', [['k', 'ü☃']], null, '1.2');
    assert.equal(f.toString('utf8'), 'SEND\nk:ü☃\n\n\0\n');
  });
});
