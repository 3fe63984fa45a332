/**
 * The little STOMP 1.2 the benchmark's Node load generator needs: encode a frame, and a resumable decoder that
 * accepts bytes in any split. Written here rather than taken from @stomp/stompjs because stompjs is built for
 * WebSockets and adds per-frame work that would make the generator, not the broker, the bottleneck.
 *
 * STOMP 1.2 (https://stomp.github.io/stomp-specification-1.2.html): COMMAND EOL, header lines `name:value` EOL,
 * a blank line, the body, then a NUL. A `content-length` header gives the body size; without it the body ends at
 * the first NUL. EOLs between frames are heart-beats. Header values escape `\` `:` LF and CR as `\\` `\c` `\n` `\r`.
 */
export interface Frame {
  command: string;
  headers: Map<string, string>;
  body: Buffer;
}

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;

export const limits = { maxHeaderBytes: 64 * 1024, maxBodyBytes: 16 * 1024 * 1024 };

function escapeHeader(s: string): string {
  return s.replace(/[\\:\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === ':' ? '\\c' : c === '\n' ? '\\n' : '\\r'));
}

function unescapeHeader(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(.)/g, (_m, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'c') return ':';
    if (c === 'n') return '\n';
    if (c === 'r') return '\r';
    // [STOMP 1.2 "Value Encoding"]: an undefined escape is a fatal protocol error.
    throw new Error(`bad escape \\${c} in a STOMP header`);
  });
}

/** Encodes a frame; a body always gets a content-length so it may contain NUL bytes. */
export function encodeFrame(command: string, headers: Record<string, string | number>, body?: Buffer): Buffer {
  let head = command + '\n';
  for (const [k, v] of Object.entries(headers)) head += escapeHeader(k) + ':' + escapeHeader(String(v)) + '\n';
  if (body !== undefined) head += 'content-length:' + body.length + '\n';
  head += '\n';
  const h = Buffer.from(head, 'utf8');
  if (body === undefined || body.length === 0) return Buffer.concat([h, Buffer.from([NUL])]);
  return Buffer.concat([h, body, Buffer.from([NUL])]);
}

/** Resumable decoder: push() any slice of the stream, get back the frames it completed. */
export class FrameDecoder {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const frames: Frame[] = [];
    for (;;) {
      const f = this.next();
      if (f === undefined) break;
      frames.push(f);
    }
    return frames;
  }

  private next(): Frame | undefined {
    let start = 0;
    // Heart-beats: EOLs between frames.
    while (start < this.buf.length && (this.buf[start] === LF || this.buf[start] === CR)) start++;
    if (start > 0) this.buf = this.buf.subarray(start);
    // Walk the header lines; a line that is empty (or a lone CR) ends the headers.
    const lines: string[] = [];
    let pos = 0;
    let bodyStart = -1;
    while (bodyStart < 0) {
      const nl = this.buf.indexOf(LF, pos);
      if (nl < 0 || nl > limits.maxHeaderBytes) {
        if (this.buf.length > limits.maxHeaderBytes) throw new Error('STOMP frame header too large');
        return undefined;
      }
      const lineEnd = nl > pos && this.buf[nl - 1] === CR ? nl - 1 : nl;
      if (lineEnd === pos && lines.length > 0) bodyStart = nl + 1;
      else lines.push(this.buf.toString('utf8', pos, lineEnd));
      pos = nl + 1;
    }
    const command = lines[0] ?? '';
    if (!/^[A-Z]+$/.test(command)) throw new Error(`bad STOMP command '${command.slice(0, 20)}'`);
    const headers = new Map<string, string>();
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) throw new Error(`bad STOMP header line '${line.slice(0, 40)}'`);
      const k = unescapeHeader(line.slice(0, colon));
      // [STOMP 1.2 "Repeated Header Entries"]: the first occurrence wins.
      if (!headers.has(k)) headers.set(k, unescapeHeader(line.slice(colon + 1)));
    }
    const cl = headers.get('content-length');
    let bodyEnd: number;
    if (cl !== undefined) {
      const n = Number(cl);
      if (!/^\d+$/.test(cl) || n > limits.maxBodyBytes) throw new Error(`bad content-length '${cl.slice(0, 20)}'`);
      if (this.buf.length < bodyStart + n + 1) return undefined;
      bodyEnd = bodyStart + n;
      if (this.buf[bodyEnd] !== NUL) throw new Error('STOMP frame body not followed by NUL');
    } else {
      bodyEnd = this.buf.indexOf(NUL, bodyStart);
      if (bodyEnd < 0) {
        if (this.buf.length - bodyStart > limits.maxBodyBytes) throw new Error('STOMP frame body too large');
        return undefined;
      }
    }
    // Copy the body: the decoder's buffer is reused and must not be pinned by a frame the caller keeps.
    const body = Buffer.from(this.buf.subarray(bodyStart, bodyEnd));
    this.buf = this.buf.subarray(bodyEnd + 1);
    return { command, headers, body };
  }
}
