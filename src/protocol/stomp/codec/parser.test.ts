import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeFrame } from './encoder.js';
import { StompFrameError } from './errors.js';
import type { StompFrame, StompVersion } from './frame.js';
import type { StompLimits } from './limits.js';
import { StompParser } from './parser.js';

interface Plain {
  command: string;
  headers: [string, string][];
  body: string;
}

function plain(f: StompFrame): Plain {
  return { command: f.command, headers: [...f.headers], body: f.body.toString('latin1') };
}

/** Parses `input` fed as the given chunks; returns frames or the error. */
function parseChunks(chunks: Buffer[], version: StompVersion = '1.2', limits: Partial<StompLimits> = {}) {
  const parser = new StompParser(limits);
  parser.version = version;
  const frames: Plain[] = [];
  try {
    for (const c of chunks) parser.push(c, (f) => frames.push(plain(f)));
  } catch (e) {
    return { frames, error: e as Error };
  }
  return { frames, error: null };
}

/** Every split into two pieces, plus one byte at a time. */
function splits(input: Buffer): Buffer[][] {
  const out: Buffer[][] = [[input]];
  for (let i = 1; i < input.length; i++) out.push([input.subarray(0, i), input.subarray(i)]);
  out.push([...input].map((b) => Buffer.from([b])));
  return out;
}

function assertSplitInvariant(input: Buffer, version: StompVersion = '1.2', limits: Partial<StompLimits> = {}) {
  const whole = parseChunks([input], version, limits);
  for (const chunks of splits(input)) {
    const r = parseChunks(chunks, version, limits);
    assert.deepEqual(r.frames, whole.frames, `split at ${chunks[0]!.length}`);
    assert.equal(r.error?.message, whole.error?.message, `split at ${chunks[0]!.length}`);
  }
  return whole;
}

const b = (s: string) => Buffer.from(s, 'latin1');

describe('StompParser', () => {
  const cases: [string, string, StompVersion, Plain[]][] = [
    [
      'CONNECT with headers',
      'CONNECT\naccept-version:1.2\nhost:localhost\nlogin:a\\b\n\n\0',
      '1.2',
      [
        {
          command: 'CONNECT',
          headers: [
            ['accept-version', '1.2'],
            ['host', 'localhost'],
            ['login', 'a\\b'],
          ],
          body: '',
        },
      ],
    ],
    [
      'SEND with a content-length body containing NUL',
      'SEND\ndestination:/queue/a\ncontent-length:5\n\nab\0cd\0',
      '1.2',
      [
        {
          command: 'SEND',
          headers: [
            ['destination', '/queue/a'],
            ['content-length', '5'],
          ],
          body: 'ab\0cd',
        },
      ],
    ],
    [
      'SEND without content-length ends at the first NUL',
      'SEND\ndestination:/queue/a\n\nhello\0',
      '1.1',
      [{ command: 'SEND', headers: [['destination', '/queue/a']], body: 'hello' }],
    ],
    [
      'heart-beats and CRLF between frames, NUL+EOL terminators',
      '\n\r\n\nSEND\r\ndestination:/queue/a\r\n\r\nx\0\n\n\r\nACK\nid:1\n\n\0\n',
      '1.2',
      [
        { command: 'SEND', headers: [['destination', '/queue/a']], body: 'x' },
        { command: 'ACK', headers: [['id', '1']], body: '' },
      ],
    ],
    [
      '1.2 escapes including \\r',
      'SEND\ndestination:/queue/a\nk\\cey:v\\na\\\\l\\rue\n\n\0',
      '1.2',
      [
        {
          command: 'SEND',
          headers: [
            ['destination', '/queue/a'],
            ['k:ey', 'v\na\\l\rue'],
          ],
          body: '',
        },
      ],
    ],
    [
      '1.1 escapes',
      'SEND\ndestination:/queue/a\nkey:x\\cy\\n\n\n\0',
      '1.1',
      [
        {
          command: 'SEND',
          headers: [
            ['destination', '/queue/a'],
            ['key', 'x:y\n'],
          ],
          body: '',
        },
      ],
    ],
    [
      '1.0 has no escaping and trims values',
      'SEND\ndestination: /queue/a \nkey:x\\cy\n\n\0',
      '1.0',
      [
        {
          command: 'SEND',
          headers: [
            ['destination', '/queue/a'],
            ['key', 'x\\cy'],
          ],
          body: '',
        },
      ],
    ],
    [
      'repeated header: the first wins',
      'SEND\ndestination:/queue/a\ndestination:/queue/b\n\n\0',
      '1.2',
      [{ command: 'SEND', headers: [['destination', '/queue/a']], body: '' }],
    ],
    [
      'value containing colons after the first',
      'SEND\nreply-to:a:b:c\n\n\0',
      '1.0',
      [{ command: 'SEND', headers: [['reply-to', 'a:b:c']], body: '' }],
    ],
    [
      'zero content-length',
      'SEND\ncontent-length:0\n\n\0',
      '1.2',
      [{ command: 'SEND', headers: [['content-length', '0']], body: '' }],
    ],
    [
      'CONNECT is never unescaped',
      'STOMP\nlogin:a\\cb\n\n\0',
      '1.2',
      [{ command: 'STOMP', headers: [['login', 'a\\cb']], body: '' }],
    ],
  ];
  for (const [name, input, version, expected] of cases) {
    it(`${name}: same frames at every split`, () => {
      const r = assertSplitInvariant(b(input), version);
      assert.equal(r.error, null);
      assert.deepEqual(r.frames, expected);
    });
  }

  it('UTF-8 header values and bodies', () => {
    const input = Buffer.from('SEND\ndestination:/queue/ü\n\nnaïve ☃\0', 'utf8');
    const parser = new StompParser();
    const frames: StompFrame[] = [];
    parser.push(input, (f) => frames.push(f));
    assert.equal(frames[0]!.headers.get('destination'), '/queue/ü');
    assert.equal(frames[0]!.body.toString('utf8'), 'naïve ☃');
  });

  const errors: [string, string, StompVersion, Partial<StompLimits>, string, string][] = [
    [
      'command too long',
      'X'.repeat(30) + '\n\n\0',
      '1.2',
      { maxCommandLength: 20 },
      'ERR_STOMP_COMMAND_TOO_LONG',
      'The maximum command length was exceeded',
    ],
    [
      'header too long',
      'SEND\nk:' + 'v'.repeat(40) + '\n\n\0',
      '1.2',
      { maxHeaderLength: 20 },
      'ERR_STOMP_HEADER_TOO_LONG',
      'The maximum header length was exceeded',
    ],
    [
      'too many headers',
      'SEND\na:1\nb:2\nc:3\n\n\0',
      '1.2',
      { maxHeaders: 2 },
      'ERR_STOMP_TOO_MANY_HEADERS',
      'The maximum number of headers was exceeded',
    ],
    [
      'frame too large in headers',
      'SEND\nkey:' + 'v'.repeat(100) + '\n\n\0',
      '1.2',
      { maxFrameSize: 50 },
      'ERR_STOMP_FRAME_TOO_LARGE',
      'The maximum frame size was exceeded while processing headers.',
    ],
    [
      'frame too large by content-length',
      'SEND\ncontent-length:60\n\n',
      '1.2',
      { maxFrameSize: 64 },
      'ERR_STOMP_FRAME_TOO_LARGE',
      'The maximum frame size was exceeded',
    ],
    [
      'frame too large without content-length',
      'SEND\n\n' + 'x'.repeat(100),
      '1.2',
      { maxFrameSize: 64 },
      'ERR_STOMP_FRAME_TOO_LARGE',
      'The maximum frame size was exceeded',
    ],
    [
      'data too large by content-length',
      'SEND\ncontent-length:11\n\n',
      '1.2',
      { maxDataLength: 10 },
      'ERR_STOMP_DATA_TOO_LARGE',
      'The maximum data length was exceeded',
    ],
    [
      'data too large without content-length',
      'SEND\n\n' + 'x'.repeat(11) + '\0',
      '1.2',
      { maxDataLength: 10 },
      'ERR_STOMP_DATA_TOO_LARGE',
      'The maximum data length was exceeded',
    ],
    [
      'negative content-length',
      'SEND\ncontent-length:-1\n\n\0',
      '1.2',
      {},
      'ERR_STOMP_CONTENT_LENGTH',
      'Specified content-length may not be negative',
    ],
    [
      'non-numeric content-length',
      'SEND\ncontent-length:12a\n\n\0',
      '1.2',
      {},
      'ERR_STOMP_CONTENT_LENGTH',
      'Specified content-length is not a valid integer',
    ],
    [
      'content-length over a Java int',
      'SEND\ncontent-length:2147483648\n\n\0',
      '1.2',
      {},
      'ERR_STOMP_CONTENT_LENGTH',
      'Specified content-length is not a valid integer',
    ],
    [
      'no NUL after a counted body',
      'SEND\ncontent-length:2\n\nabc\0',
      '1.2',
      {},
      'ERR_STOMP_MISSING_NUL',
      'content-length bytes were read and there was no trailing null byte',
    ],
    [
      'invalid escape in 1.2',
      'SEND\nk:a\\tb\n\n\0',
      '1.2',
      {},
      'ERR_STOMP_INVALID_ESCAPE',
      'Invalid escape sequence \\t in header [a\\tb] (STOMP 1.2)',
    ],
    [
      '\\r is invalid in 1.1',
      'SEND\nk:a\\rb\n\n\0',
      '1.1',
      {},
      'ERR_STOMP_INVALID_ESCAPE',
      'Invalid escape sequence \\r in header [a\\rb] (STOMP 1.1)',
    ],
    [
      'trailing backslash',
      'SEND\nk:ab\\\n\n\0',
      '1.2',
      {},
      'ERR_STOMP_INVALID_ESCAPE',
      'Invalid escape sequence at end of header in header [ab\\] (STOMP 1.2)',
    ],
    [
      'header without colon',
      'SEND\nnocolon\n\n\0',
      '1.2',
      {},
      'ERR_STOMP_MALFORMED_HEADER',
      "Unable to parse header line [nocolon]: no ':' separator",
    ],
  ];
  for (const [name, input, version, limits, code, message] of errors) {
    it(`rejects ${name} at every split`, () => {
      const r = assertSplitInvariant(b(input), version, limits);
      assert.ok(r.error instanceof StompFrameError, String(r.error));
      assert.equal(r.error.code, code);
      assert.equal(r.error.message, message);
    });
  }

  it('a CRLF line may use one byte beyond the header limit for the CR', () => {
    const line = 'k:' + 'v'.repeat(18);
    const ok = parseChunks([b(`SEND\n${line}\r\n\r\n\0`)], '1.2', { maxHeaderLength: 20 });
    assert.equal(ok.error, null);
    const tooLong = parseChunks([b(`SEND\n${line}v\r\n\r\n\0`)], '1.2', { maxHeaderLength: 20 });
    assert.equal((tooLong.error as StompFrameError).code, 'ERR_STOMP_HEADER_TOO_LONG');
  });

  it('rejects an oversized content-length before any body byte arrives', () => {
    const parser = new StompParser();
    assert.throws(
      () => parser.push(b('SEND\ncontent-length:104857601\n\n'), () => {}),
      /The maximum data length was exceeded/,
    );
  });

  it('refuses a header value that is not UTF-8, naming the header, however the bytes are split', () => {
    const input = Buffer.concat([b('SEND\ndestination:/queue/a'), Buffer.from([0xc3, 0x28]), b('\n\nbody\0')]);
    const r = assertSplitInvariant(input);
    assert.ok(r.error instanceof StompFrameError);
    assert.equal(r.error.code, 'ERR_STOMP_INVALID_UTF8');
    assert.equal(r.error.message, "Invalid UTF-8 in the value of header 'destination'");
    assert.equal(r.frames.length, 0);
  });

  it('refuses a header name that is not UTF-8, for every version and for CONNECT', () => {
    for (const version of ['1.0', '1.1', '1.2'] as const) {
      for (const command of ['SEND', 'CONNECT']) {
        const input = Buffer.concat([b(`${command}\nk`), Buffer.from([0xff]), b(':v\n\n\0')]);
        const r = parseChunks([input], version);
        assert.match(r.error?.message ?? '', /^Invalid UTF-8 in the name of header 'k\uFFFD'$/);
      }
    }
  });

  it('accepts escapes next to multi-byte characters', () => {
    const r = parseChunks([Buffer.from('SEND\nk\\c☃:v\\n😀\n\n\0', 'utf8')]);
    assert.equal(r.error, null);
    assert.equal(r.frames[0]!.headers[0]![1], 'v\n😀');
  });

  it('stays failed after an error', () => {
    const parser = new StompParser({ maxCommandLength: 4 });
    assert.throws(() => parser.push(b('TOOLONG\n'), () => {}), StompFrameError);
    assert.throws(() => parser.push(b('SEND\n\n\0'), () => {}), /maximum command length/);
  });

  it('frames before an error are delivered', () => {
    const r = parseChunks([b('SEND\n\na\0SEND\ncontent-length:x\n\n\0')]);
    assert.deepEqual(r.frames, [{ command: 'SEND', headers: [], body: 'a' }]);
    assert.equal((r.error as StompFrameError).code, 'ERR_STOMP_CONTENT_LENGTH');
  });

  it('is idle between frames only', () => {
    const parser = new StompParser();
    parser.push(b('SEND\n'), () => {});
    assert.equal(parser.idle, false);
    parser.push(b('\n\0\n'), () => {});
    assert.equal(parser.idle, true);
  });

  it('fuzz: random bytes either parse or fail with a StompFrameError', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }),
        fc.constantFrom<StompVersion>('1.0', '1.1', '1.2'),
        (chunks, version) => {
          const parser = new StompParser({
            maxFrameSize: 200,
            maxHeaderLength: 40,
            maxHeaders: 5,
            maxCommandLength: 16,
          });
          parser.version = version;
          try {
            for (const c of chunks) parser.push(c, () => {});
          } catch (e) {
            if (!(e instanceof StompFrameError)) throw e;
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('fuzz: STOMP-like text fails only with a StompFrameError', () => {
    const token = fc.constantFrom(
      'SEND',
      'ACK',
      '\n',
      '\r\n',
      '\0',
      ':',
      '\\',
      '\\c',
      '\\r',
      'content-length:',
      '3',
      '-1',
      'x',
      'destination:/queue/a',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 30 }), fc.integer({ min: 1, max: 7 }), (tokens, step) => {
        const input = b(tokens.join(''));
        const parser = new StompParser({ maxFrameSize: 300 });
        parser.version = '1.2';
        try {
          for (let i = 0; i < input.length; i += step) parser.push(input.subarray(i, i + step), () => {});
        } catch (e) {
          if (!(e instanceof StompFrameError)) throw e;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('round trip: encoded frames parse back identically in any chunking', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    const frameArb = fc.record({
      command: fc.constantFrom('SEND', 'MESSAGE', 'ACK', 'ERROR'),
      headers: fc.uniqueArray(
        fc.tuple(
          text.filter((s) => s.length > 0),
          text,
        ),
        { selector: (h) => h[0], maxLength: 5 },
      ),
      body: fc.uint8Array({ maxLength: 40 }),
    });
    fc.assert(
      fc.property(
        fc.array(frameArb, { minLength: 1, maxLength: 4 }),
        fc.constantFrom<StompVersion>('1.1', '1.2'),
        fc.integer({ min: 1, max: 9 }),
        (frames, version, step) => {
          // 1.1 cannot carry a CR in a header; content-length makes NULs in the body legal.
          const usable = frames.map((f) => ({
            ...f,
            headers: f.headers
              .filter(([k]) => k !== 'content-length')
              .map(
                ([k, v]) =>
                  [version === '1.1' ? k.replace(/\r/g, '') : k, version === '1.1' ? v.replace(/\r/g, '') : v] as [
                    string,
                    string,
                  ],
              )
              .filter(([k]) => k.length > 0),
          }));
          const wire = Buffer.concat(
            usable.map((f) =>
              encodeFrame(f.command, [...f.headers, ['content-length', String(f.body.length)]], f.body, version),
            ),
          );
          const parser = new StompParser();
          parser.version = version;
          const got: StompFrame[] = [];
          for (let i = 0; i < wire.length; i += step) parser.push(wire.subarray(i, i + step), (f) => got.push(f));
          assert.equal(got.length, usable.length);
          usable.forEach((f, i) => {
            const g = got[i]!;
            assert.equal(g.command, f.command);
            const firstWins = new Map<string, string>();
            for (const [k, v] of f.headers) if (!firstWins.has(k)) firstWins.set(k, v);
            firstWins.set('content-length', firstWins.get('content-length') ?? String(f.body.length));
            assert.deepEqual(new Map(g.headers), firstWins);
            assert.deepEqual(new Uint8Array(g.body), f.body);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
