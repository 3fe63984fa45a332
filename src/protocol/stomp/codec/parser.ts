import { isUtf8 } from 'node:buffer';
import { decodeHeaderBytes } from './escape.js';
import { StompFrameError } from './errors.js';
import { EMPTY_BODY, isUnescapedCommand, type StompFrame, type StompVersion } from './frame.js';
import { defaultStompLimits, type StompLimits } from './limits.js';

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const COLON = 0x3a;

const enum State {
  /** Between frames: EOLs are heart-beats, stray NULs after a frame are skipped as ActiveMQ's StompCodec does. */
  AwaitCommand,
  Command,
  Header,
  /** Body sized by content-length. */
  BodyCounted,
  /** Body ended by the first NUL. */
  BodyToNul,
  /** The NUL that must follow a counted body. */
  FrameEnd,
}

/**
 * A resumable STOMP frame parser: feed it chunks of any size and it calls `onFrame` for each complete frame,
 * in order. Every limit is checked before the bytes it guards are kept, so a peer cannot make it buffer more
 * than the limits allow. A failure throws a StompFrameError, and the parser stays failed (the connection is
 * expected to close, as ActiveMQ's wire format refuses further data after a fatal error).
 */
export class StompParser {
  /** Governs header unescaping; the converter sets it once CONNECT has negotiated the version. */
  version: StompVersion = '1.0';

  private readonly limits: StompLimits;
  private state = State.AwaitCommand;
  private failure: StompFrameError | null = null;

  /** Parts of a line that spans chunks; a line inside one chunk is read in place. */
  private lineParts: Buffer[] = [];
  private lineLength = 0;

  private command = '';
  private headers = new Map<string, string>();
  private headerCount = 0;
  private frameSize = 0;
  private contentLength = -1;
  private bodyParts: Buffer[] = [];
  private bodyLength = 0;

  constructor(limits: Partial<StompLimits> = {}) {
    this.limits = { ...defaultStompLimits, ...limits };
  }

  /** True when no partial frame is buffered. */
  get idle(): boolean {
    return this.state === State.AwaitCommand;
  }

  /** Reads as much of `chunk` as completes frames; keeps the rest for the next call. */
  push(chunk: Uint8Array, onFrame: (frame: StompFrame) => void): void {
    if (this.failure !== null) throw this.failure;
    try {
      this.consume(
        Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
        onFrame,
      );
    } catch (e) {
      if (e instanceof StompFrameError) this.failure = e;
      throw e;
    }
  }

  private consume(buf: Buffer, onFrame: (frame: StompFrame) => void): void {
    let pos = 0;
    const end = buf.length;
    while (pos < end) {
      switch (this.state) {
        case State.AwaitCommand: {
          const b = buf[pos]!;
          if (b === LF || b === CR || b === NUL) {
            pos++;
            break;
          }
          this.state = State.Command;
          break;
        }
        case State.Command:
        case State.Header: {
          const nl = buf.indexOf(LF, pos);
          const segEnd = nl < 0 ? end : nl;
          const isCommand = this.state === State.Command;
          const max = isCommand ? this.limits.maxCommandLength : this.limits.maxHeaderLength;
          const length = this.lineLength + (segEnd - pos);
          // One extra byte is allowed for the CR of a CRLF line ending.
          if (length > max + 1 || (length === max + 1 && this.lastLineByte(buf, pos, segEnd) !== CR)) {
            throw isCommand
              ? new StompFrameError('ERR_STOMP_COMMAND_TOO_LONG', 'The maximum command length was exceeded')
              : new StompFrameError(
                  'ERR_STOMP_HEADER_TOO_LONG',
                  'The maximum header length was exceeded',
                  this.command,
                );
          }
          this.addFrameBytes(segEnd - pos + (nl < 0 ? 0 : 1), true);
          if (nl < 0) {
            this.lineParts.push(buf.subarray(pos, end));
            this.lineLength = length;
            pos = end;
            break;
          }
          let line: Buffer;
          let start: number;
          if (this.lineParts.length === 0) {
            line = buf;
            start = pos;
          } else {
            this.lineParts.push(buf.subarray(pos, nl));
            line = Buffer.concat(this.lineParts, length);
            start = 0;
            this.lineParts = [];
          }
          let stop = start + length;
          if (stop > start && line[stop - 1] === CR) stop--;
          this.lineLength = 0;
          pos = nl + 1;
          if (isCommand) this.onCommandLine(line, start, stop);
          else if (stop === start) this.onHeadersEnd();
          else this.onHeaderLine(line, start, stop);
          break;
        }
        case State.BodyCounted: {
          const take = Math.min(this.contentLength - this.bodyLength, end - pos);
          this.bodyParts.push(buf.subarray(pos, pos + take));
          this.bodyLength += take;
          pos += take;
          if (this.bodyLength === this.contentLength) this.state = State.FrameEnd;
          break;
        }
        case State.BodyToNul: {
          const nul = buf.indexOf(NUL, pos);
          const segEnd = nul < 0 ? end : nul;
          const take = segEnd - pos;
          if (this.bodyLength + take > this.limits.maxDataLength) {
            throw new StompFrameError('ERR_STOMP_DATA_TOO_LARGE', 'The maximum data length was exceeded', this.command);
          }
          this.addFrameBytes(take, false);
          if (take > 0) this.bodyParts.push(buf.subarray(pos, segEnd));
          this.bodyLength += take;
          pos = segEnd;
          if (nul >= 0) {
            pos++;
            this.emit(onFrame);
          }
          break;
        }
        case State.FrameEnd: {
          if (buf[pos] !== NUL) {
            throw new StompFrameError(
              'ERR_STOMP_MISSING_NUL',
              'content-length bytes were read and there was no trailing null byte',
              this.command,
            );
          }
          pos++;
          this.emit(onFrame);
          break;
        }
      }
    }
  }

  private lastLineByte(buf: Buffer, pos: number, segEnd: number): number | undefined {
    if (segEnd > pos) return buf[segEnd - 1];
    const last = this.lineParts[this.lineParts.length - 1];
    return last === undefined ? undefined : last[last.length - 1];
  }

  private addFrameBytes(n: number, inHeaders: boolean): void {
    this.frameSize += n;
    if (this.frameSize > this.limits.maxFrameSize) {
      throw new StompFrameError(
        'ERR_STOMP_FRAME_TOO_LARGE',
        inHeaders
          ? 'The maximum frame size was exceeded while processing headers.'
          : 'The maximum frame size was exceeded',
        this.command === '' ? null : this.command,
      );
    }
  }

  private onCommandLine(line: Buffer, start: number, stop: number): void {
    // ActiveMQ trims the command line and treats a blank one as more heart-beat EOLs.
    const command = line.toString('utf8', start, stop).trim();
    if (command.length === 0) {
      this.state = State.AwaitCommand;
      this.frameSize = 0;
      return;
    }
    this.command = command;
    this.state = State.Header;
  }

  private onHeaderLine(line: Buffer, start: number, stop: number): void {
    if (this.headerCount >= this.limits.maxHeaders) {
      throw new StompFrameError(
        'ERR_STOMP_TOO_MANY_HEADERS',
        'The maximum number of headers was exceeded',
        this.command,
      );
    }
    this.headerCount++;
    const colon = line.indexOf(COLON, start);
    if (colon < 0 || colon >= stop) {
      throw new StompFrameError(
        'ERR_STOMP_MALFORMED_HEADER',
        `Unable to parse header line [${line.toString('utf8', start, stop)}]: no ':' separator`,
        this.command,
      );
    }
    const escaping = isUnescapedCommand(this.command) ? null : this.version;
    // [STOMP 1.2] "The commands and headers are encoded in UTF-8". Decoding malformed bytes would turn them into
    // U+FFFD and deliver a destination or property nobody sent, so the frame is refused and the header named.
    // Escapes are ASCII, so checking the raw bytes is checking the decoded text.
    if (!isUtf8(line.subarray(start, stop))) this.invalidUtf8(line, start, colon);
    const name = decodeHeaderBytes(line, start, colon, escaping);
    let value = decodeHeaderBytes(line, colon + 1, stop, escaping);
    // STOMP 1.0 clients pad values with spaces; ActiveMQ trims them for 1.0 only.
    if (this.version === '1.0') value = value.trim();
    if (!this.headers.has(name)) this.headers.set(name, value);
  }

  private invalidUtf8(line: Buffer, start: number, colon: number): never {
    const nameOk = isUtf8(line.subarray(start, colon));
    // The name is shown as received (lossily decoded) when it is the culprit; control bytes are not echoed.
    const name = line.toString('utf8', start, colon).replace(/[\u0000-\u001f\u007f]/g, '?');
    throw new StompFrameError(
      'ERR_STOMP_INVALID_UTF8',
      nameOk ? `Invalid UTF-8 in the value of header '${name}'` : `Invalid UTF-8 in the name of header '${name}'`,
      this.command,
    );
  }

  private onHeadersEnd(): void {
    const declared = this.headers.get('content-length');
    if (declared === undefined) {
      this.state = State.BodyToNul;
      return;
    }
    const length = parseContentLength(declared, this.command);
    if (length > this.limits.maxDataLength) {
      throw new StompFrameError('ERR_STOMP_DATA_TOO_LARGE', 'The maximum data length was exceeded', this.command);
    }
    // Checked now, before a single body byte is kept.
    this.addFrameBytes(length, false);
    this.contentLength = length;
    this.state = length === 0 ? State.FrameEnd : State.BodyCounted;
  }

  private emit(onFrame: (frame: StompFrame) => void): void {
    const parts = this.bodyParts;
    const body =
      this.bodyLength === 0 ? EMPTY_BODY : parts.length === 1 ? parts[0]! : Buffer.concat(parts, this.bodyLength);
    const frame: StompFrame = { command: this.command, headers: this.headers, body };
    this.state = State.AwaitCommand;
    this.command = '';
    this.headers = new Map();
    this.headerCount = 0;
    this.frameSize = 0;
    this.contentLength = -1;
    this.bodyParts = [];
    this.bodyLength = 0;
    onFrame(frame);
  }
}

/**
 * content-length as ActiveMQ reads it (Integer.parseInt of the trimmed value): an optional sign and decimal
 * digits that fit a Java int. Its error texts are kept.
 */
export function parseContentLength(text: string, command: string | null = null): number {
  const t = text.trim();
  if (!/^[+-]?\d{1,10}$/.test(t)) {
    throw new StompFrameError('ERR_STOMP_CONTENT_LENGTH', 'Specified content-length is not a valid integer', command);
  }
  const n = Number(t);
  if (n > 2_147_483_647 || n < -2_147_483_648) {
    throw new StompFrameError('ERR_STOMP_CONTENT_LENGTH', 'Specified content-length is not a valid integer', command);
  }
  if (n < 0) {
    throw new StompFrameError('ERR_STOMP_CONTENT_LENGTH', 'Specified content-length may not be negative', command);
  }
  return n;
}
