import { StompFrameError } from './errors.js';
import type { StompVersion } from './frame.js';

const BACKSLASH = 0x5c;

/**
 * Decodes one header name or value from its wire bytes.
 *
 * [STOMP 1.1] defines `\n`, `\c` and `\\`; [STOMP 1.2] adds `\r` and says any other escape "MUST be treated
 * as a fatal protocol error". STOMP 1.0 has no escaping, so a backslash is just a byte there. (ActiveMQ
 * passes unknown escapes through; the spec's stricter rule is followed here.)
 */
export function decodeHeaderBytes(bytes: Buffer, start: number, end: number, version: StompVersion | null): string {
  if (version === null || version === '1.0') return bytes.toString('utf8', start, end);
  let i = bytes.indexOf(BACKSLASH, start);
  if (i < 0 || i >= end) return bytes.toString('utf8', start, end);
  const out = Buffer.allocUnsafe(end - start);
  let n = bytes.copy(out, 0, start, i);
  while (i < end) {
    const b = bytes[i]!;
    if (b !== BACKSLASH) {
      out[n++] = b;
      i++;
      continue;
    }
    const next = i + 1 < end ? bytes[i + 1]! : -1;
    let decoded: number;
    if (next === 0x6e)
      decoded = 0x0a; // \n
    else if (next === 0x63)
      decoded = 0x3a; // \c
    else if (next === BACKSLASH) decoded = BACKSLASH;
    else if (next === 0x72 && version === '1.2')
      decoded = 0x0d; // \r, 1.2 only
    else {
      const shown = next < 0 ? 'at end of header' : `\\${String.fromCharCode(next)}`;
      throw new StompFrameError(
        'ERR_STOMP_INVALID_ESCAPE',
        `Invalid escape sequence ${shown} in header [${bytes.toString('utf8', start, end)}] (STOMP ${version})`,
      );
    }
    out[n++] = decoded;
    i += 2;
  }
  return out.toString('utf8', 0, n);
}

const needs11 = /[\\\n:]/;
const needs12 = /[\\\n:\r]/;

/** Escapes a header name or value for the given version; 1.0 and CONNECT/CONNECTED frames are left as is. */
export function encodeHeaderText(text: string, version: StompVersion | null): string {
  if (version === null || version === '1.0') return text;
  const re = version === '1.2' ? needs12 : needs11;
  if (!re.test(text)) return text;
  let out = '';
  for (const ch of text) {
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case ':':
        out += '\\c';
        break;
      case '\r':
        out += version === '1.2' ? '\\r' : ch;
        break;
      default:
        out += ch;
    }
  }
  return out;
}
