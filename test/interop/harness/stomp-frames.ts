/**
 * A small STOMP 1.2 frame codec for the interop tests: enough to check what a broker puts on the wire (including
 * whether a content-length header is present), which a full client library would hide.
 */

export interface StompFrame {
  readonly command: string;
  /** Header names in arrival order; a repeated header keeps its first value (STOMP 1.2 "Repeated Header Entries"). */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

/** Largest frame the parser accepts; the 5 MiB scenario does not go through STOMP. */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;
const MAX_HEADER_BYTES = 64 * 1024;

const ESCAPES: Record<string, string> = { '\\\\': '\\', '\\n': '\n', '\\r': '\r', '\\c': ':' };

/** Decodes a header name or value (STOMP 1.2 "Value Encoding"; CONNECT and CONNECTED frames are not escaped). */
export function unescapeHeader(text: string, command: string): string {
  if (command === 'CONNECT' || command === 'CONNECTED') return text;
  return text.replace(/\\./g, (pair) => {
    const decoded = ESCAPES[pair];
    if (decoded === undefined) throw new Error(`STOMP: undefined escape sequence ${pair} in header '${text}'`);
    return decoded;
  });
}

export function escapeHeader(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/:/g, '\\c');
}

/**
 * Encodes a client frame. Without `contentLength` the body must not contain NUL, since the frame then ends at the
 * first NUL; ActiveMQ reads such a frame as a TextMessage and a frame with content-length as a BytesMessage.
 */
export function encodeFrame(
  command: string,
  headers: Readonly<Record<string, string>>,
  body: Buffer | string = '',
  opts: { contentLength?: boolean } = {},
): Buffer {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const escape = command === 'CONNECT' ? (s: string) => s : escapeHeader;
  const lines = [command];
  for (const [name, value] of Object.entries(headers)) lines.push(`${escape(name)}:${escape(value)}`);
  if (opts.contentLength === true) lines.push(`content-length:${payload.length}`);
  else if (payload.includes(0)) throw new Error('STOMP: a body with NUL bytes needs a content-length header');
  return Buffer.concat([Buffer.from(`${lines.join('\n')}\n\n`, 'utf8'), payload, Buffer.from([0])]);
}

/** Incremental parser: feed it socket chunks, get complete frames. Heart-beat EOLs between frames are skipped. */
export class StompFrameParser {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): StompFrame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: StompFrame[] = [];
    for (;;) {
      const frame = this.next();
      if (frame === undefined) return frames;
      frames.push(frame);
    }
  }

  private next(): StompFrame | undefined {
    let start = 0;
    while (start < this.buffer.length && (this.buffer[start] === 0x0a || this.buffer[start] === 0x0d)) start++;
    if (start > 0) this.buffer = this.buffer.subarray(start);
    const headerEnd = findHeaderEnd(this.buffer);
    if (headerEnd === undefined) {
      if (this.buffer.length > MAX_HEADER_BYTES)
        throw new Error(`STOMP: frame headers exceed ${MAX_HEADER_BYTES} bytes`);
      return undefined;
    }
    const lines = this.buffer
      .subarray(0, headerEnd.at)
      .toString('utf8')
      .split('\n')
      .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
    const command = lines.shift() ?? '';
    if (!/^[A-Z]+$/.test(command)) throw new Error(`STOMP: bad command line '${command.slice(0, 40)}'`);
    const headers = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new Error(`STOMP: bad header line '${line.slice(0, 80)}'`);
      const name = unescapeHeader(line.slice(0, colon), command);
      if (!headers.has(name)) headers.set(name, unescapeHeader(line.slice(colon + 1), command));
    }
    const bodyStart = headerEnd.at + headerEnd.length;
    const declared = headers.get('content-length');
    let bodyEnd: number;
    if (declared !== undefined) {
      if (!/^\d+$/.test(declared)) throw new Error(`STOMP: bad content-length '${declared}'`);
      const length = Number(declared);
      if (length > MAX_FRAME_BYTES) throw new Error(`STOMP: content-length ${length} exceeds ${MAX_FRAME_BYTES}`);
      if (this.buffer.length < bodyStart + length + 1) return undefined;
      bodyEnd = bodyStart + length;
      if (this.buffer[bodyEnd] !== 0) throw new Error('STOMP: frame body not followed by NUL');
    } else {
      const nul = this.buffer.indexOf(0, bodyStart);
      if (nul < 0) {
        if (this.buffer.length - bodyStart > MAX_FRAME_BYTES) throw new Error(`STOMP: body exceeds ${MAX_FRAME_BYTES}`);
        return undefined;
      }
      bodyEnd = nul;
    }
    const body = Buffer.from(this.buffer.subarray(bodyStart, bodyEnd));
    this.buffer = this.buffer.subarray(bodyEnd + 1);
    return { command, headers, body };
  }
}

/** Where the blank line after the headers is: LF LF, or CR LF CR LF (STOMP 1.2 allows CRLF line ends). */
function findHeaderEnd(buffer: Buffer): { at: number; length: number } | undefined {
  for (let i = 0; i < buffer.length - 1; i++) {
    if (buffer[i] !== 0x0a) continue;
    if (buffer[i + 1] === 0x0a) return { at: i, length: 2 };
    if (buffer[i + 1] === 0x0d && buffer[i + 2] === 0x0a) return { at: i, length: 3 };
  }
  return undefined;
}
